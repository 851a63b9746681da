"""The GNN's queries through the Gremlin Server protocol (ws://, GraphBinary), not in-process."""
from __future__ import annotations

import pytest

from stylegraph.gnn.dataset import export_graph
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
    products, edges, relations, _, _ = catalog
    load_into_graph(g, products, edges, relations)
    yield g
    close(g)
    handle.stop()
    graph.close()


def test_export_over_the_wire(ws_g, catalog):
    products, edges, relations, _, _ = catalog
    got = sorted(iter_products(ws_g, batch_size=25), key=lambda p: p.id)
    assert got == sorted(products, key=lambda p: p.id)
    got_edges = {(e.src, e.dst): e.score for e in iter_edges(ws_g, batch_size=64)}
    assert got_edges == pytest.approx({(e.src, e.dst): e.score for e in edges})
    assert len(export_graph(ws_g, 50, progress=False).relations) == len(relations)


def test_refine_over_the_wire(ws_g, trained, catalog):
    emb = catalog[3]
    report = refine(ws_g, trained.run_dir, emb, k=3, progress=False)
    assert report.edges_written == 270
    assert rq.count_recommended(ws_g, trained.run_dir.name) == 270
    assert len(rq.recommended_for(ws_g, "p0042")) == 3
