"""TinkerPop 3.8's ``GType`` tokens (``P.typeOf(GType.INT)``, ``asNumber(GType.LONG)``) and the
Python types our engine holds each as.

Java's number widths map onto gremlinpython's wrappers: Byte ``SingleByte``, Short ``short``,
Integer ``int``, Long ``long``, BigInteger ``bigint``, Double ``float``, Float
:class:`~stylegraph.graph.jnumbers.Float32`, BigDecimal ``decimal.Decimal``.
"""
from __future__ import annotations

import datetime
import decimal
import uuid
from enum import Enum
from typing import Any

from gremlin_python.statics import BigDecimal, SingleByte, SingleChar, bigint, long, short
from gremlin_python.structure.graph import Path

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.jnumbers import Float32


class GType(Enum):
    """The type tokens of TinkerPop 3.8 (``org.apache.tinkerpop.gremlin.process.traversal.GType``)."""

    BIGDECIMAL = "BIGDECIMAL"
    BIGINT = "BIGINT"
    BINARY = "BINARY"
    BOOLEAN = "BOOLEAN"
    BYTE = "BYTE"
    CHAR = "CHAR"
    DATETIME = "DATETIME"
    DOUBLE = "DOUBLE"
    DURATION = "DURATION"
    EDGE = "EDGE"
    FLOAT = "FLOAT"
    GRAPH = "GRAPH"
    INT = "INT"
    LIST = "LIST"
    LONG = "LONG"
    MAP = "MAP"
    NULL = "NULL"
    NUMBER = "NUMBER"
    PATH = "PATH"
    PROPERTY = "PROPERTY"
    SET = "SET"
    SHORT = "SHORT"
    STRING = "STRING"
    TREE = "TREE"
    UUID = "UUID"
    VERTEX = "VERTEX"
    VPROPERTY = "VPROPERTY"


def gtype_of_wire(name: str) -> GType:
    """The token a client wrote as ``name``; ValueError for an unknown one."""
    try:
        return GType[name.upper()]
    except KeyError:
        raise ValueError(f"unknown GType {name!r}") from None


# Java class names P.typeOf("String") accepts (simple or qualified), beside the GType names
_JAVA_NAMES = {
    "String": GType.STRING, "Character": GType.CHAR, "Boolean": GType.BOOLEAN, "Byte": GType.BYTE,
    "Short": GType.SHORT, "Integer": GType.INT, "Long": GType.LONG, "BigInteger": GType.BIGINT,
    "Float": GType.FLOAT, "Double": GType.DOUBLE, "BigDecimal": GType.BIGDECIMAL, "Number": GType.NUMBER,
    "UUID": GType.UUID, "Date": GType.DATETIME, "OffsetDateTime": GType.DATETIME, "Duration": GType.DURATION,
    "List": GType.LIST, "Map": GType.MAP, "Set": GType.SET, "Vertex": GType.VERTEX, "Edge": GType.EDGE,
    "Path": GType.PATH, "VertexProperty": GType.VPROPERTY, "Property": GType.PROPERTY, "Tree": GType.TREE,
    "Graph": GType.GRAPH,
}


def gtype_of_name(name: str) -> GType:
    """The type ``P.typeOf(name)`` names: a Java class (``"String"``, ``"java.lang.String"``) or a
    GType name; ValueError for an unknown one."""
    found = _JAVA_NAMES.get(name.rsplit(".", 1)[-1])
    return found if found is not None else gtype_of_wire(name)


_INTEGRAL = {GType.BYTE: (SingleByte, 8), GType.SHORT: (short, 16), GType.INT: (int, 32), GType.LONG: (long, 64)}
NUMERIC = frozenset({GType.BYTE, GType.SHORT, GType.INT, GType.LONG, GType.BIGINT, GType.FLOAT, GType.DOUBLE,
                     GType.BIGDECIMAL, GType.NUMBER})


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, decimal.Decimal, BigDecimal)) and not isinstance(x, bool)


def int_type_of(x: int) -> GType:
    """The Java width of an integer value as our engine holds it."""
    t = type(x)
    if t is SingleByte:
        return GType.BYTE
    if t is short:
        return GType.SHORT
    if t is long:
        return GType.LONG
    if t is bigint:
        return GType.BIGINT
    if -2**31 <= x < 2**31:
        return GType.INT
    return GType.LONG if -2**63 <= x < 2**63 else GType.BIGINT


def is_type(x: Any, gtype: GType) -> bool:
    """``P.typeOf(gtype)``: whether value ``x`` is of that type."""
    from stylegraph.graph.steps.access import EdgeProp, VertexProp

    if gtype is GType.NULL:
        return x is None
    if gtype is GType.NUMBER:
        return _is_number(x)
    if isinstance(x, bool):
        return gtype is GType.BOOLEAN
    if isinstance(x, int):
        return int_type_of(x) is gtype
    if isinstance(x, Float32) or gtype is GType.FLOAT:
        return gtype is GType.FLOAT and isinstance(x, Float32)
    checks: dict[GType, Any] = {
        GType.DOUBLE: float, GType.STRING: str, GType.UUID: uuid.UUID, GType.DATETIME: datetime.datetime,
        GType.LIST: (list, tuple), GType.MAP: dict, GType.SET: (set, frozenset), GType.VERTEX: Vertex,
        GType.EDGE: Edge, GType.PATH: Path, GType.VPROPERTY: VertexProp, GType.PROPERTY: (EdgeProp, VertexProp),
        GType.BIGDECIMAL: (decimal.Decimal, BigDecimal), GType.BINARY: (bytes, bytearray),
        GType.CHAR: SingleChar, GType.DURATION: datetime.timedelta,
    }
    want = checks.get(gtype)
    if gtype is GType.STRING and isinstance(x, SingleChar):
        return False
    return want is not None and isinstance(x, want)


def _java_class(x: Any) -> str:
    if isinstance(x, int) and not isinstance(x, bool):
        return {GType.BYTE: "Byte", GType.SHORT: "Short", GType.INT: "Integer", GType.LONG: "Long",
                GType.BIGINT: "BigInteger"}[int_type_of(x)]
    return {float: "Double", Float32: "Float", str: "String", list: "ArrayList", dict: "LinkedHashMap"}.get(type(x), type(x).__name__)


def parse_number(x: Any) -> Any:
    """asNumber(): a number as it is; a string parsed (integers as Integer/Long/BigInteger, hex
    ``0x..`` too, else a Double); anything else is TinkerPop's "Can't parse" error (ValueError)."""
    if _is_number(x):
        return x
    if isinstance(x, str):
        s = x.strip()
        try:
            n = int(s, 16) if s.lower().startswith(("0x", "-0x")) else int(s)
        except ValueError:
            try:
                return float(s)
            except ValueError:
                raise ValueError(f"Can't parse string '{x}' as number.") from None
        return n if -2**31 <= n < 2**31 else long(n) if -2**63 <= n < 2**63 else bigint(n)
    if x is None:
        raise ValueError("Can't parse null as number.")
    raise ValueError(f"Can't parse type {_java_class(x)} as number.")


def cast_number(x: Any, gtype: GType) -> Any:
    """asNumber(gtype): ``x`` (a number) converted to that type; integral overflow is TinkerPop's error."""
    if gtype not in NUMERIC:
        raise ValueError(f"asNumber() requires a numeric type token, got {gtype.name}")
    if gtype is GType.NUMBER:
        return x
    if gtype is GType.DOUBLE:
        return float(x)
    if gtype is GType.FLOAT:
        return Float32(x)
    if gtype is GType.BIGDECIMAL:
        return x if isinstance(x, decimal.Decimal) else decimal.Decimal(str(x))
    n = int(x)  # truncates toward zero, like Java's narrowing of a double
    if gtype is GType.BIGINT:
        return bigint(n)
    cls, bits = _INTEGRAL[gtype]
    if not -2**(bits - 1) <= n < 2**(bits - 1):
        raise ValueError(f"Can't convert number of type {_java_class(x)} to "
                         f"{ {GType.BYTE: 'Byte', GType.SHORT: 'Short', GType.INT: 'Integer', GType.LONG: 'Long'}[gtype]} "
                         f"due to overflow.")
    return cls(n)


def as_bool(x: Any) -> bool:
    """asBool(): booleans as they are, numbers non-zero (NaN false), "true"/"false" in any case;
    anything else is TinkerPop's "Can't parse" error (ValueError)."""
    if isinstance(x, bool):
        return x
    if _is_number(x):
        f = float(x)
        return f == f and f != 0
    if isinstance(x, str) and x.lower() in ("true", "false"):
        return x.lower() == "true"
    raise ValueError(f"Can't parse {'null' if x is None else x} as Boolean.")
