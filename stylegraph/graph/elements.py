"""The in-memory elements of the property graph.

The engine reads these attributes directly for speed; every change goes
through :class:`stylegraph.graph.graph.Graph` so that indexes, the undo log
and the on-disk store stay in step.
"""
from __future__ import annotations

from typing import Any


class Vertex:
    """A vertex: id, label, multi-valued properties and label-keyed adjacency."""

    __slots__ = ("id", "label", "properties", "out_edges", "in_edges")

    def __init__(self, id: str, label: str) -> None:
        self.id = id
        self.label = label
        # key -> values; one value under single cardinality
        self.properties: dict[str, list[Any]] = {}
        # edge label -> {edge id: Edge}, insertion ordered
        self.out_edges: dict[str, dict[str, Edge]] = {}
        self.in_edges: dict[str, dict[str, Edge]] = {}

    def __repr__(self) -> str:
        return f"v[{self.id}]"


class Edge:
    """A directed edge from ``out_v`` to ``in_v`` with single-valued properties."""

    __slots__ = ("id", "label", "out_v", "in_v", "properties")

    def __init__(self, id: str, label: str, out_v: Vertex, in_v: Vertex) -> None:
        self.id = id
        self.label = label
        self.out_v = out_v
        self.in_v = in_v
        self.properties: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"e[{self.id}][{self.out_v.id}-{self.label}->{self.in_v.id}]"
