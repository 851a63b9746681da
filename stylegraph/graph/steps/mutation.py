"""Mutation steps: addV, addE (from/to), property, drop.  mergeV/mergeE live in merge.py."""
from __future__ import annotations

from typing import Any, Iterator

from gremlin_python.process.traversal import Cardinality, Pop, T
from gremlin_python.structure import graph as gp

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.errors import GremlinError
from stylegraph.graph.steps.access import EdgeProp, VertexProp
from stylegraph.graph.steps.base import (
    NO_VALUE, Step, Traversal, child_list, expect_str, register,
)
from stylegraph.graph.steps.scope import scope_value
from stylegraph.graph.traverser import SEED, Traverser

#: a cardinality as gremlinpython's enum or, from some drivers' bytecode, as its name
CARDINALITY_NAMES = {Cardinality.single: "single", Cardinality.list_: "list", Cardinality.set_: "set",
                     "single": "single", "list": "list", "set": "set"}


class CardValue:
    """A value wrapped with its cardinality (gremlinpython's CardinalityValue)."""

    __slots__ = ("cardinality", "value")

    def __init__(self, cardinality: str, value: Any) -> None:
        self.cardinality = cardinality
        self.value = value

    def __repr__(self) -> str:
        return f"{self.cardinality}({self.value!r})"


def resolve(value: Any, t: Traverser) -> Any:
    """A constant, or the first result of a traversal evaluated for ``t``."""
    if isinstance(value, Traversal):
        return value.first(t)
    return value


class PropertySpec:
    """One ``property([cardinality,] key, value)`` setting."""

    __slots__ = ("cardinality", "key", "value")

    def __init__(self, cardinality: str | None, key: Any, value: Any) -> None:
        self.cardinality = cardinality
        self.key = key
        self.value = value


def parse_property_args(step: Step, args: list[Any]) -> list[PropertySpec]:
    """Parse property() arguments: ([card,] key, value) or ([card,] map); meta-property
    key/values after the first pair are refused (the engine has no meta-properties)."""
    if len(args) == 2 and type(args[0]) is str and not isinstance(args[1], CardValue) \
            and not args[0].startswith("~"):
        return [PropertySpec(None, args[0], args[1])]
    card: str | None = None
    if args and isinstance(args[0], Cardinality):
        card = CARDINALITY_NAMES[args[0]]
        args = args[1:]
    if len(args) == 1 and isinstance(args[0], dict):
        pairs = list(args[0].items())
    else:
        if len(args) < 2 or len(args) % 2:
            raise step.error(f"expects key/value pairs, got {args!r}")
        pairs = list(zip(args[0::2], args[1::2]))
        if len(pairs) > 1:
            # property(key, value, k1, v1, ...): the pairs after the first are meta-properties
            # (properties of the vertex property, T.id its id), which our engine does not store
            raise step.error(
                f"meta-properties are not supported: property({pairs[0][0]!r}, value, ...) was given "
                f"{', '.join(repr(k) for k, _ in pairs[1:])} as properties of the vertex property "
                f"(set element properties with one property() step each)")
    specs = []
    for key, value in pairs:
        if isinstance(key, T):
            if key not in (T.id, T.label, T.id_):
                raise step.error(f"cannot set {key!r}")
            key = T.id if key is T.id_ else key
        elif isinstance(key, Traversal):
            pass  # property(values("name"), ...): the key is the traversal's first result
        else:
            expect_str(step, key, "property key")
            if key.startswith("~"):
                raise step.error(f"Property key can not be a hidden key: {key}")
        spec_card = card
        if isinstance(value, CardValue):
            spec_card, value = value.cardinality, value.value
        specs.append(PropertySpec(spec_card, key, value))
    return specs


def resolve_key(step: Step, key: Any, t: Traverser) -> Any:
    """A property key: as given, or the string a key traversal produces for ``t``."""
    if not isinstance(key, Traversal):
        return key
    value = key.first(t)
    if isinstance(value, str) and not value.startswith("~"):
        return value
    raise step.error(f"property key must be a non-hidden string, the key traversal gave {value!r}", code=597)


def apply_property(graph: Any, step: Step, element: Any, spec: PropertySpec, value: Any,
                   key: Any = None) -> None:
    """Set one property on an existing element (None removes it); ``key``: the resolved key
    of a traversal key (else ``spec.key``)."""
    key = spec.key if key is None else key
    if isinstance(key, T):
        raise step.error(f"cannot change {key.name} of an existing element", code=597)
    if type(element) is Vertex:
        if value is None:
            graph.remove_property(element, key)
            return
        graph.set_property(element, key, value, spec.cardinality or "single")
    elif type(element) is Edge:
        if spec.cardinality not in (None, "single"):
            raise step.error("edge properties are single-valued", code=597)
        if value is None:
            graph.remove_property(element, key)
        else:
            graph.set_property(element, key, value)
    elif isinstance(element, VertexProp):
        raise step.error("meta-properties are not supported", code=597)
    else:
        raise step.error(f"requires an element, got {element!r}", code=597)


@register("property")
class PropertyStep(Step):
    """property([cardinality,] key, value, ...): set properties, pass the element on."""

    #: with(key, value) after property(): configuration for providers, ignored (TinkerPop 3.8)
    accepts = frozenset({"with"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.specs = parse_property_args(self, list(args))

    def mod_with(self, args: list[Any]) -> None:
        """with(key, value): accepted and ignored, as TinkerGraph ignores it."""
        if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
            raise self.error(f"with() takes a key and an optional value, got {args!r}")

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return child_list(*[s.value for s in self.specs], *[s.key for s in self.specs])

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        graph = self.ctx.graph
        for t in it:
            for spec in self.specs:
                value = resolve(spec.value, t)
                if value is NO_VALUE:
                    continue
                apply_property(graph, self, t.obj, spec, value, resolve_key(self, spec.key, t))
            yield t


class _AddStep(Step):
    """Shared by addV/addE: a label (constant or traversal) and folded property() specs."""

    extends_path = True

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if len(args) > 1:
            raise self.error(f"takes at most one label, got {args!r}")
        self.label: Any = args[0] if args else ("vertex" if self.name == "addV" else None)
        if self.label is None:
            raise self.error("requires an edge label")
        if not isinstance(self.label, (str, Traversal)):
            raise self.error(f"label must be a string or traversal, got {self.label!r}")
        self.folded: list[PropertySpec] = []

    def fold(self, specs: list[PropertySpec]) -> None:
        """Take over the settings of property() steps that directly follow."""
        self.folded.extend(specs)

    def children(self) -> list[Traversal]:
        """The nested traversals of this step (a traversal label, folded property values)."""
        kids = [self.label] if isinstance(self.label, Traversal) else []
        for spec in self.folded:
            kids.extend(x for x in (spec.value, spec.key) if isinstance(x, Traversal))
        return kids

    def _label_id_props(self, t: Traverser) -> tuple[str, Any, dict[str, Any], list[tuple[PropertySpec, Any]]]:
        label = resolve(self.label, t)
        if not isinstance(label, str):
            raise self.error(f"label must be a string, got {label!r}", code=597)
        if label.startswith("~"):
            raise self.error(f"Label can not be a hidden key: {label}", code=597)
        ident: Any = None
        props: dict[str, Any] = {}
        later: list[tuple[PropertySpec, Any]] = []
        for spec in self.folded:
            value = resolve(spec.value, t)
            if value is NO_VALUE or value is None:
                continue
            if isinstance(spec.key, Traversal):
                key = resolve_key(self, spec.key, t)
                spec = PropertySpec(spec.cardinality, key, spec.value)
            if spec.key is T.id:
                ident = value
            elif spec.key is T.label:
                if not isinstance(value, str) or value.startswith("~"):
                    raise self.error(f"label must be a non-hidden string, got {value!r}", code=597)
                label = value
            elif spec.cardinality in (None, "single") and spec.key not in props:
                props[spec.key] = value
            else:
                later.append((spec, value))
        if isinstance(ident, gp.Element):
            ident = ident.id
        return label, ident, props, later


@register("addV")
class AddVertexStep(_AddStep):
    """addV(label?): create a vertex per traverser."""

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        graph, labels, mode = self.ctx.graph, self.labels, self.ctx.path_mode
        for t in it:
            self.ctx.tick()
            label, ident, props, later = self._label_id_props(t)
            v = graph.add_vertex(label, ident, props)
            for spec, value in later:
                graph.set_property(v, spec.key, value, spec.cardinality or "single")
            yield t.split(v, labels, mode)


@register("addE")
class AddEdgeStep(_AddStep):
    """addE(label).from_(x).to(y): x/y are step labels, traversals, vertices or ids;
    a missing end is the current traverser's vertex."""

    accepts = frozenset({"from", "to"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        super().setup(args)
        self.from_: Any = NO_VALUE
        self.to: Any = NO_VALUE

    def mod_from(self, args: list[Any]) -> None:
        """Record the from() end."""
        if len(args) != 1:
            raise self.error("from() takes one argument")
        self.from_ = args[0]

    def mod_to(self, args: list[Any]) -> None:
        """Record the to() end."""
        if len(args) != 1:
            raise self.error("to() takes one argument")
        self.to = args[0]

    def children(self) -> list[Traversal]:
        """The nested traversals of this step (label, folded property values, from/to)."""
        kids = super().children()
        for end in (self.from_, self.to):
            if isinstance(end, Traversal):
                kids.append(end)
        return kids

    def _end(self, spec: Any, t: Traverser, which: str) -> Vertex:
        graph = self.ctx.graph
        if spec is NO_VALUE:
            value = t.obj
            if value is SEED:
                raise self.error(f"at the start of a traversal needs {which}()", code=597)
        elif isinstance(spec, str):
            value = scope_value(t, spec, Pop.last, self.ctx)
            if value is NO_VALUE:
                raise self.error(f"{which}(): no step label or side effect {spec!r}", code=597)
        elif isinstance(spec, Traversal):
            value = spec.first(t)
            if value is NO_VALUE:
                raise self.error(f"{which}() traversal produced no vertex", code=597)
        else:
            value = spec
        if type(value) is Vertex:
            return value
        if isinstance(value, gp.Vertex):
            value = value.id
        v = graph.vertex(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if v is None:
            raise self.error(f"The value given to addE({self.label}).{which}() must resolve to a Vertex or the ID "
                             f"of a Vertex present in the graph. The provided value does not: {value!r}", code=597)
        return v

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        graph, labels, mode = self.ctx.graph, self.labels, self.ctx.path_mode
        for t in it:
            self.ctx.tick()
            out_v = self._end(self.from_, t, "from")
            in_v = self._end(self.to, t, "to")
            label, ident, props, later = self._label_id_props(t)
            for spec, _ in later:
                if spec.cardinality not in (None, "single"):
                    raise self.error("edge properties are single-valued", code=597)
            e = graph.add_edge(label, out_v, in_v, ident, props)
            for spec, value in later:
                graph.set_property(e, spec.key, value)
            yield t.split(e, labels, mode)


@register("drop")
class DropStep(Step):
    """drop(): remove the elements/properties that reach it; emits nothing."""

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        graph = self.ctx.graph
        for t in it:
            x = t.obj
            tx = type(x)
            if tx is Vertex:
                graph.remove_vertex(x)
            elif tx is Edge:
                graph.remove_edge(x)
            elif tx is VertexProp:
                graph.remove_vertex_value(x.element, x.key, x.value)
            elif tx is EdgeProp:
                graph.remove_property(x.element, x.key)
            else:
                raise GremlinError(f"drop(): cannot drop {x!r}")
        yield from ()
