"""One analysis of the product graph: clusters, hubs, blind spots and coverage.

``analyze(graph)`` works on an :class:`~stylegraph.analytics.graphdata.AnalyticsGraph`
(numpy arrays) and returns an :class:`Analysis` whose ``summary()`` and
``clusters()`` are the JSON the CLI report and ``/api/analytics/*`` share.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from stylegraph.analytics import algorithms
from stylegraph.analytics.graphdata import RECOMMENDED, SIMILAR, AnalyticsGraph

TOP_CATEGORIES = 3
REPRESENTATIVES = 4
SAMPLE = 20
HUBS = 20
# "no close look-alike": best SIMILAR score under this percentile of all products' best scores
LOOKALIKE_PERCENTILE = 5.0


@dataclass
class Clustering:
    """Communities of one edge label's graph."""

    label: str
    labels: np.ndarray  # cluster per product (0 = largest)
    method: str
    modularity: float
    internal_degree: np.ndarray  # weighted degree inside the own cluster (representatives)

    @property
    def count(self) -> int:
        """Number of clusters (isolated products are clusters of one)."""
        return int(self.labels.max()) + 1 if len(self.labels) else 0


@dataclass
class Analysis:
    """The result of :func:`analyze`."""

    graph: AnalyticsGraph
    clusterings: dict[str, Clustering]
    pagerank: np.ndarray
    hub_label: Optional[str]
    in_degree: dict[str, np.ndarray]
    out_degree: dict[str, np.ndarray]
    best_similar: np.ndarray  # best SIMILAR score per product (-inf without SIMILAR edges)
    lookalike_threshold: float
    timing_s: dict[str, float] = field(default_factory=dict)

    # -- clusters
    def cluster_list(self, label: str = SIMILAR) -> list[dict[str, Any]]:
        """Every cluster of ``label``'s graph, largest first: size, top categories, representatives."""
        c = self.clusterings[label]
        n_clusters = c.count
        sizes = np.bincount(c.labels, minlength=n_clusters)
        cats, cat_codes = np.unique(self.graph.category.astype(str), return_inverse=True)
        pair = c.labels * len(cats) + cat_codes
        keys, counts = np.unique(pair, return_counts=True)
        by_cluster: dict[int, list[tuple[int, str]]] = {}
        for key, count in zip(keys.tolist(), counts.tolist()):
            by_cluster.setdefault(key // len(cats), []).append((count, cats[key % len(cats)]))
        order = np.lexsort((-c.internal_degree, c.labels))
        starts = np.searchsorted(c.labels[order], np.arange(n_clusters))
        out = []
        for k in range(n_clusters):
            members = order[starts[k]:starts[k] + min(REPRESENTATIVES, sizes[k])]
            top = sorted(by_cluster.get(k, []), key=lambda x: (-x[0], x[1]))[:TOP_CATEGORIES]
            out.append({
                "cluster": k,
                "size": int(sizes[k]),
                "top_categories": [{"category": cat or None, "count": int(cnt)} for cnt, cat in top],
                "representatives": [self.graph.product(int(i)) for i in members],
            })
        return out

    def assignments(self, label: str = SIMILAR) -> dict[str, int]:
        """``{product_id: cluster}`` for ``label``'s clustering."""
        labels = self.clusterings[label].labels
        return {pid: int(c) for pid, c in zip(self.graph.ids, labels.tolist())}

    def members(self, cluster: int, label: str = SIMILAR) -> list[str]:
        """Product ids of one cluster, most central first."""
        c = self.clusterings[label]
        idx = np.flatnonzero(c.labels == cluster)
        idx = idx[np.argsort(-c.internal_degree[idx], kind="stable")]
        return [self.graph.ids[i] for i in idx.tolist()]

    # -- the rest
    def hubs(self, limit: int = HUBS) -> list[dict[str, Any]]:
        """Products with the highest PageRank on the hub graph (RECOMMENDED, else SIMILAR)."""
        if self.hub_label is None:
            return []
        top = np.argsort(-self.pagerank, kind="stable")[:limit]
        indeg = self.in_degree[self.hub_label]
        return [{**self.graph.product(int(i)), "pagerank": float(self.pagerank[i]),
                 "in_degree": int(indeg[i])} for i in top.tolist()]

    def never_recommended(self) -> np.ndarray:
        """Indices of products no RECOMMENDED edge points at."""
        return np.flatnonzero(self.in_degree[RECOMMENDED] == 0)

    def no_lookalike(self) -> np.ndarray:
        """Indices of products whose best SIMILAR score is under the threshold (or none)."""
        return np.flatnonzero(self.best_similar < self.lookalike_threshold)

    def coverage(self) -> list[dict[str, Any]]:
        """Per category: products, how many are recommended somewhere, how many have recommendations."""
        cats, codes = np.unique(self.graph.category.astype(str), return_inverse=True)
        total = np.bincount(codes, minlength=len(cats))
        rec_in = np.bincount(codes, weights=self.in_degree[RECOMMENDED] > 0, minlength=len(cats))
        rec_out = np.bincount(codes, weights=self.out_degree[RECOMMENDED] > 0, minlength=len(cats))
        rows = [{"category": cat or None, "products": int(t), "recommended": int(r),
                 "share_recommended": round(float(r) / t, 4) if t else 0.0,
                 "with_recommendations": int(o)}
                for cat, t, r, o in zip(cats.tolist(), total.tolist(), rec_in.tolist(), rec_out.tolist())]
        return sorted(rows, key=lambda r: (r["share_recommended"], -r["products"]))

    def _sample(self, idx: np.ndarray) -> list[dict[str, Any]]:
        return [self.graph.product(int(i)) for i in idx[:SAMPLE].tolist()]

    def summary(self, clusters: int = 10) -> dict[str, Any]:
        """The JSON summary: counts, clusters per graph (largest ``clusters``), hubs, blind spots, coverage."""
        never = self.never_recommended()
        lonely = self.no_lookalike()
        graphs = {}
        for label, c in self.clusterings.items():
            sizes = np.bincount(c.labels)
            graphs[label] = {
                "method": c.method,
                "count": c.count,
                "modularity": round(c.modularity, 4),
                "largest": int(sizes.max()) if len(sizes) else 0,
                "singletons": int((sizes == 1).sum()),
                "top": self.cluster_list(label)[:clusters],
            }
        return {
            "products": self.graph.n,
            "edges": {label: len(e) for label, e in self.graph.edges.items()},
            "clusters": graphs,
            "hubs": {"graph": self.hub_label, "items": self.hubs()},
            "blind_spots": {
                "never_recommended": {"count": int(len(never)), "sample": self._sample(never)},
                "no_lookalike": {"count": int(len(lonely)),
                                 "threshold": round(float(self.lookalike_threshold), 4),
                                 "sample": self._sample(lonely)},
            },
            "coverage": self.coverage(),
            "timing_s": {k: round(v, 3) for k, v in self.timing_s.items()},
        }


def _degrees(graph: AnalyticsGraph, label: str) -> tuple[np.ndarray, np.ndarray]:
    e = graph.edges.get(label)
    if e is None or not len(e):
        return np.zeros(graph.n, dtype=np.int64), np.zeros(graph.n, dtype=np.int64)
    return np.bincount(e.dst, minlength=graph.n), np.bincount(e.src, minlength=graph.n)


def cluster_graph(graph: AnalyticsGraph, label: str, method: str = "auto", seed: int = 0) -> Clustering:
    """The communities of the undirected graph of ``label`` edges."""
    e = graph.edges[label]
    adj = algorithms.symmetric_adjacency(graph.n, e.src, e.dst, e.score)
    labels, used = algorithms.communities(adj, method, seed)
    coo = adj.tocoo()
    inside = labels[coo.row] == labels[coo.col]
    internal = np.bincount(coo.row[inside], weights=coo.data[inside], minlength=graph.n)
    return Clustering(label, labels, used, algorithms.modularity(adj, labels), internal)


def analyze(graph: AnalyticsGraph, method: str = "auto", seed: int = 0,
            lookalike_min: Optional[float] = None) -> Analysis:
    """Analyse ``graph``: communities of SIMILAR and RECOMMENDED, PageRank hubs, blind spots.

    ``lookalike_min``: a product whose best SIMILAR score is below it has no close
    look-alike (default: the 5th percentile of the best scores).
    """
    timing: dict[str, float] = {}
    clusterings: dict[str, Clustering] = {}
    for label in (SIMILAR, RECOMMENDED):
        if label in graph.edges and len(graph.edges[label]):
            t0 = time.perf_counter()
            clusterings[label] = cluster_graph(graph, label, method, seed)
            timing[f"clusters_{label}"] = time.perf_counter() - t0
    if SIMILAR not in clusterings:  # no edges: every product is its own cluster
        labels = np.arange(graph.n, dtype=np.int64)
        clusterings[SIMILAR] = Clustering(SIMILAR, labels, "none", 0.0, np.zeros(graph.n))
    degrees = {label: _degrees(graph, label) for label in (SIMILAR, RECOMMENDED)}
    hub_label = RECOMMENDED if len(graph.edges.get(RECOMMENDED, ())) else (
        SIMILAR if len(graph.edges.get(SIMILAR, ())) else None)
    t0 = time.perf_counter()
    if hub_label is None:
        rank = np.zeros(graph.n)
    else:
        e = graph.edges[hub_label]
        rank = algorithms.pagerank(graph.n, e.src, e.dst, e.score)
    timing["pagerank"] = time.perf_counter() - t0
    best = np.full(graph.n, -np.inf)
    sim = graph.edges.get(SIMILAR)
    if sim is not None and len(sim):
        np.maximum.at(best, sim.src, sim.score)
    finite = best[np.isfinite(best)]
    if lookalike_min is None:
        lookalike_min = float(np.percentile(finite, LOOKALIKE_PERCENTILE)) if len(finite) else 0.0
    return Analysis(
        graph=graph, clusterings=clusterings, pagerank=rank, hub_label=hub_label,
        in_degree={k: v[0] for k, v in degrees.items()},
        out_degree={k: v[1] for k, v in degrees.items()},
        best_similar=best, lookalike_threshold=float(lookalike_min), timing_s=timing,
    )
