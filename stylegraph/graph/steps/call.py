"""call(): provider services (TinkerPop's CallStep and ServiceRegistry).

``g.call()`` / ``g.call("--list")`` is the directory service: the names of the
registered services (``with("service", name)`` picks one, ``with("verbose",
true)`` describes them). ``call(name[, map][, traversal])`` runs a service with
static parameters (the map), dynamic ones (a traversal giving a map, run per
traverser) and ``with(key, value|traversal)`` ones, merged in that order.

The services are the two TinkerGraph registers for TinkerPop's feature runs, with
the same names, parameters and results, so that the contract suite can compare:

* ``tinker.search`` (start only): the properties whose value, as a string, fully
  matches ``regex`` (or ``.*(search).*``), of vertices, edges and vertex
  properties, or only of the element ``type`` (Vertex / Edge / VertexProperty);
* ``tinker.degree.centrality`` (mid-traversal only): the number of edges of the
  incoming vertex in ``direction`` (default IN).

An unknown service is refused with TinkerPop's "Unrecognized service" error.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable, Iterator

from gremlin_python.process.traversal import Direction
from gremlin_python.statics import long

from stylegraph.graph.elements import Vertex
from stylegraph.graph.errors import GremlinError
from stylegraph.graph.steps.access import all_properties
from stylegraph.graph.steps.base import NO_VALUE, Context, Step, Traversal, register
from stylegraph.graph.steps.string import java_str
from stylegraph.graph.traverser import SEED, Traverser

DIRECTORY = "--list"
CANNOT_START = "This service cannot be used to start a traversal."
CANNOT_MID = "This service cannot be used mid-traversal."


class Service:
    """A registered service: its name, whether it starts traversals, what it does."""

    def __init__(self, name: str, start: bool, params: dict[str, str],
                 run: Callable[[Context, Any, dict[Any, Any]], Iterable[Any]]) -> None:
        self.name = name
        self.start = start
        self.params = params
        self.run = run

    def describe(self) -> str:
        """The verbose directory entry (JSON, as TinkerPop's ServiceRegistry.describe)."""
        kind = "Start" if self.start else "Streaming"
        return json.dumps({"name": self.name, "type:[requirements]:": {kind: []}, "params": self.params})


def _search(ctx: Context, _obj: Any, params: dict[Any, Any]) -> Iterator[Any]:
    if "regex" in params:
        regex = params["regex"]
    elif "search" in params:
        regex = f".*({params['search']}).*"
    else:
        raise GremlinError("Missing search/regex parameter")
    kind = params.get("type")
    if kind not in (None, "Vertex", "Edge", "VertexProperty"):
        raise GremlinError(f"Type must be one of Vertex/Edge/VertexProperty: {kind}")
    pattern = re.compile(str(regex))
    graph = ctx.graph
    elements: list[Any] = []
    if kind in (None, "Vertex"):
        elements.extend(graph.vertices.values())
    if kind in (None, "Edge"):
        elements.extend(graph.edges.values())
    # kind "VertexProperty": the properties of vertex properties -- there are no meta-properties
    for element in elements:
        for prop in all_properties(element):
            if pattern.fullmatch(java_str(prop.value)):
                yield prop


def _degree(ctx: Context, obj: Any, params: dict[Any, Any]) -> Iterator[Any]:
    if type(obj) is not Vertex:
        raise GremlinError(f"tinker.degree.centrality requires a vertex, got {java_str(obj)}")
    direction = params.get("direction", Direction.IN)
    count = 0
    if direction in (Direction.OUT, Direction.BOTH):
        count += sum(len(bucket) for bucket in obj.out_edges.values())
    if direction in (Direction.IN, Direction.BOTH):
        count += sum(len(bucket) for bucket in obj.in_edges.values())
    yield long(count)


SERVICES: dict[str, Service] = {s.name: s for s in (
    Service("tinker.search", True, {
        "search": "Specify a search term - will be converted to regex via .*(search).*",
        "regex": "Directly specify the regex",
        "type": "Specify the type of Element to search for, one of Vertex/Edge/VertexProperty (optional)",
    }, _search),
    Service("tinker.degree.centrality", False, {
        "direction": "Specify the edge direction (optional), default is Direction.IN",
    }, _degree),
)}


def _directory(ctx: Context, _obj: Any, params: dict[Any, Any]) -> Iterator[Any]:
    wanted = params.get("service")
    verbose = bool(params.get("verbose", False))
    for service in SERVICES.values():
        if wanted is None or service.name == wanted:
            yield service.describe() if verbose else service.name


@register("call")
class CallStep(Step):
    """call() / call(service[, params map][, params traversal]) with with(key, value)."""

    extends_path = True
    accepts = frozenset({"with"})

    def setup(self, args: list[Any]) -> None:
        """The service name, then an optional static map and an optional map traversal."""
        #: set by the compiler when call() starts the root traversal
        self.is_start = False
        name = args[0] if args else None
        if name is not None and not isinstance(name, str):
            raise self.error(f"the service name must be a string, got {name!r}")
        self.service = DIRECTORY if name is None else name
        self.static: dict[Any, Any] = {}
        self.map_traversal: Traversal | None = None
        for arg in args[1:]:
            if isinstance(arg, dict) and not self.static and self.map_traversal is None:
                self.static = dict(arg)
            elif isinstance(arg, Traversal) and self.map_traversal is None:
                self.map_traversal = arg
            else:
                raise self.error(f"call(service, map?, traversal?) expected, got {args!r}")
        self.with_params: list[tuple[Any, Any]] = []
        if self.service != DIRECTORY and self.service not in SERVICES:
            raise GremlinError(f"Unrecognized service: {self.service}")

    def mod_with(self, args: list[Any]) -> None:
        """with(key[, value or traversal]): one more parameter."""
        if not 1 <= len(args) <= 2:
            raise self.error(f"with(key, value) expected, got {args!r}")
        self.with_params.append((args[0], args[1] if len(args) == 2 else True))

    def children(self) -> list[Traversal]:
        """The map traversal and the traversal values of with() parameters."""
        kids = [self.map_traversal] if self.map_traversal is not None else []
        return kids + [v for _, v in self.with_params if isinstance(v, Traversal)]

    def params(self, t: Traverser) -> dict[Any, Any]:
        """Static, then map-traversal, then with() parameters for traverser ``t``."""
        merged = dict(self.static)
        if self.map_traversal is not None:
            found = self.map_traversal.first(t)
            if not isinstance(found, dict):
                raise self.error(f"the parameter traversal must give a map, got {java_str(found)}", code=597)
            merged.update(found)
        for key, value in self.with_params:
            if isinstance(value, Traversal):
                value = value.first(t)
                if value is NO_VALUE:
                    raise self.error(f"with({key!r}) traversal gave no value", code=597)
            merged[key] = value
        return merged

    def _runner(self) -> tuple[bool, Callable[[Context, Any, dict[Any, Any]], Iterable[Any]]]:
        if self.service == DIRECTORY:
            return True, _directory
        service = SERVICES[self.service]
        return service.start, service.run

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """A start service runs once; a streaming one once per incoming traverser."""
        start, run = self._runner()
        ctx, labels, mode = self.ctx, self.labels, self.ctx.path_mode
        if self.is_start:
            if not start:
                raise GremlinError(CANNOT_START)
            seed = next(it, None)
            base = seed if seed is not None else ctx.start(SEED)
            for obj in run(ctx, None, self.params(base)):
                yield ctx.start(obj, labels)
            return
        if start:
            raise GremlinError(CANNOT_MID)
        for t in it:
            ctx.tick()
            for obj in run(ctx, t.obj, self.params(t)):
                yield t.split(obj, labels, mode)
