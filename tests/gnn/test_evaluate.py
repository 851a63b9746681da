"""Full-ranking metrics with known answers, and the baselines on a tiny graph."""
from __future__ import annotations

import numpy as np
import pytest

from stylegraph.gnn.evaluate import Queries, baseline_scorers, make_queries, rank_metrics


def test_rank_metrics_known_answers():
    # 12 products; query 0 ranks products by descending index: 11, 10, 9, ...
    scores = np.arange(12, dtype=np.float64)
    fn = lambda rows: np.tile(scores, (len(rows), 1))  # noqa: E731
    q = Queries(rows=np.array([0]), targets=[np.array([11, 1])], masked=[np.array([], np.int64)])
    m = rank_metrics(fn, q, 12)
    # target 11 is rank 1; target 1 is rank 11 (only 0 itself is lower): 1 of 2 in the top 10
    assert m["recall@10"] == 0.5 and m["hits@10"] == 1.0 and m["mrr"] == 1.0
    assert m["ndcg@10"] == pytest.approx(1.0 / (1.0 + 1.0 / np.log2(3)))
    # masking 11..3 (known history) lifts target 1 to rank 2 (after 2)
    q = Queries(rows=np.array([0]), targets=[np.array([1])], masked=[np.arange(2, 11)])
    m = rank_metrics(fn, q, 12)
    assert m["mrr"] == 0.5 and m["recall@10"] == 1.0


def test_ties_are_broken_at_random_not_in_anyones_favour():
    fn = lambda rows: np.zeros((len(rows), 1001))  # noqa: E731
    q = Queries(rows=np.arange(200), targets=[np.array([1000])] * 200,
                masked=[np.array([], np.int64)] * 200)
    hits = rank_metrics(fn, q, 1001)["hits@10"]
    assert 0.0 <= hits < 0.06  # about 10/1000 of the queries, not all, not by index order


def test_queries_and_baselines_on_a_known_graph(dataset):
    # train pairs define popularity and co-occurrence; check them against a direct count
    scorers = baseline_scorers(dataset)
    s = dataset.split
    deg = np.zeros(dataset.num_nodes)
    for (u, v), w in zip(s.train, s.train_weight):
        deg[u] += w
        deg[v] += w
    assert np.array_equal(scorers["popularity"](np.array([0]))[0], deg)
    u = int(s.train[0, 0])
    co = scorers["cooccurrence"](np.array([u]))[0]
    partners = {int(b) for a, b in s.train if a == u} | {int(a) for a, b in s.train if b == u}
    w = max(range(dataset.num_nodes), key=lambda x: co[x])
    direct = sum(1 for p in partners for a, b in s.train if {a, b} == {p, w})
    assert int(co[w]) == direct
    q = make_queries(dataset.num_nodes, s.warm_test, [s.train])
    assert len(q.rows) > 0 and all(t.size for t in q.targets)
    assert all(not set(t) & set(m) for t, m in zip(q.targets, q.masked))
