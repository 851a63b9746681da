"""P / TextP evaluation plus Gremlin's value equality and orderability.

:func:`compile_p` turns a gremlinpython ``P``/``TextP`` into a plain
``callable(value) -> bool``.  Comparisons follow TinkerPop 3.6+ semantics:
numbers compare across int/float, booleans are not numbers, and comparing
incomparable types (``"a" < 1``) is simply false rather than an error.
:func:`order_key` gives a total order over mixed values (TinkerPop's
"orderability": null < boolean < number < string < ... < map).
"""
from __future__ import annotations

import datetime
import decimal
import re
import uuid
from typing import Any, Callable, Iterable

from gremlin_python.process.traversal import P, T, TextP
from gremlin_python.statics import long
from gremlin_python.structure import graph as gp

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.errors import GremlinError

Predicate = Callable[[Any], bool]

# decimal.Decimal: a BigDecimal (a Java client's 1.0 literal, e.g. has("weight", lt(1.0)))
_NUMBER_TYPES = (int, float, decimal.Decimal)


def is_number(value: Any) -> bool:
    """True for int/float values that are not booleans."""
    return isinstance(value, _NUMBER_TYPES) and not isinstance(value, bool)


def utc_instant(value: datetime.datetime) -> datetime.datetime:
    """``value`` as a zone-less UTC datetime (a zone-less one is UTC already), so that dates
    with and without an offset compare and order by the instant they name."""
    if value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def normalize(value: Any) -> Any:
    """Map client-side structure objects (gremlinpython Vertex/Edge) to their id (id lookups)."""
    if isinstance(value, gp.Element):
        return value.id
    return value


def values_equal(a: Any, b: Any) -> bool:
    """Gremlin equality: numbers by value, booleans only with booleans, elements by id;
    NaN equals nothing, not even itself."""
    if type(a) is float and a != a:
        return False
    if a is b:
        return True
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        return utc_instant(a) == utc_instant(b)
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if isinstance(a, gp.Element) or isinstance(b, gp.Element):
        # a client-side Vertex/Edge argument equals the graph element with its id
        return _is_element(a) and _is_element(b) and a.id == b.id and \
            _kind(a) == _kind(b)
    try:
        return bool(a == b)
    except Exception:
        return False


def _is_element(x: Any) -> bool:
    return isinstance(x, (gp.Element, Vertex, Edge))


def _kind(x: Any) -> str:
    return "v" if isinstance(x, (gp.Vertex, Vertex)) else "e" if isinstance(x, (gp.Edge, Edge)) else "p"


def _comparable(a: Any, b: Any) -> bool:
    if is_number(a) and is_number(b):
        return True
    if isinstance(a, str) and isinstance(b, str):
        return True
    if type(a) is bool and type(b) is bool:
        return True
    return type(a) is type(b) and a is not None and not isinstance(a, (dict, list))


def compare(a: Any, b: Any) -> int | None:
    """-1/0/1, or None when the two values are not comparable (as in TinkerPop: null equals
    only null, and NaN is not comparable, not even with itself)."""
    if a is None or b is None:
        return 0 if a is None and b is None else None
    if (type(a) is float and a != a) or (type(b) is float and b != b):
        return None
    if not _comparable(a, b):
        return None
    if isinstance(a, datetime.datetime):
        a, b = utc_instant(a), utc_instant(b)
    try:
        return -1 if a < b else (1 if a > b else 0)
    except TypeError:
        return None


def _cmp_pred(op: str, ref: Any) -> Predicate:
    if op == "lt":
        return lambda x: (c := compare(x, ref)) is not None and c < 0
    if op == "lte":
        return lambda x: (c := compare(x, ref)) is not None and c <= 0
    if op == "gt":
        return lambda x: (c := compare(x, ref)) is not None and c > 0
    return lambda x: (c := compare(x, ref)) is not None and c >= 0


def _hashable_set(values: Iterable[Any]) -> tuple[set[Any], list[Any]]:
    """Split values into a fast set of plain scalars and a list of the rest."""
    fast: set[Any] = set()
    slow: list[Any] = []
    for v in values:
        if type(v) in (str, int, float, long):
            fast.add(v)
        else:
            slow.append(v)
    return fast, slow


def _within(values: Any) -> Predicate:
    if not isinstance(values, (list, tuple, set)):
        values = [values]
    fast, slow = _hashable_set(values)

    def pred(x: Any) -> bool:
        # 1 == 1.0 hash alike, so numbers of either type hit the fast set
        if type(x) in (str, int, float, long) and x in fast:
            return True
        return any(values_equal(x, v) for v in slow)

    return pred


def _text(op: str, ref: Any) -> Predicate:
    if not isinstance(ref, str):
        raise GremlinError(f"TextP.{op}() requires a string argument, got {ref!r}", code=499)
    if op == "containing":
        return lambda x: isinstance(x, str) and ref in x
    if op == "notContaining":
        return lambda x: isinstance(x, str) and ref not in x
    if op == "startingWith":
        return lambda x: isinstance(x, str) and x.startswith(ref)
    if op == "notStartingWith":
        return lambda x: isinstance(x, str) and not x.startswith(ref)
    if op == "endingWith":
        return lambda x: isinstance(x, str) and x.endswith(ref)
    if op == "notEndingWith":
        return lambda x: isinstance(x, str) and not x.endswith(ref)
    try:
        rx = re.compile(ref)
    except re.error as exc:
        raise GremlinError(f"TextP.{op}(): invalid regular expression {ref!r}: {exc}", code=499)
    if op == "regex":
        return lambda x: isinstance(x, str) and rx.search(x) is not None
    if op == "notRegex":
        return lambda x: isinstance(x, str) and rx.search(x) is None
    raise GremlinError(f"unsupported TextP predicate {op!r}", code=499)


_TEXT_OPS = {"containing", "notContaining", "startingWith", "notStartingWith",
             "endingWith", "notEndingWith", "regex", "notRegex"}


def compile_p(p: Any) -> Predicate:
    """Compile a gremlinpython P/TextP (or a plain value, meaning eq) to a function."""
    if not isinstance(p, P):
        return lambda x: values_equal(x, p)
    op = p.operator
    if isinstance(p, TextP) or op in _TEXT_OPS:
        return _text(op, p.value)
    if op in ("and", "or"):
        left, right = compile_p(p.value), compile_p(p.other)
        if op == "and":
            return lambda x: left(x) and right(x)
        return lambda x: left(x) or right(x)
    if op == "not":
        inner = compile_p(p.value)
        return lambda x: not inner(x)
    if op == "eq":
        ref = p.value
        return lambda x: values_equal(x, ref)
    if op == "neq":
        ref = p.value
        return lambda x: not values_equal(x, ref)
    if op in ("lt", "lte", "gt", "gte"):
        return _cmp_pred(op, normalize(p.value))
    if op in ("inside", "outside", "between"):
        lo, hi = _range_args(p)
        if op == "inside":
            return lambda x: (a := compare(x, lo)) is not None and a > 0 and \
                (b := compare(x, hi)) is not None and b < 0
        if op == "between":
            return lambda x: (a := compare(x, lo)) is not None and a >= 0 and \
                (b := compare(x, hi)) is not None and b < 0
        return lambda x: ((a := compare(x, lo)) is not None and a < 0) or \
            ((b := compare(x, hi)) is not None and b > 0)
    if op == "typeOf":  # TinkerPop 3.8: P.typeOf(GType.X)
        from stylegraph.graph.gtype import GType, gtype_of_name, is_type

        gtype = p.value
        if isinstance(gtype, str):
            try:
                gtype = gtype_of_name(gtype)
            except ValueError:
                raise GremlinError(f"P.typeOf() takes a GType or a type name, got {gtype!r}", code=499) from None
        if not isinstance(gtype, GType):
            raise GremlinError(f"P.typeOf() takes a GType, got {gtype!r}", code=499)
        return lambda x: is_type(x, gtype)
    if op == "within":
        return _within(p.value if p.other is None else [p.value, p.other])
    if op == "without":
        inner = _within(p.value if p.other is None else [p.value, p.other])
        return lambda x: not inner(x)
    raise GremlinError(f"unsupported predicate P.{op}()", code=499)


def _range_args(p: P) -> tuple[Any, Any]:
    if p.other is not None:
        return p.value, p.other
    if isinstance(p.value, (list, tuple)) and len(p.value) == 2:
        return p.value[0], p.value[1]
    raise GremlinError(f"P.{p.operator}() requires two arguments", code=499)


def p_eq_values(p: Any) -> list[Any] | None:
    """The values an index can look up for ``p`` (eq / within), else None."""
    if not isinstance(p, P):
        return [normalize(p)]
    if isinstance(p, TextP):
        return None
    if p.operator == "eq":
        return [normalize(p.value)]
    if p.operator == "within":
        vals = p.value if p.other is None else [p.value, p.other]
        if not isinstance(vals, (list, tuple, set)):
            vals = [vals]
        return [normalize(v) for v in vals]
    return None


def map_p_values(p: Any, fn: Callable[[Any], Any]) -> Any:
    """A copy of ``p`` whose leaf values are replaced by ``fn(value)``."""
    if not isinstance(p, P):
        return fn(p)
    if p.operator in ("and", "or"):
        return P(p.operator, map_p_values(p.value, fn), map_p_values(p.other, fn))
    if p.operator == "not":
        return P("not", map_p_values(p.value, fn))
    cls = TextP if isinstance(p, TextP) else P
    if p.operator in ("within", "without"):
        values = p.value if isinstance(p.value, list) else [p.value]
        out: list[Any] = []
        for v in values:
            mapped = fn(v)
            # a label naming a collection (aggregate('x') ... where(within('x'))) spreads out
            if isinstance(mapped, (list, tuple, set, frozenset)):
                out.extend(mapped)
            else:
                out.append(mapped)
        return cls(p.operator, out)
    other = None if p.other is None else fn(p.other)
    return cls(p.operator, fn(p.value), other)


def p_leaf_values(p: Any) -> list[Any]:
    """All leaf values of a predicate tree (the step labels of ``where(eq('a'))``)."""
    if not isinstance(p, P):
        return [p]
    if p.operator in ("and", "or"):
        return p_leaf_values(p.value) + p_leaf_values(p.other)
    if p.operator == "not":
        return p_leaf_values(p.value)
    vals = p.value if isinstance(p.value, list) else [p.value]
    return list(vals) + ([] if p.other is None else [p.other])


# ---------------------------------------------------------------- orderability
# TinkerPop's orderability: null < boolean < number < date < string < uuid < vertex < edge
# < vertex property < property < path < set < list < map < anything else
_RANK_NULL, _RANK_BOOL, _RANK_NUM, _RANK_DATE, _RANK_STR, _RANK_UUID = range(6)
_RANK_BY_TYPE_NAME = {"Vertex": 6, "Edge": 7, "VertexProp": 8, "VertexProperty": 8,
                      "EdgeProp": 9, "Property": 9, "Path": 10}
_RANK_SET, _RANK_LIST, _RANK_MAP, _RANK_OTHER = 11, 12, 13, 14


def order_key(value: Any) -> tuple[Any, ...]:
    """A sort key giving a total order over any mix of Gremlin values."""
    if value is None:
        return (_RANK_NULL,)
    t = type(value)
    if t is bool:
        return (_RANK_BOOL, value)
    if t is int or t is float or t is long:
        if value != value:  # NaN sorts after every number
            return (_RANK_NUM, float("inf"), 1)
        return (_RANK_NUM, value, 0)
    if t is str:
        return (_RANK_STR, value)
    if isinstance(value, T):  # T.id / T.label keys (elementMap) sort by their names among strings
        return (_RANK_STR, value.name.rstrip("_"))
    rank = _RANK_BY_TYPE_NAME.get(t.__name__)
    if rank is not None:
        if rank == 10:  # a path: by its objects
            return (rank, tuple(order_key(v) for v in value.objects))
        ident = getattr(value, "id", None)
        if ident is None:  # an edge property has no id: by key, then value
            return (rank, order_key(value.key), order_key(value.value))
        return (rank, order_key(ident))
    if isinstance(value, (set, frozenset)):
        return (_RANK_SET, tuple(sorted(order_key(v) for v in value)))
    if isinstance(value, (list, tuple)):
        return (_RANK_LIST, tuple(order_key(v) for v in value))
    if isinstance(value, dict):
        return (_RANK_MAP, tuple((order_key(k), order_key(v)) for k, v in value.items()))
    if isinstance(value, datetime.datetime):
        return (_RANK_DATE, utc_instant(value))
    if isinstance(value, uuid.UUID):
        return (_RANK_UUID, str(value))
    if is_number(value):
        return (_RANK_NUM, float(value), 0)
    return (_RANK_OTHER, t.__name__, str(value))


class Descending:
    """Wraps a sort key so that it sorts in reverse (for mixed asc/desc sorts)."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: "Descending") -> bool:
        return other.key < self.key

    def __gt__(self, other: "Descending") -> bool:
        return other.key > self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Descending) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)
