"""Graph algorithms that scale to 100k products x 10 edges on 2 cores.

* communities: networkx Louvain while the graph is small (``LOUVAIN_MAX_EDGES``);
  above that, a weighted semi-synchronous label propagation written with
  scipy sparse matrices (each round is two sparse products and a row argmax,
  a fraction of a second at 1M edges), because networkx's pure-Python
  Louvain and label propagation take minutes there (bench/analytics_scale.py).
* PageRank: power iteration on a scipy CSR matrix (dangling mass spread uniformly),
  the same fixed point as ``networkx.pagerank``.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

LOUVAIN_MAX_EDGES = 50_000
METHODS = ("auto", "louvain", "label-propagation")


def symmetric_adjacency(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> sp.csr_matrix:
    """Undirected weighted adjacency (``w(i,j) = w(j,i)`` = sum of both directions), no self loops."""
    keep = src != dst
    rows = np.concatenate([src[keep], dst[keep]])
    cols = np.concatenate([dst[keep], src[keep]])
    data = np.concatenate([weight[keep], weight[keep]]).astype(np.float64)
    data = np.clip(data, 1e-6, None)  # a cosine score can be <= 0; an edge still links
    return sp.csr_matrix((data, (rows, cols)), shape=(n, n))


def compact_by_size(labels: np.ndarray) -> np.ndarray:
    """Relabel communities 0.. by decreasing size (ties: smallest member index first)."""
    uniq, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    first = np.full(len(uniq), len(labels), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(labels)))
    order = np.lexsort((first, -counts))
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    return rank[inverse]


def label_propagation(adj: sp.csr_matrix, seed: int = 0, max_rounds: int = 50,
                      update_fraction: float = 0.5, tol: float = 1e-3) -> np.ndarray:
    """Weighted label propagation: each round a random ``update_fraction`` of the nodes takes
    the label with the largest total edge weight among its neighbours (semi-synchronous, so
    it does not oscillate on bipartite parts). Stops when fewer than ``tol`` of the nodes change.
    """
    n = adj.shape[0]
    rng = np.random.default_rng(seed)
    labels = np.arange(n, dtype=np.int64)
    coo = adj.tocoo()
    rows, cols, data = coo.row, coo.col, coo.data
    has_edges = np.diff(adj.indptr) > 0
    for _ in range(max_rounds):
        # tiny random jitter breaks ties without favouring small label numbers
        jitter = data * (1.0 + 1e-6 * rng.random(len(data)))
        votes = sp.csr_matrix((jitter, (rows, labels[cols])), shape=(n, n))
        best = row_argmax(votes, labels)
        move = has_edges & (rng.random(n) < update_fraction) & (best != labels)
        labels = np.where(move, best, labels)
        if move.sum() < tol * n:
            break
    return labels


def row_argmax(m: sp.csr_matrix, default: np.ndarray) -> np.ndarray:
    """Column of each row's largest stored value (``default`` for empty rows), vectorised
    (scipy's own ``argmax(axis=1)`` loops over the rows in Python)."""
    m.sum_duplicates()
    counts = np.diff(m.indptr)
    nonempty = counts > 0
    best = default.copy()
    if not nonempty.any():
        return best
    row_max = np.maximum.reduceat(m.data, m.indptr[:-1][nonempty])
    row_of = np.repeat(np.arange(m.shape[0]), counts)
    hit = np.flatnonzero(m.data == np.repeat(row_max, counts[nonempty]))
    rows_hit, first = np.unique(row_of[hit], return_index=True)
    best[rows_hit] = m.indices[hit[first]]
    return best


def louvain(adj: sp.csr_matrix, seed: int = 0) -> np.ndarray:
    """networkx's Louvain communities of ``adj`` as a label array."""
    import networkx as nx

    graph = nx.from_scipy_sparse_array(adj)
    labels = np.arange(adj.shape[0], dtype=np.int64)
    for c, members in enumerate(nx.community.louvain_communities(graph, weight="weight", seed=seed)):
        labels[list(members)] = c
    return labels


def communities(adj: sp.csr_matrix, method: str = "auto", seed: int = 0) -> tuple[np.ndarray, str]:
    """Community labels (0 = largest) and the method used (``auto`` picks by size)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method == "auto":
        method = "louvain" if adj.nnz // 2 <= LOUVAIN_MAX_EDGES else "label-propagation"
    raw = louvain(adj, seed) if method == "louvain" else label_propagation(adj, seed)
    return compact_by_size(raw), method


def modularity(adj: sp.csr_matrix, labels: np.ndarray) -> float:
    """Newman modularity of ``labels`` on the undirected weighted ``adj``."""
    two_m = float(adj.sum())
    if two_m == 0:
        return 0.0
    coo = adj.tocoo()
    inside = labels[coo.row] == labels[coo.col]
    k = np.bincount(labels, minlength=labels.max() + 1)
    internal = np.bincount(labels[coo.row[inside]], weights=coo.data[inside], minlength=len(k))
    degree = np.asarray(adj.sum(axis=1)).ravel()
    total = np.bincount(labels, weights=degree, minlength=len(k))
    return float(internal.sum() / two_m - np.square(total / two_m).sum())


def pagerank(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray | None = None,
             alpha: float = 0.85, tol: float = 1e-10, max_iter: int = 200) -> np.ndarray:
    """PageRank of the directed graph ``src -> dst`` (weighted), summing to 1."""
    if n == 0:
        return np.zeros(0)
    w = np.ones(len(src)) if weight is None else np.clip(np.asarray(weight, dtype=np.float64), 1e-9, None)
    m = sp.csr_matrix((w, (src, dst)), shape=(n, n))
    out = np.asarray(m.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    transition = sp.diags(inv) @ m  # row-stochastic where out > 0
    transition_t = transition.T.tocsr()
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = alpha * (transition_t @ x + x[dangling].sum() / n) + (1.0 - alpha) / n
        if np.abs(new - x).sum() < n * tol:
            x = new
            break
        x = new
    return x / x.sum()
