"""Unicode normalisation helpers."""

from __future__ import annotations

import unicodedata

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from tinhieu.text.normalise import fold, nfc_array, nfc_fast

# Letters, precomposed and decomposed Vietnamese, bare combining marks (a value may start
# with one), singletons NFC rewrites (Ω sign, Å sign), emoji and NUL.
ALPHABET = [
    *"aeoduơư ÀệĐ",
    "e\u0301",
    "\u0301",
    "\u0323",
    "\u0302",
    "\u2126",
    "\u212b",
    "😀",
    "\x00",
    "ﬁ",
]
values = st.lists(
    st.one_of(st.none(), st.lists(st.sampled_from(ALPHABET), max_size=6).map("".join)), max_size=12
)


@given(values, st.integers(min_value=0, max_value=3))
def test_nfc_array_is_per_value_nfc(items: list[str | None], cut: int) -> None:
    arr = pa.array(items, pa.string()).slice(min(cut, len(items)))
    want = [None if v is None else unicodedata.normalize("NFC", v) for v in arr.to_pylist()]
    assert nfc_array(arr).to_pylist() == want
    assert nfc_array(arr.cast(pa.large_string())).to_pylist() == want


def test_nfc_array_returns_an_already_normal_column_as_is() -> None:
    arr = pa.array(["Trà sữa ngon", None, "", "giao hàng"])
    assert nfc_array(arr) is arr
    decomposed = pa.array([unicodedata.normalize("NFD", "Trà sữa")])
    assert nfc_array(decomposed).to_pylist() == ["Trà sữa"]


def test_fold_and_nfc_fast() -> None:
    assert fold("Giao hàng Đà Nẵng") == "Giao hang Da Nang"
    assert fold(unicodedata.normalize("NFD", "Đà Nẵng")) == "Da Nang"
    assert nfc_fast(unicodedata.normalize("NFD", "sữa")) == "sữa"
