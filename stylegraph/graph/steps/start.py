"""Start steps: V(), E() (with has() conditions folded in for index use) and inject()."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from gremlin_python.process.traversal import T
from gremlin_python.structure import graph as gp

from stylegraph.graph.predicates import p_eq_values
from stylegraph.graph.steps.base import FlatMapStep, Step, register
from stylegraph.graph.steps.filter import HasContainer, id_norm
from stylegraph.graph.traverser import SEED, Traverser


@register("V", "E")
class GraphStep(FlatMapStep):
    """V(ids...) / E(ids...): elements by id, by index, by label, or a full scan.

    ``containers`` holds has() conditions folded in by the index strategy; the
    step picks the cheapest access path they allow and re-checks all of them.
    """

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.ids: list[Any] | None = None
        self.containers: list[HasContainer] = []
        #: how the last run found its elements: id / index / label / scan (tests, diagnostics)
        self.access = ""
        if len(args) == 1 and type(args[0]) is str:
            self.ids = [args[0]]
        elif args:
            ids: list[Any] = []
            for a in args:
                if type(a) is str:
                    ids.append(a)
                elif isinstance(a, (list, tuple, set)):
                    ids.extend(id_norm(i) for i in a if i is not None)
                elif a is not None:  # V(null) matches nothing
                    ids.append(id_norm(a))
            for i in ids:
                if type(i) is not str:
                    raise self.error(f"invalid element id {i!r}")
            self.ids = ids

    def fold(self, containers: list[HasContainer]) -> None:
        """Add has() conditions (from the strategy) to this step."""
        self.containers.extend(containers)

    def _eq_values(self, key: T, strings_only: bool = False) -> list[Any] | None:
        """The values allowed by the first has(key, value|within) condition (with
        ``strings_only``, the first whose values are all strings), else None."""
        for c in self.containers:
            if c.key is key and c.pred is not None:
                vals = p_eq_values(c.p)
                if vals is not None and (not strings_only or all(isinstance(v, str) for v in vals)):
                    return vals
        return None

    def _candidates_v(self) -> Iterable[Any]:
        graph = self.ctx.graph
        if self.ids is not None:
            self.access = "id"
            vertices = graph.vertices
            out = []
            for i in self.ids:
                v = vertices.get(i)
                if v is not None:
                    out.append(v)
            return out
        labels = self._eq_values(T.label, strings_only=True)
        id_values = self._eq_values(T.id)
        if id_values is not None:
            self.access = "id"
            return [v for v in (graph.vertex(i) for i in id_values) if v is not None]
        for c in self.containers:
            if isinstance(c.key, str) and c.pred is not None:
                vals = p_eq_values(c.p)
                if vals is None:
                    continue
                self.access = "index"
                label = labels[0] if labels and len(labels) == 1 else None
                if len(vals) == 1:
                    return graph.lookup_vertices(c.key, vals[0], label)
                found: dict[str, Any] = {}
                for val in vals:
                    for v in graph.lookup_vertices(c.key, val, label):
                        found.setdefault(v.id, v)
                return list(found.values())
        if labels is not None:
            self.access = "label"
            out: list[Any] = []
            for label in dict.fromkeys(labels):
                out.extend(graph.vertices_by_label(label))
            return out
        self.access = "scan"
        return graph.ordered(list(graph.vertices.values()))

    def _candidates_e(self) -> Iterable[Any]:
        graph = self.ctx.graph
        ids = self.ids if self.ids is not None else self._eq_values(T.id)
        if ids is not None:
            self.access = "id"
            return [e for e in (graph.edge(i) for i in ids) if e is not None]
        self.access = "scan"
        return graph.ordered(list(graph.edges.values()))

    def flat_map(self, t: Traverser) -> Iterable[Any]:
        """The objects traverser ``t`` expands to."""
        found = self._candidates_v() if self.name == "V" else self._candidates_e()
        containers = self.containers
        if not containers:
            return found
        return self._filtered(found, containers)

    def _filtered(self, found: Iterable[Any], containers: list[HasContainer]) -> Iterator[Any]:
        tick = self.ctx.tick
        for x in found:
            tick()
            for c in containers:
                if not c.test(x):
                    break
            else:
                yield x

    def __repr__(self) -> str:
        return f"{self.name}({self.ids or ''}){self.containers or ''}"


@register("inject")
class InjectStep(Step):
    """inject(values...): emit the values, then pass the input through; at the start of a
    child traversal (``__.inject(...)``) the input comes first, as in TinkerPop, where the
    parent adds it before the step's own values. An injected vertex or edge that is in the
    graph is the stored element (its properties and edges can be read)."""

    extends_path = True

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.values = list(args)
        #: set by the compiler when inject() starts the root traversal
        self.is_start = False
        #: set by the compiler when inject() starts a child traversal
        self.child_start = False

    def _attached(self, value: Any) -> Any:
        if isinstance(value, gp.Vertex):
            found = self.ctx.graph.vertex(value.id)
        elif isinstance(value, gp.Edge):
            found = self.ctx.graph.edge(value.id)
        else:
            return value
        return value if found is None else found

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if self.child_start:
            yield from self._passed(it)
        ctx = self.ctx
        for value in self.values:
            ctx.tick()
            yield ctx.start(self._attached(value), self.labels)
        if not self.is_start and not self.child_start:
            yield from self._passed(it)

    def _passed(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        mode, labels = self.ctx.path_mode, self.labels
        for t in it:
            if t.obj is not SEED:
                yield t.split(t.obj, labels, mode) if labels else t
