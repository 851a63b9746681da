"""End-to-end image-model training: a run dir usable by embed --weights, early stopping, search."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from stylegraph.loader.catalog import read_catalog
from stylegraph.loader.embed import load_embedder, make_spec
from stylegraph.loader.embed_catalog import embed_catalog
from stylegraph.loader.finetune import FinetuneConfig, FinetuneError, finetune, new_run_dir, split_products
from stylegraph.loader.hparam_search import SearchError, search

STYLE = {"subcategory": 1.0, "pattern": 0.5, "color": 0.5}


def _cfg(catalog, tmp_path, **kw) -> FinetuneConfig:
    base = dict(catalog=str(catalog), labels={"subcategory": 1.0}, image_size=32, epochs=3, embedding_dims=16,
                batch_size=16, m_per_class=4, val_fraction=0.25, runs_dir=str(tmp_path / "runs"), name="tiny")
    base.update(kw)
    return FinetuneConfig(**base)


def test_whole_backbone_trains_and_the_run_embeds(catalog_master, tmp_path):
    run, metrics = finetune(_cfg(catalog_master, tmp_path, labels=STYLE), progress=False)
    assert run.parent == tmp_path / "runs" and run.name.endswith("-tiny")
    assert {p.name for p in run.iterdir()} == {"config.json", "metrics.json", "model.pth", "curves.png",
                                               "product_ids.json", "train.log"}
    assert json.loads((run / "config.json").read_text())["labels"] == STYLE
    saved = json.loads((run / "metrics.json").read_text())
    assert saved["n_train"] + saved["n_val"] == 60 and saved["image_size"] == 32
    assert saved["best_val_precision"] == max(saved["val_precision"])
    assert saved["val_precision"][saved["best_epoch"] - 1] == saved["best_val_precision"]
    assert saved["peak_rss_mb"] > 0 and "epoch 1:" in (run / "train.log").read_text()
    assert (run / "curves.png").read_bytes()[:4] == b"\x89PNG"
    ids = json.loads((run / "product_ids.json").read_text())
    assert len(ids["train"]) == saved["n_train"] and not set(ids["train"]) & set(ids["validation"])

    ckpt = torch.load(run / "model.pth", weights_only=True)
    base = load_embedder(make_spec("resnet18", "random", image_size=32, seed=0))
    start = base.net.backbone.state_dict()
    changed = {k.split(".")[1] for k, v in ckpt["state_dict"].items()
               if k.startswith("backbone.") and v.is_floating_point() and not torch.equal(v, start[k[9:]])}
    assert {"conv1", "layer1", "layer4"} <= changed  # every stage learned, not only a head
    assert ckpt["state_dict"]["center"].abs().sum() > 0

    embedder = load_embedder(make_spec(weights=str(run)))  # a run dir is accepted as --weights
    assert embedder.dim == 16 and embedder.spec["image_size"] == 32 and run.name in embedder.model_id
    vec = embed_catalog(read_catalog(catalog_master), embedder, tmp_path / "data", progress=False).embeddings.vectors
    assert vec.shape == (60, 16)
    np.testing.assert_allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-5)
    cos = vec @ vec.T
    assert cos[np.triu_indices(60, 1)].min() < 0.5  # centred: scores spread, not bunched near 1
    assert new_run_dir(tmp_path / "runs", "tiny") != new_run_dir(tmp_path / "runs", "tiny")


def test_starts_from_a_trained_run_or_a_pth(catalog_master, tmp_path):
    first, _ = finetune(_cfg(catalog_master, tmp_path, epochs=1), progress=False)
    # a vanishing learning rate: what the second run saves is what it started from
    again, _ = finetune(_cfg(catalog_master, tmp_path, epochs=1, weights=str(first), lr=1e-12, name="again"),
                        progress=False)
    before = torch.load(first / "model.pth", weights_only=True)
    after = torch.load(again / "model.pth", weights_only=True)
    assert json.loads(after["base_spec"])["weights"] == str(first / "model.pth")
    torch.testing.assert_close(after["state_dict"]["backbone.layer4.1.conv2.weight"],
                               before["state_dict"]["backbone.layer4.1.conv2.weight"])
    random = load_embedder(make_spec("resnet18", "random", image_size=32, seed=0)).net.backbone.state_dict()
    assert not torch.equal(after["state_dict"]["backbone.layer4.1.conv2.weight"], random["layer4.1.conv2.weight"])
    with pytest.raises(Exception, match="weights file not found"):
        finetune(_cfg(catalog_master, tmp_path, weights=str(tmp_path / "none.pth")), progress=False)


def test_learns_on_training_products(catalog_master, tmp_path):
    run, m = finetune(_cfg(catalog_master, tmp_path, epochs=6, patience=6, lr=3e-3), progress=False)
    assert m["train_loss"][-1] < m["train_loss"][0]
    assert m["improved"] == (m["best_val_precision"] > m["base_val_precision"])


def test_early_stopping_keeps_the_best_epoch(catalog_master, tmp_path):
    # a learning rate this large ruins the model: validation never beats epoch 1, so training stops early
    run, m = finetune(_cfg(catalog_master, tmp_path, epochs=10, patience=2, lr=5.0, optimizer="sgd"),
                      progress=False)
    assert m["epochs_run"] < 10 and m["epochs_run"] - m["best_epoch"] == 2
    if not m["improved"]:
        assert "not better than the starting model" in (run / "train.log").read_text()


def test_split_is_by_product_and_seeded():
    train, val = split_products(100, 0.2, seed=4)
    assert len(val) == 20 and not set(train) & set(val) and len(set(train) | set(val)) == 100
    again, _ = split_products(100, 0.2, seed=4)
    assert (train == again).all()


@pytest.mark.parametrize("loss", ["supcon", "proxy-anchor", "arcface", "contrastive"])
def test_other_losses_run(loss, catalog_master, tmp_path):
    run, m = finetune(_cfg(catalog_master, tmp_path, epochs=1, loss=loss), progress=False)
    assert len(m["train_loss"]) == 1 and np.isfinite(m["train_loss"][0])


def test_search_records_every_trial_and_keeps_the_best(catalog_master, tmp_path):
    out, m = search(_cfg(catalog_master, tmp_path), 3, epochs_per_trial=2, progress=False)
    assert out.name.endswith("-tiny-search")
    rows = (out / "trials.csv").read_text().splitlines()
    assert rows[0].startswith("number,state,value,lr") and len(rows) == 4
    assert (out / "trials.png").read_bytes()[:4] == b"\x89PNG"
    assert len(list((out / "trials").iterdir())) >= 1
    assert m["best_trial"] in range(3) and m["n_trials"] == 3
    assert load_embedder(make_spec(weights=str(out))).dim == m["best_params"]["embedding_dims"]
    with pytest.raises(SearchError, match="at least 1 trial"):
        search(_cfg(catalog_master, tmp_path), 0)


@pytest.mark.parametrize("change,fragment", [
    ({"loss": "triplet-ish"}, "loss: Input should be 'multi-similarity'"),
    ({"optimizer": "rmsprop"}, "optimizer: Input should be 'adamw' or 'sgd'"),
    ({"lr": 0}, "lr: Input should be greater than 0"),
    ({"model": "vgg16"}, "model: must be one of"),
    ({"image_size": 16}, "image_size: must be 0"),
    ({"batch_size": 10, "m_per_class": 4}, "multiple of --m-per-class"),
    ({"labels": {}}, "at least one label column"),
    ({"labels": {"category": 0}}, "weights must be > 0"),
])
def test_bad_config(change, fragment, tmp_path):
    with pytest.raises(FinetuneError, match=fragment):
        finetune(FinetuneConfig(catalog=str(tmp_path), **change), progress=False)


def test_unknown_label_column_is_named(catalog_master, tmp_path):
    from stylegraph.loader.catalog import CatalogError

    with pytest.raises(CatalogError, match="gender"):
        finetune(_cfg(catalog_master, tmp_path, labels={"gender": 1.0}), progress=False)
