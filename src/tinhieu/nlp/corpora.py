"""The public data sets the shipped models are trained on, and how to read them.

Each corpus is a folder of JSONL splits (``train``, ``dev``, ``test``) in the layout of
``shared/data`` (``text``, ``label`` and task-specific fields). A corpus without a dev
split gets one carved from train deterministically (by a hash of the text, not by
chance), so training never touches test.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from tinhieu.nlp.labels import map_label


@dataclass(frozen=True, slots=True)
class Corpus:
    """One labelled data set used for one task."""

    folder: str
    task: str
    field: str = "label"
    test_split: str = "test"
    #: Share of train carved into dev when the corpus has no dev split.
    carve_dev: float = 0.0
    terms: str = ""
    #: Maps the data set's labels onto the task's before :func:`map_label`; a label
    #: mapped to None drops the row (used to read emotion data as sentiment data).
    relabel: tuple[tuple[str, str | None], ...] = ()


CORPORA: Final[tuple[Corpus, ...]] = (
    Corpus("uit_vsfc", "sentiment", terms="UIT-VSFC: research use (no licence stated)."),
    Corpus(
        "aivivn_2019_sentiment",
        "sentiment",
        test_split="test_thirdparty_labels",
        carve_dev=0.1,
        terms="AIVIVN 2019 challenge data: research use; test labels are third-party.",
    ),
    Corpus(
        "uit_vsmec",
        "sentiment",
        terms="UIT-VSMEC: research use (licence unknown). Read as sentiment: Other -> "
        "neutral, Enjoyment -> positive, Sadness/Anger/Disgust/Fear -> negative, "
        "Surprise dropped.",
        relabel=(
            ("Other", "neutral"),
            ("Enjoyment", "positive"),
            ("Sadness", "negative"),
            ("Anger", "negative"),
            ("Disgust", "negative"),
            ("Fear", "negative"),
            ("Surprise", None),
        ),
    ),
    Corpus("uit_vihsd", "toxicity", terms="UIT-ViHSD: 'used only for research purposes'."),
    Corpus("uit_vsmec", "emotion", terms="UIT-VSMEC: research use (licence unknown)."),
    Corpus("vispamreviews", "spam", terms="ViSpamReviews: CC BY-NC 4.0, research purposes."),
    Corpus(
        "vispamreviews",
        "spam-type",
        field="spam_type",
        terms="ViSpamReviews: CC BY-NC 4.0, research purposes.",
    ),
)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    row: dict[str, Any]
    source: str = ""


class DataError(RuntimeError):
    """The training data folder is missing or malformed."""


def find_data_dir(explicit: Path | None = None) -> Path:
    """The ``shared/data`` folder: ``explicit``, ``$TINHIEU_DATA``, or next to the cwd."""
    candidates: list[Path] = []
    if explicit is not None:
        candidates.append(explicit)
    elif os.environ.get("TINHIEU_DATA"):
        candidates.append(Path(os.environ["TINHIEU_DATA"]))
    else:
        here = Path.cwd()
        candidates += [here / "shared" / "data", here.parent / "shared" / "data"]
    for c in candidates:
        if (c / "uit_vsfc").is_dir():
            return c
    raise DataError(
        "training data not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); pass --data DIR or set TINHIEU_DATA"
    )


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file; a malformed line is an error naming the file and line."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{n}: not JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise DataError(f"{path}:{n}: expected a JSON object")
            yield row


def in_dev_share(text: str, share: float) -> bool:
    """Whether ``text`` falls in the dev share (a hash of the text decides, not chance)."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < share


def load_split(data_dir: Path, corpus: Corpus, split: str) -> list[Example]:
    """Examples of one split (``train``, ``dev`` or ``test``) with tinhieu labels."""
    folder = data_dir / corpus.folder
    if split == "test":
        rows = list(read_jsonl(folder / f"{corpus.test_split}.jsonl"))
    elif corpus.carve_dev:
        rows = [
            r
            for r in read_jsonl(folder / "train.jsonl")
            if in_dev_share(str(r.get("text", "")), corpus.carve_dev) == (split == "dev")
        ]
    else:
        rows = list(read_jsonl(folder / f"{split}.jsonl"))
    relabel = dict(corpus.relabel)
    out: list[Example] = []
    for r in rows:
        label = r.get(corpus.field)
        if label is None:
            continue
        if relabel:
            label = relabel.get(str(label), str(label))
            if label is None:
                continue
        out.append(
            Example(str(r.get("text") or ""), map_label(corpus.task, label), r, corpus.folder)
        )
    return out
