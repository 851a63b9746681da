"""evaluate-embeddings: metrics with known answers, baselines on the same products, overlap warning."""
from __future__ import annotations

import json

import numpy as np
import pytest

from stylegraph.cli import main
from stylegraph.loader.catalog import read_catalog
from stylegraph.loader.embed_catalog import embed_catalog
from stylegraph.loader.embedding_store import Embeddings
from stylegraph.loader.evaluate_embeddings import evaluate_embeddings, retrieval_scores


def test_metrics_with_known_answers():
    # two tight, far-apart clusters of 3: every neighbour list is perfect
    vec = np.array([[1, 0], [0.99, 0.1], [0.98, -0.1], [-1, 0], [-0.99, 0.1], [-0.98, -0.1]], np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    labels = ["a", "a", "a", "b", "b", "b"]
    s = retrieval_scores("perfect", vec, labels, k=2)
    assert (s.precision_at_k, s.recall_at_k, s.map_at_r) == (1.0, 1.0, pytest.approx(1.0))
    s = retrieval_scores("k4", vec, labels, k=4)
    assert s.precision_at_k == pytest.approx(0.5) and s.recall_at_k == 1.0
    worst = retrieval_scores("swapped", vec, ["a", "b", "b", "a", "b", "a"], k=2)
    assert worst.precision_at_k < 0.5 and worst.map_at_r < 1.0


def test_evaluation_has_baselines_on_the_same_products(catalog_master, embedder):
    catalog = read_catalog(catalog_master)
    emb = embed_catalog(catalog, embedder, None, progress=False).embeddings
    result = evaluate_embeddings(catalog, emb, ["subcategory"], k=5)
    names = [r.name for r in result.rows]
    assert names[0] == emb.model_id and names[1].startswith("baseline: resnet18 random init, 32 px")
    assert names[2] == "baseline: raw pixels 16x16"
    assert all(r.n == 60 and 0 <= r.precision_at_k <= 1 for r in result.rows)
    # the evaluated model is itself random-init at 32 px with seed 0: the baseline row equals it
    assert result.rows[1].precision_at_k == pytest.approx(result.rows[0].precision_at_k)
    assert "precision@5" in result.table()


def test_overlap_with_training_products_is_warned(catalog_master, tmp_path, embedder):
    catalog = read_catalog(catalog_master)
    emb = embed_catalog(catalog, embedder, None, progress=False).embeddings
    run = tmp_path / "run"
    run.mkdir()
    (run / "model.pth").write_bytes(b"x")
    (run / "product_ids.json").write_text(json.dumps({"train": emb.ids[:10].tolist(), "validation": []}))
    fake = Embeddings(emb.ids, emb.vectors, emb.sha256, emb.model_id,
                      {**emb.model_spec, "weights": str(run / "model.pth")})
    result = evaluate_embeddings(catalog, fake, ["subcategory"], k=5, baselines=False)
    assert any("10 of the 60 evaluated products were used to train" in w for w in result.warnings)


def test_cli(catalog_master, tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["embed", "--catalog", str(catalog_master), "--image-size", "32", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    assert main(["evaluate-embeddings", "--catalog", str(catalog_master), "--labels", "subcategory,color",
                 "--data-dir", str(data), "--k", "3"]) == 0
    out = capsys.readouterr().out
    assert "label: subcategory/color" in out and "precision@3" in out and "raw pixels" in out
    assert main(["evaluate-embeddings", "--catalog", str(catalog_master), "--labels", "gender",
                 "--data-dir", str(data)]) == 1
    assert "no values in label column" in capsys.readouterr().err
