"""Seeding: near-duplicate comments from several accounts."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tinhieu.nlp.seeding import SeedingCluster, find_seeding, seeding_hits, shingles


def _split(words: str) -> list[str]:
    """The whitespace-separated words of ``words``."""
    return words.split()


VOCAB = _split(
    "sản phẩm dùng tốt giao hàng nhanh đóng gói cẩn thận shop tư vấn nhiệt tình mình mua "
    "lần thứ hai rồi chất lượng ổn giá hơi cao màu đẹp size vừa áo quần giày dép son kem "
    "mặt mịn thơm lâu pin trâu máy chạy mượt camera chụp nét điện thoại ship chậm hỏng "
    "lỗi đổi trả bảo hành nhân viên thân thiện quán ngon trà sữa cà phê bánh ngọt ăn uống "
    "phục vụ không gian rộng sạch sẽ hôm qua tuần trước con gái mẹ bạn bè thích lắm quá "
    "ghê thật"
)

CAMPAIGN = [
    "Mình dùng serum này được 2 tuần rồi, da mịn hẳn, mụn giảm rõ rệt, mọi người nên mua thử nha",
    "mình dùng serum này đc 2 tuần r, da mịn hẳn, mụn giảm rõ rệt, mn nên mua thử nha 😍",
    "Mình dùng serum này được 2 tuần rồi, da mịn hẳn luôn, mụn giảm rõ rệt, mọi người nên mua thử",
    "Mình dùng serum này được hai tuần rồi, da mịn hẳn, mụn giảm rõ rệt, mọi người nên mua thử!!",
    "MÌNH DÙNG SERUM NÀY ĐƯỢC 2 TUẦN RỒI, DA MỊN HẲN, MỤN GIẢM RÕ RỆT, MỌI NGƯỜI NÊN MUA THỬ NHA",
]


def _varied(n: int, seed: int = 1) -> tuple[list[str], list[str | None]]:
    rng = random.Random(seed)
    texts = [" ".join(rng.choice(VOCAB) for _ in range(rng.randint(3, 30))) for _ in range(n)]
    authors: list[str | None] = [f"user{i}" for i in range(n)]
    return texts, authors


def test_campaign_is_found_among_varied_comments() -> None:
    texts, authors = _varied(2000)
    rng = random.Random(2)
    planted = []
    for k, t in enumerate(CAMPAIGN):
        p = rng.randint(0, len(texts))
        texts.insert(p, t)
        authors.insert(p, f"seed{k}")
    planted = sorted(i for i, t in enumerate(texts) if "serum" in t.lower())
    clusters = find_seeding(texts, authors)
    assert len(clusters) == 1
    c = clusters[0]
    assert list(c.members) == planted
    assert c.authors == 5
    assert 0.7 <= c.similarity <= 1.0
    assert c.example == texts[planted[0]]


def test_one_author_posting_five_times_is_not_seeding() -> None:
    texts, authors = _varied(300)
    for _ in range(5):
        texts.append(CAMPAIGN[0])
        authors.append("same_person")
    assert find_seeding(texts, authors) == []
    # with padded author names it is still one person
    authors[-1] = " same_person "
    assert find_seeding(texts, authors) == []


def test_varied_comments_give_no_cluster() -> None:
    texts, authors = _varied(3000, seed=5)
    assert find_seeding(texts, authors) == []


def test_unknown_authors_do_not_count() -> None:
    texts = list(CAMPAIGN)
    assert find_seeding(texts, [None] * 5) == []
    assert find_seeding(texts, ["a", "b", None, None, None]) == []
    found = find_seeding(texts, ["a", "b", "c", None, None])
    assert len(found) == 1 and found[0].authors == 3 and len(found[0].members) == 5


def test_short_texts_are_skipped() -> None:
    texts = ["ngon quá", "ngon quá shop", "ngon quá", "ngon quá nha", "ngon quá"]
    assert find_seeding(texts, ["a", "b", "c", "d", "e"]) == []


def test_giveaway_floods_are_not_seeding() -> None:
    texts = ["Đã like share và tag bạn bè rồi ạ @Lan @Hoa"] * 6
    assert find_seeding(texts, [f"u{i}" for i in range(6)]) == []


def test_min_authors_and_threshold() -> None:
    texts = CAMPAIGN[:3]
    assert find_seeding(texts, ["a", "b", "c"], min_authors=4) == []
    assert len(find_seeding(texts, ["a", "b", "c"], min_authors=3)) == 1
    assert find_seeding(texts, ["a", "b", "c"], threshold=1.01) == []


def test_chains_are_split() -> None:
    # A ~ B and B ~ C but A !~ C: never one group whose ends differ completely
    a = "một hai ba bốn năm sáu bảy tám chín mười"
    b = "một hai ba bốn năm sáu bảy tám chín mười mười một mười hai"
    texts = [a, b] * 3
    clusters = find_seeding(texts, [f"u{i}" for i in range(6)], threshold=0.7)
    for c in clusters:
        assert c.similarity >= 0.4


def test_deterministic_hashes() -> None:
    # blake2b-based: the same values in every process and on every platform
    assert shingles("xin chào các bạn") == shingles("Xin chào các bạn!!")
    assert len(shingles("xin chào các bạn")) == 3
    assert shingles("") == frozenset()
    texts, authors = _varied(500)
    texts += CAMPAIGN
    authors += ["x1", "x2", "x3", "x4", "x5"]
    assert find_seeding(texts, authors) == find_seeding(list(texts), list(authors))


def test_seeding_hits() -> None:
    hits = seeding_hits(CAMPAIGN, ["a", "b", "c", "d", "e"])
    assert sorted(hits) == [0, 1, 2, 3, 4]
    assert all(h.kind == "seeding" and 0 < h.score <= 1 for h in hits.values())
    assert "5 distinct authors" in hits[0].reason


def test_odd_inputs() -> None:
    assert find_seeding([], []) == []
    assert find_seeding(["\ud800", "", "😍" * 1000, "x" * 100_000], [None, "a", "b", "c"]) == []
    odd: list[str] = [None, 3, "a b c d e"]  # type: ignore[list-item]
    assert find_seeding(odd, []) == []


@settings(max_examples=50)
@given(st.lists(st.text(), max_size=20), st.lists(st.none() | st.text(max_size=3), max_size=20))
def test_never_raises(texts: list[str], authors: list[str | None]) -> None:
    out = find_seeding(texts, authors, min_authors=1, min_words=1)
    assert all(isinstance(c, SeedingCluster) for c in out)
    for c in out:
        assert all(0 <= i < len(texts) for i in c.members)


@given(st.text())
def test_shingles_never_raise(text: str) -> None:
    assert isinstance(shingles(text), frozenset)
