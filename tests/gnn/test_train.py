"""Training runs: artifacts, learning, early stopping, run dirs, promotion."""
from __future__ import annotations

import json

import pytest
import torch

from .conftest import small_config
from stylegraph.gnn import runs
from stylegraph.gnn.config import ConfigError, GNNConfig
from stylegraph.gnn.evaluate import eval_set, evaluate_model
from stylegraph.gnn.train import train_run


def test_run_dir_holds_every_artifact(trained):
    d = trained.run_dir
    assert d.name.endswith("-t")
    for f in ("config.json", "features.json", "split.npz", "model.pt", "metrics.json",
              "curve.png", "train.log"):
        assert (d / f).is_file() and (d / f).stat().st_size > 0, f
    assert (d / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert GNNConfig.load(d / "config.json") == small_config()
    metrics = json.loads((d / "metrics.json").read_text())
    assert metrics == json.loads(json.dumps(trained.metrics))
    assert "epoch 1 loss" in (d / "train.log").read_text()


def test_gnn_learns_to_predict_held_out_edges(trained):
    m = trained.metrics
    history = m["history"]
    assert history[-1]["loss"] < history[0]["loss"]
    assert m["test"]["gnn"]["roc_auc"] > 0.85
    assert m["test"]["gnn"]["hits@10"] > 0.8
    assert set(m["test"]) == {"gnn", "cosine"}


def test_saved_weights_reproduce_the_reported_metrics(trained, dataset):
    run = runs.load_run(trained.run_dir)
    cfg = run.config
    es = eval_set(dataset, dataset.split.test, cfg.eval_negatives, cfg.seed + 2)
    again = evaluate_model(run.model, dataset, es)
    assert again["gnn"]["mrr"] == pytest.approx(trained.metrics["test"]["gnn"]["mrr"])
    assert again["cosine"] == trained.metrics["test"]["cosine"]


def test_early_stopping_and_no_overwrite(dataset, trained, tmp_path):
    cfg = small_config(epochs=30, patience=1, lr=0.05)
    first = train_run(dataset, cfg, tmp_path, progress=False)
    second = train_run(dataset, cfg, tmp_path, progress=False)
    assert first.run_dir != second.run_dir and first.run_dir.exists()
    m = first.metrics
    assert m["early_stopped"] and m["epochs_run"] < 30
    assert m["epochs_run"] == m["best_epoch"] + 1
    # same seed, same data: same result
    assert m["test"]["gnn"]["mrr"] == pytest.approx(second.metrics["test"]["gnn"]["mrr"])


def test_promote_latest_and_list_runs(trained):
    runs_dir = trained.run_dir.parent
    assert runs.latest_run(runs_dir) is None
    with pytest.raises(runs.RunError, match="no promoted run"):
        runs.resolve_run(runs_dir, None)
    runs.promote(runs_dir, trained.run_dir.name)
    assert runs.resolve_run(runs_dir, None) == runs_dir / trained.run_dir.name
    assert (runs_dir / "latest" / "model.pt").is_file()
    listed = runs.list_runs(runs_dir)
    assert [r.name for r in listed if r.latest] == [trained.run_dir.name]
    with pytest.raises(runs.RunError, match="no run"):
        runs.promote(runs_dir, "nope")


def test_config_validation():
    with pytest.raises(ConfigError, match="one value per layer"):
        GNNConfig(num_layers=3, fanouts=[5, 5])
    with pytest.raises(ConfigError, match="scorer"):
        GNNConfig(scorer="bilinear")
    with pytest.raises(ConfigError, match="unknown config keys: bogus"):
        GNNConfig.from_dict({"bogus": 1})


def test_weights_are_a_plain_state_dict(trained):
    state = torch.load(trained.run_dir / "model.pt", weights_only=True)
    assert all(isinstance(v, torch.Tensor) for v in state.values())
