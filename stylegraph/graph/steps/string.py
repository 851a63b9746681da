"""String steps of TinkerPop 3.7.1: asString, concat, length, toUpper, toLower, trim,
lTrim, rTrim, replace, split, substring, reverse.

They map the current object; a null stays null, a non-string input is a 597
error naming the step (asString accepts anything and renders it like Java's
``toString()``).
"""
from __future__ import annotations

from typing import Any

from gremlin_python.structure.graph import Path

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.predicates import is_number
from stylegraph.graph.steps.access import EdgeProp, MapEntry, VertexProp
from stylegraph.graph.steps.base import NO_VALUE, MapStep, Traversal, expect_int, register
from stylegraph.graph.traverser import Traverser


def java_str(x: Any) -> str:
    """``x`` rendered the way TinkerPop's Java toString() does."""
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, str):
        return x
    if is_number(x):
        return repr(x) if isinstance(x, float) else str(x)
    if type(x) is Vertex:
        return f"v[{x.id}]"
    if type(x) is Edge:
        return f"e[{x.id}][{x.out_v.id}-{x.label}->{x.in_v.id}]"
    if isinstance(x, VertexProp):
        return f"vp[{x.key}->{java_str(x.value)[:20]}]"
    if isinstance(x, EdgeProp):
        return f"p[{x.key}->{java_str(x.value)[:20]}]"
    if isinstance(x, MapEntry):
        return f"{java_str(x[0])}={java_str(x[1])}"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{java_str(k)}={java_str(v)}" for k, v in x.items()) + "}"
    if isinstance(x, (list, tuple, set, frozenset)):
        return "[" + ", ".join(java_str(v) for v in x) + "]"
    if isinstance(x, Path):
        return "path[" + ", ".join(java_str(v) for v in x.objects) + "]"
    return str(x)


class _StringStep(MapStep):
    """A map over strings: null in, null out; anything else but a string is an error."""

    def transform(self, s: str, t: Traverser) -> Any:
        """The result for string ``s``."""
        raise NotImplementedError

    def map(self, t: Traverser) -> Any:
        """Apply :meth:`transform` to the current string."""
        x = t.obj
        if x is None:
            return None
        if not isinstance(x, str):
            raise self.error(f"The {self.name}() step can only take string as argument, got {java_str(x)!r}",
                             code=597)
        return self.transform(x, t)


@register("asString")
class AsStringStep(MapStep):
    """asString(): the object as a string."""

    def map(self, t: Traverser) -> Any:
        """Render the current object."""
        return java_str(t.obj)


@register("toUpper", "toLower", "trim", "lTrim", "rTrim", "length")
class SimpleStringStep(_StringStep):
    """toUpper()/toLower()/trim()/lTrim()/rTrim()/length()."""

    def transform(self, s: str, t: Traverser) -> Any:
        """The transformed string (or its length)."""
        name = self.name
        if name == "toUpper":
            return s.upper()
        if name == "toLower":
            return s.lower()
        if name == "trim":
            return s.strip()
        if name == "lTrim":
            return s.lstrip()
        if name == "rTrim":
            return s.rstrip()
        return len(s)


@register("concat")
class ConcatStep(MapStep):
    """concat(strings... | traversal): append strings (nulls are skipped)."""

    def setup(self, args: list[Any]) -> None:
        """Strings, or one traversal whose first result is appended."""
        if len(args) == 1 and isinstance(args[0], Traversal):
            self.traversal: Traversal | None = args[0]
            self.parts: list[Any] = []
            return
        self.traversal = None
        for a in args:
            if a is not None and not isinstance(a, str):
                raise self.error(f"arguments must be strings, got {a!r}")
        self.parts = [a for a in args if a is not None]

    def children(self) -> list[Traversal]:
        """The traversal argument, if any."""
        return [self.traversal] if self.traversal is not None else []

    def map(self, t: Traverser) -> Any:
        """The current string with the arguments appended."""
        x = t.obj
        if x is not None and not isinstance(x, str):
            raise self.error(f"String concat() can only take string as argument, got {java_str(x)!r}",
                             code=597)
        out = x or ""
        if self.traversal is not None:
            extra = self.traversal.first(t)
            if extra is not NO_VALUE and extra is not None:
                out += extra if isinstance(extra, str) else java_str(extra)
            return out
        return out + "".join(self.parts)


@register("replace")
class ReplaceStep(_StringStep):
    """replace(old, new)."""

    def setup(self, args: list[Any]) -> None:
        """Two strings (null matches/replaces nothing)."""
        if len(args) != 2 or not all(a is None or isinstance(a, str) for a in args):
            raise self.error(f"expects two strings, got {args!r}")
        self.old, self.new = args

    def transform(self, s: str, t: Traverser) -> Any:
        """``s`` with every ``old`` replaced."""
        if self.old is None:
            return s
        return s.replace(self.old, self.new or "")


@register("split")
class SplitStep(_StringStep):
    """split(separator): a list of parts (null separator: split on whitespace; "": characters)."""

    def setup(self, args: list[Any]) -> None:
        """One separator string (or null)."""
        if len(args) != 1 or not (args[0] is None or isinstance(args[0], str)):
            raise self.error(f"expects one separator string, got {args!r}")
        self.sep = args[0]

    def transform(self, s: str, t: Traverser) -> Any:
        """The parts of ``s``."""
        if self.sep is None:
            return s.split()
        if self.sep == "":
            return list(s)
        return s.split(self.sep)


@register("substring")
class SubstringStep(_StringStep):
    """substring(start[, end]); negative positions count from the end."""

    def setup(self, args: list[Any]) -> None:
        """One or two integer positions."""
        if not 1 <= len(args) <= 2:
            raise self.error("expects start and optional end positions")
        self.start = expect_int(self, args[0], "start")
        self.end = expect_int(self, args[1], "end") if len(args) == 2 else None

    def transform(self, s: str, t: Traverser) -> Any:
        """The slice of ``s``."""
        return s[self.start:] if self.end is None else s[self.start:self.end]


@register("reverse")
class ReverseStep(MapStep):
    """reverse(): a reversed string or list (other objects are left as they are)."""

    def map(self, t: Traverser) -> Any:
        """The reversed object."""
        x = t.obj
        if isinstance(x, str):
            return x[::-1]
        if isinstance(x, (list, tuple)):
            return list(reversed(x))
        return x
