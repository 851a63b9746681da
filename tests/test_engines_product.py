"""The product contract on the real engines: every operation of the product-graph
interface that the shop API, the explorer and the GNN run answers on TinkerGraph,
JanusGraph (Gremlin) and Neo4j (Cypher) exactly as on our engine.

One small product graph (products with prices, categories and stock; SIMILAR and
RECOMMENDED edges) is loaded through the product's own loader into ours
(``memory:``) and into the engine, then every operation is compared.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stylegraph.gnn.dataset import export_graph
from stylegraph.loader.load import load_records
from stylegraph.loader.neptune_csv import EdgeRecord, VertexRecord, write_graph_csv
from stylegraph.queries import recommended as rq
from stylegraph.queries.filters import ProductFilter
from stylegraph.queries.connect import as_product_graph
from stylegraph.queries.interface import ProductGraph
from tests.backends import PRODUCT_ENGINES, open_graph, url_and_serializer

N, K = 30, 4
CATEGORIES = ("bags", "shoes", "hats")
COLORS = ("Red", "Blue", "Green")
FILTERS = [
    ProductFilter(),
    ProductFilter(in_stock=True),
    ProductFilter(min_price=20.0, max_price=60.0),
    ProductFilter(category="shoes"),
    ProductFilter(in_stock=False, category="bags", max_price=80.0),
]


def _records() -> tuple[list[VertexRecord], list[EdgeRecord]]:
    rng = random.Random(7)
    ids = [f"P{i:03d}" for i in range(N)]
    vertices = [VertexRecord(pid, "product", {
        "title": f"{COLORS[i % 3]} {CATEGORIES[i % 3]} {i}", "brand": f"brand{i % 4}",
        "category": CATEGORIES[i % 3], "price": round(5 + 3.1 * i, 2), "in_stock": i % 4 != 0,
        "image": f"images/{pid}.png",
    }) for i, pid in enumerate(ids)]
    edges = []
    for i, pid in enumerate(ids):
        for j, other in enumerate(rng.sample([x for x in ids if x != pid], K)):
            edges.append(EdgeRecord(f"SIMILAR:{pid}:{other}", pid, other, "SIMILAR",
                                    {"score": round(0.95 - 0.1 * j - 0.001 * i, 4)}))
    return vertices, edges


def _recommendations() -> list[rq.Recommendation]:
    rng = random.Random(11)
    ids = [f"P{i:03d}" for i in range(N)]
    return [rq.Recommendation(pid, other, round(0.9 - 0.05 * j, 3))
            for pid in ids[: N // 2]
            for j, other in enumerate(rng.sample([x for x in ids if x != pid], 3))]


def _build(g: ProductGraph) -> None:
    vertices, edges = _records()
    load_records(g, vertices, edges, batch_size=16, progress=False)
    g.replace_recommended(_recommendations(), model="run-a", batch_size=7)


@pytest.fixture(scope="module")
def ours():
    with open_graph("memory", None) as g:
        graph = as_product_graph(g)
        _build(graph)
        yield graph


@pytest.fixture(params=PRODUCT_ENGINES)
def engine_g(request):
    with open_graph(request.param, request) as g:
        graph = as_product_graph(g)
        _build(graph)
        yield graph


def _neighbourhood(g: ProductGraph, pid: str, **kw: Any) -> Any:
    n = g.neighborhood(pid, **kw)
    if n is None:
        return None
    return (n.root, n.truncated, sorted(n.nodes, key=lambda x: x["id"]),
            sorted(n.edges, key=lambda e: (e["from"], e["to"], e["type"])))


def test_loaded_graph_is_the_same(ours, engine_g):
    assert engine_g.graph_stats() == ours.graph_stats()
    assert engine_g.graph_stats()["edges"] == {"RECOMMENDED": 45, "SIMILAR": N * K}
    ids = [f"P{i:03d}" for i in range(N)] + ["nope"]
    assert engine_g.get_products(ids) == ours.get_products(ids)
    assert engine_g.get_product("P007") == ours.get_product("P007")
    assert engine_g.get_product("nope") is None
    assert engine_g.product_exists("P007") and not engine_g.product_exists("nope")


def test_similar_and_recommended_with_filters(ours, engine_g):
    for pid in ("P000", "P003", "P020", "P029", "nope"):
        for flt in FILTERS:
            for k in (1, 3, 10):
                want, got = ours.similar_products(pid, k, flt), engine_g.similar_products(pid, k, flt)
                assert got == want, (pid, flt, k)
                want, got = ours.recommended_products(pid, k, flt), engine_g.recommended_products(pid, k, flt)
                assert got == want, (pid, flt, k)
    # P020 has no RECOMMENDED edge: falls back to SIMILAR on every backend
    assert engine_g.recommended_products("P020", 3).fallback is True
    assert engine_g.recommended_products("P002", 3).fallback is False


def test_neighbourhood_and_search(ours, engine_g):
    for kw in ({"depth": 1}, {"depth": 2, "limit": 12}, {"depth": 3, "edges": ("SIMILAR",), "min_score": 0.7}):
        for pid in ("P001", "P017", "nope"):
            assert _neighbourhood(engine_g, pid, **kw) == _neighbourhood(ours, pid, **kw), (pid, kw)
    for text in ("red", "Blue shoes", "P004", "nothing-like-it", ""):
        for limit in (3, N + 1):
            assert engine_g.search_products(text, limit) == ours.search_products(text, limit), (text, limit)


def test_version_stamp_and_ping(engine_g):
    first = engine_g.get_version()
    assert first > 0 and engine_g.ping() == 1
    second = engine_g.bump_version()
    assert second > first and engine_g.get_version() == second
    # the meta vertex is not a product
    assert engine_g.get_product("stylegraph:meta") is None


def test_recommended_replacement(ours, engine_g):
    for g in (ours, engine_g):
        g.replace_recommended([rq.Recommendation("P000", "P005", 0.5)], model="run-b", sources=["P001"])
    assert engine_g.recommended_for("P000") == ours.recommended_for("P000") == [("P005", 0.5, "run-b")]
    assert engine_g.count_recommended() == ours.count_recommended() == 1
    assert engine_g.count_recommended("run-a") == 0
    assert engine_g.graph_stats()["recommendation_model"] == "run-b"
    # put ours back for the other tests of the module
    ours.replace_recommended(_recommendations(), model="run-a")


def test_gnn_export_reads_the_same_graph(ours, engine_g):
    got, want = export_graph(engine_g, batch_size=7, progress=False), export_graph(ours, batch_size=7, progress=False)
    # the streamed export has no order (no sort-and-skip paging): compare as sets
    assert sorted(got.products, key=lambda p: p.id) == sorted(want.products, key=lambda p: p.id)
    assert sorted(got.edges, key=lambda e: (e.src, e.dst)) == sorted(want.edges, key=lambda e: (e.src, e.dst))
    assert len(got.edges) == N * K


def test_reload_changes_nothing_and_prunes(engine_g):
    vertices, edges = _records()
    again = load_records(engine_g, vertices, edges, progress=False)
    assert not again.changed and again.edges_unchanged == N * K
    kept = [e for e in edges if e.out_id != "P001"]
    stats = load_records(engine_g, vertices, kept, progress=False)
    assert stats.edges_dropped == K
    assert engine_g.similar_neighbours(["P001"]) == {"P001": []}
    assert len(engine_g.similar_neighbours(["P001"], "RECOMMENDED")["P001"]) == 3  # other labels are left alone


@pytest.mark.parametrize("engine", PRODUCT_ENGINES)
def test_cli_load_and_ping_through_the_engine(engine, request, tmp_path):
    """`stylegraph load` and `graph-ping` on the engine, the wire format from the environment."""
    url, serializer = url_and_serializer(engine, request)
    vertices, edges = _records()
    write_graph_csv(tmp_path, vertices, edges)
    env = {**os.environ, "STYLEGRAPH_GRAPH_URL": url, "STYLEGRAPH_GRAPH_SERIALIZER": serializer,
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    cli = [sys.executable, "-c", "import sys; from stylegraph.cli import main; sys.exit(main())"]
    done = subprocess.run([*cli, "load", "--csv", str(tmp_path)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    ping = subprocess.run([*cli, "graph-ping"], env=env, capture_output=True, text=True, timeout=120)
    assert ping.returncode == 0, ping.stderr
    with open_graph(engine, request, clear=False) as g:
        graph = as_product_graph(g)
        assert graph.graph_stats()["edges"] == {"SIMILAR": N * K}
        assert graph.similar_products("P003", 2).items[0]["score"] == 0.947


@pytest.mark.parametrize("engine", PRODUCT_ENGINES)
def test_load_relations_gives_the_same_edges(engine, request, tmp_path):
    """`load-relations` (groups) on the engine: the same weighted pairs as on ours, idempotent."""
    from stylegraph.loader.relations import load_relations

    rows = ["group_id,product_id"] + [f"o{i // 3},P{(i * 7) % N:03d}" for i in range(30)]
    rows += ["o0,P000", "o0,NOPE"]  # a repeat and an unknown id
    path = tmp_path / "outfits.csv"
    path.write_text("\n".join(rows) + "\n")
    results = {}
    for name in ("memory", engine):
        with open_graph(name, request) as g:
            load_records(g, *_records(), batch_size=16, progress=False)
            first = load_relations(g, path, "groups", "WORN_WITH", batch_size=4, progress=False)
            again = load_relations(g, path, "groups", "WORN_WITH", batch_size=4, progress=False)
            assert first.unknown_ids == 1 and first.edges_created == first.pairs - first.pairs_skipped > 0
            assert (again.edges_created, again.edges_updated) == (0, 0)
            results[name] = (first.as_dict() | {"version": None},
                             {pid: as_product_graph(g).relations_of(pid, ["WORN_WITH"])
                              for pid in ("P000", "P007", "P014")},
                             sorted((e.src, e.dst, e.weight) for e in export_graph(g, progress=False).relations))
    assert results[engine] == results["memory"]


def test_curation_explain_and_analytics_stream(ours, engine_g):
    """Issue 14's operations through the interface: pins and bans (written, listed, applied to
    similar/recommended, read by the GNN export), explanations, the analytics' edge stream."""
    from stylegraph.analytics.graphdata import read_graph
    from stylegraph.queries.curation import Curation

    rules = [Curation("P001", "P009", "pin", "both", "ann", "2026-01-01T00:00:00+00:00"),
             Curation("P001", "P004", "pin", "similar", "ann", "2026-01-02T00:00:00+00:00"),
             Curation("P002", "P011", "ban", "recommendations", "bob", "2026-01-03T00:00:00+00:00"),
             Curation("P003", "P012", "ban", "both", "bob", "2026-01-04T00:00:00+00:00")]
    try:
        for g in (ours, engine_g):
            assert g.write_curations(rules) == len(rules)
        assert engine_g.list_curations() == ours.list_curations()
        assert engine_g.list_curations("P001", 1) == ours.list_curations("P001", 1)
        assert engine_g.curations_of("P001") == ours.curations_of("P001")
        assert sorted(engine_g.iter_training_curations(2)) == sorted(ours.iter_training_curations(2))
        for pid in ("P001", "P002", "P003", "nope"):
            for relation, find in (("similar", ProductGraph.similar_products),
                                   ("recommendations", ProductGraph.recommended_products)):
                for flt in FILTERS[:3]:
                    def served(g):
                        r = g.apply_curation(pid, relation, 3, flt, lambda n: find(g, pid, n, flt))
                        return None if r is None else (r.items, getattr(r, "curated", None))
                    assert served(engine_g) == served(ours), (pid, relation, flt)
        for pid in ("P001", "P005"):
            items = ours.similar_products(pid, 4).items
            assert engine_g.explain(pid, items, "SIMILAR", "m") == ours.explain(pid, items, "SIMILAR", "m")
        for label in ("SIMILAR", "RECOMMENDED"):
            assert sorted(engine_g.iter_scored_edges(label, 7)) == sorted(ours.iter_scored_edges(label, 7))
        a, b = read_graph(ours), read_graph(engine_g)
        assert a.ids == b.ids and {k: len(v) for k, v in a.edges.items()} == {k: len(v) for k, v in b.edges.items()}
        pairs = [("P001", "P009"), ("P002", "P011"), ("P001", "nope")]
        assert engine_g.remove_curations(pairs) == ours.remove_curations(pairs) == 2
        assert engine_g.list_curations() == ours.list_curations()
    finally:
        for g in (ours, engine_g):
            g.remove_curations([(r.product, r.item) for r in rules])
