"""Embeddings on disk: the npz layout of INTERFACES.md, ACTIVE, clear errors."""
from __future__ import annotations

import json

import numpy as np
import pytest

from stylegraph.loader.embedding_store import (
    EmbeddingStoreError,
    Embeddings,
    active_embeddings,
    embeddings_path,
    load_embeddings,
    save_embeddings,
    set_active,
)


def _emb(n=3, d=4) -> Embeddings:
    vec = np.random.default_rng(0).normal(size=(n, d)).astype(np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    return Embeddings(ids=[f"p{i}" for i in range(n)], vectors=vec, sha256=["ab" * 32] * n,
                      model_id="m-1", model_spec={"model": "resnet18", "seed": 7})


def test_round_trip_layout_and_active(tmp_path):
    emb = _emb()
    path = save_embeddings(embeddings_path(tmp_path, emb.model_id), emb)
    assert path == tmp_path / "embeddings" / "m-1.npz"
    with np.load(path, allow_pickle=False) as raw:
        assert sorted(raw.files) == ["ids", "model_spec", "sha256", "vectors"]
        assert raw["vectors"].dtype == np.float32 and raw["model_spec"].shape == ()
        assert json.loads(str(raw["model_spec"])) == {"model": "resnet18", "seed": 7}
    set_active(tmp_path, "m-1")
    back = active_embeddings(tmp_path)
    assert back.model_id == "m-1" and back.ids.tolist() == ["p0", "p1", "p2"]
    np.testing.assert_array_equal(back.vectors, emb.vectors)
    assert back.model_spec == emb.model_spec


def test_upsert_replaces_and_appends():
    emb = _emb()
    new = emb.upsert("p1", np.ones(4, np.float32) / 2, "cd" * 32).upsert("p9", np.zeros(4), "ef" * 32)
    assert new.ids.tolist() == ["p0", "p2", "p1", "p9"]
    np.testing.assert_array_equal(new.vectors[2], np.ones(4) / 2)
    with pytest.raises(EmbeddingStoreError, match="dims"):
        emb.upsert("x", np.ones(5), "00")


def test_errors(tmp_path):
    with pytest.raises(EmbeddingStoreError, match="run `stylegraph embed` first"):
        active_embeddings(tmp_path)
    with pytest.raises(EmbeddingStoreError, match="not found"):
        load_embeddings(tmp_path / "x.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(EmbeddingStoreError, match="not a readable embeddings file"):
        load_embeddings(bad)
    np.savez(tmp_path / "partial.npz", ids=np.array(["a"]))
    with pytest.raises(EmbeddingStoreError, match="missing array"):
        load_embeddings(tmp_path / "partial.npz")
    with pytest.raises(EmbeddingStoreError, match="duplicate"):
        Embeddings(ids=["a", "a"], vectors=np.zeros((2, 2)), sha256=["", ""], model_id="m")
    with pytest.raises(EmbeddingStoreError, match="invalid model id"):
        embeddings_path(tmp_path, "../evil")
