"""mergeV() / mergeE(): idempotent upserts with option(onCreate / onMatch / outV / inV)."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from gremlin_python.process.traversal import Direction, Merge, T
from gremlin_python.structure import graph as gp

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.predicates import values_equal
from stylegraph.graph.steps.base import NO_VALUE, Step, Traversal, child_list, register
from stylegraph.graph.steps.access import MapEntry
from stylegraph.graph.steps.mutation import CARDINALITY_NAMES, CardValue
from stylegraph.graph.traverser import SEED, Traverser

_MERGE_KEYS = {Merge.on_create: "onCreate", Merge.on_match: "onMatch",
               Merge.out_v: "outV", Merge.in_v: "inV"}


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, CardValue) else value


def _props_match(element: Any, props: dict[str, Any]) -> bool:
    for key, value in props.items():
        value = _plain(value)
        if type(element) is Vertex:
            if not any(values_equal(x, value) for x in element.properties.get(key, ())):
                return False
        else:
            if key not in element.properties or not values_equal(element.properties[key], value):
                return False
    return True


def find_vertices(graph: Any, m: dict[Any, Any]) -> list[Vertex]:
    """Vertices matching a merge map, using the id, a property index or the label index."""
    label = m.get(T.label)
    props = {k: v for k, v in m.items() if isinstance(k, str)}
    if T.id in m:
        v = graph.vertex(_plain(m[T.id]))
        candidates: Iterable[Vertex] = [v] if v is not None else []
    elif props:
        key = next(iter(props))
        candidates = graph.lookup_vertices(key, _plain(props[key]), label)
    elif label is not None:
        candidates = list(graph.vertices_by_label(label))
    else:
        candidates = list(graph.vertices.values())
    return [v for v in candidates
            if (label is None or v.label == label) and _props_match(v, props)]


class _MergeStep(Step):
    """Shared parts: the merge map (constant, traversal or incoming map) and options."""

    extends_path = True
    accepts = frozenset({"option"})
    allowed_keys: tuple[Any, ...] = (T.id, T.label)

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if len(args) > 1:
            raise self.error(f"takes at most one map or traversal, got {args!r}")
        self.spec: Any = args[0] if args else NO_VALUE
        if self.spec is None:  # merge(null) is the same as merge([:])
            self.spec = {}
        if self.spec is not NO_VALUE:
            if isinstance(self.spec, dict):
                self.validate(self.spec, "merge map")
            elif not isinstance(self.spec, Traversal):
                raise self.error(f"expects a map or a traversal, got {self.spec!r}")
        self.options: dict[str, Any] = {}
        self.default_cardinality: dict[str, str] = {}

    def mod_option(self, args: list[Any]) -> None:
        """Record an option() modulator."""
        if len(args) not in (2, 3) or args[0] not in _MERGE_KEYS:
            raise self.error(f"option(Merge.x, map|traversal[, cardinality]) expected, got {args!r}")
        name = _MERGE_KEYS[args[0]]
        value = args[1]
        if len(args) == 3:
            # option(onCreate|onMatch, map, Cardinality): the default cardinality of the values
            if name not in ("onCreate", "onMatch") or args[2] not in CARDINALITY_NAMES:
                raise self.error(f"option({name}, map, cardinality) expected, got {args!r}")
            self.default_cardinality[name] = CARDINALITY_NAMES[args[2]]
        if isinstance(value, dict) and name in ("onCreate", "onMatch"):
            self.validate(value, f"option({name})")
        self.options[name] = value

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return child_list(self.spec, *self.options.values())

    def validate(self, m: dict[Any, Any], what: str) -> None:
        """Reject keys a merge map cannot have."""
        for key, value in m.items():
            if not (isinstance(key, str) or key in self.allowed_keys):
                raise self.error(f"{what}: unsupported key {key!r}")
            if isinstance(key, str) and key.startswith("~"):
                raise self.error(f"{what}: Property key can not be a hidden key: {key}", code=597)
            if isinstance(value, Traversal):
                raise self.error(f"{what}: values cannot be traversals ({key!r})")
            if key is T.label and not (isinstance(value, str) and value and not value.startswith("~")):
                raise self.error(f"{what}: T.label must be a non-hidden string, got {value!r}", code=597)
            if key is T.id and value is None:
                raise self.error(f"{what}: T.id cannot be null", code=597)

    def _materialize(self, value: Any, t: Traverser, what: str) -> dict[Any, Any] | None:
        """A map from a constant, or from a traversal giving a map or a stream of map entries."""
        if isinstance(value, Traversal):
            entries: dict[Any, Any] = {}
            found: Any = None
            for out in value.run_one(t):
                obj = out.obj
                if isinstance(obj, MapEntry):
                    entries[obj[0]] = obj[1]
                    continue
                if not entries:
                    found = obj
                break
            value = entries if entries else found
        if value is None or value is NO_VALUE:
            return None
        if not isinstance(value, dict):
            raise self.error(f"{what} must be a map, got {value!r}", code=597)
        self.validate(value, what)
        return value

    def merge_map(self, t: Traverser) -> dict[Any, Any]:
        """The merge map for this traverser (null means the empty map)."""
        spec = self.spec
        if spec is NO_VALUE:
            if t.obj is SEED:
                raise self.error("at the start of a traversal needs a map argument", code=499)
            m = self._materialize(t.obj, t, "the incoming merge map")
        elif isinstance(spec, Traversal):
            m = self._materialize(spec, t, "the merge traversal's result")
        else:
            return spec
        return {} if m is None else m

    def option_map(self, name: str, t: Traverser) -> dict[Any, Any] | None:
        """option(name) resolved for traverser ``t`` (None when absent), values wrapped
        with the option's default cardinality."""
        value = self.options.get(name)
        if value is None:
            return None
        m = self._materialize(value, t, f"option({name})")
        card = self.default_cardinality.get(name)
        if m and card is not None:
            m = {k: (v if isinstance(v, CardValue) or not isinstance(k, str) else CardValue(card, v))
                 for k, v in m.items()}
        return m

    def create_map(self, search: dict[Any, Any], t: Traverser) -> dict[Any, Any]:
        """search map + option(onCreate), which may not contradict the search map."""
        on_create = self.option_map("onCreate", t)
        if not on_create:
            return search
        merged = dict(search)
        for key, value in on_create.items():
            if key in search and not values_equal(_plain(search[key]), _plain(value)):
                raise self.error(
                    f"option(onCreate) cannot override values from merge() argument ({key!r})", code=597)
            merged[key] = value
        return merged

    def apply_on_match(self, element: Any, t: Traverser) -> None:
        """Apply option(onMatch) to a matched element."""
        if "onMatch" not in self.options:
            return
        on_match = self.option_map("onMatch", t.replace(element))
        if not on_match:
            return
        graph = self.ctx.graph
        for key, value in on_match.items():
            if isinstance(key, T) or isinstance(key, Direction):
                raise self.error(f"option(onMatch) cannot set {key!r}", code=597)
            card = "single"
            if isinstance(value, CardValue):
                card, value = value.cardinality, value.value
            if value is None:
                graph.remove_property(element, key)
            else:
                graph.set_property(element, key, value, card if type(element) is Vertex else "single")


@register("mergeV")
class MergeVertexStep(_MergeStep):
    """mergeV(map): the matching vertices (onMatch applied) or a new one (onCreate)."""

    def find(self, m: dict[Any, Any]) -> list[Vertex]:
        """Vertices matching a merge map."""
        return find_vertices(self.ctx.graph, m)

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        graph, labels, mode = self.ctx.graph, self.labels, self.ctx.path_mode
        for t in it:
            self.ctx.tick()
            m = self.merge_map(t)
            found = self.find(m)
            if found:
                for v in found:
                    self.apply_on_match(v, t)
                    yield t.split(v, labels, mode)
                continue
            create = self.create_map(m, t)
            single = {}
            multi = []
            for k, value in create.items():
                if not isinstance(k, str) or value is None:
                    continue
                if isinstance(value, CardValue) and value.cardinality != "single":
                    multi.append((k, value))
                else:
                    single[k] = _plain(value)
            ident = _plain(create.get(T.id))
            if isinstance(ident, gp.Element):
                ident = ident.id
            v = graph.add_vertex(_plain(create.get(T.label, "vertex")), ident, single)
            for k, value in multi:
                items = value.value if isinstance(value.value, (list, set, tuple)) else [value.value]
                for item in items:
                    graph.set_property(v, k, item, value.cardinality)
            yield t.split(v, labels, mode)


@register("mergeE")
class MergeEdgeStep(_MergeStep):
    """mergeE(map): match by id / endpoints+label+properties, else create (both ends must exist)."""

    allowed_keys = (T.id, T.label, Direction.OUT, Direction.IN)

    def _vertex(self, value: Any, t: Traverser, which: str) -> Vertex | None:
        if value is Merge.out_v or value is Merge.in_v:
            name = _MERGE_KEYS[value]
            raw = self.options.get(name)
            if raw is None:
                raise self.error(f"{which} is Merge.{name} but option(Merge.{name}) is missing", code=597)
            value = raw.first(t) if isinstance(raw, Traversal) else raw
            if isinstance(value, dict):
                found = find_vertices(self.ctx.graph, value)
                return found[0] if found else None
        if type(value) is Vertex:
            return value
        if isinstance(value, gp.Element):
            value = value.id
        if value is NO_VALUE or value is None:
            return None
        return self.ctx.graph.vertex(value)

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        graph, labels, mode = self.ctx.graph, self.labels, self.ctx.path_mode
        for t in it:
            self.ctx.tick()
            m = self.merge_map(t)
            out_spec, in_spec = m.get(Direction.OUT, NO_VALUE), m.get(Direction.IN, NO_VALUE)
            out_v = self._vertex(out_spec, t, "Direction.OUT") if out_spec is not NO_VALUE else None
            in_v = self._vertex(in_spec, t, "Direction.IN") if in_spec is not NO_VALUE else None
            found = self._find(m, out_spec, in_spec, out_v, in_v)
            if found:
                for e in found:
                    self.apply_on_match(e, t)
                    yield t.split(e, labels, mode)
                continue
            create = self.create_map(m, t)
            out_spec, in_spec = create.get(Direction.OUT, NO_VALUE), create.get(Direction.IN, NO_VALUE)
            if out_spec is NO_VALUE or out_spec is None:
                raise self.error("Out Vertex not specified: cannot create an edge", code=597)
            if in_spec is NO_VALUE or in_spec is None:
                raise self.error("In Vertex not specified: cannot create an edge", code=597)
            out_v = self._vertex(out_spec, t, "Direction.OUT")
            in_v = self._vertex(in_spec, t, "Direction.IN")
            if out_v is None:
                raise self.error(f"Vertex does not exist for mergeE: out vertex {out_spec!r}", code=597)
            if in_v is None:
                raise self.error(f"Vertex does not exist for mergeE: in vertex {in_spec!r}", code=597)
            props = {k: _plain(v) for k, v in create.items() if isinstance(k, str) and v is not None}
            ident = _plain(create.get(T.id))
            e = graph.add_edge(_plain(create.get(T.label, "edge")), out_v, in_v, ident, props)
            yield t.split(e, labels, mode)

    def _find(self, m: dict[Any, Any], out_spec: Any, in_spec: Any,
              out_v: Vertex | None, in_v: Vertex | None) -> list[Edge]:
        if (out_spec is not NO_VALUE and out_v is None) or (in_spec is not NO_VALUE and in_v is None):
            return []
        label = m.get(T.label)
        props = {k: v for k, v in m.items() if isinstance(k, str)}
        graph = self.ctx.graph
        if T.id in m:
            e = graph.edge(_plain(m[T.id]))
            candidates: Iterable[Edge] = [e] if e is not None else []
        elif out_v is not None:
            candidates = _adjacent(out_v.out_edges, label)
        elif in_v is not None:
            candidates = _adjacent(in_v.in_edges, label)
        else:
            candidates = list(graph.edges.values())
        return [e for e in candidates
                if (label is None or e.label == label)
                and (out_v is None or e.out_v is out_v)
                and (in_v is None or e.in_v is in_v)
                and _props_match(e, props)]


def _adjacent(adj: dict[str, dict[str, Edge]], label: Any) -> list[Edge]:
    if label is not None:
        bucket = adj.get(label)
        return list(bucket.values()) if bucket else []
    return [e for bucket in adj.values() for e in bucket.values()]
