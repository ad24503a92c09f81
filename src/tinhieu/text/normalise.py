"""Unicode normalisation and diacritic folding.

Pure functions; no I/O. The NLP work extends this module with teencode and
repeated-letter normalisation.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

_D_MAP: Final[dict[int, str]] = {ord("đ"): "d", ord("Đ"): "D"}


def nfc(text: str) -> str:
    """Compose ``text`` to NFC (decomposed input from macOS or old keyboards included)."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold(text: str) -> str:
    """Remove diacritics: "Giao hàng Đà Nẵng" -> "Giao hang Da Nang".

    Works on composed and decomposed input alike; case is kept.
    """
    if text.isascii():
        return text
    if len(text) <= 64:
        return _fold_cached(text)
    return _fold_cached.__wrapped__(text)


def nfc_fast(text: str) -> str:
    """NFC, skipping the work for text that is already composed (the common case)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def is_nfc(arr: pa.Array | pa.ChunkedArray) -> bool:
    """True when every value of the string column ``arr`` is known to be NFC, checked
    once over the column's whole UTF-8 buffer.

    If the concatenation of the values is NFC, so is each value (a value that is not NFC
    keeps the offending sequence inside any concatenation; a boundary can only make the
    whole look *not* normalised, which just gives False). False also for columns that
    are not strings.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) == 0:
        return True
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return False
    width = np.int32 if pa.types.is_string(arr.type) else np.int64
    offsets = np.frombuffer(arr.buffers()[1], dtype=width)[arr.offset : arr.offset + len(arr) + 1]
    data = arr.buffers()[2]
    if data is None:  # all values empty or NULL
        return True
    start, end = int(offsets[0]), int(offsets[-1])
    if surely_nfc_utf8(np.frombuffer(data, np.uint8)[start:end]):
        return True
    whole = memoryview(data)[start:end].tobytes().decode("utf-8")
    return whole.isascii() or unicodedata.is_normalized("NFC", whole)


# --- a byte-level NFC check, without decoding ------------------------------------------
#
# Text made only of characters with canonical combining class 0 and NFC_Quick_Check=Yes
# is NFC (the Unicode quick check answers YES for it, and YES is definitive). Such
# characters are "safe" here; the others are combining marks, characters that compose
# with a preceding one (all marks or Hangul jamo) and characters NFC rewrites. The check
# reads the code point of each character of the Basic Multilingual Plane from its two
# or three bytes; a four-byte character stands for its block of 4,096 code points (the
# block of its first two bytes), which is safe when all of them are. Vietnamese letters,
# punctuation and emoji are safe.

_HANGUL_JAMO: Final[tuple[tuple[int, int], ...]] = (
    (0x1100, 0x11FF),
    (0xA960, 0xA97F),
    (0xD7B0, 0xD7FF),
)
_SLICE: Final[int] = 1 << 18
_BMP: Final[int] = 0x10000
_INDEXES: Final[int] = _BMP + (1 << 9)  # BMP code points, then the 4-byte blocks
_SAFE = np.zeros(_INDEXES, dtype=np.int8)  # per index: 0 not yet known, 1 safe, -1 not


def _code_point_safe(cp: int) -> bool:
    if 0xD800 <= cp <= 0xDFFF:
        return False
    if any(lo <= cp <= hi for lo, hi in _HANGUL_JAMO):
        return False
    ch = chr(cp)
    return (
        unicodedata.combining(ch) == 0
        and not unicodedata.category(ch).startswith("M")
        and unicodedata.is_normalized("NFC", ch)
    )


def _index_code_points(index: int) -> range:
    """The code points an index of :func:`surely_nfc_utf8` stands for."""
    if index < _BMP:
        return range(index, index + 1)
    base = (index - _BMP) << 12
    return range(base, min(base + 4096, 0x110000))


def _index_safe(index: int) -> bool:
    if not _SAFE[index]:
        cps = _index_code_points(index)
        ok = len(cps) > 0 and all(_code_point_safe(cp) for cp in cps)
        _SAFE[index] = 1 if ok else -1
    return bool(_SAFE[index] == 1)


def surely_nfc_utf8(data: npt.NDArray[np.uint8]) -> bool:
    """True when the valid UTF-8 bytes ``data`` hold only safe characters (see above),
    so the text is NFC; False means "not known" (decode and check)."""
    counts = np.zeros(_INDEXES, dtype=np.int64)
    top = len(data) - 1
    for i in range(0, len(data), _SLICE):
        lead = np.flatnonzero(data[i : i + _SLICE] >= 0xC0)
        if len(lead) == 0:
            continue
        lead += i
        b0 = data[lead].astype(np.int32)
        b1 = data[np.minimum(lead + 1, top)].astype(np.int32) & 0x3F
        b2 = data[np.minimum(lead + 2, top)].astype(np.int32) & 0x3F
        index = np.where(
            b0 < 0xE0,
            (b0 & 0x1F) << 6 | b1,
            np.where(b0 < 0xF0, (b0 & 0x0F) << 12 | b1 << 6 | b2, _BMP + ((b0 & 0x07) << 6 | b1)),
        )
        counts += np.bincount(index, minlength=_INDEXES)
    return all(_index_safe(int(k)) for k in np.flatnonzero(counts))


def nfc_array(arr: pa.Array) -> pa.Array:
    """NFC of every value of a string column; the column itself when already NFC.

    The check runs once over the column's whole UTF-8 buffer (:func:`is_nfc`). Social
    text is almost always NFC already, so this skips a Python loop over a million
    strings.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if is_nfc(arr):
        return arr
    return pa.array([None if v is None else nfc_fast(v) for v in arr.to_pylist()], arr.type)
