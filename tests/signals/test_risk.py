"""The crisis-risk vocabulary."""

import pytest

from tinhieu.signals.risk import CATEGORIES, categories, risk_terms, vocabulary


def test_every_term_has_a_known_category() -> None:
    assert vocabulary()
    assert set(vocabulary().values()) <= set(CATEGORIES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nghi bị ngộ độc sau khi uống trà sữa", ("health", "ngộ độc")),
        ("uong xong bi tao thao ruot ca dem", ("health", "tào tháo")),  # unaccented
        ("TẨY CHAY ĐI MỌI NGƯỜI", ("boycott", "tẩy chay")),  # case
        ("Phát hiện dị vật trong ly", ("hygiene", "dị vật")),
        ("shop lừa đảo khách hàng", ("fraud", "lừa đảo khách hàng")),  # the longer term wins
    ],
)
def test_terms_are_found_accented_or_not(text: str, expected: tuple[str, str]) -> None:
    assert expected in risk_terms(text)


@pytest.mark.parametrize(
    "text",
    [
        "sự kiện khai trương chi nhánh mới",  # "kiện" inside "sự kiện" is not a lawsuit
        "cột mốc 10 năm",
        "ngon xỉu, ủng hộ dài dài",
        "",
        None,
    ],
)
def test_ordinary_text_carries_no_risk(text: str | None) -> None:
    assert risk_terms(text) == []


def test_whole_words_only() -> None:
    assert risk_terms("phốtpho") == []  # not "phốt"
    assert risk_terms("bóc phốt quán này") == [("boycott", "bóc phốt")]


def test_categories_count_texts_once_per_category() -> None:
    counts = categories(["ngộ độc, đau bụng", "đau bụng quá", "tẩy chay", "ngon"])
    assert counts == {"health": 2, "boycott": 1}
