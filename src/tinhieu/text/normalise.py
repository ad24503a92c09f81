"""Unicode normalisation and diacritic folding.

Pure functions; no I/O. The NLP work extends this module with teencode and
repeated-letter normalisation.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

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
