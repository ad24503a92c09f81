"""Unicode normalisation and diacritic folding.

Pure functions; no I/O. The NLP work extends this module with teencode and
repeated-letter normalisation.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

import numpy as np
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


def nfc_array(arr: pa.Array) -> pa.Array:
    """NFC of every value of a string column; the column itself when already NFC.

    The check runs once over the column's whole UTF-8 buffer: if the concatenation of
    the values is NFC, so is each value (a value that is not NFC keeps the offending
    sequence inside any concatenation; a boundary can only make the whole look *not*
    normalised, which just takes the per-value path). Social text is almost always
    NFC already, so this skips a Python loop over a million strings.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) == 0:
        return arr
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        width = np.int32 if pa.types.is_string(arr.type) else np.int64
        offsets = np.frombuffer(arr.buffers()[1], dtype=width)[
            arr.offset : arr.offset + len(arr) + 1
        ]
        data = arr.buffers()[2]
        if data is None:  # all values empty or NULL
            return arr
        start, end = int(offsets[0]), int(offsets[-1])
        whole = memoryview(data)[start:end].tobytes().decode("utf-8")
        if whole.isascii() or unicodedata.is_normalized("NFC", whole):
            return arr
    return pa.array([None if v is None else nfc_fast(v) for v in arr.to_pylist()], arr.type)
