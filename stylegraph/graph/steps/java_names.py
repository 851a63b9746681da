"""The Java class names TinkerPop's error messages give for a value ("encountered: String")."""
from __future__ import annotations

import datetime
import uuid
from typing import Any

from gremlin_python.statics import long
from gremlin_python.structure.graph import Path

from stylegraph.graph.elements import Edge, Vertex

_NAMES: dict[type, str] = {
    bool: "Boolean", int: "Integer", long: "Long", float: "Double", str: "String",
    dict: "LinkedHashMap", list: "ArrayList", tuple: "ArrayList", set: "LinkedHashSet",
    frozenset: "LinkedHashSet", Vertex: "Vertex", Edge: "Edge", Path: "Path",
    uuid.UUID: "UUID", datetime.datetime: "Date",
}


def java_type_name(x: Any) -> str:
    """The simple Java class name of ``x`` as TinkerPop would hold it (``null`` for None)."""
    if x is None:
        return "null"
    name = _NAMES.get(type(x))
    if name is not None:
        return name
    if isinstance(x, int) and not isinstance(x, bool):
        return "Long" if not -2**31 <= x < 2**31 else "Integer"
    return type(x).__name__
