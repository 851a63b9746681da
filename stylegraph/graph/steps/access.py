"""Reading values out of elements, properties and maps; ``by()`` value functions.

Internal property objects (:class:`VertexProp`, :class:`EdgeProp`) stand for
the ``properties()`` of an element; :class:`MapEntry` is a Map.Entry produced by
``unfold()`` of a map.  :func:`by_function` compiles one ``by(...)`` modulator
argument into ``fn(traverser) -> value | NO_VALUE``.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from gremlin_python.process.traversal import Column, Order, T
from gremlin_python.statics import long
from gremlin_python.structure.graph import Path

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.errors import GremlinError, InvalidRequestError
from stylegraph.graph.steps.base import NO_VALUE, Traversal
from stylegraph.graph.traverser import Traverser

ValueFn = Callable[[Traverser], Any]


class MapEntry(tuple):
    """A (key, value) entry of a map, as produced by ``unfold()`` on a map."""

    __slots__ = ()

    def __new__(cls, key: Any, value: Any) -> "MapEntry":
        return tuple.__new__(cls, (key, value))

    @property
    def key(self) -> Any:
        """The entry's key."""
        return self[0]

    @property
    def value(self) -> Any:
        """The entry's value."""
        return self[1]


class GSet(list):
    """An insertion-ordered set (TinkerPop's LinkedHashSet); a Python set in results."""

    __slots__ = ()


class VertexProp:
    """One value of a vertex property (a VertexProperty, without meta-properties)."""

    __slots__ = ("element", "key", "value", "index")

    def __init__(self, element: Vertex, key: str, value: Any, index: int) -> None:
        self.element = element
        self.key = key
        self.value = value
        self.index = index

    @property
    def id(self) -> str:
        """A stable id derived from the vertex id, key and value position."""
        return f"{self.element.id}|{self.key}|{self.index}"

    @property
    def label(self) -> str:
        """A vertex property's label is its key."""
        return self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VertexProp) and other.element is self.element and \
            other.key == self.key and other.index == self.index

    def __hash__(self) -> int:
        return hash((self.element.id, self.key, self.index))


class EdgeProp:
    """A property of an edge."""

    __slots__ = ("element", "key", "value")

    def __init__(self, element: Edge, key: str, value: Any) -> None:
        self.element = element
        self.key = key
        self.value = value

    def __eq__(self, other: object) -> bool:
        # TinkerPop: two properties are equal when their keys and values are
        return isinstance(other, EdgeProp) and other.key == self.key and other.value == self.value

    def __hash__(self) -> int:
        return hash((self.key, self.value))


def property_values(x: Any, key: str) -> list[Any]:
    """All values of property ``key`` of an element (vertex: list, edge: 0/1 value)."""
    t = type(x)
    if t is Vertex:
        return x.properties.get(key) or []
    if t is Edge:
        props = x.properties
        return [props[key]] if key in props else []
    if t is VertexProp or t is EdgeProp:
        return []
    raise GremlinError(f"cannot read property {key!r} of a non-element: {x!r}")


def all_properties(x: Any, keys: tuple[str, ...] = ()) -> Iterator[Any]:
    """The property objects of an element (VertexProp / EdgeProp), optionally filtered."""
    t = type(x)
    # snapshots: a later drop() may remove properties while this is being iterated
    if t is Vertex:
        props = x.properties
        items = list(props.items()) if not keys else [(k, props[k]) for k in keys if k in props]
        for k, vals in items:
            for i, val in enumerate(list(vals)):
                yield VertexProp(x, k, val, i)
    elif t is Edge:
        props = x.properties
        items = list(props.items()) if not keys else [(k, props[k]) for k in keys if k in props]
        for k, val in items:
            yield EdgeProp(x, k, val)
    elif t is VertexProp or t is EdgeProp:
        return
    else:
        raise GremlinError(f"properties() requires an element, got {x!r}")


def token_value(x: Any, token: T) -> Any:
    """The value of ``T.id``/``T.label``/``T.key``/``T.value`` for ``x``, or NO_VALUE."""
    if token is T.id or token is T.id_:
        ident = getattr(x, "id", NO_VALUE)
        return ident
    if token is T.label:
        if type(x) is Vertex or type(x) is Edge:
            return x.label
        if type(x) is VertexProp:
            return x.key
        return NO_VALUE
    if token is T.key:
        return x.key if isinstance(x, (VertexProp, EdgeProp, MapEntry)) else NO_VALUE
    if token is T.value:
        return x.value if isinstance(x, (VertexProp, EdgeProp, MapEntry)) else NO_VALUE
    raise InvalidRequestError(f"unsupported token {token!r}")


def key_value(x: Any, key: Any) -> Any:
    """``by('key')`` semantics: first property value, map lookup, or NO_VALUE."""
    t = type(x)
    if t is Vertex:
        vals = x.properties.get(key)
        return vals[0] if vals else NO_VALUE
    if t is Edge:
        return x.properties.get(key, NO_VALUE)
    if isinstance(x, dict):
        return x.get(key, NO_VALUE)
    if isinstance(x, T):
        return NO_VALUE
    if t is VertexProp or t is EdgeProp:
        return NO_VALUE
    raise GremlinError(f"by({key!r}) cannot read a property of {x!r}: it is not an element or map")


def column_value(x: Any, column: Column) -> Any:
    """``select(keys)``/``select(values)`` on a map or map entry."""
    if isinstance(x, MapEntry):
        return x[0] if column is Column.keys else x[1]
    if isinstance(x, dict):
        # Column.keys gives a Set in TinkerPop (a Python set once deserialised)
        return GSet(x.keys()) if column is Column.keys else list(x.values())
    if isinstance(x, (VertexProp, EdgeProp)):
        return x.key if column is Column.keys else x.value
    if isinstance(x, Path):
        # a path's keys are its labels, its values its objects
        return [set(s) for s in x.labels] if column is Column.keys else list(x.objects)
    raise GremlinError(f"select({column.name}) requires a map or map entry, got {x!r}")


def by_function(arg: Any, step_name: str) -> ValueFn:
    """Compile one ``by()`` argument to a value function (NO_VALUE when unproductive)."""
    if arg is None:
        return lambda t: t.obj
    if isinstance(arg, str):
        return lambda t: key_value(t.obj, arg)
    if isinstance(arg, T):
        return lambda t: token_value(t.obj, arg)
    if isinstance(arg, Column):
        return lambda t: column_value(t.obj, arg)
    if isinstance(arg, Traversal):
        return arg.first
    raise InvalidRequestError(f"{step_name}().by(): unsupported argument {arg!r}")


class ByModulator:
    """A compiled ``by(value, order?)``: value function plus an optional Order."""

    __slots__ = ("fn", "order", "traversal", "key")

    def __init__(self, args: list[Any], step_name: str, allow_order: bool = False) -> None:
        self.order: Order | None = None
        self.traversal = None
        value: Any = None
        if len(args) > 2:
            raise InvalidRequestError(f"{step_name}().by() takes at most two arguments, got {args!r}")
        if args:
            value = args[0]
            if isinstance(value, Order) and len(args) == 1:
                value = None
                self.order = args[0]
            elif len(args) == 2:
                if not isinstance(args[1], Order) or not allow_order:
                    raise InvalidRequestError(
                        f"{step_name}().by(): second argument must be an Order, got {args[1]!r}")
                self.order = args[1]
            if isinstance(value, Order):
                raise InvalidRequestError(f"{step_name}().by(): unexpected Order {value!r}")
        if self.order is not None and not allow_order:
            raise InvalidRequestError(f"{step_name}().by() does not take an Order")
        if isinstance(value, Traversal):
            self.traversal = value
        #: by('key'): the property key (SubgraphStrategy filters the values it reads)
        self.key: str | None = value if isinstance(value, str) else None
        self.fn = by_function(value, step_name)

    def make_productive(self) -> None:
        """ProductiveByStrategy: an unproductive by() gives null instead of filtering the traverser."""
        fn = self.fn

        def productive(t: Traverser) -> Any:
            value = fn(t)
            return None if value is NO_VALUE else value

        self.fn = productive


def hkey(x: Any) -> Any:
    """A hashable stand-in for ``x`` with Gremlin equality (dedup, group keys)."""
    t = type(x)
    if t is str or t is int or t is float or t is long:
        return x
    if t is bool:
        return (bool, x)
    if x is None:
        return None
    if t is Vertex or t is Edge:
        return x
    if t is MapEntry:
        return (MapEntry, hkey(x[0]), hkey(x[1]))
    if isinstance(x, (list, tuple)):
        return (list, tuple(hkey(v) for v in x))
    if isinstance(x, dict):
        return (dict, frozenset((hkey(k), hkey(v)) for k, v in x.items()))
    if isinstance(x, (set, frozenset)):
        return (set, frozenset(hkey(v) for v in x))
    try:
        hash(x)
        return x
    except TypeError:
        return (type(x).__name__, repr(x))


def distinct(items: Iterable[Any]) -> GSet:
    """The items without repeats (Gremlin equality), in first-seen order."""
    out = GSet()
    seen: set[Any] = set()
    for x in items:
        k = hkey(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


def map_key(x: Any) -> Any:
    """``x`` made usable as a Python dict key (lists become tuples, as gremlinpython does)."""
    if isinstance(x, list):
        return tuple(map_key(v) for v in x)
    if isinstance(x, dict):
        from gremlin_python.structure.io.util import HashableDict
        return HashableDict.of(x)
    if isinstance(x, set):
        return frozenset(x)
    return x
