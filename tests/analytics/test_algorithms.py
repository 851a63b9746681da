"""The scipy community detection and PageRank, against planted structure and networkx."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from stylegraph.analytics import algorithms as alg


def planted(n_blocks: int = 8, size: int = 60, degree: int = 8, inside: float = 0.95, seed: int = 0):
    rng = np.random.default_rng(seed)
    n = n_blocks * size
    block = np.arange(n) // size
    src = np.repeat(np.arange(n), degree)
    stay = rng.random(len(src)) < inside
    dst = np.where(stay, block[src] * size + rng.integers(0, size, len(src)), rng.integers(0, n, len(src)))
    return n, block, src, dst, 0.5 + 0.5 * rng.random(len(src))


def agreement(found: np.ndarray, truth: np.ndarray) -> float:
    """Share of node pairs (sampled) on which the two partitions agree (same vs different)."""
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, len(truth), 20_000), rng.integers(0, len(truth), 20_000)
    return float(np.mean((found[a] == found[b]) == (truth[a] == truth[b])))


@pytest.mark.parametrize("method", ["label-propagation", "louvain"])
def test_planted_clusters_are_recovered(method: str) -> None:
    n, block, src, dst, w = planted()
    adj = alg.symmetric_adjacency(n, src, dst, w)
    labels, used = alg.communities(adj, method)
    assert used == method
    assert agreement(labels, block) > 0.97
    assert alg.modularity(adj, labels) > 0.7
    # a random partition has no modularity to speak of
    assert alg.modularity(adj, np.random.default_rng(0).integers(0, 8, n)) < 0.05


def test_auto_picks_by_size() -> None:
    n, _, src, dst, w = planted()
    assert alg.communities(alg.symmetric_adjacency(n, src, dst, w), "auto")[1] == "louvain"
    with pytest.raises(ValueError, match="method must be one of"):
        alg.communities(alg.symmetric_adjacency(n, src, dst, w), "kmeans")


def test_compact_by_size_numbers_largest_first() -> None:
    out = alg.compact_by_size(np.array([7, 3, 3, 9, 3, 7]))
    assert out.tolist() == [1, 0, 0, 2, 0, 1]


def test_row_argmax_matches_dense() -> None:
    rng = np.random.default_rng(2)
    dense = rng.random((30, 40)) * (rng.random((30, 40)) < 0.2)
    dense[5] = 0.0
    m = sp.csr_matrix(dense)
    default = np.full(30, -1)
    got = alg.row_argmax(m, default)
    want = np.where(dense.max(axis=1) > 0, dense.argmax(axis=1), -1)
    assert got.tolist() == want.tolist()


def test_pagerank_matches_networkx_with_dangling_nodes() -> None:
    rng = np.random.default_rng(3)
    n = 200
    src, dst = rng.integers(0, 150, 900), rng.integers(0, n, 900)  # 150..199 have no out-edges
    w = rng.random(900) + 0.1
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    for s, d, x in zip(src.tolist(), dst.tolist(), w.tolist()):
        if graph.has_edge(s, d):
            graph[s][d]["weight"] += x
        else:
            graph.add_edge(s, d, weight=x)
    want = nx.pagerank(graph, weight="weight", tol=1e-12)
    got = alg.pagerank(n, src, dst, w)
    assert abs(got.sum() - 1.0) < 1e-9
    assert max(abs(got[i] - want[i]) for i in range(n)) < 1e-6
