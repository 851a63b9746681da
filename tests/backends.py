"""One empty graph on any backend the product runs on, for the product tests.

``memory``         -- our engine in-process (``connect("memory:")``);
``gremlin-server`` -- our Gremlin server over a real WebSocket (GraphBinary);
``tinkergraph``    -- Apache TinkerPop Gremlin Server on TinkerGraph (GraphBinary);
``janusgraph``     -- JanusGraph Server, in-memory backend (GraphSON v3);
``neo4j``          -- Neo4j 5.26 over Bolt (only through ``open_graph``: it is a
                      ``CypherProductGraph``, not a Gremlin ``g``).

The real engines are the session's shared servers (``tests/conftest.py``): the
graph is cleared before the test gets it.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

from stylegraph.graph.connect import close, connect

PRODUCT_BACKENDS = ("memory", "gremlin-server", "tinkergraph", "janusgraph")
REAL_ENGINES = ("tinkergraph", "janusgraph")
# every real engine the product runs on: the Gremlin ones and Neo4j (Cypher)
PRODUCT_ENGINES = REAL_ENGINES + ("neo4j",)


@contextlib.contextmanager
def open_graph(name: str, request: Any, clear: bool = True) -> Iterator[Any]:
    """An empty ``g`` on backend ``name`` (``request``: the pytest request, for the engines);
    with ``clear=False`` a real engine's graph is left as it is."""
    if name == "memory":
        g = connect("memory:")
        try:
            yield g
        finally:
            close(g)
        return
    if name == "gremlin-server":
        from stylegraph.graph.graph import Graph
        from stylegraph.graph.server import start_server
        from stylegraph.settings import Settings

        graph = Graph(None)
        handle = start_server(graph, "127.0.0.1", 0, Settings.from_env({}))
        g = connect(handle.url)
        try:
            yield g
        finally:
            close(g)
            handle.stop()
            graph.close()
        return
    if name == "neo4j":
        graph = request.getfixturevalue("neo4j_server").connect()
        try:
            if clear:
                graph.clear()
            yield graph
        finally:
            graph.close()
        return
    if name not in REAL_ENGINES:
        raise ValueError(f"unknown backend {name!r}")
    engine = request.getfixturevalue(f"{name}_server")
    g = engine.connect()
    try:
        if clear:
            g.V().drop().iterate()
        yield g
    finally:
        close(g)


def url_and_serializer(name: str, request: Any) -> tuple[str, str]:
    """``(STYLEGRAPH_GRAPH_URL, STYLEGRAPH_GRAPH_SERIALIZER)`` of a real engine, its graph cleared."""
    if name == "neo4j":
        engine = request.getfixturevalue("neo4j_server")
        graph = engine.connect()
        try:
            graph.clear()
        finally:
            graph.close()
        return engine.auth_url, "graphbinary"
    engine = request.getfixturevalue(f"{name}_server")
    g = engine.connect()
    try:
        g.V().drop().iterate()
    finally:
        close(g)
    return engine.url, engine.spec.serializer
