"""Merchandisers' pins and bans reach the GNN: pins are training positives, bans negatives."""
from __future__ import annotations

import numpy as np
import torch

from stylegraph.gnn.dataset import ExportedGraph, build_dataset
from stylegraph.graph.connect import close, connect
from stylegraph.queries.curation import Curation, write_curations

from .conftest import small_config
from .synthetic import product_id


def pair_keys(pairs: np.ndarray) -> set[tuple[int, int]]:
    return {(min(int(a), int(b)), max(int(a), int(b))) for a, b in pairs}


def test_pins_join_training_and_bans_leave_it(catalog) -> None:
    products, edges, relations, emb, _ = catalog
    plain = build_dataset(ExportedGraph(products, edges, relations), emb, seed=0)
    cold = set(plain.split.cold_val_nodes.tolist()) | set(plain.split.cold_test_nodes.tolist())
    train = pair_keys(plain.split.train)
    banned = sorted(train)[0]
    held = pair_keys(plain.split.warm_test)
    warm = [i for i in range(plain.num_nodes) if i not in cold]
    new = next((a, b) for a in warm for b in warm if a < b and (a, b) not in train and (a, b) not in held)
    leak = sorted(held)[0]  # a held-out pair must not become a training pair
    ids = plain.ids
    curated = ExportedGraph(products, edges, relations,
                            pins=[(ids[new[1]], ids[new[0]]), (ids[leak[0]], ids[leak[1]])],
                            bans=[(ids[banned[0]], ids[banned[1]])])
    ds = build_dataset(curated, emb, seed=0)
    keys = pair_keys(ds.split.train)
    assert new in keys and banned not in keys and leak not in keys
    assert keys == (train - {banned}) | {new}
    assert pair_keys(ds.split.warm_test) == held  # evaluation still measures behaviour
    assert ds.bans.tolist() == [[banned[0], banned[1]]]


def test_a_ban_lowers_the_banned_score(catalog) -> None:
    from stylegraph.gnn.model import RelationSAGE
    from stylegraph.gnn.train import seed_everything, train_epoch

    products, edges, relations, emb, _ = catalog
    plain = build_dataset(ExportedGraph(products, edges, relations), emb, seed=0)
    a, b = (int(x) for x in plain.split.train[0])
    ids = plain.ids
    cfg = small_config()

    def score_after_training(bans: list[tuple[str, str]]) -> float:
        ds = build_dataset(ExportedGraph(products, edges, relations, bans=bans), emb, seed=0)
        seed_everything(0)
        model = RelationSAGE.from_config(cfg, ds.spec.dim)
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        rng = np.random.default_rng(0)
        for _ in range(8):
            train_epoch(model, ds, cfg, opt, rng, "t", progress=False)
        model.eval()
        with torch.no_grad():
            q, c, bias = model.towers(model.encode(ds.similar_graph, ds.train_relation_graph(), ds.feat))
            scores = model.score_rows(q, c, bias, torch.tensor([a]))[0]
        # the banned item's rank among a's candidates (0 = best)
        return int((scores > scores[b]).sum())

    with_ban, without = score_after_training([(ids[a], ids[b]), (ids[b], ids[a])]), score_after_training([])
    print("rank of the banned item", with_ban, "without the ban", without)
    assert with_ban > without + 10


def test_export_reads_the_rules_on_recommendations(catalog) -> None:
    from stylegraph.gnn.dataset import export_graph
    from stylegraph.queries.relations import RelationEdge, merge_relations
    from stylegraph.queries.bulk import merge_vertices

    g = connect("memory:")
    try:
        merge_vertices(g, [(product_id(i), "product", {"category": "x"}) for i in range(4)])
        merge_relations(g, [RelationEdge(product_id(0), product_id(1), "WORN_WITH", 1.0)])
        write_curations(g, [Curation(product_id(0), product_id(2), "pin", "both", "ana"),
                            Curation(product_id(0), product_id(3), "ban", "recommendations", "ana"),
                            Curation(product_id(1), product_id(3), "ban", "similar", "ana")])
        out = export_graph(g, progress=False)
        assert out.pins == [(product_id(0), product_id(2))]
        assert out.bans == [(product_id(0), product_id(3))]  # a look-alike ban is not about "goes with"
        assert out.kinds == ["WORN_WITH"]  # CURATED is not a relation kind
    finally:
        close(g)
