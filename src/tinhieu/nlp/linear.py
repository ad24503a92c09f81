"""Linear heads over the shared feature space: scores, probabilities and explanations.

A head is a weight matrix ``W`` (features x classes, stored sparse), a bias per class,
an offset per class chosen on the dev split (to trade precision for recall of a rare
class) and a softmax temperature fitted on dev so the probabilities are calibrated. The
artefact is a plain ``.npz`` (no pickle).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tinhieu.nlp.features import softmax

FloatArray = npt.NDArray[np.float32]


@dataclass
class LinearHead:
    """One task's classifier: ``scores = X @ W + bias + offset``."""

    name: str
    classes: tuple[str, ...]
    weights: sp.csr_matrix  # features x classes
    bias: FloatArray
    offset: FloatArray
    temperature: float = 1.0
    meta: dict[str, object] | None = None

    def scores(self, x: sp.csr_matrix) -> FloatArray:
        raw = np.asarray((x @ self.weights).todense(), dtype=np.float32)
        out: FloatArray = raw + self.bias + self.offset
        return out

    def proba(self, x: sp.csr_matrix) -> FloatArray:
        return softmax(self.scores(x), self.temperature)

    def predict(self, x: sp.csr_matrix) -> list[str]:
        idx = self.scores(x).argmax(axis=1)
        return [self.classes[i] for i in idx]

    def contributions(
        self, row: sp.csr_matrix, cls: int
    ) -> tuple[npt.NDArray[np.int32], FloatArray]:
        """Feature indices of one row and how much each adds to class ``cls``'s score."""
        idx = row.indices.astype(np.int32)
        w = self.weights[idx, cls].toarray().ravel().astype(np.float32)
        return idx, (row.data.astype(np.float32) * w)

    # -- persistence ------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        w = self.weights.tocsr()
        np.savez_compressed(
            path,
            data=w.data.astype(np.float16),
            indices=w.indices.astype(np.int32),
            indptr=w.indptr.astype(np.int64),
            shape=np.asarray(w.shape, dtype=np.int64),
            bias=self.bias.astype(np.float32),
            offset=self.offset.astype(np.float32),
            temperature=np.asarray([self.temperature], dtype=np.float32),
            header=np.frombuffer(
                json.dumps(
                    {"name": self.name, "classes": list(self.classes), "meta": self.meta or {}},
                    ensure_ascii=False,
                ).encode("utf-8"),
                dtype=np.uint8,
            ),
        )

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(z["header"].tobytes().decode("utf-8"))
            shape = tuple(int(v) for v in z["shape"])
            weights = sp.csr_matrix(
                (z["data"].astype(np.float32), z["indices"], z["indptr"]), shape=shape
            )
            return cls(
                name=str(header["name"]),
                classes=tuple(str(c) for c in header["classes"]),
                weights=weights,
                bias=z["bias"].astype(np.float32),
                offset=z["offset"].astype(np.float32),
                temperature=float(z["temperature"][0]),
                meta=dict(header.get("meta") or {}),
            )
