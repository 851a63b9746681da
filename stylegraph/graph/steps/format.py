"""format(pattern): a string with ``%{name}`` placeholders filled in (TinkerPop's FormatStep).

A placeholder names a property of the current element, else a map key, side
effect or step label; ``%{_}`` takes the next by() modulator's value (cycling;
the current object without one). A placeholder without a value drops the
traverser. ``%%{x}`` is not a placeholder.
"""
from __future__ import annotations

import re
from typing import Any

from gremlin_python.process.traversal import Pop

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.steps.access import ByModulator, property_values
from stylegraph.graph.steps.base import NO_VALUE, MapStep, Traversal, register
from stylegraph.graph.steps.scope import scope_value
from stylegraph.graph.steps.string import java_str
from stylegraph.graph.traverser import Traverser

_PLACEHOLDER = re.compile(r"(?<!%)%\{(.*?)\}")
FROM_BY = "_"


@register("format")
class FormatStep(MapStep):
    """format(pattern).by(...)...: the pattern with its placeholders filled in."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        """One pattern string."""
        if len(args) != 1 or args[0] is None:
            raise self.error("Format string for Format step can't be null.")
        if not isinstance(args[0], str):
            raise self.error(f"takes one pattern string, got {args!r}")
        self.pattern = args[0]
        self.bys: list[ByModulator] = []

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator (used by the ``%{_}`` placeholders in turn)."""
        self.bys.append(ByModulator(args, "format"))

    def children(self) -> list[Traversal]:
        """The by() traversals."""
        return [b.traversal for b in self.bys if b.traversal is not None]

    def _value(self, name: str, t: Traverser, turn: int) -> Any:
        obj = t.obj
        if name == FROM_BY:
            if not self.bys:
                return obj
            return self.bys[turn % len(self.bys)].fn(t)
        if type(obj) is Vertex or type(obj) is Edge:
            values = property_values(obj, name)
            if values:
                return values[0]
        return scope_value(t, name, Pop.last, self.ctx)

    def map(self, t: Traverser) -> Any:
        """The filled-in pattern, or NO_VALUE when a placeholder has no value."""
        out: list[str] = []
        last = 0
        turn = 0
        for m in _PLACEHOLDER.finditer(self.pattern):
            name = m.group(1)
            value = self._value(name, t, turn)
            if name == FROM_BY:
                turn += 1
            if value is NO_VALUE or value is None:
                return NO_VALUE
            out.append(self.pattern[last:m.start()])
            out.append(java_str(value))
            last = m.end()
        out.append(self.pattern[last:])
        return "".join(out)
