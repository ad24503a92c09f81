"""tinhieu's label names for each task, and the mapping from the public data sets' names.

``tinhieu nlp eval`` reads labelled JSONL in a data set's own label names; this module is
the one place that says how those names map onto ours.
"""

from __future__ import annotations

from typing import Final

#: The classes each task predicts, in the order models store them.
TASK_CLASSES: Final[dict[str, tuple[str, ...]]] = {
    "sentiment": ("negative", "neutral", "positive"),
    "toxicity": ("CLEAN", "OFFENSIVE", "HATE"),
    "emotion": ("anger", "disgust", "enjoyment", "fear", "other", "sadness", "surprise"),
    "spam": ("no-spam", "spam"),
    "spam-type": ("no-spam", "spam-1", "spam-2", "spam-3"),
    "lang": ("vi", "en", "other", "und"),
}

#: The general commerce aspects every brand can be judged on (``tinhieu.nlp.aspects``).
COMMERCE_ASPECTS: Final[tuple[str, ...]] = (
    "price",
    "quality",
    "delivery",
    "service",
    "packaging",
    "app",
    "promotion",
    "store",
)

_ALIASES: Final[dict[str, dict[str, str]]] = {
    "sentiment": {
        "neg": "negative",
        "negative": "negative",
        "tiêu cực": "negative",
        "0": "negative",
        "neu": "neutral",
        "neutral": "neutral",
        "trung tính": "neutral",
        "1": "neutral",
        "pos": "positive",
        "positive": "positive",
        "tích cực": "positive",
        "2": "positive",
    },
    "toxicity": {
        "clean": "CLEAN",
        "offensive": "OFFENSIVE",
        "hate": "HATE",
        "0": "CLEAN",
        "1": "OFFENSIVE",
        "2": "HATE",
    },
    "spam": {
        "no-spam": "no-spam",
        "nospam": "no-spam",
        "not-spam": "no-spam",
        "ham": "no-spam",
        "0": "no-spam",
        "false": "no-spam",
        "spam": "spam",
        "1": "spam",
        "true": "spam",
    },
    "spam-type": {
        "no-spam": "no-spam",
        "0": "no-spam",
        "spam-1": "spam-1",
        "1": "spam-1",
        "spam-2": "spam-2",
        "2": "spam-2",
        "spam-3": "spam-3",
        "3": "spam-3",
    },
    "lang": {"vi": "vi", "vie": "vi", "en": "en", "eng": "en", "other": "other", "und": "und"},
}


class LabelError(ValueError):
    """A label the task does not know."""


def map_label(task: str, label: object) -> str:
    """The tinhieu class of a data set's ``label`` for ``task``; :class:`LabelError` if none."""
    classes = TASK_CLASSES[task]
    text = str(label).strip()
    if text in classes:
        return text
    low = text.lower()
    aliases = _ALIASES.get(task, {})
    if low in aliases:
        return aliases[low]
    for c in classes:
        if c.lower() == low:
            return c
    raise LabelError(f"{task}: unknown label {text!r} (known: {', '.join(classes)})")
