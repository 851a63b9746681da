"""Dataset: features from embeddings + attributes, target pairs, the cold/warm split without leaks."""
from __future__ import annotations

import numpy as np
import pytest

from stylegraph.gnn.dataset import (DatasetError, ExportedGraph, FeatureSpec, RelationSplit,
                                    build_dataset, label_pairs, undirected_pairs)
from stylegraph.queries.export import EdgeRow, ProductRow
from .synthetic import SyntheticEmbeddings


def test_features_encode_embedding_attributes_and_price(dataset, catalog):
    products, _, _, emb, _ = catalog
    spec = dataset.spec
    # category (3 values) and colour (6 styles) are one-hot columns; the title is free text
    assert set(spec.columns) == {"category", "color"}
    assert spec.dim == 16 + 3 + 6 + 2 == dataset.feat.shape[1]
    x = spec.encode([ProductRow("p0000", "hats", None, {"color": "c0"})], emb)[0]
    cat = x[16:19]
    assert cat.sum() == 0  # an unknown category is all zeros
    assert x[19 + spec.columns["color"].index("c0")] == 1.0
    assert x[-1] == 0.0 and x[-2] == 0.0  # no price: scaled 0, "has price" 0
    emb_part = dataset.feat[:, :16].numpy()
    assert np.allclose(emb_part.mean(0), 0, atol=1e-4)  # standardised per dimension


def test_encode_refuses_other_embeddings(dataset):
    other = SyntheticEmbeddings(ids=np.array(["p0000"]), vectors=np.ones((1, 8), np.float32))
    with pytest.raises(DatasetError, match="dimension 8"):
        dataset.spec.encode([ProductRow("p0000", "bags", 1.0)], other)
    with pytest.raises(DatasetError, match="no image embedding"):
        dataset.spec.encode([ProductRow("nope", "bags", 1.0)], other)


def test_split_hides_every_relation_of_cold_products(dataset):
    s = dataset.split
    sizes = s.sizes()
    assert sizes["cold_test_products"] == sizes["cold_val_products"] > 0
    assert sum(sizes[p] for p in ("train", "warm_val", "warm_test", "cold_val", "cold_test")) \
        == len(dataset.pairs)
    cold = set(s.cold_test_nodes) | set(s.cold_val_nodes)
    assert not cold & set(s.train.ravel()) and not cold & set(s.warm_test.ravel())
    assert all(set(p) & set(s.cold_test_nodes) for p in map(tuple, s.cold_test))
    # cold products keep their SIMILAR edges: message passing sees them
    assert set(dataset.similar_pairs.ravel()) >= cold
    assert np.array_equal(dataset.train_relation_graph().in_degrees()[list(cold)].numpy(),
                          np.zeros(len(cold)))


def test_split_round_trips_through_product_ids(dataset, tmp_path):
    dataset.split.save(tmp_path / "split.npz", dataset.ids)
    back = RelationSplit.load(tmp_path / "split.npz", dataset.index)
    for name in ("train", "warm_val", "warm_test", "cold_val", "cold_test", "cold_test_nodes"):
        assert np.array_equal(getattr(back, name), getattr(dataset.split, name))
    assert np.array_equal(back.train_weight, dataset.split.train_weight)


def test_no_relations_is_a_clear_error_and_label_pairs_replace_them(catalog):
    products, edges, _, emb, style_of = catalog
    with pytest.raises(DatasetError, match="no relation edges.*load-relations.*--target-column"):
        build_dataset(ExportedGraph(products, edges, []), emb)
    ds = build_dataset(ExportedGraph(products, edges, []), emb, target_column="color")
    assert ds.kinds == ["column:color"]
    by_id = {p.id: p for p in products}
    for u, v in ds.pairs[:50]:
        assert by_id[ds.ids[u]].attrs["color"] == by_id[ds.ids[v]].attrs["color"]
    with pytest.raises(DatasetError, match="share a value"):
        label_pairs([ProductRow("a", "x", None), ProductRow("b", "y", None)], "category", 5, 0)


def test_undirected_pairs_sum_weights_and_drop_self_loops():
    index = {"a": 0, "b": 1, "c": 2}
    edges = [EdgeRow("a", "b", None, "WORN_WITH", 2.0), EdgeRow("b", "a", None, "BOUGHT_WITH", 1.0),
             EdgeRow("c", "c", None, "WORN_WITH", 1.0), EdgeRow("a", "zz", None, "WORN_WITH", 1.0)]
    pairs, w = undirected_pairs(edges, index, with_weights=True)
    assert pairs.tolist() == [[0, 1]] and w.tolist() == [3.0]


def test_too_few_pairs():
    with pytest.raises(DatasetError, match="too few"):
        RelationSplit.make(10, np.array([[0, 1], [1, 2]]), np.ones(2), 0.1, 0.1, 0.1, 0)
