"""add-product: embed one product and link it both ways without rebuilding."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stylegraph.loader.add_product import AddProductError, add_product
from stylegraph.loader.build import build_graph
from stylegraph.loader.catalog import Product, read_catalog
from stylegraph.loader.embed_catalog import embed_catalog
from stylegraph.loader.embedding_store import active_embeddings
from stylegraph.loader.load import load_csv
from stylegraph.loader.sample_catalog import Style, render_product
from stylegraph.queries.meta import get_version
from stylegraph.queries.bulk import similar_neighbours

K = 5
NEW = "NEW1"  # no '-': JanusGraph refuses it in string vertex ids (docs/DEVIATIONS.md)


@pytest.fixture
def built(catalog_dir, tmp_path, embedder, any_g):
    """A catalog embedded, built into CSVs and loaded into an empty graph on every backend."""
    data = tmp_path / "data"
    cat = read_catalog(catalog_dir)
    emb = embed_catalog(cat, embedder, data, progress=False).embeddings
    build_graph(cat, emb, tmp_path / "csv", k=K, progress=False)
    load_csv(any_g, tmp_path / "csv", progress=False)
    return any_g, cat, data


def test_add_links_both_ways_and_keeps_top_k(built, tmp_path, embedder):
    g, cat, data = built
    first = cat.products[0]
    image = tmp_path / "new.png"
    render_product(Style(first.subcategory, first.pattern, first.color), 32, np.random.default_rng(99)).save(image)
    version = get_version(g)
    before = similar_neighbours(g, [p.product_id for p in cat])
    result = add_product(g, Product(NEW, "", title="New one", subcategory=first.subcategory, price=10.0),
                         image, data, k=K, catalog_dir=cat.root)

    # its own top-k, best first, matching a brute-force search over the embeddings
    emb = active_embeddings(data)
    assert emb.ids[-1] == NEW and len(emb) == 61
    vec = embedder.embed([Image.open(image).convert("RGB")])[0]
    np.testing.assert_allclose(emb.vectors[-1], vec, atol=1e-6)
    sims = emb.vectors[:-1] @ vec
    want = [str(i) for i in emb.ids[:-1][np.argsort(-sims)[:K]]]
    assert [pid for pid, _ in result.neighbours] == want
    out = similar_neighbours(g, [NEW])[NEW]
    assert [n for n, _ in out] == want

    # every product still has exactly K out-edges; those linking back really have it in their top-k
    after = similar_neighbours(g, [p.product_id for p in cat])
    assert all(len(edges) == K for edges in after.values())
    assert result.linked_from, "a same-style product should enter someone's top-k"
    for pid in result.linked_from:
        scores = [s for _, s in before[pid]]
        new_score = next(s for n, s in after[pid] if n == NEW)
        assert new_score > min(scores)
        assert len(after[pid]) == K
    for pid, edges in after.items():
        if pid not in result.linked_from:
            assert edges == before[pid]
    assert get_version(g) != version
    vertex = g.V(NEW).element_map().next()
    assert vertex["title"] == "New one" and vertex["image"] == f"images/{NEW}.png" and vertex["price"] == 10.0
    assert (cat.root / "images" / f"{NEW}.png").is_file()
    assert read_catalog(cat.root).by_id()[NEW].title == "New one"

    # re-adding the same product changes nothing structurally
    again = add_product(g, Product(NEW, "", title="New one"), image, data, k=K, catalog_dir=cat.root)
    assert again.neighbours == result.neighbours and sorted(again.linked_from) == sorted(result.linked_from)
    assert len(active_embeddings(data)) == 61
    assert all(len(e) == K for e in similar_neighbours(g, [p.product_id for p in cat]).values())


def test_bad_image_or_missing_embeddings(built, tmp_path):
    g, cat, data = built
    bad = tmp_path / "bad.png"
    bad.write_text("nope")
    with pytest.raises(AddProductError, match="product X: .*not-an-image"):
        add_product(g, Product("X", ""), bad, data)
    with pytest.raises(AddProductError, match="must not be empty"):
        add_product(g, Product(" ", ""), cat.image_path(cat.products[0]), data)
    from stylegraph.loader.embedding_store import EmbeddingStoreError
    with pytest.raises(EmbeddingStoreError, match="no active embeddings"):
        add_product(g, Product("X", ""), cat.image_path(cat.products[0]), tmp_path / "empty")
    assert g.V("X").count().next() == 0
