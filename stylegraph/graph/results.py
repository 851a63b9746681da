"""Convert internal results to gremlinpython structure types.

Vertices/edges become ``gremlin_python.structure.graph.Vertex``/``Edge``
(reference elements: id and label, no properties, as Gremlin Server returns
them), properties become ``VertexProperty``/``Property``, paths ``Path``, map
entries one-entry dicts, and containers are converted recursively.  Map keys
that are lists or maps become tuples / ``HashableDict`` as gremlinpython's own
deserialisers do.
"""
from __future__ import annotations

from typing import Any

from gremlin_python.structure import graph as gp
from gremlin_python.structure.io.util import HashableDict

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.steps.access import EdgeProp, GSet, MapEntry, VertexProp
from stylegraph.graph.tree import Tree

_SCALARS = (str, int, float, bool, type(None))


def vertex_ref(v: Vertex) -> gp.Vertex:
    """A gremlinpython reference vertex."""
    return gp.Vertex(v.id, v.label)


def edge_ref(e: Edge) -> gp.Edge:
    """A gremlinpython reference edge."""
    return gp.Edge(e.id, gp.Vertex(e.out_v.id, e.out_v.label), e.label,
                   gp.Vertex(e.in_v.id, e.in_v.label))


def to_result(x: Any) -> Any:
    """The gremlinpython form of an internal value."""
    t = type(x)
    if t in _SCALARS:
        return x
    if t is Vertex:
        return gp.Vertex(x.id, x.label)
    if t is Edge:
        return edge_ref(x)
    if t is dict:
        return {_key(k): to_result(v) for k, v in x.items()}
    if t is list:
        return [to_result(v) for v in x]
    if t is GSet:
        return {_key(v) for v in x}
    if t is MapEntry:
        return {_key(x[0]): to_result(x[1])}
    if t is VertexProp:
        return gp.VertexProperty(x.id, x.key, to_result(x.value), vertex_ref(x.element))
    if t is EdgeProp:
        return gp.Property(x.key, to_result(x.value), edge_ref(x.element))
    if t is Tree:
        out = Tree()
        for k, v in x.items():
            out[_key(k)] = to_result(v)
        return out
    if t is gp.Path:
        return gp.Path([set(s) for s in x.labels], [to_result(o) for o in x.objects])
    if isinstance(x, dict):
        return {_key(k): to_result(v) for k, v in x.items()}
    if isinstance(x, tuple):
        return [to_result(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return {_key(v) for v in x}
    return x


def _key(k: Any) -> Any:
    k = to_result(k)
    if isinstance(k, list):
        return tuple(_key(v) for v in k)
    if isinstance(k, dict) and not isinstance(k, HashableDict):
        return HashableDict.of(k)
    if isinstance(k, set):
        return frozenset(k)
    return k
