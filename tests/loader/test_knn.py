"""faiss neighbours: exact and ANN, self-matches excluded, known answers."""
from __future__ import annotations

import numpy as np
import pytest

from stylegraph.loader.knn import KnnError, KnnIndex, choose_index, precision_at_k, similar_edges, top_k


def clusters(n_clusters=8, per=25, d=32, noise=0.05, seed=0):
    """Unit vectors in tight clusters: the right neighbours are known."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_clusters, d))
    vec = np.repeat(centres, per, axis=0) + noise * rng.normal(size=(n_clusters * per, d))
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    ids = [f"c{i // per}-{i % per}" for i in range(len(vec))]
    labels = [i.split("-")[0] for i in ids]
    return ids, vec.astype(np.float32), labels


def test_exact_matches_brute_force_and_excludes_self():
    ids, vec, labels = clusters()
    nbr, scores = top_k(ids, vec, 10, "exact")
    sims = vec @ vec.T
    np.fill_diagonal(sims, -np.inf)
    np.testing.assert_allclose(scores, -np.sort(-sims, axis=1)[:, :10], atol=1e-5)  # the best 10 scores
    row = {pid: i for i, pid in enumerate(ids)}
    got = np.array([[sims[i, row[o]] for o in r] for i, r in enumerate(nbr)])
    np.testing.assert_allclose(got, scores, atol=1e-5)  # and the ids that have them
    assert all(pid not in row for pid, row in zip(ids, nbr))
    assert (np.diff(scores, axis=1) <= 1e-6).all()
    assert precision_at_k(ids, nbr, labels) == 1.0


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_ann_indexes_find_the_clusters(kind):
    ids, vec, labels = clusters(n_clusters=10, per=40)
    nbr, scores = top_k(ids, vec, 10, kind)
    assert precision_at_k(ids, nbr, labels) > 0.97
    assert all(pid not in row for pid, row in zip(ids, nbr))
    assert np.isfinite(scores).all()


def test_auto_choice_and_override():
    assert choose_index(1_000) == "exact"
    assert choose_index(250_000) == "ivf"
    assert choose_index(250_000, "hnsw") == "hnsw"
    assert choose_index(10, "exact", exact_limit=5) == "exact"
    assert choose_index(10, exact_limit=5) == "ivf"
    with pytest.raises(KnnError, match="unknown index kind"):
        choose_index(10, "lsh")


def test_padding_outside_queries_and_edges():
    ids, vec, _ = clusters(n_clusters=1, per=4)
    nbr, scores = top_k(ids, vec, 10)
    assert nbr.shape == (4, 10)
    assert (nbr[:, 3:] == "").all() and np.isneginf(scores[:, 3:]).all()
    index = KnnIndex(ids, vec)
    got, _ = index.search(vec[0], 2)  # a query from outside: itself is allowed back
    assert got[0, 0] == ids[0]
    edges = similar_edges(ids, nbr, scores)
    assert len(edges) == 12 and edges[0].edge_id == f"SIMILAR:{ids[0]}:{edges[0].in_id}"


def test_bad_input():
    with pytest.raises(KnnError, match="ids but vectors"):
        KnnIndex(["a"], np.zeros((2, 3)))
    with pytest.raises(KnnError, match="NaN"):
        KnnIndex(["a"], np.full((1, 3), np.nan))
    with pytest.raises(KnnError, match="duplicate"):
        KnnIndex(["a", "a"], np.eye(2))
    index = KnnIndex(["a", "b"], np.eye(2))
    with pytest.raises(KnnError, match="dims"):
        index.search(np.ones((1, 3)), 1)
    with pytest.raises(KnnError, match="k must be"):
        index.search(np.ones((1, 2)), 0)
