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


#: Messages that are the same in both languages on purpose: loanwords Vietnamese
#: marketers use as they are, tier names, and lines made of values only.
SAME_IN_BOTH = frozenset(
    {
        "web.mentions.spam",
        "web.mentions.spam_badge",
        "web.mentions.spam.seeding",
        "web.mentions.kind.video",
        "web.mentions.no_aspect_option",
        "web.authors.tier.nano",
        "web.authors.tier.micro",
        "web.authors.tier.macro",
        "web.authors.tier.mega",
        "web.signals.reason_line",
        "web.signal.title",
        "web.moderation.reason.seeding",
        "web.kol.title",
        "import.presets.line",
    }
)


def _load_every_message_module() -> None:
    """Modules register their messages on import: import every module of the package,
    so this test does not depend on which other tests ran first."""
    import importlib
    import pkgutil

    import tinhieu

    for info in pkgutil.walk_packages(tinhieu.__path__, "tinhieu."):
        importlib.import_module(info.name)


def test_every_message_exists_in_both_languages_with_the_same_fields() -> None:
    import string

    _load_every_message_module()
    assert any(key.startswith("web.") for key in _MESSAGES)
    for key, (vi, en) in _MESSAGES.items():
        fields_vi = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        if key not in SAME_IN_BOTH:
            assert vi != en, key
        assert fields_vi == fields_en, key
    assert t("topic.removed", "en", name="X") == "Removed topic 'X'."
