"""The graph's version stamp, kept on one ``meta`` vertex.

Writers bump it after they change the graph; readers key their caches on it.
It lives in the graph itself so it works for every backend (embedded,
our Gremlin server, TinkerPop Gremlin Server, Neptune). The stamp is a
nanosecond timestamp written in a single ``mergeV`` so that two writers
never need a read-modify-write: readers only compare it for equality.
"""
from __future__ import annotations

import time

from gremlin_python.process.graph_traversal import GraphTraversalSource
from gremlin_python.process.traversal import Merge, T
from gremlin_python.statics import long

META_ID = "stylegraph:meta"
META_LABEL = "meta"


def get_version(g: GraphTraversalSource) -> int:
    """The graph's current version stamp (0 when nothing has bumped it yet)."""
    values = g.V(META_ID).values("version").to_list()
    return int(values[0]) if values else 0


def bump_version(g: GraphTraversalSource) -> int:
    """Give the graph a new version stamp and return it."""
    stamp = long(time.time_ns())
    (
        g.merge_v({T.id: META_ID})
        .option(Merge.on_create, {T.label: META_LABEL, "version": stamp})
        .option(Merge.on_match, {"version": stamp})
        .iterate()
    )
    return int(stamp)


def ping(g: GraphTraversalSource) -> int:
    """A round trip that touches the graph: 1 when it holds any vertex, else 0."""
    return int(g.V().limit(1).count().next())
