"""Loading bulk CSVs into the real graph store through g: idempotent, batched, pruning."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __

from stylegraph.graph.connect import close, connect
from stylegraph.loader.load import load_csv, load_records
from stylegraph.loader.neptune_csv import EdgeRecord, NeptuneCsvError, VertexRecord, write_graph_csv
from stylegraph.queries.meta import get_version


def _records(n=12, k=3):
    vertices = [VertexRecord(f"P{i}", "product", {"title": f"item {i}", "price": float(i) + 0.5,
                                                  "in_stock": i % 2 == 0, "category": "bags"})
                for i in range(n)]
    edges = [EdgeRecord(f"SIMILAR:P{i}:P{(i + j) % n}", f"P{i}", f"P{(i + j) % n}", "SIMILAR",
                        {"score": round(1 - j / 10, 3)}) for i in range(n) for j in range(1, k + 1)]
    return vertices, edges


@pytest.fixture
def g(any_g):
    """An empty graph on every backend: ours in-process and over a socket, TinkerGraph, JanusGraph."""
    return any_g


def _edge(g, out_id, in_id, label="SIMILAR"):
    return g.V(out_id).out_e(label).where(__.in_v().has_id(in_id))


def test_load_then_reload_changes_nothing(g, tmp_path):
    vertices, edges = _records()
    write_graph_csv(tmp_path, vertices, edges)
    first = load_csv(g, tmp_path, batch_size=5, progress=False)
    assert (first.vertices_created, first.edges_created) == (12, 36)
    version = get_version(g)
    assert version == first.version and version > 0
    p3 = g.V("P3").element_map().next()
    assert p3["title"] == "item 3" and p3["price"] == 3.5 and p3["in_stock"] is False
    e = _edge(g, "P3", "P5").element_map().next()
    assert e["score"] == 0.8
    assert g.V("P3").out("SIMILAR").id_().order().to_list() == ["P4", "P5", "P6"]

    again = load_csv(g, tmp_path, batch_size=5, progress=False)
    assert not again.changed and again.version is None
    assert (again.vertices_unchanged, again.edges_unchanged) == (12, 36)
    assert get_version(g) == version
    assert g.V().has_label("product").count().next() == 12 and g.E().count().next() == 36


def test_changes_are_applied_and_stale_edges_pruned(g):
    vertices, edges = _records()
    load_records(g, vertices, edges, progress=False)
    vertices[0].properties["price"] = 99.0
    edges = [e for e in edges if e.out_id != "P1"] + [EdgeRecord("SIMILAR:P1:P9", "P1", "P9", "SIMILAR",
                                                                 {"score": 0.5})]
    edges[0].properties["score"] = 0.11
    stats = load_records(g, vertices, edges, batch_size=4, progress=False)
    assert (stats.vertices_updated, stats.edges_created, stats.edges_updated, stats.edges_dropped) == (1, 1, 1, 3)
    assert g.V("P0").values("price").next() == 99.0
    assert g.V("P1").out("SIMILAR").id_().to_list() == ["P9"]
    assert _edge(g, edges[0].out_id, edges[0].in_id).values("score").next() == 0.11
    # other edge labels are never pruned by a SIMILAR load
    g.V("P2").add_e("RECOMMENDED").to(g.V("P7").next()).property("score", 0.3).iterate()
    load_records(g, vertices, edges, progress=False)
    assert g.V("P2").out("RECOMMENDED").id_().to_list() == ["P7"]
    stats = load_records(g, vertices, edges[:5], prune=False, progress=False)
    assert stats.edges_dropped == 0


def test_missing_endpoints_fail_before_writing(g):
    vertices, edges = _records()
    edges.append(EdgeRecord("SIMILAR:P0:ghost", "P0", "ghost", "SIMILAR", {"score": 0.1}))
    with pytest.raises(NeptuneCsvError, match="neither in the vertices file nor in the graph.*ghost"):
        load_records(g, vertices, edges, progress=False)
    assert g.V().count().next() == 0


def test_label_conflict_and_bad_dir(g, tmp_path):
    load_records(g, [VertexRecord("X", "meta", {})], [], progress=False)
    with pytest.raises(NeptuneCsvError, match="exists with label 'meta'"):
        load_records(g, [VertexRecord("X", "product", {})], [], progress=False)
    with pytest.raises(NeptuneCsvError, match="neither vertices.csv nor edges.csv"):
        load_csv(g, tmp_path)


def test_two_records_for_one_edge_are_refused(g):
    vertices, edges = _records()
    edges.append(EdgeRecord("SIMILAR:again", "P3", "P4", "SIMILAR", {"score": 0.1}))
    with pytest.raises(NeptuneCsvError, match="'SIMILAR:P3:P4' and 'SIMILAR:again' both go P3-SIMILAR->P4"):
        load_records(g, vertices, edges, progress=False)
    assert g.V().count().next() == 0


def test_embedded_graph_is_durable(tmp_path):
    vertices, edges = _records(n=6, k=2)
    url = f"embedded://{tmp_path / 'graph.db'}"
    g = connect(url)
    load_records(g, vertices, edges, progress=False)
    close(g)
    g = connect(url)
    try:
        assert g.V().has_label("product").count().next() == 6 and g.E().count().next() == 12
        assert not load_records(g, vertices, edges, progress=False).changed
    finally:
        close(g)
