"""Toy graphs with known answers: TinkerPop's "modern" graph (TinkerFactory.createModern)
and, without meta-properties, its "crew" graph (TinkerFactory.createTheCrew).

Ids are strings, as in Neptune: modern has vertices "1".."6" and edges "7".."12".
"""
from __future__ import annotations

from typing import Any

from stylegraph.graph.graph import Graph

MODERN_VERTICES: list[tuple[str, str, dict[str, Any]]] = [
    ("1", "person", {"name": "marko", "age": 29}),
    ("2", "person", {"name": "vadas", "age": 27}),
    ("3", "software", {"name": "lop", "lang": "java"}),
    ("4", "person", {"name": "josh", "age": 32}),
    ("5", "software", {"name": "ripple", "lang": "java"}),
    ("6", "person", {"name": "peter", "age": 35}),
]

MODERN_EDGES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("7", "knows", "1", "2", {"weight": 0.5}),
    ("8", "knows", "1", "4", {"weight": 1.0}),
    ("9", "created", "1", "3", {"weight": 0.4}),
    ("10", "created", "4", "5", {"weight": 1.0}),
    ("11", "created", "4", "3", {"weight": 0.4}),
    ("12", "created", "6", "3", {"weight": 0.2}),
]


def load_modern(graph: Graph) -> Graph:
    """Add the modern graph's 6 vertices and 6 edges to ``graph`` (one transaction)."""
    with graph.transaction():
        for vid, label, props in MODERN_VERTICES:
            graph.add_vertex(label, vid, props)
        for eid, label, out_id, in_id, props in MODERN_EDGES:
            out_v, in_v = graph.vertex(out_id), graph.vertex(in_id)
            assert out_v is not None and in_v is not None
            graph.add_edge(label, out_v, in_v, eid, props)
    return graph


def modern_graph() -> Graph:
    """A new memory-only graph holding the modern toy graph."""
    return load_modern(Graph(None))


def load_modern_g(g: Any) -> None:
    """Load the modern graph through a traversal source ``g`` (any backend)."""
    from gremlin_python.process.traversal import T

    for vid, label, props in MODERN_VERTICES:
        t = g.add_v(label).property(T.id, vid)
        for key, value in props.items():
            t = t.property(key, value)
        t.iterate()
    _add_edges_g(g, MODERN_EDGES)


# TinkerPop's "crew" graph (TinkerFactory.createTheCrew) without its meta-properties
# (Neptune, and so our engine, has none): multi-valued ``location`` (list cardinality),
# edge properties ``skill`` and ``since``. Vertex ids as in TinkerFactory, edges "13".."26".
CREW_VERTICES: list[tuple[str, str, str, list[str]]] = [
    ("1", "person", "marko", ["san diego", "santa cruz", "brussels", "santa fe"]),
    ("7", "person", "stephen", ["centreville", "dulles", "purcellville"]),
    ("8", "person", "matthias", ["bremen", "baltimore", "oakland", "seattle"]),
    ("9", "person", "daniel", ["spremberg", "kaiserslautern", "aachen"]),
    ("10", "software", "gremlin", []),
    ("11", "software", "tinkergraph", []),
]
CREW_EDGES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("13", "develops", "1", "10", {"since": 2009}), ("14", "develops", "1", "11", {"since": 2010}),
    ("15", "uses", "1", "10", {"skill": 4}), ("16", "uses", "1", "11", {"skill": 5}),
    ("17", "develops", "7", "10", {"since": 2010}), ("18", "develops", "7", "11", {"since": 2011}),
    ("19", "uses", "7", "10", {"skill": 5}), ("20", "uses", "7", "11", {"skill": 4}),
    ("21", "develops", "8", "10", {"since": 2012}), ("22", "uses", "8", "10", {"skill": 3}),
    ("23", "uses", "8", "11", {"skill": 3}), ("24", "uses", "9", "10", {"skill": 5}),
    ("25", "uses", "9", "11", {"skill": 3}), ("26", "traverses", "10", "11", {}),
]


def load_crew_g(g: Any) -> None:
    """Load the crew graph (without meta-properties) through a traversal source ``g``."""
    from gremlin_python.process.traversal import Cardinality, T

    for vid, label, name, locations in CREW_VERTICES:
        t = g.add_v(label).property(T.id, vid).property("name", name)
        for place in locations:
            t = t.property(Cardinality.list_, "location", place)
        t.iterate()
    _add_edges_g(g, CREW_EDGES)


def _add_edges_g(g: Any, edges: list[tuple[str, str, str, str, dict[str, Any]]]) -> None:
    from gremlin_python.process.graph_traversal import __
    from gremlin_python.process.traversal import T

    for eid, label, out_id, in_id, props in edges:
        t = g.V(out_id).add_e(label).to(__.V(in_id)).property(T.id, eid)
        for key, value in props.items():
            t = t.property(key, value)
        t.iterate()


# A generated stand-in for TinkerPop's "grateful dead" graph (808 song vertices, 8049
# followedBy edges; TinkerPop's own data files are not shipped here): seeded, so every
# backend loads the same graph. Walks on it grow about 10x per step, which makes it the
# graph of the traverser-bulking tests and of bench/gremlin_concurrency.py.
GRATEFUL_VERTICES = 808
GRATEFUL_EDGES = 8049


def grateful_like(seed: int = 808) -> tuple[list[str], list[tuple[str, str]]]:
    """The vertex ids and the distinct ``(out, in)`` pairs (no self-loops) of the generated graph."""
    import random

    rng = random.Random(seed)
    ids = [f"song{i}" for i in range(GRATEFUL_VERTICES)]
    pairs: dict[tuple[str, str], None] = {}
    while len(pairs) < GRATEFUL_EDGES:
        # a skewed in-degree (popular songs), like the real graph's
        a, b = rng.randrange(GRATEFUL_VERTICES), int(GRATEFUL_VERTICES * rng.random() ** 2)
        if a != b:
            pairs[(ids[a], ids[b])] = None
    return ids, list(pairs)


def load_grateful_like(graph: Graph, seed: int = 808) -> Graph:
    """Add the generated grateful-like graph to ``graph`` (one transaction)."""
    ids, pairs = grateful_like(seed)
    with graph.transaction():
        vs = {vid: graph.add_vertex("song", vid) for vid in ids}
        for out_id, in_id in pairs:
            graph.add_edge("followedBy", vs[out_id], vs[in_id])
    return graph


def load_grateful_like_g(g: Any, seed: int = 808, batch: int = 500) -> None:
    """Load the generated grateful-like graph through ``g`` (any backend), ``batch`` elements per request."""
    from gremlin_python.process.traversal import Direction, T

    ids, pairs = grateful_like(seed)
    for start in range(0, len(ids), batch):
        rows = [{T.id: vid, T.label: "song"} for vid in ids[start:start + batch]]
        g.inject(rows).unfold().merge_v().iterate()
    for start in range(0, len(pairs), batch):
        rows = [{T.label: "followedBy", Direction.OUT: a, Direction.IN: b} for a, b in pairs[start:start + batch]]
        g.inject(rows).unfold().merge_e().iterate()
