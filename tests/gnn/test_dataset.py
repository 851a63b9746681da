"""The dataset: features, undirected pairs, a split that cannot leak, saved splits."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from stylegraph.gnn.dataset import (DatasetError, EdgeSplit, ExportedGraph, FeatureSpec,
                                    build_dataset, undirected_pairs)
from stylegraph.queries.export import EdgeRow, ProductRow
from .synthetic import SyntheticEmbeddings


def _pairs(a: np.ndarray) -> set[tuple[int, int]]:
    return {(int(min(u, v)), int(max(u, v))) for u, v in a}


def test_features_are_embedding_onehot_and_scaled_price(catalog, dataset):
    products, _, emb, _ = catalog
    spec = dataset.spec
    assert spec.categories == ["bags", "shoes", "tops"]
    assert spec.dim == 16 + 3 + 1 == dataset.feat.shape[1]
    i = dataset.index["p0001"]
    row = dataset.feat[i]
    # the CNN part is standardised per dimension over the catalog
    vec = emb.vectors
    expected = (vec[1] - vec.mean(0)) / vec.std(0)
    assert torch.allclose(row[:16], torch.from_numpy(expected), atol=1e-4)
    cnn = dataset.feat[:, :16]
    assert torch.allclose(cnn.mean(0), torch.zeros(16), atol=1e-4)
    assert torch.allclose(cnn.std(0, unbiased=False), torch.ones(16), atol=1e-3)
    # the raw vectors are kept for the cosine baseline
    assert torch.equal(dataset.emb[i], torch.from_numpy(vec[1]))
    product = next(p for p in products if p.id == "p0001")
    onehot = row[16:19].tolist()
    assert onehot[spec.categories.index(product.category)] == 1.0 and sum(onehot) == 1.0
    prices = dataset.feat[:, -1]
    assert abs(float(prices.mean())) < 1e-4 and abs(float(prices.std(unbiased=False)) - 1) < 1e-3


def test_unknown_category_and_missing_price_encode_as_zero(dataset):
    emb = SyntheticEmbeddings(ids=np.array(["new"]), vectors=np.ones((1, 16), np.float32) / 4)
    x = dataset.spec.encode([ProductRow("new", "hats", None)], emb)
    assert x.shape == (1, dataset.spec.dim)
    assert np.all(x[0, 16:] == 0)


def test_missing_embedding_is_a_clear_error(catalog):
    products, edges, emb, _ = catalog
    short = SyntheticEmbeddings(ids=emb.ids[1:], vectors=emb.vectors[1:])
    with pytest.raises(DatasetError, match="1 product.*no CNN embedding.*p0000"):
        build_dataset(ExportedGraph(products, edges), short)


def test_wrong_embedding_dimension_is_a_clear_error(dataset):
    emb = SyntheticEmbeddings(ids=np.array(["p0000"]), vectors=np.ones((1, 8), np.float32))
    with pytest.raises(DatasetError, match="dimension 16"):
        dataset.spec.encode([ProductRow("p0000", "bags", 1.0)], emb)


def test_undirected_pairs_merge_reverse_edges_and_drop_self_loops():
    index = {"a": 0, "b": 1, "c": 2}
    edges = [EdgeRow("a", "b", 0.9), EdgeRow("b", "a", 0.9), EdgeRow("c", "a", 0.5),
             EdgeRow("c", "c", 1.0), EdgeRow("a", "zz", 0.1)]
    assert undirected_pairs(edges, index).tolist() == [[0, 1], [0, 2]]


def test_split_is_disjoint_and_covers_every_pair(dataset):
    split = dataset.split
    train, val, test = _pairs(split.train), _pairs(split.val), _pairs(split.test)
    assert not (train & val or train & test or val & test)
    assert train | val | test == _pairs(dataset.all_pairs)
    assert len(val) == len(test) == round(0.1 * len(dataset.all_pairs))


def test_training_graph_holds_no_held_out_edge_in_either_direction(dataset):
    src, dst = dataset.train_graph.edges()
    directed = set(zip(src.tolist(), dst.tolist()))
    for u, v in np.concatenate([dataset.split.val, dataset.split.test]):
        assert (u, v) not in directed and (v, u) not in directed
    assert dataset.train_graph.num_edges() == 2 * len(dataset.split.train)


def test_reverse_eids_map_each_edge_to_its_reverse(dataset):
    g = dataset.train_graph
    src, dst = g.edges()
    rev = dataset.reverse_eids
    assert torch.equal(src[rev], dst) and torch.equal(dst[rev], src)


def test_split_is_deterministic_for_a_seed(catalog, dataset):
    products, edges, emb, _ = catalog
    again = build_dataset(ExportedGraph(products, edges), emb, seed=0)
    other = build_dataset(ExportedGraph(products, edges), emb, seed=1)
    assert np.array_equal(again.split.test, dataset.split.test)
    assert not np.array_equal(other.split.test, dataset.split.test)


def test_split_round_trips_through_product_ids(dataset, tmp_path):
    path = tmp_path / "split.npz"
    dataset.split.save(path, dataset.ids)
    loaded = EdgeSplit.load(path, dataset.index)
    for name in ("train", "val", "test"):
        assert np.array_equal(getattr(loaded, name), getattr(dataset.split, name))
    # a product that disappears from the graph takes its pairs with it
    fewer = {pid: i for pid, i in dataset.index.items() if pid != "p0000"}
    dropped = EdgeSplit.load(path, fewer)
    n_with_p0 = sum(0 in pair for pair in dataset.split.train)
    assert len(dropped.train) == len(dataset.split.train) - n_with_p0


def test_feature_spec_round_trips(dataset, tmp_path):
    dataset.spec.save(tmp_path / "features.json")
    assert FeatureSpec.load(tmp_path / "features.json") == dataset.spec


def test_too_few_edges_to_split():
    products = [ProductRow("a", "x", 1.0), ProductRow("b", "x", 2.0)]
    emb = SyntheticEmbeddings(ids=np.array(["a", "b"]), vectors=np.eye(2, dtype=np.float32))
    with pytest.raises(DatasetError, match="too few"):
        build_dataset(ExportedGraph(products, [EdgeRow("a", "b", 1.0)]), emb)


def test_embeddings_of_another_model_are_refused(catalog):
    from stylegraph.loader.embedding_store import Embeddings

    products, _, emb, _ = catalog

    def store(model_id: str) -> Embeddings:
        return Embeddings(ids=emb.ids, vectors=emb.vectors,
                          sha256=np.array(["0" * 64] * len(emb.ids)), model_id=model_id)

    spec = FeatureSpec.fit(products, store("resnet18-a"))
    assert spec.embedding_model == "resnet18-a"
    assert spec.encode(products, store("resnet18-a")).shape == (60, spec.dim)
    with pytest.raises(DatasetError, match="model 'resnet50-b'.*trained on 'resnet18-a'"):
        spec.encode(products, store("resnet50-b"))
