"""Gremlin ``Operator`` semantics (sack(operator), withSack, withSideEffect reducers).

gremlinpython's enum has two members for some operators (``max``/``max_``, ``min``/``min_``,
``sumLong``/``sum_long``, ``addAll``/``add_all``): the Python API uses one, the
deserialisers the other, so both are accepted.
"""
from __future__ import annotations

from typing import Any

from gremlin_python.process.traversal import Operator

from stylegraph.graph.errors import GremlinError


def apply_operator(op: Operator, current: Any, value: Any) -> Any:
    """``op(current, value)`` as TinkerPop's Operator enum defines it."""
    try:
        if op is Operator.sum_ or op is Operator.sum_long or op is Operator.sumLong:
            return value if current is None else current + value
        if op is Operator.minus:
            return current - value
        if op is Operator.mult:
            return current * value
        if op is Operator.div:
            if isinstance(current, int) and isinstance(value, int):
                return current // value
            return current / value
        if op is Operator.min_ or op is Operator.min:
            return value if current is None else min(current, value)
        if op is Operator.max_ or op is Operator.max:
            return value if current is None else max(current, value)
        if op is Operator.assign:
            return value
        if op is Operator.and_:
            return bool(current) and bool(value)
        if op is Operator.or_:
            return bool(current) or bool(value)
        if op is Operator.addAll or op is Operator.add_all:
            if isinstance(current, dict):
                return {**current, **value}
            return list(current or []) + list(value)
    except (TypeError, ZeroDivisionError) as exc:
        raise GremlinError(f"sack operator {op.name} failed on {current!r}, {value!r}: {exc}")
    raise GremlinError(f"unsupported operator {op!r}", code=499)
