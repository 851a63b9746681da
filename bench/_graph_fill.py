"""Filling an embedded ``Graph`` directly (no Gremlin) for the benchmarks that need a big one fast.

Rows are added with ``Graph.add_vertex``/``add_edge`` in batched write transactions
(each batch one SQLite commit when the graph has a file); ids must be new.
"""
from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Mapping

from stylegraph.graph.graph import Graph

VertexRow = tuple[str, str, Mapping[str, Any]]  # id, label, properties
EdgeRow = tuple[str, str, str, str, Mapping[str, Any]]  # id, label, out id, in id, properties


def fill(graph: Graph, vertices: Iterable[VertexRow] = (), edges: Iterable[EdgeRow] = (),
         batch_size: int = 50_000) -> tuple[int, int]:
    """Add ``vertices`` then ``edges`` to ``graph``, ``batch_size`` per transaction; the counts added."""
    nv = ne = 0
    rows = iter(vertices)
    while batch := list(islice(rows, batch_size)):
        with graph.transaction():
            for vid, label, props in batch:
                graph.add_vertex(label, vid, props)
        nv += len(batch)
    rows_e = iter(edges)
    while batch_e := list(islice(rows_e, batch_size)):
        with graph.transaction():
            for eid, label, out_id, in_id, props in batch_e:
                out_v, in_v = graph.vertex(out_id), graph.vertex(in_id)
                if out_v is None or in_v is None:
                    raise ValueError(f"edge {eid}: vertex {out_id if out_v is None else in_id} does not exist")
                graph.add_edge(label, out_v, in_v, eid, props)
        ne += len(batch_e)
    return nv, ne
