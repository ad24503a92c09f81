"""Which commerce aspects a review talks about, as features for the review-spam heads.

ViSpamReviews' second spam type is mostly reviews of the delivery, the packaging or the
shop rather than the product ("Giao hàng nhanh. Đóng gói cẩn thận."). A linear head sees
the words "giao hàng" and "đóng gói" but cannot express *only* those and *no* word about
the product. The lexicon layer of :mod:`tinhieu.nlp.aspects` already reads which aspects
a text names and how; this block turns its answer into a few conjunctions:

* ``a:<aspect>`` and ``ap:<aspect>:<polarity>`` for each aspect named;
* ``aset:<aspects>``: the whole set (``aset:delivery|packaging``), or ``a:none``;
* ``a:nonproduct-only`` when every aspect named is about delivery, packaging, service,
  promotion or the store; ``a:no-quality`` when aspects are named but not quality.

Each feature present is worth :data:`SCALE` (the other blocks are L2-normalised rows, so
one conjunction weighs about as much as a strong n-gram). The vocabulary is what the
training texts produced; a feature outside it is ignored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from tinhieu.nlp.aspects import Names

SCALE: Final[float] = 0.5
NON_PRODUCT: Final[frozenset[str]] = frozenset(
    {"delivery", "packaging", "service", "promotion", "store"}
)


def shape_features(text: str, names: Names = frozenset()) -> list[str]:
    """The aspect-shape features of one text (see the module's docstring)."""
    from tinhieu.nlp.aspects import commerce_aspects  # aspects imports the trainer

    hits = commerce_aspects(text, names)
    aspects = sorted({h.aspect for h in hits})
    out = [f"a:{a}" for a in aspects]
    out += [f"ap:{h.aspect}:{h.polarity}" for h in hits]
    if not aspects:
        out.append("a:none")
        return out
    out.append("aset:" + "|".join(aspects))
    if set(aspects) <= NON_PRODUCT:
        out.append("a:nonproduct-only")
    if "quality" not in aspects:
        out.append("a:no-quality")
    return out


@dataclass
class AspectShape:
    """The block's vocabulary (feature name → column)."""

    vocab: dict[str, int]

    @property
    def size(self) -> int:
        return len(self.vocab)

    def matrix(self, texts: Sequence[str], names: Names = frozenset()) -> sp.csr_matrix:
        rows: list[int] = []
        cols: list[int] = []
        for i, text in enumerate(texts):
            for f in dict.fromkeys(shape_features(text, names)):
                j = self.vocab.get(f)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        data = np.full(len(rows), SCALE, dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(texts), self.size))

    @classmethod
    def fit(cls, texts: Sequence[str]) -> AspectShape:
        seen = sorted({f for t in texts for f in shape_features(t)})
        return cls(vocab={f: i for i, f in enumerate(seen)})

    def save(self, path: Path) -> None:
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        path.write_text(
            json.dumps({"scale": SCALE, "features": names}, ensure_ascii=False, indent=0) + "\n",
            encoding="utf-8",
        )

    @classmethod
    def load(cls, path: Path) -> AspectShape:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return cls(vocab={str(f): i for i, f in enumerate(doc["features"])})
