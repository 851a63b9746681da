"""Embeddings on disk: ``<data_dir>/embeddings/<model_id>.npz`` plus an ``ACTIVE`` pointer.

Each file holds ``ids`` (str), ``vectors`` (float32, n x d, L2-normalised),
``sha256`` (str, of each image file) and ``model_spec`` (0-d str, JSON from
which :func:`stylegraph.loader.embed.load_embedder` rebuilds the embedder).
Files are written atomically and read with ``allow_pickle=False``.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

ACTIVE_FILE = "ACTIVE"
_KEYS = ("ids", "vectors", "sha256", "model_spec")


class EmbeddingStoreError(ValueError):
    """An embeddings file is missing or malformed."""


@dataclass
class Embeddings:
    """Vectors of products under one model."""

    ids: np.ndarray
    vectors: np.ndarray
    sha256: np.ndarray
    model_id: str
    model_spec: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = np.asarray(self.ids, dtype=str)
        self.sha256 = np.asarray(self.sha256, dtype=str)
        self.vectors = np.ascontiguousarray(self.vectors, dtype=np.float32)
        if self.vectors.ndim != 2:
            raise EmbeddingStoreError(f"vectors must be 2-D, got shape {self.vectors.shape}")
        n = self.vectors.shape[0]
        if self.ids.shape != (n,) or self.sha256.shape != (n,):
            raise EmbeddingStoreError(
                f"ids {self.ids.shape}, sha256 {self.sha256.shape} and vectors {self.vectors.shape} disagree"
            )
        if len(set(self.ids.tolist())) != n:
            raise EmbeddingStoreError("duplicate product ids in embeddings")

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        """The vector dimension."""
        return int(self.vectors.shape[1])

    def vectors_of(self, product_ids: Sequence[str]) -> np.ndarray:
        """The vectors of ``product_ids``, in that order (KeyError for one not embedded)."""
        row = {pid: i for i, pid in enumerate(self.ids.tolist())}
        return self.vectors[[row[pid] for pid in product_ids]]

    def upsert(self, product_id: str, vector: np.ndarray, sha256: str) -> "Embeddings":
        """A copy with one product's vector added or replaced."""
        vector = np.asarray(vector, np.float32).reshape(1, -1)
        if len(self) and vector.shape[1] != self.dim:
            raise EmbeddingStoreError(f"vector has {vector.shape[1]} dims, embeddings have {self.dim}")
        keep = self.ids != product_id
        return Embeddings(
            ids=np.concatenate([self.ids[keep], [product_id]]),
            vectors=np.concatenate([self.vectors[keep].reshape(-1, vector.shape[1]), vector]),
            sha256=np.concatenate([self.sha256[keep], [sha256]]),
            model_id=self.model_id,
            model_spec=self.model_spec,
        )


def embeddings_dir(data_dir: str | Path) -> Path:
    """``<data_dir>/embeddings``."""
    return Path(data_dir) / "embeddings"


def embeddings_path(data_dir: str | Path, model_id: str) -> Path:
    """``<data_dir>/embeddings/<model_id>.npz``."""
    if not model_id or "/" in model_id or model_id.startswith("."):
        raise EmbeddingStoreError(f"invalid model id {model_id!r}")
    return embeddings_dir(data_dir) / f"{model_id}.npz"


def save_embeddings(path: str | Path, emb: Embeddings) -> Path:
    """Write ``emb`` to ``path`` atomically (the model id is the file's stem)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez(
            fh,
            ids=np.asarray(emb.ids, dtype=str),
            vectors=emb.vectors.astype(np.float32),
            sha256=np.asarray(emb.sha256, dtype=str),
            model_spec=np.array(json.dumps(emb.model_spec, sort_keys=True)),
        )
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def load_embeddings(path: str | Path) -> Embeddings:
    """Read an embeddings file written by :func:`save_embeddings`."""
    path = Path(path)
    if not path.is_file():
        raise EmbeddingStoreError(f"{path}: embeddings file not found (run `stylegraph embed` first)")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in _KEYS if k not in data.files]
            if missing:
                raise EmbeddingStoreError(f"{path}: missing array(s) {missing}")
            arrays = {k: data[k] for k in _KEYS}
    except EmbeddingStoreError:
        raise
    except (ValueError, OSError, EOFError) as exc:
        raise EmbeddingStoreError(f"{path}: not a readable embeddings file ({exc})") from None
    try:
        spec = json.loads(str(arrays["model_spec"]))
    except json.JSONDecodeError as exc:
        raise EmbeddingStoreError(f"{path}: model_spec is not JSON ({exc})") from None
    if arrays["vectors"].dtype != np.float32:
        raise EmbeddingStoreError(f"{path}: vectors must be float32, got {arrays['vectors'].dtype}")
    vectors = arrays["vectors"]
    if vectors.ndim == 1 and vectors.size == 0:
        vectors = vectors.reshape(0, 0)
    return Embeddings(ids=arrays["ids"], vectors=vectors, sha256=arrays["sha256"],
                      model_id=path.stem, model_spec=spec)


def set_active(data_dir: str | Path, model_id: str) -> Path:
    """Record ``model_id`` in ``<data_dir>/embeddings/ACTIVE``."""
    embeddings_path(data_dir, model_id)  # validates the id
    file = embeddings_dir(data_dir) / ACTIVE_FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(ACTIVE_FILE + ".tmp")
    tmp.write_text(model_id + "\n", encoding="utf-8")
    os.replace(tmp, file)
    return file


def active_model_id(data_dir: str | Path) -> str:
    """The model id named by ``ACTIVE``."""
    file = embeddings_dir(data_dir) / ACTIVE_FILE
    if not file.is_file():
        raise EmbeddingStoreError(f"{file}: no active embeddings (run `stylegraph embed` first)")
    model_id = file.read_text(encoding="utf-8").strip()
    if not model_id:
        raise EmbeddingStoreError(f"{file} is empty")
    return model_id


def active_embeddings(data_dir: str | Path) -> Embeddings:
    """The embeddings the graph was built from."""
    return load_embeddings(embeddings_path(data_dir, active_model_id(data_dir)))


def chosen_embeddings(path: str | Path | None, data_dir: str | Path) -> Embeddings:
    """The embeddings file at ``path`` when one is given (``--embeddings``), else the active ones."""
    return load_embeddings(path) if path else active_embeddings(data_dir)
