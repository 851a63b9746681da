"""Contrastive fine-tuning: a run dir usable by embed --weights."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from stylegraph.loader.catalog import read_catalog
from stylegraph.loader.embed import load_embedder, make_spec
from stylegraph.loader.embed_catalog import embed_catalog
from stylegraph.loader.finetune import (
    FinetuneConfig,
    FinetuneError,
    contrastive_loss,
    finetune,
    new_run_dir,
    sample_pairs,
)


def test_run_dir_and_embedding_with_the_result(catalog_master, tmp_path):
    cfg = FinetuneConfig(catalog=str(catalog_master), image_size=32, epochs=4, similarity_dims=16,
                         runs_dir=str(tmp_path / "runs"), name="tiny", lr=3e-3)
    run, metrics = finetune(cfg, progress=False)
    assert run.parent == tmp_path / "runs" and run.name.endswith("-tiny")
    assert {p.name for p in run.iterdir()} == {"config.json", "metrics.json", "model.pth", "loss_curve.png"}
    assert json.loads((run / "config.json").read_text())["similarity_dims"] == 16
    saved = json.loads((run / "metrics.json").read_text())
    assert len(saved["train_loss"]) == 4 and saved["n_train"] + saved["n_val"] == 60
    assert saved["train_loss"][-1] < saved["train_loss"][0]
    assert (run / "loss_curve.png").read_bytes()[:4] == b"\x89PNG"

    embedder = load_embedder(make_spec(weights=str(run)))  # a run dir is accepted as --weights
    assert embedder.dim == 16 and embedder.spec["image_size"] == 32
    assert embedder.model_id.startswith("resnet18-") and run.name in embedder.model_id
    result = embed_catalog(read_catalog(catalog_master), embedder, tmp_path / "data", progress=False)
    vec = result.embeddings.vectors
    assert vec.shape == (60, 16)
    np.testing.assert_allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-5)
    # the same run dir never gets reused
    assert new_run_dir(tmp_path / "runs", "tiny") != new_run_dir(tmp_path / "runs", "tiny")


def test_last_block_and_sgd(catalog_master, tmp_path):
    cfg = FinetuneConfig(catalog=str(catalog_master), image_size=32, epochs=1, similarity_dims=32,
                         optimizer="sgd", lr=0.01, train_last_block=True, style="concat",
                         runs_dir=str(tmp_path), name="lb")
    run, metrics = finetune(cfg, progress=False)
    ckpt = torch.load(run / "model.pth", weights_only=True)
    base = load_embedder(make_spec("resnet18", "random", image_size=32, seed=0))
    changed = [k for k, v in ckpt["backbone"].items()
               if not torch.equal(v, base.features.backbone.state_dict()[k])]
    assert changed and all(k.startswith("layer4.") for k in changed)
    assert load_embedder(make_spec(weights=str(run / "model.pth"))).spec["style"] == "concat"


def test_pairs_and_loss():
    labels = np.array(["a", "a", "b", "b", "c"])
    pairs = sample_pairs(labels, np.arange(5), np.random.default_rng(0))
    for i, j, same in pairs:
        assert i != j and (labels[i] == labels[j]) == bool(same)
    assert pairs[:, 2].sum() == 4  # "c" has no positive partner
    a = torch.tensor([[1.0, 0.0]])
    assert contrastive_loss(a, a, torch.tensor([1.0]), 0.5).item() == 0
    assert contrastive_loss(a, a, torch.tensor([0.0]), 0.5).item() == pytest.approx(0.25)


@pytest.mark.parametrize("change,fragment", [
    ({"similarity_dims": 20}, "--similarity-dims must be one of"),
    ({"optimizer": "rmsprop"}, "--optimizer must be one of"),
    ({"lr": 0}, "--lr must be > 0"),
    ({"train_last_block": True, "style": "style"}, "needs content features"),
])
def test_bad_config(change, fragment, tmp_path):
    cfg = FinetuneConfig(catalog=str(tmp_path), **change)
    with pytest.raises(FinetuneError, match=fragment):
        finetune(cfg, progress=False)
