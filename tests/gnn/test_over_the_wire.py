"""The GNN's queries through the Gremlin Server protocol (ws://, GraphBinary), not in-process."""
from __future__ import annotations

import pytest

from stylegraph.gnn.refine import refine
from stylegraph.queries import recommended as rq
from stylegraph.queries.export import iter_edges, iter_products
from .synthetic import load_into_graph


@pytest.fixture(scope="module")
def ws_g(catalog):
    """``g`` over ws:// to our Gremlin server on an in-memory graph holding the catalog."""
    from stylegraph.graph.connect import close, connect
    from stylegraph.graph.graph import Graph
    from stylegraph.graph.server import start_server
    from stylegraph.settings import Settings

    graph = Graph(None)
    handle = start_server(graph, "127.0.0.1", 0, Settings.from_env({}))
    g = connect(handle.url)
    products, edges, _, _ = catalog
    load_into_graph(g, products, edges)
    yield g
    close(g)
    handle.stop()
    graph.close()


def test_export_over_the_wire(ws_g, catalog):
    products, edges, _, _ = catalog
    assert list(iter_products(ws_g, page_size=25)) == sorted(products, key=lambda p: p.id)
    got = {(e.src, e.dst): e.score for e in iter_edges(ws_g, page_size=64)}
    assert got == pytest.approx({(e.src, e.dst): e.score for e in edges})


def test_refine_over_the_wire(ws_g, trained, catalog):
    _, _, emb, _ = catalog
    report = refine(ws_g, trained.run_dir, emb, k=3, ann_m=10, progress=False)
    assert report.edges_written == 180
    assert rq.count_recommended(ws_g, trained.run_dir.name) == 180
    assert len(rq.recommended_for(ws_g, "p0042")) == 3
