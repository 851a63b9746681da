"""The GNN's reads and writes through a real ``g`` (our in-memory graph store)."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import T

from stylegraph.gnn.dataset import export_graph
from stylegraph.gnn.refine import refine
from stylegraph.queries import recommended as rq
from stylegraph.queries.export import ProductRow, iter_edges, iter_products
from stylegraph.queries.meta import get_version
from .synthetic import load_into_graph, make_catalog


@pytest.fixture()
def g(catalog):
    from stylegraph.graph.connect import close, connect

    products, edges, _, _ = catalog
    g = connect("memory:")
    load_into_graph(g, products, edges)
    yield g
    close(g)


def test_paged_export_returns_everything_once(g, catalog):
    products, edges, _, _ = catalog
    got = list(iter_products(g, page_size=7))
    assert got == sorted(products, key=lambda p: p.id)
    got_edges = list(iter_edges(g, page_size=13))
    assert len(got_edges) == len(edges) == 300
    assert {(e.src, e.dst) for e in got_edges} == {(e.src, e.dst) for e in edges}
    first = next(e for e in edges if (e.src, e.dst) == (got_edges[0].src, got_edges[0].dst))
    assert got_edges[0].score == pytest.approx(first.score)


def test_export_tolerates_missing_properties(g):
    g.add_v("product").property(T.id, "bare").iterate()
    g.add_v("meta").property(T.id, "not-a-product").iterate()
    rows = {p.id: p for p in iter_products(g, page_size=1000)}
    assert rows["bare"] == ProductRow("bare", "", None)
    assert "not-a-product" not in rows
    exported = export_graph(g, progress=False)
    assert len(exported.products) == 61


def test_replace_recommended_replaces_the_previous_models_edges(g):
    recs_a = [rq.Recommendation("p0000", "p0001", 0.9), rq.Recommendation("p0000", "p0002", 0.8),
              rq.Recommendation("p0003", "p0004", 0.7)]
    assert rq.replace_recommended(g, recs_a, model="run-a", batch_size=2) == 3
    assert rq.recommended_for(g, "p0000") == [("p0001", 0.9, "run-a"), ("p0002", 0.8, "run-a")]
    pairs = g.E().has_label("RECOMMENDED").project("s", "d").by(__.out_v().id_()).by(__.in_v().id_()).to_list()
    assert sorted((p["s"], p["d"]) for p in pairs) == [("p0000", "p0001"), ("p0000", "p0002"), ("p0003", "p0004")]
    # the same model again with fewer links per product: extras go, re-writes are idempotent
    rq.replace_recommended(g, recs_a[:1], model="run-a", sources=["p0000", "p0003"])
    assert rq.count_recommended(g) == 1
    # a new model replaces every edge of the old one
    rq.replace_recommended(g, [rq.Recommendation("p0005", "p0006", 0.5)], model="run-b")
    assert rq.count_recommended(g, "run-a") == 0 and rq.count_recommended(g, "run-b") == 1
    assert rq.count_recommended(g) == 1
    # a product the new pass found nothing for loses its old edges
    rq.replace_recommended(g, [], model="run-b", sources=["p0005"])
    assert rq.count_recommended(g) == 0
    rq.replace_recommended(g, [rq.Recommendation("p0005", "p0006", 0.5)], model="run-b")
    # SIMILAR edges are untouched
    assert g.E().has_label("SIMILAR").count().next() == 300


def test_refine_writes_recommended_edges_the_graph_then_holds(g, trained, catalog):
    _, _, emb, style_of = catalog
    before = get_version(g)
    report = refine(g, trained.run_dir, emb, k=4, ann_m=10, progress=False)
    assert report.products == 60 and report.edges_written == 240 and report.new_products == []
    assert get_version(g) > before
    assert rq.count_recommended(g, trained.run_dir.name) == 240
    recs = rq.recommended_for(g, "p0007", limit=10)
    assert len(recs) == 4 and all(m == trained.run_dir.name for _, _, m in recs)
    assert [s for _, s, _ in recs] == sorted((s for _, s, _ in recs), reverse=True)
    # running it again leaves the same edges
    refine(g, trained.run_dir, emb, k=4, ann_m=10, progress=False)
    assert rq.count_recommended(g) == 240


def test_refine_covers_products_added_after_training(g, trained):
    products, edges, emb, _ = make_catalog(72)
    new_products = [p for p in products if p.id >= "p0060"]
    load_into_graph(g, new_products, [e for e in edges if e.src >= "p0060" or e.dst >= "p0060"])
    files_before = sorted(p.name for p in trained.run_dir.iterdir())
    report = refine(g, trained.run_dir, emb, k=3, ann_m=10, progress=False)
    assert sorted(report.new_products) == [p.id for p in new_products]
    for p in new_products:
        assert len(rq.recommended_for(g, p.id)) == 3
    assert sorted(p.name for p in trained.run_dir.iterdir()) == files_before
