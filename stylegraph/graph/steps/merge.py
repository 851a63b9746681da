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
from stylegraph.graph.steps.string import java_str
from stylegraph.graph.traverser import SEED, Traverser

_MERGE_KEYS = {Merge.on_create: "onCreate", Merge.on_match: "onMatch",
               Merge.out_v: "outV", Merge.in_v: "inV"}
# the tokens as module constants: reading ``T.id`` goes through aenum's metaclass on every use
_T_ID, _T_LABEL = T.id, T.label
_OUT, _IN = Direction.OUT, Direction.IN
_OUT_V, _IN_V = Merge.out_v, Merge.in_v


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, CardValue) else value


def split_merge_map(m: dict[Any, Any]) -> tuple[Any, Any, Any, Any, dict[str, Any]]:
    """``(id, label, out, in, properties)`` of a merge map in one pass; NO_VALUE marks an absent
    ``T.id``/``T.label``/``Direction.OUT``/``Direction.IN``, other non-string keys are ignored.

    Tokens are matched by identity (gremlinpython's enum members are singletons and
    compare by identity), which spares their Python-level ``__hash__`` on every look-up.
    """
    ident = label = out_spec = in_spec = NO_VALUE
    props: dict[str, Any] = {}
    for key, value in m.items():
        if isinstance(key, str):
            props[key] = value
        elif key is _T_ID:
            ident = value
        elif key is _T_LABEL:
            label = value
        elif key is _OUT:
            out_spec = value
        elif key is _IN:
            in_spec = value
    return ident, label, out_spec, in_spec, props


def _property_values(props: dict[str, Any]) -> dict[str, Any]:
    """The values to create an element with: null values left out, cardinalities unwrapped."""
    return {k: _plain(v) for k, v in props.items() if v is not None}


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
    ident, label, _, _, props = split_merge_map(m)
    return _find_vertices(graph, ident, None if label is NO_VALUE else label, props)


def _find_vertices(graph: Any, ident: Any, label: Any, props: dict[str, Any]) -> list[Vertex]:
    """Vertices with id ``ident`` (unless NO_VALUE), ``label`` (unless None) and ``props``."""
    if ident is not NO_VALUE:
        v = graph.vertex(_plain(ident))
        candidates: Iterable[Vertex] = [v] if v is not None else []
    elif props:
        key = next(iter(props))
        candidates = graph.lookup_vertices(key, _plain(props[key]), label)
    elif label is not None:
        candidates = list(graph.vertices_by_label(label))
    else:
        candidates = graph.ordered(list(graph.vertices.values()))
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
        self._children: list[Traversal] | None = None
        #: set by PartitionStrategy: ``visible(element)`` limits the matches,
        #: ``stamp(props)`` adds the partition to a created element's properties
        self.scope: Any = None

    def mod_option(self, args: list[Any]) -> None:
        """Record an option() modulator."""
        name = _MERGE_KEYS.get(args[0]) if len(args) in (2, 3) else None
        if name is None:
            raise self.error(f"option(Merge.x, map|traversal[, cardinality]) expected, got {args!r}")
        value = args[1]
        if len(args) == 3:
            # option(onCreate|onMatch, map, Cardinality): the default cardinality of the values
            if name not in ("onCreate", "onMatch") or args[2] not in CARDINALITY_NAMES:
                raise self.error(f"option({name}, map, cardinality) expected, got {args!r}")
            self.default_cardinality[name] = CARDINALITY_NAMES[args[2]]
        if isinstance(value, dict) and name in ("onCreate", "onMatch"):
            self.validate(value, f"option({name})")
        self.options[name] = value
        self._children = None

    def children(self) -> list[Traversal]:
        """The nested traversals of this step (worked out once: the strategies, the path
        analysis and bind() all ask, and only option() changes them)."""
        if self._children is None:
            self._children = child_list(self.spec, *self.options.values())
        return self._children

    def validate(self, m: dict[Any, Any], what: str) -> None:
        """Reject keys a merge map cannot have."""
        allowed = self.allowed_keys
        for key, value in m.items():
            if isinstance(key, str):
                if key.startswith("~"):
                    raise self.error(f"{what}: Property key can not be a hidden key: {key}", code=597)
                if isinstance(value, Traversal):
                    raise self.error(f"{what}: values cannot be traversals ({key!r})")
                continue
            if not _is_one_of(key, allowed):
                raise self.error(f"{what}: unsupported key {key!r}")
            if isinstance(value, Traversal):
                raise self.error(f"{what}: values cannot be traversals ({key!r})")
            if key is _T_LABEL and isinstance(value, str) and value.startswith("~"):
                raise self.error(f"{what}: Label can not be a hidden key: {value}", code=597)
            if key is _T_LABEL and not (isinstance(value, str) and value):
                raise self.error(f"{what}: T.label must be a non-empty string, got {value!r}", code=597)
            if key is _T_ID and value is None:
                raise self.error(f"{what}: T.id cannot be null", code=597)

    def _materialize(self, value: Any, t: Traverser, what: str) -> dict[Any, Any] | None:
        """A map from a constant, or from a traversal giving a map or a stream of map entries."""
        if isinstance(value, Traversal):
            value = _traversal_map(value, t)
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
        if isinstance(value, dict):
            m: dict[Any, Any] | None = value  # a constant map, validated by mod_option()
        else:
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
        value = self.options.get("onMatch")
        if value is None:
            return
        # a traversal given for onMatch starts from the matched element when the merge starts the
        # traversal, else from the incoming traverser (TinkerPop 3.7's MergeVertexStep/MergeEdgeStep,
        # which refuse an incoming element); 3.8 always starts it from the matched element
        tp38 = self.ctx.tp38
        if isinstance(value, Traversal) and not tp38 and t.obj is not SEED and type(t.obj) in (Vertex, Edge):
            kind = "MergeVertexStep" if self.name == "mergeV" else "MergeEdgeStep"
            raise self.error(f"The incoming traverser for {kind} cannot be an Element", code=597)
        start = t.replace(element) if isinstance(value, Traversal) and (tp38 or t.obj is SEED) else t
        on_match = self.option_map("onMatch", start)
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
        graph, labels, mode, tick = self.ctx.graph, self.labels, self.ctx.path_mode, self.ctx.tick
        for t in it:
            tick()
            m = self.merge_map(t)
            ident, label, _, _, props = split_merge_map(m)
            found = _find_vertices(graph, ident, None if label is NO_VALUE else label, props)
            if self.scope is not None:
                found = [v for v in found if self.scope.visible(v)]
            if found:
                for v in found:
                    self.apply_on_match(v, t)
                    yield t.split(v, labels, mode)
                continue
            create = self.create_map(m, t)
            if create is not m:
                ident, label, _, _, props = split_merge_map(create)
            if self.scope is not None:
                props = self.scope.stamp(props)
            yield t.split(self._create(ident, label, props), labels, mode)

    def _create(self, ident: Any, label: Any, props: dict[str, Any]) -> Vertex:
        """Add the vertex of a create map's parts (NO_VALUE: absent)."""
        single = {}
        multi = []
        for k, value in props.items():
            if value is None:
                continue
            if isinstance(value, CardValue) and value.cardinality != "single":
                multi.append((k, value))
            else:
                single[k] = _plain(value)
        ident = None if ident is NO_VALUE else _plain(ident)
        if isinstance(ident, gp.Element):
            ident = ident.id
        graph = self.ctx.graph
        v = graph.add_vertex("vertex" if label is NO_VALUE else _plain(label), ident, single)
        for k, value in multi:
            items = value.value if isinstance(value.value, (list, set, tuple)) else [value.value]
            for item in items:
                graph.set_property(v, k, item, value.cardinality)
        return v


@register("mergeE")
class MergeEdgeStep(_MergeStep):
    """mergeE(map): match by id / endpoints+label+properties, else create (both ends must exist)."""

    allowed_keys = (T.id, T.label, Direction.OUT, Direction.IN)

    def _vertex(self, value: Any, t: Traverser, which: str) -> Vertex | None:
        if type(value) is str:  # the common case: a vertex id
            return self.ctx.graph.vertices.get(value)
        if value is _OUT_V or value is _IN_V:
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
        labels, mode, tick = self.labels, self.ctx.path_mode, self.ctx.tick
        for t in it:
            tick()
            m = self.merge_map(t)
            parts = ident, label, out_spec, in_spec, props = split_merge_map(m)
            out_v = self._vertex(out_spec, t, "Direction.OUT") if out_spec is not NO_VALUE else None
            in_v = self._vertex(in_spec, t, "Direction.IN") if in_spec is not NO_VALUE else None
            found = self._find(ident, None if label is NO_VALUE else label, props,
                               out_spec, in_spec, out_v, in_v)
            if self.scope is not None:
                found = [e for e in found if self.scope.visible(e)]
            if found:
                for e in found:
                    self.apply_on_match(e, t)
                    yield t.split(e, labels, mode)
                continue
            yield t.split(self._create(m, parts, t, (out_spec, out_v), (in_spec, in_v)), labels, mode)

    def _create(self, m: dict[Any, Any], parts: tuple[Any, Any, Any, Any, dict[str, Any]], t: Traverser,
                searched_out: tuple[Any, Vertex | None], searched_in: tuple[Any, Vertex | None]) -> Edge:
        """Add the edge of merge map ``m`` (split into ``parts``) + option(onCreate);
        ``searched_out``/``searched_in`` are the (spec, vertex) pairs the search resolved."""
        create = self.create_map(m, t)
        ident, label, out_spec, in_spec, props = split_merge_map(create) if create is not m else parts
        if out_spec is NO_VALUE or out_spec is None:
            raise self.error("Out Vertex not specified: cannot create an edge", code=597)
        if in_spec is NO_VALUE or in_spec is None:
            raise self.error("In Vertex not specified: cannot create an edge", code=597)
        out_v = self._endpoint(out_spec, searched_out, t, "Direction.OUT")
        in_v = self._endpoint(in_spec, searched_in, t, "Direction.IN")
        if out_v is None:
            raise self.error(f"Vertex id could not be resolved from mergeE: {java_str(out_spec)}", code=597)
        if in_v is None:
            raise self.error(f"Vertex id could not be resolved from mergeE: {java_str(in_spec)}", code=597)
        values = _property_values(props)
        if self.scope is not None:
            values = self.scope.stamp(values)
        return self.ctx.graph.add_edge("edge" if label is NO_VALUE else _plain(label), out_v, in_v,
                                       None if ident is NO_VALUE else _plain(ident), values)

    def _endpoint(self, spec: Any, searched: tuple[Any, Vertex | None], t: Traverser,
                  which: str) -> Vertex | None:
        """The vertex ``spec`` names; the one the search looked up when it is the same plain
        value (Merge.outV/inV and traversal onCreate options are evaluated afresh)."""
        searched_spec, searched_v = searched
        if spec is searched_spec and spec is not _OUT_V and spec is not _IN_V \
                and not isinstance(self.options.get("onCreate"), Traversal):
            return searched_v
        return self._vertex(spec, t, which)

    def _find(self, ident: Any, label: Any, props: dict[str, Any], out_spec: Any, in_spec: Any,
              out_v: Vertex | None, in_v: Vertex | None) -> list[Edge]:
        """Edges with id ``ident`` (unless NO_VALUE), ``label`` (unless None), the given
        endpoints and ``props``."""
        if (out_spec is not NO_VALUE and out_v is None) or (in_spec is not NO_VALUE and in_v is None):
            return []
        graph = self.ctx.graph
        if ident is not NO_VALUE:
            e = graph.edge(_plain(ident))
            candidates: Iterable[Edge] = [e] if e is not None else []
        elif out_v is not None:
            candidates = _adjacent(out_v.out_edges, label)
        elif in_v is not None:
            candidates = _adjacent(in_v.in_edges, label)
        else:
            candidates = graph.ordered(list(graph.edges.values()))
        return [e for e in candidates
                if (label is None or e.label == label)
                and (out_v is None or e.out_v is out_v)
                and (in_v is None or e.in_v is in_v)
                and _props_match(e, props)]


def _is_one_of(key: Any, allowed: tuple[Any, ...]) -> bool:
    """``key in allowed``, trying identity first (enum members' ``__eq__`` is Python code)."""
    for item in allowed:
        if key is item:
            return True
    return key in allowed


def _traversal_map(traversal: Traversal, t: Traverser) -> Any:
    """What a merge-map traversal gives for ``t``: its first object, or the map its leading
    stream of map entries makes (None when it gives nothing)."""
    steps = traversal.steps
    if len(steps) == 1 and steps[0].passthrough and not isinstance(t.obj, MapEntry):
        return t.obj  # identity(): the incoming object itself
    entries: dict[Any, Any] = {}
    found: Any = None
    for out in traversal.run_one(t):
        obj = out.obj
        if isinstance(obj, MapEntry):
            entries[obj[0]] = obj[1]
            continue
        if not entries:
            found = obj
        break
    return entries if entries else found


def _adjacent(adj: dict[str, dict[str, Edge]], label: Any) -> list[Edge]:
    if label is not None:
        bucket = adj.get(label)
        return list(bucket.values()) if bucket else []
    return [e for bucket in adj.values() for e in bucket.values()]
