"""SubgraphStrategy: the traversal sees only the vertices, edges and vertex properties
that its criteria accept (TinkerPop's ``SubgraphStrategy``).

Configuration: ``vertices``, ``edges``, ``vertexProperties`` (traversals used as filters)
and ``checkAdjacentVertices`` (default true: an edge is seen only when both its ends
pass ``vertices``). As in TinkerPop (3.8), a filter on the criterion goes after every step
that reaches vertices (``V()``, ``out()/in()/both()``, ``outV()/inV()/bothV()/otherV()``,
``addV()``) or edges (``E()``, ``outE()/inE()/bothE()``, ``addE()``; checking the far
vertex, or both after ``E()``); with an edge criterion ``out()`` becomes
``outE().filter(edges).inV().filter(vertices)`` (``both()``: ``bothE()...otherV()``);
with a vertex-property criterion ``properties()`` is followed by that filter and
``values()`` becomes ``properties().filter(...).value()``, and ``valueMap()`` and
``by(key)`` read only the vertex properties that pass. The criteria themselves run on
the whole graph.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from gremlin_python.process.traversal import Bytecode

from stylegraph.graph.decoration.rewrite import (
    all_traversals, as_bytecode, by_modulators, compile_child, steps_of,
)
from stylegraph.graph.elements import Vertex
from stylegraph.graph.errors import InvalidRequestError
from stylegraph.graph.steps.access import ValueFn, VertexProp
from stylegraph.graph.steps.base import NO_VALUE, STEPS, FilterStep, SideEffectStep, Step, Traversal
from stylegraph.graph.steps.filter import FilterTraversalStep
from stylegraph.graph.steps.flatmap import EdgeVertexStep, PropertiesStep, ValuesStep, VertexStep
from stylegraph.graph.steps.map import ValueMapStep
from stylegraph.graph.steps.mutation import AddEdgeStep, AddVertexStep
from stylegraph.graph.steps.start import GraphStep
from stylegraph.graph.traverser import EMPTY_LABELS, Traverser

NAME = "SubgraphStrategy"
#: gremlinpython (3.7, 3.8) writes check_adjacent_vertices under this key
_PYTHON_CHECK_KEY = "checkAdjacentProperties"
_KEYS = frozenset({"vertices", "edges", "vertexProperties", "checkAdjacentVertices", _PYTHON_CHECK_KEY})
#: property-map steps: what follows them reads properties of properties ('p')
_PROPERTY_MAPS = frozenset({"valueMap", "elementMap", "propertyMap"})
_OPPOSITE = {"out": "inV", "in": "outV", "both": "otherV"}


class VertexPropertyFilterStep(FilterTraversalStep):
    """filter(criterion) applied to vertex properties only; other objects pass
    (TinkerPop's ``or(not(VertexProperty), filter(criterion))``)."""

    def test(self, t: Traverser) -> bool:
        """Whether traverser ``t`` passes."""
        return type(t.obj) is not VertexProp or self.traversal.test(t)


class SubgraphPass:
    """The rewrite one ``SubgraphStrategy(...)`` configuration asks for."""

    def __init__(self, config: dict[str, Any]) -> None:
        unknown = sorted(str(k) for k in set(config) - _KEYS)
        if unknown:
            raise InvalidRequestError(f"{NAME}: unknown configuration key(s) {unknown}")
        check = config.get("checkAdjacentVertices", config.get(_PYTHON_CHECK_KEY))
        check = True if check is None else check
        if not isinstance(check, bool):
            raise InvalidRequestError(f"{NAME}: checkAdjacentVertices must be a boolean, got {check!r}")
        self.vertices = self._criterion(config, "vertices")
        self.edges = self._criterion(config, "edges")
        self.vertex_properties = self._criterion(config, "vertexProperties")
        if self.vertices is None and self.edges is None and self.vertex_properties is None:
            raise InvalidRequestError(
                f"{NAME}: A subgraph must be filtered by a vertex, edge, or vertex property criterion")
        #: edges are seen only when their vertices are
        self.check_adjacent = check and self.vertices is not None

    @staticmethod
    def _criterion(config: dict[str, Any], key: str) -> Optional[Bytecode]:
        value = config.get(key)
        return None if value is None else as_bytecode(value, NAME, key)

    def apply(self, tr: Traversal) -> None:
        """Rewrite ``tr`` and every traversal nested in it (not the criteria it adds)."""
        for child in all_traversals(tr):
            out: list[Step] = []
            for step in child.steps:
                out.extend(self._element_steps(step))
            if self.vertex_properties is not None:
                out = self._property_steps(out)
            child.steps[:] = out

    def _filter(self, criterion: Bytecode) -> Step:
        return FilterTraversalStep("filter", [compile_child(criterion)])

    def _after(self, step: Step, criterion: Optional[Bytecode]) -> list[Step]:
        return [step] if criterion is None else [step, self._filter(criterion)]

    def _edge_criterion(self, step: Step) -> Optional[Bytecode]:
        """The filter for the edges ``step`` reaches: the edge criterion and, when adjacent
        vertices are checked, the vertex criterion on the far end (both ends after ``E()``)."""
        if not self.check_adjacent:
            return self.edges
        if type(step) is VertexStep:
            ends = steps_of((_OPPOSITE[step.direction],), ("filter", self.vertices))
        elif type(step) is GraphStep:
            ends = steps_of(("and", steps_of(("inV",), ("filter", self.vertices)),
                             steps_of(("outV",), ("filter", self.vertices))))
        else:  # addE(): its vertices are in the subgraph for it to be reached at all
            return self.edges
        return ends if self.edges is None else steps_of(("filter", self.edges), ("filter", ends))

    def _element_steps(self, step: Step) -> list[Step]:
        """``step`` and the filters that follow it (or the steps replacing it)."""
        kind = type(step)
        if kind is GraphStep:
            return self._after(step, self.vertices if step.name == "V" else self._edge_criterion(step))
        if kind is AddVertexStep or kind is EdgeVertexStep:
            return self._after(step, self.vertices)
        if kind is AddEdgeStep:
            return self._after(step, self._edge_criterion(step))
        if kind is VertexStep:
            if step.to_edges:
                return self._after(step, self._edge_criterion(step))
            if self.edges is None:
                return self._after(step, self.vertices)
            to_edges = VertexStep(step.direction + "E", list(step.edge_labels))
            to_vertex = EdgeVertexStep(_OPPOSITE[step.direction], [])
            to_vertex.labels, step.labels = step.labels, EMPTY_LABELS
            return [to_edges, self._filter(self.edges), *self._after(to_vertex, self.vertices)]
        return [step]

    def _property_steps(self, steps: list[Step]) -> list[Step]:
        """Filter the vertex properties that properties()/values()/valueMap() and by(key)
        read off vertices."""
        out: list[Step] = []
        for step in steps:
            kind = type(step)
            if _reads(out) == "p":
                out.append(step)
                continue
            for mod in by_modulators(step):
                if mod.key is not None:
                    mod.fn = _first_value_passing(mod.key, mod.fn, self._check(step))
            if kind is ValueMapStep:
                step.vertex_property_check = self._check(step)
            if kind not in (PropertiesStep, ValuesStep) or step.nothing:
                out.append(step)
                continue
            check = VertexPropertyFilterStep("filter", [compile_child(self.vertex_properties)])
            if kind is PropertiesStep:
                out.extend((step, check))
                continue
            props = PropertiesStep("properties", list(step.keys))
            value = STEPS["value"]("value", [])
            value.labels = step.labels
            out.extend((props, check, value))
        return out


    def _check(self, owner: Step) -> Callable[[Traverser, VertexProp], bool]:
        """Whether a vertex property passes the criterion (a traversal of its own, bound on
        first use to the context of ``owner``, the step reading the property)."""
        criterion = compile_child(self.vertex_properties)

        def check(t: Traverser, prop: VertexProp) -> bool:
            if criterion.ctx is not owner.ctx:
                criterion.bind(owner.ctx)
            return criterion.test(t.split(prop, EMPTY_LABELS, owner.ctx.path_mode))

        return check


def _first_value_passing(key: str, fn: ValueFn, check: Callable[[Traverser, VertexProp], bool]) -> ValueFn:
    """by(key) on a vertex: its first value under ``key`` whose property passes ``check``."""
    def value(t: Traverser) -> Any:
        x = t.obj
        if type(x) is not Vertex:
            return fn(t)
        for i, v in enumerate(x.properties.get(key) or ()):
            if check(t, VertexProp(x, key, v, i)):
                return v
        return NO_VALUE

    return value


def _reads(previous: list[Step]) -> str:
    """What the next step reads: 'v' vertices, 'p' properties (or edges'), 'x' unknown
    (TinkerPop's ``processesPropertyType``)."""
    for step in reversed(previous):
        if isinstance(step, (FilterStep, SideEffectStep)):
            continue
        kind = type(step)
        if (kind is GraphStep and step.name == "V") or kind is EdgeVertexStep:
            return "v"
        if kind is VertexStep:
            return "p" if step.to_edges else "v"
        if kind is PropertiesStep or step.name in _PROPERTY_MAPS:
            return "p"
        return "x"
    return "x"
