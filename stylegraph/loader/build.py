"""``build-graph``: embeddings -> top-k ``SIMILAR`` edges -> Neptune bulk-load CSVs."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stylegraph.loader.catalog import Catalog
from stylegraph.loader.embedding_store import Embeddings
from stylegraph.loader.knn import choose_index, precision_at_k, similar_edges, top_k
from stylegraph.loader.neptune_csv import product_vertices, similar_edge_records, write_graph_csv


@dataclass
class BuildResult:
    """What ``build_graph`` wrote."""

    vertices_path: Path
    edges_path: Path
    n_vertices: int
    n_edges: int
    index: str
    precision: float | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    # SIMILAR score quantiles (5th, 50th, 95th percentile): the range min_score filters in
    score_quantiles: tuple[float, float, float] | None = None


def build_graph(catalog: Catalog, emb: Embeddings, out_dir: str | Path, k: int = 10, index: str = "auto",
                progress: bool = True, labels: list[str] | None = None) -> BuildResult:
    """Write ``vertices.csv`` (every catalog product) and ``edges.csv`` (top-k SIMILAR among embedded ones).

    With ``labels`` (catalog columns) the result also carries precision@k against them.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    times: dict[str, float] = {}
    in_catalog = {p.product_id for p in catalog}
    keep = np.array([pid in in_catalog for pid in emb.ids.tolist()], dtype=bool)
    ids = emb.ids[keep].tolist()
    vectors = emb.vectors[keep]
    start = time.perf_counter()
    kind = choose_index(len(ids), index)
    nbr_ids, scores = top_k(ids, vectors, k, kind, progress=progress)
    times["knn"] = time.perf_counter() - start
    start = time.perf_counter()
    edges = similar_edge_records(similar_edges(ids, nbr_ids, scores))
    vertices = product_vertices(catalog)
    vpath, epath = write_graph_csv(out_dir, vertices, edges)
    times["write_csv"] = time.perf_counter() - start
    finite = scores[np.isfinite(scores)]
    quantiles = tuple(float(q) for q in np.quantile(finite, [0.05, 0.5, 0.95])) if finite.size else None
    precision = (precision_at_k(ids, nbr_ids, dict(zip((p.product_id for p in catalog), catalog.labels(labels))))
                 if labels and ids else None)
    return BuildResult(vpath, epath, len(vertices), len(edges), kind, precision, times, quantiles)
