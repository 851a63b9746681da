"""The product graph as numpy arrays, read through the ProductGraph's streamed export
(``iter_products``, ``iter_scored_edges``: any backend)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from stylegraph.queries.export import DEFAULT_BATCH_SIZE
from stylegraph.queries.connect import as_product_graph

SIMILAR = "SIMILAR"
RECOMMENDED = "RECOMMENDED"


@dataclass
class EdgeArrays:
    """The edges of one label as index arrays ``src -> dst`` with their ``score``."""

    src: np.ndarray
    dst: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return int(len(self.src))


@dataclass
class AnalyticsGraph:
    """Products (sorted by id) and their SIMILAR / RECOMMENDED edges as arrays."""

    ids: list[str]
    category: np.ndarray  # object array of str ("" when unknown)
    title: list[str]
    image: list[str]
    edges: dict[str, EdgeArrays] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of products."""
        return len(self.ids)

    def product(self, i: int) -> dict[str, Any]:
        """A small JSON-able view of product ``i``."""
        return {"id": self.ids[i], "title": self.title[i], "category": self.category[i],
                "image": self.image[i] or None}


def _edge_arrays(rows: Sequence[tuple[int, int, float]]) -> EdgeArrays:
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return EdgeArrays(empty, empty.copy(), np.zeros(0, dtype=np.float64))
    arr = np.asarray(rows, dtype=np.float64)
    return EdgeArrays(arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2])


def read_graph(g: Any, labels: Sequence[str] = (SIMILAR, RECOMMENDED),
               batch_size: int = DEFAULT_BATCH_SIZE) -> AnalyticsGraph:
    """Every product and every edge of ``labels`` through ``g``: one streamed traversal each.

    Edges whose endpoints are not products, or without a score, are skipped.
    """
    g = as_product_graph(g)
    products = sorted(g.iter_products(batch_size), key=lambda p: p.id)
    ids = [p.id for p in products]
    index = {pid: i for i, pid in enumerate(ids)}
    graph = AnalyticsGraph(
        ids=ids,
        category=np.array([p.category or "" for p in products], dtype=object),
        title=[p.attrs.get("title", "") or p.id for p in products],
        image=[p.attrs.get("image", "") for p in products],
    )
    for label in labels:
        rows: list[tuple[int, int, float]] = []
        for src, dst, score in g.iter_scored_edges(label, batch_size):
            s, d = index.get(src), index.get(dst)
            if s is not None and d is not None:
                rows.append((s, d, score))
        graph.edges[label] = _edge_arrays(rows)
    return graph
