"""Flat-map steps: adjacency (out/in/both, outE/inE/bothE, outV/inV/bothV/otherV),
values(), properties() and unfold()."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from gremlin_python.process.traversal import Direction
from gremlin_python.structure.graph import Path

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.steps.access import MapEntry, all_properties
from stylegraph.graph.steps.base import FlatMapStep, TraversalArgStep, expect_str, register
from stylegraph.graph.traverser import Traverser


def _edges(adj: dict[str, dict[str, Edge]], labels: tuple[str, ...]) -> list[Edge]:
    """The edges of one direction, restricted to ``labels`` (a snapshot list)."""
    if not labels:
        if len(adj) == 1:
            for bucket in adj.values():
                return list(bucket.values())
        out: list[Edge] = []
        for bucket in adj.values():
            out.extend(bucket.values())
        return out
    if len(labels) == 1:
        bucket = adj.get(labels[0])
        return list(bucket.values()) if bucket else []
    out = []
    for label in labels:
        bucket = adj.get(label)
        if bucket:
            out.extend(bucket.values())
    return out


_DIRECTIONS = {Direction.OUT: "out", Direction.IN: "in", Direction.BOTH: "both"}


@register("out", "in", "both", "outE", "inE", "bothE", "to", "toE")
class VertexStep(FlatMapStep):
    """out/in/both (to vertices) and outE/inE/bothE (to edges), optionally by label;
    also to(Direction, labels...) / toE(Direction, labels...).

    Only the named labels' edge dicts are read.
    """

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        name = self.name
        if name in ("to", "toE"):
            if not args or args[0] not in _DIRECTIONS:
                raise self.error(f"expects a Direction first, got {args!r}")
            self.direction = _DIRECTIONS[args[0]]
            self.to_edges = name == "toE"
            args = args[1:]
        else:
            self.to_edges = name.endswith("E")
            self.direction = name[:-1] if self.to_edges else name
        self.edge_labels: tuple[str, ...] = tuple(expect_str(self, a, "edge label") for a in args)

    def _require_vertex(self, x: Any) -> Vertex:
        if type(x) is not Vertex:
            raise self.error(f"requires a vertex, got {x!r}", code=597)
        return x

    def flat_map(self, t: Traverser) -> Iterable[Any]:
        """The objects traverser ``t`` expands to."""
        v = self._require_vertex(t.obj)
        out = self._adjacent(v)
        return self.ctx.graph.ordered(out)

    def _adjacent(self, v: Vertex) -> list[Any]:
        labels, direction = self.edge_labels, self.direction
        if self.to_edges:
            if direction == "out":
                return _edges(v.out_edges, labels)
            if direction == "in":
                return _edges(v.in_edges, labels)
            return _edges(v.out_edges, labels) + _edges(v.in_edges, labels)
        if direction == "out":
            return [e.in_v for e in _edges(v.out_edges, labels)]
        if direction == "in":
            return [e.out_v for e in _edges(v.in_edges, labels)]
        return [e.in_v for e in _edges(v.out_edges, labels)] + \
            [e.out_v for e in _edges(v.in_edges, labels)]


@register("outV", "inV", "bothV", "otherV", "toV")
class EdgeVertexStep(FlatMapStep):
    """outV/inV/bothV (or toV(Direction)) of an edge; otherV relative to the previous
    vertex on the path."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if self.name == "toV":
            if len(args) != 1 or args[0] not in _DIRECTIONS:
                raise self.error(f"expects one Direction, got {args!r}")
            self.name = {"out": "outV", "in": "inV", "both": "bothV"}[_DIRECTIONS[args[0]]]
        elif args:
            raise self.error(f"takes no arguments, got {args!r}")

    def flat_map(self, t: Traverser) -> Iterable[Any]:
        """The objects traverser ``t`` expands to."""
        e = t.obj
        if type(e) is not Edge:
            raise self.error(f"requires an edge, got {e!r}", code=597)
        name = self.name
        if name == "outV":
            return (e.out_v,)
        if name == "inV":
            return (e.in_v,)
        if name == "bothV":
            return (e.out_v, e.in_v)
        prev = _previous_vertex(t)
        if prev is None:
            raise self.error("needs the path to know the vertex the edge was reached from", code=597)
        return (e.in_v,) if prev is e.out_v else (e.out_v,)


def _previous_vertex(t: Traverser) -> Vertex | None:
    node = t.path
    while node is not None and node.obj is t.obj:
        node = node.prev
    while node is not None:
        if type(node.obj) is Vertex:
            return node.obj
        node = node.prev
    return None


@register("values")
class ValuesStep(FlatMapStep):
    """values(keys...): property values of an element (all values of multi-properties)."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        # a null key names no property (TinkerPop): values("name", null) is values("name")
        self.keys: tuple[str, ...] = tuple(expect_str(self, a, "property key") for a in args if a is not None)
        self.nothing = bool(args) and not self.keys

    def flat_map(self, t: Traverser) -> Iterable[Any]:
        """The objects traverser ``t`` expands to."""
        if self.nothing:
            return ()
        x = t.obj
        keys = self.keys
        tx = type(x)
        if tx is Vertex:
            props = x.properties
            if len(keys) == 1:
                return props.get(keys[0]) or ()
            if not keys:
                return [v for vals in props.values() for v in vals]
            return [v for k in keys for v in props.get(k) or ()]
        if tx is Edge:
            props = x.properties
            if not keys:
                return list(props.values())
            return [props[k] for k in keys if k in props]
        if isinstance(x, dict):
            if not keys:
                return list(x.values())
            return [x[k] for k in keys if k in x]
        return [p.value for p in all_properties(x, keys)]


@register("properties")
class PropertiesStep(FlatMapStep):
    """properties(keys...): the property objects of an element."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        # a null key names no property (TinkerPop): values("name", null) is values("name")
        self.keys: tuple[str, ...] = tuple(expect_str(self, a, "property key") for a in args if a is not None)
        self.nothing = bool(args) and not self.keys

    def flat_map(self, t: Traverser) -> Iterable[Any]:
        """The objects traverser ``t`` expands to."""
        if self.nothing:
            return ()
        return all_properties(t.obj, self.keys)


@register("unfold")
class UnfoldStep(FlatMapStep):
    """unfold(): lists/sets/iterables to their items, maps to entries, others unchanged."""

    def flat_map(self, t: Traverser) -> Iterable[Any]:
        """The objects traverser ``t`` expands to."""
        x = t.obj
        if isinstance(x, dict):
            return [MapEntry(k, v) for k, v in x.items()]
        if isinstance(x, MapEntry):
            return (x,)
        if isinstance(x, Path):
            return x.objects
        if isinstance(x, (list, tuple, set, frozenset)):
            return x
        if isinstance(x, Iterator):
            return list(x)
        return (x,)


@register("flatMap")
class FlatMapTraversalStep(TraversalArgStep, FlatMapStep):
    """flatMap(traversal): every result of the traversal."""

    arg_note = " (lambdas are not supported)"

    def flat_map(self, t: Traverser) -> Iterable[Any]:
        """The objects traverser ``t`` expands to."""
        return self.traversal.objects(t)
