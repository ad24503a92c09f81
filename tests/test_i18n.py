"""Messages in both languages, and numbers written the way each language writes them."""

from __future__ import annotations

import pytest

from tinhieu.i18n import _MESSAGES, current_lang, number, t


def test_numbers_group_digits_per_language() -> None:
    assert number(1_234_567, "vi") == "1.234.567"
    assert number(1_234_567, "en") == "1,234,567"
    assert number(12, "vi") == "12"


def test_language_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINHIEU_LANG", raising=False)
    assert current_lang() == "vi"
    monkeypatch.setenv("TINHIEU_LANG", "en_US.UTF-8")
    assert current_lang() == "en"
    assert current_lang("vi") == "vi"  # an explicit choice beats the environment


def test_every_message_exists_in_both_languages_with_the_same_fields() -> None:
    import string

    for key, (vi, en) in _MESSAGES.items():
        fields_vi = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert vi != en, key
        assert fields_vi == fields_en, key
    assert t("topic.removed", "en", name="X") == "Removed topic 'X'."
