"""Catalog embedding: DataLoader batches, sha256 cache, bad images skipped."""
from __future__ import annotations

import numpy as np
from PIL import Image

from stylegraph.loader.catalog import read_catalog
from stylegraph.loader.embed_catalog import embed_catalog
from stylegraph.loader.embedding_store import active_embeddings, active_model_id


def test_cache_only_recomputes_new_or_changed(catalog_dir, tmp_path, embedder):
    data = tmp_path / "data"
    cat = read_catalog(catalog_dir)
    first = embed_catalog(cat, embedder, data, batch_size=16, progress=False)
    assert (first.computed, first.reused, first.skipped) == (60, 0, [])
    assert active_model_id(data) == embedder.model_id
    stored = active_embeddings(data)
    assert stored.ids.tolist() == [p.product_id for p in cat] and stored.model_spec == embedder.spec

    second = embed_catalog(cat, embedder, data, batch_size=16, progress=False)
    assert (second.computed, second.reused) == (0, 60)
    np.testing.assert_array_equal(second.embeddings.vectors, first.embeddings.vectors)

    # change one image: only that one is recomputed, and its vector changes
    path = cat.image_path(cat.products[5])
    Image.new("RGB", (32, 32), (0, 200, 0)).save(path)
    third = embed_catalog(cat, embedder, data, batch_size=16, progress=False)
    assert (third.computed, third.reused) == (1, 59)
    assert not np.allclose(third.embeddings.vectors[5], first.embeddings.vectors[5])
    np.testing.assert_array_equal(third.embeddings.vectors[6], first.embeddings.vectors[6])


def test_batching_does_not_change_vectors(catalog_master, embedder):
    cat = read_catalog(catalog_master)
    cat.products = cat.products[:10]
    a = embed_catalog(cat, embedder, None, batch_size=1, progress=False).embeddings.vectors
    b = embed_catalog(cat, embedder, None, batch_size=7, progress=False).embeddings.vectors
    assert a.shape == (10, 512)
    np.testing.assert_allclose(a, b, atol=1e-5)


def test_bad_images_are_skipped_and_named(catalog_dir, tmp_path, embedder):
    cat = read_catalog(catalog_dir)
    cat.image_path(cat.products[0]).unlink()                                  # missing
    cat.image_path(cat.products[1]).write_text("hello")                       # not an image
    data = cat.image_path(cat.products[2]).read_bytes()
    cat.image_path(cat.products[2]).write_bytes(data[: len(data) // 3])       # truncated
    Image.new("CMYK", (32, 32)).save(cat.image_path(cat.products[3]), format="JPEG")  # CMYK
    result = embed_catalog(cat, embedder, tmp_path / "data", batch_size=8, progress=False)
    reasons = {s.product_id: s.reason for s in result.skipped}
    assert reasons == {"P000000": "missing", "P000001": "not-an-image", "P000002": "truncated",
                       "P000003": "cmyk"}
    assert len(result.embeddings) == 56 and "P000004" in result.embeddings.ids.tolist()
    assert not set(reasons) & set(result.embeddings.ids.tolist())
