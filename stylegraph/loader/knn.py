"""Top-k cosine neighbours with faiss, and the similarity edges built from them.

Vectors are L2-normalised, so cosine is inner product. Below
``EXACT_LIMIT`` vectors the index is exact (``IndexFlatIP``); above it an ANN
index (IVF by default, or HNSW) is used. The choice is automatic and can be
overridden. Self-matches are excluded; duplicates of a product (another id
with the same image) are kept, since they are real look-alikes.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # its import chatter is not news
import faiss  # noqa: E402

EXACT_LIMIT = 200_000
INDEX_KINDS = ("auto", "exact", "ivf", "hnsw")


class KnnError(ValueError):
    """Bad input to the neighbour search."""


@dataclass(frozen=True)
class SimilarEdge:
    """A directed ``SIMILAR`` edge with its cosine score."""

    out_id: str
    in_id: str
    score: float

    @property
    def edge_id(self) -> str:
        """``SIMILAR:<from>:<to>`` as INTERFACES.md specifies."""
        return f"SIMILAR:{self.out_id}:{self.in_id}"


def choose_index(n: int, kind: str = "auto", exact_limit: int = EXACT_LIMIT) -> str:
    """The index kind to use for ``n`` vectors."""
    if kind not in INDEX_KINDS:
        raise KnnError(f"unknown index kind {kind!r}; choose one of {INDEX_KINDS}")
    if kind != "auto":
        return kind
    return "exact" if n < exact_limit else "ivf"


class KnnIndex:
    """A faiss index over ``vectors`` with string ``ids``."""

    def __init__(self, ids: Sequence[str], vectors: np.ndarray, kind: str = "auto", *,
                 nprobe: int | None = None, ef_search: int = 128, seed: int = 0):
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(ids):
            raise KnnError(f"{len(ids)} ids but vectors have shape {vectors.shape}")
        if not np.isfinite(vectors).all():
            raise KnnError("vectors contain NaN or infinity")
        self.ids = np.asarray(ids, dtype=str)
        self.row = {pid: i for i, pid in enumerate(self.ids.tolist())}
        if len(self.row) != len(self.ids):
            raise KnnError("duplicate ids")
        n, d = vectors.shape
        self.kind = choose_index(n, kind)
        if self.kind == "exact" or n == 0:
            self.index = faiss.IndexFlatIP(d)
        elif self.kind == "hnsw":
            self.index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
            self.index.hnsw.efConstruction = 80
            self.index.hnsw.efSearch = ef_search
        else:
            nlist = max(1, min(int(4 * math.sqrt(n)), n // 39 or 1))
            quantizer = faiss.IndexFlatIP(d)
            self.index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(seed)
            sample = vectors[rng.choice(n, size=min(n, nlist * 256), replace=False)]
            self.index.train(sample)
            self.index.nprobe = nprobe or min(nlist, max(8, nlist // 8))
            self._quantizer = quantizer  # keep alive
        if n:
            self.index.add(vectors)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, queries: np.ndarray, k: int, query_ids: Sequence[str] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` neighbours of each query row: ``(ids, scores)``, each ``n x k``.

        A query whose id is in ``query_ids`` never gets itself back. Rows with
        fewer than ``k`` neighbours are padded with id ``""`` and score ``-inf``.
        """
        if k < 1:
            raise KnnError(f"k must be >= 1, got {k}")
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if queries.ndim == 1:
            queries = queries.reshape(1, -1)
        if len(self) and queries.shape[1] != self.index.d:
            raise KnnError(f"queries have {queries.shape[1]} dims, the index {self.index.d}")
        if query_ids is not None and len(query_ids) != len(queries):
            raise KnnError(f"{len(query_ids)} query ids for {len(queries)} queries")
        n = len(queries)
        out_ids = np.full((n, k), "", dtype=object)
        out_scores = np.full((n, k), -np.inf, dtype=np.float32)
        if not len(self) or not n:
            return out_ids.astype(str), out_scores
        fetch = min(len(self), k + 1)
        scores, rows = self.index.search(queries, fetch)
        self_rows = [self.row.get(q, -2) for q in query_ids] if query_ids is not None else [-2] * n
        for i in range(n):
            keep = [(r, s) for r, s in zip(rows[i], scores[i]) if r >= 0 and r != self_rows[i]][:k]
            for j, (r, s) in enumerate(keep):
                out_ids[i, j] = self.ids[r]
                out_scores[i, j] = s
        return out_ids.astype(str), out_scores


def top_k(ids: Sequence[str], vectors: np.ndarray, k: int, kind: str = "auto", batch_size: int = 4096,
          progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` neighbours of every vector among the others: ``(ids, scores)``, ``n x k``."""
    from tqdm import tqdm

    index = KnnIndex(ids, vectors, kind)
    ids = np.asarray(ids, dtype=str)
    parts_i, parts_s = [], []
    for start in tqdm(range(0, len(ids), batch_size), desc=f"knn ({index.kind})", unit="batch",
                      disable=not progress):
        sl = slice(start, start + batch_size)
        got_i, got_s = index.search(vectors[sl], k, query_ids=ids[sl].tolist())
        parts_i.append(got_i)
        parts_s.append(got_s)
    if not parts_i:
        return np.zeros((0, k), dtype=str), np.zeros((0, k), np.float32)
    return np.concatenate(parts_i), np.concatenate(parts_s)


def similar_edges(ids: Sequence[str], nbr_ids: np.ndarray, scores: np.ndarray) -> list[SimilarEdge]:
    """``SIMILAR`` edges from a :func:`top_k` result (padding dropped)."""
    edges = []
    for pid, row_ids, row_scores in zip(ids, nbr_ids, scores):
        for other, score in zip(row_ids, row_scores):
            if other:
                edges.append(SimilarEdge(str(pid), str(other), round(float(score), 6)))
    return edges


def same_label(ids: Sequence[str], nbr_ids: np.ndarray, labels: dict[str, str] | Iterable[str]) -> np.ndarray:
    """``n x k`` booleans: does each neighbour share its query's label (padding never does)."""
    ids = [str(i) for i in ids]
    label_of = labels if isinstance(labels, dict) else dict(zip(ids, labels))
    return np.array([[bool(other) and label_of.get(str(other)) == label_of[pid] for other in row]
                     for pid, row in zip(ids, nbr_ids)], dtype=bool).reshape(len(ids), -1)


def precision_at_k(ids: Sequence[str], nbr_ids: np.ndarray, labels: dict[str, str] | Iterable[str],
                   k: int | None = None) -> float:
    """Mean fraction of each product's top-``k`` neighbours that share its label."""
    same = same_label(ids, nbr_ids, labels)[:, :k or nbr_ids.shape[1]]
    return float(same.mean()) if same.size else 0.0


def label_precision(vectors: np.ndarray, labels: Sequence[str], k: int) -> float:
    """Precision@``k`` of every vector's exact nearest others (k capped at n - 1) under ``labels``."""
    k = min(k, len(vectors) - 1)
    if k < 1:
        return 0.0
    ids = [str(i) for i in range(len(vectors))]
    nbr, _ = top_k(ids, vectors, k, "exact")
    return precision_at_k(ids, nbr, [str(label) for label in labels])
