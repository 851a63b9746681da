"""Map steps: id, label, key, value, constant, elementMap, valueMap, project,
select, path, loops, sack."""
from __future__ import annotations

from typing import Any, Callable, Iterator

from gremlin_python.process.traversal import Column, Direction, Pop, T, WithOptions
from gremlin_python.structure.graph import Path

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.steps.access import (
    ByModulator, EdgeProp, VertexProp, column_value, token_value,
)
from stylegraph.graph.steps.base import (
    NO_VALUE, MapStep, Traversal, TraversalArgStep, expect_str, register,
)
from stylegraph.graph.steps.branch import loop_count
from stylegraph.graph.steps.scope import scope_value
from stylegraph.graph.traverser import Traverser, sub_path


@register("id", "label", "key", "value")
class TokenStep(MapStep):
    """id() / label() / key() / value() of an element, property or map entry."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if args:
            raise self.error("takes no arguments")
        self.token = {"id": T.id, "label": T.label, "key": T.key, "value": T.value}[self.name]

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        value = token_value(t.obj, self.token)
        if value is NO_VALUE:
            raise self.error(f"is not defined for {t.obj!r}", code=597)
        return value


@register("constant")
class ConstantStep(MapStep):
    """constant(value)."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if len(args) != 1:
            raise self.error("takes exactly one value")
        self.value = args[0]

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        return self.value


def _vertex_ref(v: Vertex) -> dict[Any, Any]:
    return {T.id: v.id, T.label: v.label}


@register("elementMap")
class ElementMapStep(MapStep):
    """elementMap(keys...): id, label, (edge ends) and single property values."""

    def setup(self, args: list[Any]) -> None:
        """Property keys (nulls are ignored)."""
        self.keys = tuple(expect_str(self, a, "property key") for a in args if a is not None)

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        x = t.obj
        keys = self.keys
        if type(x) is Vertex:
            out: dict[Any, Any] = {T.id: x.id, T.label: x.label}
            props = x.properties
            if keys:
                for k in keys:
                    vals = props.get(k)
                    if vals:
                        out[k] = vals[-1]
            else:
                for k, vals in props.items():
                    out[k] = vals[-1]
            return out
        if type(x) is Edge:
            out = {T.id: x.id, T.label: x.label,
                   Direction.IN: _vertex_ref(x.in_v), Direction.OUT: _vertex_ref(x.out_v)}
            props = x.properties
            for k in (keys or props):
                if k in props:
                    out[k] = props[k]
            return out
        if isinstance(x, (VertexProp, EdgeProp)):
            out = {T.key: x.key, T.value: x.value}
            if isinstance(x, VertexProp):
                out = {T.id: x.id, **out}
            return out
        raise self.error(f"requires an element, got {x!r}", code=597)


@register("valueMap")
class ValueMapStep(MapStep):
    """valueMap(keys...) / valueMap(true, keys...) with with(tokens) and by() support."""

    accepts = frozenset({"by", "with"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.tokens = 0
        if args and isinstance(args[0], bool):
            self.tokens = WithOptions.ids | WithOptions.labels if args[0] else 0
            args = args[1:]
        self.keys = tuple(expect_str(self, a, "property key") for a in args if a is not None)
        self.bys: list[ByModulator] = []
        #: SubgraphStrategy(vertexProperties): keeps a vertex property when it returns true
        self.vertex_property_check: Callable[[Traverser, VertexProp], bool] | None = None

    def mod_with(self, args: list[Any]) -> None:
        """Apply a with() modulator."""
        if not args or args[0] != WithOptions.tokens:
            raise self.error(f"unsupported with() option {args!r}")
        value = args[1] if len(args) > 1 else WithOptions.all
        if not isinstance(value, int):
            raise self.error(f"with(tokens, ...) expects WithOptions flags, got {value!r}")
        self.tokens = value

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator: they apply to the value lists in turn (cycling)."""
        self.bys.append(ByModulator(args, "valueMap"))

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return [b.traversal for b in self.bys if b.traversal is not None]

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        x = t.obj
        out: dict[Any, Any] = {}
        tokens = self.tokens
        if tokens & WithOptions.ids:
            out[T.id] = x.id
        if tokens & WithOptions.labels:
            out[T.label] = x.label
        keys = self.keys
        if type(x) is Vertex:
            props = x.properties
            check = self.vertex_property_check
            for k in (keys or props):
                vals = props.get(k)
                if vals and check is not None:
                    vals = [v for i, v in enumerate(vals) if check(t, VertexProp(x, k, v, i))]
                if vals:
                    out[k] = list(vals)
        elif type(x) is Edge:
            props = x.properties
            for k in (keys or props):
                if k in props:
                    out[k] = props[k]
        else:
            raise self.error(f"requires an element, got {x!r}", code=597)
        bys = self.bys
        if bys:
            turn = 0
            for k in list(out):
                if isinstance(k, str):
                    value = bys[turn % len(bys)].fn(t.replace(out[k]))
                    turn += 1
                    if value is NO_VALUE:
                        del out[k]
                    else:
                        out[k] = value
        return out


class _ByRing:
    """by() modulators applied in turn (cycling), as project()/select()/path() use them."""

    def __init__(self, step_name: str) -> None:
        self.step_name = step_name
        self.bys: list[ByModulator] = []

    def add(self, args: list[Any]) -> None:
        """Append one by() modulator."""
        self.bys.append(ByModulator(args, self.step_name))

    def traversals(self) -> list[Traversal]:
        """The child traversals among the by() modulators."""
        return [b.traversal for b in self.bys if b.traversal is not None]

    def apply(self, i: int, t: Traverser, value: Any) -> Any:
        """The i-th (cycling) by() applied to ``value`` (the traverser's object by default)."""
        if not self.bys:
            return value
        fn = self.bys[i % len(self.bys)].fn
        return fn(t if value is t.obj else t.replace(value))


@register("project")
class ProjectStep(MapStep):
    """project(keys...).by(...)...: a map of each key to its by() value (omitted when empty)."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if not args:
            raise self.error("requires at least one key")
        self.keys = [expect_str(self, a, "key") for a in args]
        if len(set(self.keys)) != len(self.keys):
            raise self.error(f"keys must be unique, got {self.keys!r}")
        self.ring = _ByRing("project")

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.ring.add(args)

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return self.ring.traversals()

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        out: dict[str, Any] = {}
        bys = self.ring.bys
        n = len(bys)
        obj = t.obj
        for i, key in enumerate(self.keys):
            value = bys[i % n].fn(t) if n else obj
            if value is not NO_VALUE:
                out[key] = value
        return out


@register("select")
class SelectStep(MapStep):
    """select(keys...) / select(pop, keys...) / select(Column) / select(traversal)."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.pop = Pop.last
        self.column: Column | None = None
        self.key_traversal: Traversal | None = None
        if args and isinstance(args[0], Pop):
            self.pop = args[0]
            args = args[1:]
        if len(args) == 1 and isinstance(args[0], Column):
            self.column = args[0]
            self.keys: list[Any] = []
        elif len(args) == 1 and isinstance(args[0], Traversal):
            self.key_traversal = args[0]
            self.keys = []
        else:
            if not args:
                raise self.error("requires at least one key")
            self.keys = [expect_str(self, a, "key") for a in args]
        self.ring = _ByRing("select")

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.ring.add(args)

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        extra = [self.key_traversal] if self.key_traversal else []
        return extra + self.ring.traversals()

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        if self.column is not None:
            value = column_value(t.obj, self.column)
            return self.ring.apply(0, t, value)
        ctx = self.ctx
        if self.key_traversal is not None:
            key = self.key_traversal.first(t)
            if key is NO_VALUE:
                return NO_VALUE
            value = scope_value(t, key, self.pop, ctx)
            return value if value is NO_VALUE else self.ring.apply(0, t, value)
        keys = self.keys
        if len(keys) == 1:
            value = scope_value(t, keys[0], self.pop, ctx)
            if value is NO_VALUE:
                return NO_VALUE
            return self.ring.apply(0, t, value)
        out: dict[str, Any] = {}
        for i, key in enumerate(keys):
            value = scope_value(t, key, self.pop, ctx)
            if value is NO_VALUE:
                return NO_VALUE
            value = self.ring.apply(i, t, value)
            if value is NO_VALUE:
                return NO_VALUE
            out[key] = value
        return out


@register("path")
class PathStep(MapStep):
    """path(): the traverser's history; from()/to() cut it to a labelled segment and by()
    modulators cycle over its objects (an unproductive by() drops the traverser)."""

    accepts = frozenset({"by", "from", "to"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if args:
            raise self.error("takes no arguments")
        self.ring = _ByRing("path")
        self.from_label: str | None = None
        self.to_label: str | None = None

    def mod_from(self, args: list[Any]) -> None:
        """from(label): the segment starts at this label."""
        self.from_label = _one_label(self, args, "from")

    def mod_to(self, args: list[Any]) -> None:
        """to(label): the segment ends at this label."""
        self.to_label = _one_label(self, args, "to")

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.ring.add(args)

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return self.ring.traversals()

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        labels: list[set[str]] = []
        objects: list[Any] = []
        nodes = sub_path(t.path_entries(), self.from_label, self.to_label)
        for i, node in enumerate(nodes):
            obj = self.ring.apply(i, t, node.obj) if self.ring.bys else node.obj
            if obj is NO_VALUE:
                return NO_VALUE
            labels.append(set(node.labels))
            objects.append(obj)
        return Path(labels, objects)


def _one_label(step: Any, args: list[Any], what: str) -> str:
    """The single step label of a from()/to() modulator."""
    if len(args) != 1 or not isinstance(args[0], str):
        raise step.error(f"{what}() takes one step label, got {args!r}")
    return args[0]


@register("loops")
class LoopsStep(MapStep):
    """loops() / loops("name"): how many times the enclosing (or the named) repeat() has looped."""

    def setup(self, args: list[Any]) -> None:
        """An optional loop name."""
        if len(args) > 1:
            raise self.error(f"takes an optional loop name, got {args!r}")
        self.loop_name = expect_str(self, args[0], "loop name") if args and args[0] is not None else None

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        return loop_count(t.loops, self.loop_name)


@register("sack")
class SackStep(MapStep):
    """sack(): the traverser's sack value (sack(operator) assigns it, see side_effect)."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        from gremlin_python.process.traversal import Operator
        self.operator: Operator | None = None
        self.by: ByModulator | None = None
        if args:
            if len(args) != 1 or not isinstance(args[0], Operator):
                raise self.error(f"expects an Operator, got {args!r}")
            self.operator = args[0]
            self.extends_path = False

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.by = ByModulator(args, "sack")

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return [self.by.traversal] if self.by and self.by.traversal else []

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if self.operator is None:
            yield from super().apply(it)
            return
        from stylegraph.graph.steps.operators import apply_operator
        for t in it:
            value = self.by.fn(t) if self.by is not None else t.obj
            if value is NO_VALUE:
                continue
            yield t.with_sack(apply_operator(self.operator, t.sack, value))

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        return t.sack


@register("map")
class MapTraversalStep(TraversalArgStep, MapStep):
    """map(traversal): the traversal's first result (the traverser is dropped if none)."""

    arg_note = " (lambdas are not supported)"

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t``."""
        return self.traversal.first(t)
