"""Looking up step labels: the current map, then side effects, then the path."""
from __future__ import annotations

from typing import Any

from gremlin_python.process.traversal import Pop

from stylegraph.graph.steps.base import NO_VALUE, Context
from stylegraph.graph.traverser import Traverser


def path_value(t: Traverser, key: str, pop: Pop) -> Any:
    """The object(s) labelled ``key`` on ``t``'s path under ``pop``, or NO_VALUE."""
    node = t.path
    if pop is Pop.last:
        while node is not None:
            if key in node.labels:
                return node.obj
            node = node.prev
        return NO_VALUE
    found: list[Any] = []
    while node is not None:
        if key in node.labels:
            found.append(node.obj)
        node = node.prev
    if not found:
        return [] if pop is Pop.all_ else NO_VALUE
    found.reverse()
    if pop is Pop.first:
        return found[0]
    if pop is Pop.all_:
        return found
    return found[0] if len(found) == 1 else found  # Pop.mixed


def _hashable(key: Any) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


def scope_value(t: Traverser, key: Any, pop: Pop, ctx: Context) -> Any:
    """``select(key)`` semantics: map entry, side effect, then path; NO_VALUE if absent."""
    obj = t.obj
    if isinstance(obj, dict) and _hashable(key) and key in obj:
        return obj[key]
    if isinstance(key, str):
        effects = ctx.side_effects
        if key in effects:
            value = effects[key]
            return value.value() if hasattr(value, "value") and callable(value.value) else value
        value = path_value(t, key, pop)
        if value is not NO_VALUE and not (pop is Pop.all_ and value == []):
            return value
    return NO_VALUE
