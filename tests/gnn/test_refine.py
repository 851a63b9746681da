"""Refinement without the graph store: candidates, scoring, inductive encoding."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from stylegraph.gnn import runs
from stylegraph.gnn.dataset import ExportedGraph
from stylegraph.gnn.refine import embedding_neighbours, recommend, two_hop_candidates
from .synthetic import make_catalog


def test_two_hop_candidates():
    # path 0-1-2-3 and an isolated node 4
    reach = two_hop_candidates(5, np.array([[0, 1], [1, 2], [2, 3]]))
    rows = [sorted(reach.indices[reach.indptr[i]:reach.indptr[i + 1]].tolist()) for i in range(5)]
    assert rows == [[1, 2], [0, 2, 3], [0, 1, 3], [1, 2], []]


def test_embedding_neighbours_excludes_self():
    h = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    nn = embedding_neighbours(h, 1)
    assert nn[:, 0].tolist() == [1, 0, 3, 2]
    assert embedding_neighbours(h, 10).shape == (4, 3)


def test_recommend_top_k_per_product(trained, catalog):
    products, edges, emb, style_of = catalog
    run = runs.load_run(trained.run_dir)
    recs, ids, mean_cand = recommend(run, ExportedGraph(products, edges), emb, k=5, ann_m=10,
                                     progress=False)
    assert len(ids) == 60 and mean_cand >= 10
    by_src: dict[str, list] = {}
    for r in recs:
        assert r.src != r.dst and 0.0 <= r.score <= 1.0
        by_src.setdefault(r.src, []).append(r)
    assert set(by_src) == set(ids) and all(len(v) == 5 for v in by_src.values())
    # the links it recommends mostly stay within the product's true style
    same = np.mean([style_of[r.src] == style_of[r.dst] for r in recs])
    assert same > 0.7


def test_products_added_after_training_are_encoded_without_retraining(trained):
    # a bigger catalog from the same generator: 12 products the run never saw
    products, edges, emb, style_of = make_catalog(72)
    seen = {f"p{i:04d}" for i in range(60)}
    weights_before = (trained.run_dir / "model.pt").read_bytes()
    run = runs.load_run(trained.run_dir)
    recs, ids, _ = recommend(run, ExportedGraph(products, edges), emb, k=5, ann_m=10,
                             progress=False)
    new = [pid for pid in ids if pid not in seen]
    assert len(new) == 12
    new_recs = [r for r in recs if r.src in new]
    assert {r.src for r in new_recs} == set(new)
    assert np.mean([style_of[r.src] == style_of[r.dst] for r in new_recs]) > 0.6
    assert (trained.run_dir / "model.pt").read_bytes() == weights_before


def test_k_must_be_positive(trained, catalog):
    products, edges, emb, _ = catalog
    with pytest.raises(ValueError, match="k must be"):
        recommend(runs.load_run(trained.run_dir), ExportedGraph(products, edges), emb, k=0)
