"""The product's traversals on the real engines: every query the shop API, the explorer
and the GNN run answers on TinkerGraph and on JanusGraph exactly as on our engine.

One small product graph (products with prices, categories and stock; SIMILAR and
RECOMMENDED edges) is loaded through the product's own loader into ours
(``memory:``) and into the engine, then every query is compared.
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
from stylegraph.graph.connect import close
from stylegraph.loader.load import load_records
from stylegraph.loader.neptune_csv import EdgeRecord, VertexRecord, write_graph_csv
from stylegraph.queries import recommended as rq
from stylegraph.queries.explore import neighborhood
from stylegraph.queries.explore_search import search_products
from stylegraph.queries.filters import ProductFilter
from stylegraph.queries.meta import bump_version, get_version, ping
from stylegraph.queries.products import get_product, get_products
from stylegraph.queries.similar import recommended_products, similar_products
from stylegraph.queries.stats import graph_stats
from tests.backends import REAL_ENGINES, open_graph, url_and_serializer

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


def _build(g: Any) -> None:
    vertices, edges = _records()
    load_records(g, vertices, edges, batch_size=16, progress=False)
    rq.replace_recommended(g, _recommendations(), model="run-a", batch_size=7)


@pytest.fixture(scope="module")
def ours():
    with open_graph("memory", None) as g:
        _build(g)
        yield g


@pytest.fixture(params=REAL_ENGINES)
def engine_g(request):
    with open_graph(request.param, request) as g:
        _build(g)
        yield g


def _neighbourhood(g: Any, pid: str, **kw: Any) -> Any:
    n = neighborhood(g, pid, **kw)
    if n is None:
        return None
    return (n.root, n.truncated, sorted(n.nodes, key=lambda x: x["id"]),
            sorted(n.edges, key=lambda e: (e["from"], e["to"], e["type"])))


def test_loaded_graph_is_the_same(ours, engine_g):
    assert graph_stats(engine_g) == graph_stats(ours)
    assert graph_stats(engine_g)["edges"] == {"RECOMMENDED": 45, "SIMILAR": N * K}
    ids = [f"P{i:03d}" for i in range(N)] + ["nope"]
    assert get_products(engine_g, ids) == get_products(ours, ids)
    assert get_product(engine_g, "P007") == get_product(ours, "P007")
    assert get_product(engine_g, "nope") is None


def test_similar_and_recommended_with_filters(ours, engine_g):
    for pid in ("P000", "P003", "P020", "P029", "nope"):
        for flt in FILTERS:
            for k in (1, 3, 10):
                want, got = similar_products(ours, pid, k, flt), similar_products(engine_g, pid, k, flt)
                assert got == want, (pid, flt, k)
                want, got = recommended_products(ours, pid, k, flt), recommended_products(engine_g, pid, k, flt)
                assert got == want, (pid, flt, k)
    # P020 has no RECOMMENDED edge: falls back to SIMILAR on every backend
    assert recommended_products(engine_g, "P020", 3).fallback is True
    assert recommended_products(engine_g, "P002", 3).fallback is False


def test_neighbourhood_and_search(ours, engine_g):
    for kw in ({"depth": 1}, {"depth": 2, "limit": 12}, {"depth": 3, "edges": ("SIMILAR",), "min_score": 0.7}):
        for pid in ("P001", "P017", "nope"):
            assert _neighbourhood(engine_g, pid, **kw) == _neighbourhood(ours, pid, **kw), (pid, kw)
    for text in ("red", "Blue shoes", "P004", "nothing-like-it", ""):
        for limit in (3, N + 1):
            assert search_products(engine_g, text, limit) == search_products(ours, text, limit), (text, limit)


def test_version_stamp_and_ping(engine_g):
    first = get_version(engine_g)
    assert first > 0 and ping(engine_g) == 1
    second = bump_version(engine_g)
    assert second > first and get_version(engine_g) == second
    # the meta vertex is not a product
    assert get_product(engine_g, "stylegraph:meta") is None


def test_recommended_replacement(ours, engine_g):
    for g in (ours, engine_g):
        rq.replace_recommended(g, [rq.Recommendation("P000", "P005", 0.5)], model="run-b", sources=["P001"])
    assert rq.recommended_for(engine_g, "P000") == rq.recommended_for(ours, "P000") == [("P005", 0.5, "run-b")]
    assert rq.count_recommended(engine_g) == rq.count_recommended(ours) == 1
    assert graph_stats(engine_g)["recommendation_model"] == "run-b"
    # put ours back for the other tests of the module
    rq.replace_recommended(ours, _recommendations(), model="run-a")


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
    assert engine_g.V("P001").out("SIMILAR").count().next() == 0
    assert engine_g.V("P001").out("RECOMMENDED").count().next() == 3  # other labels are left alone


@pytest.mark.parametrize("engine", REAL_ENGINES)
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
    g = request.getfixturevalue(f"{engine}_server").connect()
    try:
        assert graph_stats(g)["edges"] == {"SIMILAR": N * K}
        assert similar_products(g, "P003", 2).items[0]["score"] == 0.947
    finally:
        close(g)


@pytest.mark.parametrize("engine", REAL_ENGINES)
def test_load_relations_gives_the_same_edges(engine, request, tmp_path):
    """`load-relations` (groups) on the engine: the same weighted pairs as on ours, idempotent."""
    from stylegraph.loader.relations import load_relations
    from stylegraph.queries.relations import relations_of

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
                             {pid: relations_of(g, pid, ["WORN_WITH"]) for pid in ("P000", "P007", "P014")},
                             sorted((e.src, e.dst, e.weight) for e in export_graph(g, progress=False).relations))
    assert results[engine] == results["memory"]
