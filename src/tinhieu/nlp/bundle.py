"""The set of trained models: the shared feature space plus one linear head per task.

The shipped bundle lives in the package (``tinhieu/nlp/models``); a workspace model
written by ``tinhieu nlp retrain`` is a folder of the same shape. Loading reads a few
megabytes of ``.npz`` and builds the vocabulary dictionaries (well under the 2 s budget).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tinhieu.nlp.aspect_shape import AspectShape
from tinhieu.nlp.features import FeatureSpace
from tinhieu.nlp.linear import LinearHead
from tinhieu.nlp.rawchars import RawChars

if TYPE_CHECKING:
    from tinhieu.nlp.aspects import Names

FloatArray = npt.NDArray[np.float32]


class ModelMissingError(RuntimeError):
    """No trained model where one was expected."""


def shipped_model_dir() -> Path:
    """The folder of the models shipped in the package."""
    return Path(str(resources.files("tinhieu.nlp") / "models"))


@dataclass
class Bundle:
    """Feature space and heads, with all heads' weights stacked for one product."""

    path: Path
    features: FeatureSpace
    heads: dict[str, LinearHead]
    manifest: dict[str, Any]
    #: The raw-text character block, for heads trained with it (see :meth:`uses_raw`).
    raw: RawChars | None = None
    #: The aspect-shape block, read after the raw block by heads trained with it.
    shape: AspectShape | None = None
    _stacked: sp.csr_matrix | None = field(default=None, repr=False)
    _slices: dict[str, slice] = field(default_factory=dict, repr=False)
    _dense: FloatArray | None = field(default=None, repr=False)
    _raw_table: FloatArray | None = field(default=None, repr=False)
    _raw_slices: dict[str, slice] = field(default_factory=dict, repr=False)
    _shape_table: FloatArray | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path: Path) -> Bundle:
        manifest_path = path / "manifest.json"
        if not manifest_path.is_file():
            raise ModelMissingError(f"no trained model in {path} (run `tinhieu nlp train`)")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        fs = FeatureSpace.load(path / "features.npz")
        heads = {
            name: LinearHead.load(path / f"{name}.npz")
            for name in manifest.get("heads", {})
            if (path / f"{name}.npz").is_file()
        }
        raw_path = path / "rawchars.npz"
        raw = RawChars.load(raw_path) if raw_path.is_file() else None
        shape_path = path / "aspect_shape.json"
        shape = AspectShape.load(shape_path) if shape_path.is_file() else None
        bundle = cls(path=path, features=fs, heads=heads, manifest=manifest, raw=raw, shape=shape)
        for name in heads:
            if bundle.uses_raw(name) and raw is None:
                raise ModelMissingError(f"{name} needs the raw-character block {raw_path}")
            rows = heads[name].weights.shape[0]
            if raw is not None and rows > fs.size + raw.size and shape is None:
                raise ModelMissingError(f"{name} needs the aspect-shape block {shape_path}")
        return bundle

    def uses_raw(self, name: str) -> bool:
        """Whether head ``name`` also reads the raw-text character block."""
        return bool(self.heads[name].weights.shape[0] > self.features.size)

    def uses_shape(self, name: str) -> bool:
        """Whether head ``name`` also reads the aspect-shape block (after the raw one)."""
        if self.raw is None or self.shape is None:
            return False
        rows = self.heads[name].weights.shape[0]
        return bool(rows == self.features.size + self.raw.size + self.shape.size)

    def _stack(self) -> sp.csr_matrix:
        if self._stacked is None:
            mats, raw_mats, shape_mats, start, raw_start = [], [], [], 0, 0
            n = self.features.size
            n_raw = self.raw.size if self.raw is not None else 0
            for name, head in self.heads.items():
                k = len(head.classes)
                self._slices[name] = slice(start, start + k)
                start += k
                mats.append(head.weights[:n])
                if self.uses_raw(name):
                    self._raw_slices[name] = slice(raw_start, raw_start + k)
                    raw_start += k
                    raw_mats.append(head.weights[n : n + n_raw])
                    if self.shape is not None:
                        shape_mats.append(
                            head.weights[n + n_raw :]
                            if self.uses_shape(name)
                            else sp.csr_matrix((self.shape.size, k), dtype=np.float32)
                        )
            self._stacked = sp.hstack(mats, format="csr", dtype=np.float32)
            if raw_mats and self.raw is not None:
                self._raw_table = self.raw.fold_idf(sp.hstack(raw_mats, format="csr"))
            if shape_mats and any(self.uses_shape(h) for h in self.heads):
                self._shape_table = np.asarray(
                    sp.hstack(shape_mats, format="csr").toarray(), dtype=np.float32
                )
        return self._stacked

    def shared_scores(self, x: sp.csr_matrix) -> dict[str, FloatArray]:
        """Every head's scores from the shared features (bias and offsets included) in one
        matrix product. For a head that also reads the raw-character block this is only
        part of its score: add :meth:`raw_scores` (or use :meth:`scores`)."""
        if not self.heads:
            return {}
        if self._dense is None:
            # Dense (features x all classes, ~40 MB): a sparse row times a dense matrix
            # sums the same products in the same order as the sparse product, without
            # building a sparse result first.
            self._dense = np.ascontiguousarray(self._stack().toarray(), dtype=np.float32)
        raw = np.asarray(x @ self._dense, dtype=np.float32)
        return {
            name: raw[:, self._slices[name]] + head.bias + head.offset
            for name, head in self.heads.items()
        }

    def raw_heads(self) -> tuple[str, ...]:
        """The heads that also read the raw-character block."""
        return tuple(name for name in self.heads if self.uses_raw(name))

    def raw_scores(self, texts: Sequence[str], names: Names = frozenset()) -> dict[str, FloatArray]:
        """The raw-character (and aspect-shape) blocks' part of each such head's scores
        for ``texts``; ``names`` are the protected brand names the aspects respect."""
        self._stack()
        if self._raw_table is None or self.raw is None:
            return {}
        part = self.raw.scores(texts, self._raw_table)
        if self._shape_table is not None and self.shape is not None:
            part += np.asarray(self.shape.matrix(texts, names) @ self._shape_table)
        return {name: part[:, sl] for name, sl in self._raw_slices.items()}

    def scores(
        self, x: sp.csr_matrix, texts: Sequence[str] | None = None, names: Names = frozenset()
    ) -> dict[str, FloatArray]:
        """Every head's complete scores. ``texts`` are the raw texts of ``x``'s rows, for
        heads that read the raw-character block; without them such a head is left out."""
        out = self.shared_scores(x)
        heads = self.raw_heads()
        if not heads:
            return out
        if texts is None:
            return {k: v for k, v in out.items() if k not in heads}
        if len(texts) != x.shape[0]:
            raise ValueError(f"{len(texts)} texts for {x.shape[0]} feature rows")
        for name, part in self.raw_scores(texts, names).items():
            out[name] = out[name] + part
        return out

    def head_scores(
        self, name: str, x: sp.csr_matrix, texts: Sequence[str], names: Names = frozenset()
    ) -> FloatArray:
        """One head's scores through the canonical matrices (training's path); ``texts``
        are read only when the head uses the raw (and aspect-shape) block."""
        head = self.heads[name]
        if not self.uses_raw(name):
            return head.scores(x)
        assert self.raw is not None
        blocks = [x, self.raw.matrix(texts)]
        if self.uses_shape(name):
            assert self.shape is not None
            blocks.append(self.shape.matrix(texts, names))
        return head.scores(sp.hstack(blocks, format="csr"))


_LOCK = threading.Lock()
_CACHE: dict[Path, Bundle] = {}


def load_bundle(path: Path | None = None) -> Bundle:
    """The bundle at ``path`` (default: the shipped one), loaded once per process."""
    key = (path or shipped_model_dir()).resolve()
    with _LOCK:
        bundle = _CACHE.get(key)
        if bundle is None:
            bundle = Bundle.load(key)
            _CACHE[key] = bundle
        return bundle
