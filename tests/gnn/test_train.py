"""Training on relations: run dir contents, early stopping on validation, and it learns the rule."""
from __future__ import annotations

import json

import pytest
import torch

from stylegraph.gnn import runs
from stylegraph.gnn.model import RelationSAGE
from .conftest import small_config


def test_run_dir_holds_config_split_weights_metrics_and_pngs(trained):
    names = {p.name for p in trained.run_dir.iterdir()}
    assert {"config.json", "features.json", "split.npz", "model.pt", "metrics.json",
            "curve.png", "metrics.png", "train.log"} <= names
    m = json.loads((trained.run_dir / "metrics.json").read_text())
    assert m["kinds"] == ["WORN_WITH"]
    assert set(m["test"]) == {"cold", "warm"}
    assert set(m["test"]["cold"]) == {"gnn", "cosine", "popularity"}
    assert set(m["test"]["warm"]) == {"gnn", "cosine", "popularity", "cooccurrence"}
    assert m["split"]["cold_test_products"] > 0 and m["split"]["seed"] == 0
    best = max(m["history"], key=lambda h: h["val_select"])
    assert m["best_epoch"] == best["epoch"]  # chosen on validation only


def test_learns_complementary_outfits_beyond_look_alikes_and_popularity(trained):
    test = trained.metrics["test"]
    cold, warm = test["cold"], test["warm"]
    # the rule (same style, other category) is invisible to cosine, whose top hits are look-alikes
    assert cold["gnn"]["recall@10"] > 1.5 * cold["cosine"]["recall@10"]
    assert cold["gnn"]["recall@10"] > cold["popularity"]["recall@10"] + 0.1
    assert warm["gnn"]["recall@10"] > warm["popularity"]["recall@10"] + 0.1


def test_loaded_run_scores_like_the_trained_model(trained, dataset):
    loaded = runs.load_run(trained.run_dir)
    assert isinstance(loaded.model, RelationSAGE)
    from stylegraph.gnn.evaluate import evaluate_part

    again = evaluate_part(loaded.model, dataset, "test", loaded.config.seed + 2)
    assert again["cold"]["gnn"] == pytest.approx(trained.metrics["test"]["cold"]["gnn"])


def test_scorer_forms_agree():
    torch.manual_seed(0)
    model = RelationSAGE(4, hidden=4, num_layers=1)
    q, c, b = torch.randn(7, 4), torch.randn(7, 4), torch.randn(7)
    feats = torch.rand(2, 7, 2)
    rows = torch.tensor([0, 3])
    with torch.no_grad():
        full = model.score_rows(q, c, b, rows, pair_feat=feats)
        pairs = model.score_pairs(q, c, b, torch.tensor([0, 3, 3]), torch.tensor([5, 1, 0]),
                                  torch.stack([feats[0, 5], feats[1, 1], feats[1, 0]]))
        assert torch.allclose(pairs, torch.stack([full[0, 5], full[1, 1], full[1, 0]]))
        # symmetric: s(u, v) == s(v, u) for the same pair features
        sym = model.score_rows(q, c, b, torch.tensor([5]), torch.tensor([0]),
                               pair_feat=feats[0, 5].reshape(1, 1, 2))
        assert torch.allclose(sym[0, 0], full[0, 5])


def test_bad_config_values_are_refused():
    from stylegraph.gnn.config import ConfigError

    with pytest.raises(ConfigError, match="either"):
        small_config(target=["WORN_WITH"], target_column="color")
    with pytest.raises(ConfigError, match="cold_frac"):
        small_config(cold_frac=0.6)


def test_epoch_cut_hides_simulated_cold_products_and_keeps_every_pair(dataset):
    import numpy as np

    from stylegraph.gnn.train import epoch_cut

    cfg = small_config(message_frac=0.7, cold_sim_frac=0.3)
    msg, sup = epoch_cut(dataset.split.train, dataset.num_nodes, cfg, np.random.default_rng(0))
    assert sorted([*msg, *sup]) == list(range(len(dataset.split.train)))  # a partition
    assert 0 < len(msg) < 0.7 * len(dataset.split.train) + 1


def test_two_hop_negatives_share_a_partner():
    import numpy as np

    from stylegraph.gnn.structure import adjacency
    from stylegraph.gnn.train import two_hop_negatives

    # path 0-1-2 and an isolated product 3
    adj = adjacency(4, np.array([[0, 1], [1, 2]]))
    got = two_hop_negatives(adj, np.array([0, 0, 0, 3]), 5, np.random.default_rng(0))
    assert set(got[:3].ravel()) <= {0, 2}  # 0 -> 1 -> {0, 2}
    assert got.shape == (4, 5) and ((got[3] >= 0) & (got[3] < 4)).all()  # dead end: uniform


def test_pair_structure_counts_common_neighbours():
    import numpy as np

    from stylegraph.gnn.structure import PairStructure

    # relations 0-1 (weight 2), 1-2; SIMILAR 3-0: 3 looks like 0, whose partner is 1
    s = PairStructure.of(4, np.array([[0, 1], [1, 2]]), np.array([[0, 3]]), np.array([2.0, 1.0]))
    feats = s.rows(np.array([0, 3])).numpy()
    assert feats[0, 2, 0] == pytest.approx(np.log1p(2.0))  # 0 -(2)- 1 -(1)- 2
    assert feats[1, 1, 1] == pytest.approx(np.log1p(2.0))  # 3 ~ 0 -(2)- 1
    assert feats[1, 1, 0] == 0.0  # 3 itself has no partners
    assert np.allclose(s.pairs(np.array([0, 3]), np.array([2, 1])).numpy(),
                       [feats[0, 2], feats[1, 1]])
