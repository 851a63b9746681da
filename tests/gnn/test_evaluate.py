"""Link metrics with known answers, and the fixed negatives they rank against."""
from __future__ import annotations

import numpy as np
import pytest

from stylegraph.gnn.evaluate import (cosine_metrics, eval_set, format_metrics, link_metrics,
                                     sample_negatives)


def test_perfect_and_worst_rankings():
    pos = np.array([5.0, 6.0])
    neg = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 2.0]])
    best = link_metrics(pos, neg)
    assert best["roc_auc"] == 1.0 and best["mrr"] == 1.0 and best["hits@10"] == 1.0
    worst = link_metrics(-pos, neg)
    assert worst["roc_auc"] == 0.0 and worst["mrr"] == pytest.approx(0.25)


def test_ranks_ties_and_hits_cutoff():
    # positive ranked 3rd (two negatives above) and with one tie -> rank 1.5
    pos = np.array([5.0, 1.0])
    neg = np.array([[9.0, 8.0, 0.0], [1.0, 0.0, 0.0]])
    m = link_metrics(pos, neg, hits_k=2)
    assert m["mrr"] == pytest.approx((1 / 3 + 1 / 1.5) / 2)
    assert m["hits@2"] == pytest.approx(0.5)


def test_negatives_avoid_existing_pairs_and_self(dataset):
    neg = sample_negatives(dataset.num_nodes, dataset.split.test, dataset.all_pairs, 30, seed=3)
    existing = {(int(u), int(v)) for u, v in dataset.all_pairs}
    existing |= {(v, u) for u, v in existing}
    for (u, _), row in zip(dataset.split.test, neg):
        for w in row:
            assert w != u and (int(u), int(w)) not in existing
    again = sample_negatives(dataset.num_nodes, dataset.split.test, dataset.all_pairs, 30, seed=3)
    assert np.array_equal(neg, again)


def test_cosine_baseline_ranks_knn_edges_high(dataset):
    # SIMILAR edges are cosine top-k, so plain cosine must find them easily
    m = cosine_metrics(dataset, eval_set(dataset, dataset.split.test, 20, seed=1))
    assert m["roc_auc"] > 0.9 and m["hits@10"] > 0.9
    table = format_metrics({"cosine": m})
    assert "roc_auc" in table and "cosine" in table
