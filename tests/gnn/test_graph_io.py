"""The GNN's reads and writes through a real ``g``: streamed export, RECOMMENDED edges, new products."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import T

from stylegraph.gnn.dataset import DatasetError, export_graph
from stylegraph.gnn.refine import recommend_new_products, refine
from stylegraph.queries import recommended as rq
from stylegraph.queries.connect import as_product_graph
from stylegraph.queries.export import ProductRow, iter_edges, iter_products
from stylegraph.queries.meta import get_version
from .synthetic import load_into_graph, make_catalog


@pytest.fixture()
def g(catalog):
    from stylegraph.graph.connect import close, connect

    products, edges, relations, _, _ = catalog
    g = connect("memory:")
    load_into_graph(g, products, edges, relations)
    yield g
    close(g)


def test_streamed_export_returns_everything_once(g, catalog):
    products, edges, relations, _, _ = catalog
    got = sorted(iter_products(g, batch_size=7), key=lambda p: p.id)
    assert got == sorted(products, key=lambda p: p.id)
    assert got[0].attrs == products[0].attrs
    got_edges = list(iter_edges(g, batch_size=13))
    assert len(got_edges) == len(edges) == 450
    assert {(e.src, e.dst) for e in got_edges} == {(e.src, e.dst) for e in edges}
    exported = export_graph(g, progress=False)
    assert exported.kinds == ["WORN_WITH"] and len(exported.relations) == len(relations)
    assert {(e.src, e.dst) for e in exported.relations} == {(e.src, e.dst) for e in relations}
    assert all(e.weight == 1.0 for e in exported.relations)
    with pytest.raises(DatasetError, match="no BOUGHT_WITH edges.*present: WORN_WITH"):
        export_graph(g, progress=False, kinds=["BOUGHT_WITH"])


def test_export_is_one_traversal_without_sort_and_skip(g):
    """The listing must not page with order().range(): that re-sorts the graph for every page."""
    from stylegraph.queries import export

    sent = []
    real_to_list = type(g.V()).to_list

    def spy(self):
        options = [getattr(x, "configuration", {}) for inst in self.bytecode.source_instructions
                   for x in inst[1:]]
        sent.append((str(self.bytecode), options))
        return real_to_list(self)

    type(g.V()).to_list = spy
    try:
        list(export.iter_edges(g, batch_size=10))
        list(export.iter_products(g, batch_size=10))
    finally:
        type(g.V()).to_list = real_to_list
    assert len(sent) == 2
    assert all("range" not in b and "order" not in b for b, _ in sent)
    assert all({"batchSize": 10} in opts for _, opts in sent)  # the server sends it in batches


def test_export_tolerates_missing_properties(g):
    g.add_v("product").property(T.id, "bare").iterate()
    g.add_v("meta").property(T.id, "not-a-product").iterate()
    rows = {p.id: p for p in iter_products(g)}
    assert rows["bare"] == ProductRow("bare", "", None)
    assert "not-a-product" not in rows


def test_replace_recommended_replaces_the_previous_models_edges(g):
    similar = g.E().has_label("SIMILAR").count().next()
    recs_a = [rq.Recommendation("p0000", "p0001", 0.9), rq.Recommendation("p0000", "p0002", 0.8),
              rq.Recommendation("p0003", "p0004", 0.7)]
    assert as_product_graph(g).replace_recommended(recs_a, model="run-a", batch_size=2) == 3
    assert rq.recommended_for(g, "p0000") == [("p0001", 0.9, "run-a"), ("p0002", 0.8, "run-a")]
    pairs = g.E().has_label("RECOMMENDED").project("s", "d").by(__.out_v().id_()).by(__.in_v().id_()).to_list()
    assert sorted((p["s"], p["d"]) for p in pairs) == [("p0000", "p0001"), ("p0000", "p0002"), ("p0003", "p0004")]
    # the same model again with fewer links per product: extras go, re-writes are idempotent
    as_product_graph(g).replace_recommended(recs_a[:1], model="run-a", sources=["p0000", "p0003"])
    assert rq.count_recommended(g) == 1
    # a new model replaces every edge of the old one
    as_product_graph(g).replace_recommended([rq.Recommendation("p0005", "p0006", 0.5)], model="run-b")
    assert rq.count_recommended(g, "run-a") == 0 and rq.count_recommended(g, "run-b") == 1
    assert rq.count_recommended(g) == 1
    # a product the new pass found nothing for loses its old edges
    as_product_graph(g).replace_recommended([], model="run-b", sources=["p0005"])
    assert rq.count_recommended(g) == 0
    as_product_graph(g).replace_recommended([rq.Recommendation("p0005", "p0006", 0.5)], model="run-b")
    # SIMILAR edges are untouched
    assert g.E().has_label("SIMILAR").count().next() == similar


def test_refine_writes_top_k_for_every_product(g, trained):
    before = get_version(g)
    report = refine(g, trained.run_dir, _emb(), k=4, progress=False)
    assert report.products == 90 and report.edges_written == 360 and report.new_products == []
    assert get_version(g) > before
    assert rq.count_recommended(g, trained.run_dir.name) == 360
    recs = rq.recommended_for(g, "p0007", limit=10)
    assert len(recs) == 4 and all(m == trained.run_dir.name for _, _, m in recs)
    assert all(0.0 <= s <= 1.0 for _, s, _ in recs)
    # "goes with": mostly the same style in another category, not look-alikes
    style = lambda pid: (int(pid[1:]) // 3) % 6  # noqa: E731
    cat = lambda pid: int(pid[1:]) % 3  # noqa: E731
    good = sum(style(d) == style("p0007") and cat(d) != cat("p0007") for d, _, _ in recs)
    assert good >= 3
    refine(g, trained.run_dir, _emb(), k=4, progress=False)
    assert rq.count_recommended(g) == 360
    assert g.E().has_label("SIMILAR").count().next() == 450


def test_products_added_after_training_get_recommendations_without_retraining(g, trained):
    products, edges, _, emb, _ = make_catalog(96)
    new = [p for p in products if p.id >= "p0090"]
    load_into_graph(g, new, [e for e in edges if e.src >= "p0090" or e.dst >= "p0090"])
    files_before = sorted(p.name for p in trained.run_dir.iterdir())
    recs = recommend_new_products(g, trained.run_dir, emb, [p.id for p in new], k=3)
    assert len(recs) == 18
    for p in new:
        assert len(rq.recommended_for(g, p.id)) == 3
    assert rq.count_recommended(g) == 18  # nobody else's edges were touched
    report = refine(g, trained.run_dir, emb, k=3, progress=False)
    assert sorted(report.new_products) == [p.id for p in new]
    assert sorted(p.name for p in trained.run_dir.iterdir()) == files_before


def _emb():
    return make_catalog(90)[3]


def test_refine_snapshot_only_saves_the_ranking_and_leaves_the_graph(g, trained, tmp_path):
    from stylegraph.analytics.snapshots import list_snapshots, load_snapshot

    before = get_version(g)
    report = refine(g, trained.run_dir, _emb(), k=4, progress=False, snapshot_to=tmp_path, write=False)
    assert report.edges_written == 0 and get_version(g) == before
    assert rq.count_recommended(g) == 0
    assert list_snapshots(tmp_path) == [trained.run_dir.name]
    table = load_snapshot(tmp_path, trained.run_dir.name)
    assert len(table) == 90 and all(len(v) == 4 for v in table.values())
    # the saved ranking is what a refine writes
    refine(g, trained.run_dir, _emb(), k=4, progress=False)
    assert [d for d, _ in table["p0007"]] == [d for d, _, _ in rq.recommended_for(g, "p0007", limit=4)]
