"""The set of trained models: the shared feature space plus one linear head per task.

The shipped bundle lives in the package (``tinhieu/nlp/models``); a workspace model
written by ``tinhieu nlp retrain`` is a folder of the same shape. Loading reads a few
megabytes of ``.npz`` and builds the vocabulary dictionaries (well under the 2 s budget).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tinhieu.nlp.features import FeatureSpace
from tinhieu.nlp.linear import LinearHead

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
    _stacked: sp.csr_matrix | None = field(default=None, repr=False)
    _slices: dict[str, slice] = field(default_factory=dict, repr=False)
    _dense: FloatArray | None = field(default=None, repr=False)

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
        return cls(path=path, features=fs, heads=heads, manifest=manifest)

    def _stack(self) -> sp.csr_matrix:
        if self._stacked is None:
            mats, start = [], 0
            for name, head in self.heads.items():
                k = len(head.classes)
                self._slices[name] = slice(start, start + k)
                start += k
                mats.append(head.weights)
            self._stacked = sp.hstack(mats, format="csr", dtype=np.float32)
        return self._stacked

    def scores(self, x: sp.csr_matrix) -> dict[str, FloatArray]:
        """Every head's scores (bias and offsets included) from one matrix product."""
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
