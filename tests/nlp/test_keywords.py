"""Keywords of one text and frequent phrases of a batch."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tinhieu.nlp.keywords import NEGATORS, keywords, stopwords, top_phrases


def test_stopwords_loaded() -> None:
    sw = stopwords()
    for w in ("ạ", "nha", "nhé", "ơi", "vậy", "thì", "mà", "luôn", "của", "là"):
        assert w in sw
    for w in ("không", "ngon", "nhanh", "tốt", "bán", "lượng"):
        assert w not in sw


def test_teencode_is_counted_with_the_standard_form() -> None:
    texts = ["ko ngon lắm", "không ngon", "Không ngon!!", "khong ngon", "k ngon đâu"]
    assert ("không ngon", 5) in top_phrases(texts, min_count=2)


def test_unaccented_text_joins_its_accented_spelling() -> None:
    texts = ["giao hàng nhanh quá", "Giao hàng nhanh!", "giao hàng nhanh", "giao hang nhanh"]
    phrases = dict(top_phrases(texts, min_count=2))
    assert phrases.get("giao hàng nhanh") == 4
    assert "giao hang nhanh" not in phrases


def test_phrases_do_not_start_or_end_with_stopwords_or_cross_punctuation() -> None:
    texts = [
        "Sản phẩm chất lượng tốt, giao hàng nhanh, đóng gói cẩn thận nha shop",
        "sản phẩm chất lượng, giao hàng nhanh lắm ạ",
        "chất lượng tốt mà giao hàng nhanh nữa",
    ] * 3
    sw = stopwords()
    for phrase, count in top_phrases(texts, min_count=1, top=200):
        words = phrase.split()
        assert 1 <= len(words) <= 3
        assert words[0] not in sw and words[-1] not in sw
        assert words[-1] not in NEGATORS
        assert count >= 1
    for text in texts:
        for kw, score in keywords(text, top=50):
            words = kw.split()
            assert words[0] not in sw and words[-1] not in sw
            assert 0 < score <= 1
    # "tốt, giao" crosses a comma
    assert all("tốt giao" not in k for k, _ in keywords(texts[0], top=50))


def test_placeholders_are_never_keywords() -> None:
    text = "xem https://shopee.vn/abc giá 150k gọi 0912345678 @lan email a@b.vn #SaleSoc"
    kws = [k for k, _ in keywords(text, top=50)]
    assert kws and all("<" not in k for k in kws)
    assert "#salesoc" in kws
    phrases = [p for p, _ in top_phrases([text] * 3, min_count=1, top=100)]
    assert all("<" not in p for p in phrases)


def test_keywords_scores_are_sorted_and_normalised() -> None:
    kws = keywords("iPhone 15 Pro Max pin trâu, camera đẹp, giá hơi chát", top=5)
    assert len(kws) == 5
    assert kws[0][1] == 1.0
    assert [s for _, s in kws] == sorted((s for _, s in kws), reverse=True)
    assert keywords("ạ nha nhé", top=5) == []
    assert keywords("pin trâu", top=0) == []


def test_fragments_and_subsumed_phrases_are_dropped() -> None:
    texts = ["sản phẩm chất lượng cao", "sản phẩm đẹp", "chất lượng kém", "sản phẩm tốt"] * 5
    phrases = dict(top_phrases(texts, min_count=3))
    assert phrases.get("sản phẩm") == 15
    assert phrases.get("chất lượng") == 10
    assert "phẩm" not in phrases and "sản" not in phrases
    assert "phẩm chất" not in phrases and "phẩm chất lượng" not in phrases


def test_top_and_min_count() -> None:
    texts = ["pin trâu"] * 3 + ["camera đẹp"] * 2
    assert top_phrases(texts, min_count=3) == [("pin trâu", 3)]
    assert len(top_phrases(texts, min_count=1, top=1)) == 1
    assert top_phrases(texts, top=0) == []


@given(st.text())
def test_keywords_never_raise(text: str) -> None:
    out = keywords(text)
    assert all(isinstance(k, str) and 0 < s <= 1 for k, s in out)


@given(st.lists(st.text(), max_size=10))
def test_top_phrases_never_raise(texts: list[str]) -> None:
    out = top_phrases(texts, min_count=1)
    assert all(isinstance(p, str) and c >= 1 for p, c in out)


def test_odd_inputs() -> None:
    for text in ("", "\ud800", "<p>xin chào</p>", "x" * 100_000, "😍" * 3000):
        keywords(text)
    assert top_phrases(["\ud800", None, 3], min_count=1) == []  # type: ignore[list-item]
