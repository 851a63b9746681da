"""String steps of TinkerPop 3.7.1: asString, concat, length, toUpper, toLower, trim,
lTrim, rTrim, replace, split, substring, reverse.

They map the current object; a null stays null, a non-string input is a 597
error naming the step (asString accepts anything and renders it like Java's
``toString()``).
"""
from __future__ import annotations

from typing import Any

from gremlin_python.process.traversal import Scope
from gremlin_python.structure.graph import Path

from stylegraph.graph.dialect import TP38
from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.errors import GremlinError
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


def strip_scope(args: list[Any]) -> tuple[bool, list[Any]]:
    """``(local, rest)``: whether the arguments start with Scope.local, and the others."""
    if args and isinstance(args[0], Scope):
        return args[0] is Scope.local, list(args[1:])
    return False, list(args)


class _StringStep(MapStep):
    """A map over strings: null in, null out; anything else but a string is an error.

    With ``Scope.local`` first (TinkerPop's StringLocalStep), a list is mapped item by
    item (null items stay null); any other item but a string is an error.
    """

    local = False

    def setup(self, args: list[Any]) -> None:
        """An optional Scope, then the step's own arguments (:meth:`setup_args`)."""
        self.local, rest = strip_scope(args)
        self.setup_args(rest)

    def setup_args(self, args: list[Any]) -> None:
        """Validate and store the step's own arguments (default: none)."""
        if args:
            raise self.error(f"takes no arguments, got {args!r}")

    def transform(self, s: str, t: Traverser) -> Any:
        """The result for string ``s``."""
        raise NotImplementedError

    def map(self, t: Traverser) -> Any:
        """Apply :meth:`transform` to the current string (local: to each string of a list)."""
        x = t.obj
        if x is None:
            return None
        if self.local:
            return self._map_local(x, t)
        if not isinstance(x, str):
            raise self.error(f"The {self.name}() step can only take string as argument, got {java_str(x)!r}",
                             code=597)
        return self.transform(x, t)

    def _map_local(self, x: Any, t: Traverser) -> Any:
        if isinstance(x, str):
            return self.transform(x, t)
        if isinstance(x, (list, tuple, set, frozenset)):
            out = []
            for item in x:
                if item is not None and not isinstance(item, str):
                    raise self._local_error(item, " in list")
                out.append(None if item is None else self.transform(item, t))
            return out
        raise self._local_error(x, "")

    def _local_error(self, item: Any, where: str) -> Exception:
        return GremlinError(f"The {self.name}(local) step can only take string or list of strings, "
                            f"encountered {java_class(item)}{where}")


def java_class(x: Any) -> str:
    """The Java class TinkerPop would name for ``x`` in an error message."""
    if isinstance(x, bool):
        return "class java.lang.Boolean"
    if isinstance(x, int):
        return "class java.lang.Integer" if -2**31 <= x < 2**31 else "class java.lang.Long"
    if isinstance(x, float):
        return "class java.lang.Double"
    if isinstance(x, (list, tuple)):
        return "class java.util.ArrayList"
    if isinstance(x, dict):
        return "class java.util.LinkedHashMap"
    return f"class {type(x).__name__}"


@register("asString")
class AsStringStep(MapStep):
    """asString() / asString(local): the object (local: each item of a list) as a string;
    null stays null under TinkerPop 3.7 and is the "Can't parse null" error under 3.8."""

    def setup(self, args: list[Any]) -> None:
        """An optional Scope."""
        self.local, rest = strip_scope(args)
        if rest:
            raise self.error(f"takes no arguments but a Scope, got {rest!r}")

    def map(self, t: Traverser) -> Any:
        """Render the current object."""
        x = t.obj
        strict = self.ctx.dialect >= TP38
        if self.local and isinstance(x, (list, tuple, set, frozenset)):
            return [self._render(item, strict) for item in x]
        return self._render(x, strict)

    def _render(self, x: Any, strict: bool) -> Any:
        if x is None:
            if strict:
                raise self.error("Can't parse null as String.", code=597)
            return None
        return java_str(x)


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
    """concat(strings...) / concat(traversals...): append strings, or each traversal's first
    result (nulls are skipped); null when the input and every part are null (ConcatStep)."""

    def setup(self, args: list[Any]) -> None:
        """Strings, or traversals (one or more) whose first results are appended."""
        self.traversals: list[Traversal] = [a for a in args if isinstance(a, Traversal)]
        if self.traversals:
            if len(self.traversals) != len(args):
                raise self.error(f"takes strings or traversals, not both: {args!r}")
            self.parts: list[Any] = []
            return
        for a in args:
            if a is not None and not isinstance(a, str):
                raise self.error(f"arguments must be strings, got {a!r}")
        self.parts = [a for a in args if a is not None]

    def children(self) -> list[Traversal]:
        """The traversal arguments."""
        return self.traversals

    def map(self, t: Traverser) -> Any:
        """The current string with the arguments appended."""
        x = t.obj
        if x is not None and not isinstance(x, str):
            raise self.error(f"String concat() can only take string as argument, got {java_str(x)!r}",
                             code=597)
        pieces = [x] if x is not None else []
        for tr in self.traversals:
            extra = tr.first(t)
            if extra is NO_VALUE:
                raise self.error(f"The provided traverser does not map to a value: {java_str(x)}", code=597)
            if extra is not None:
                pieces.append(extra if isinstance(extra, str) else java_str(extra))
        pieces.extend(self.parts)
        return "".join(pieces) if pieces else None


@register("replace")
class ReplaceStep(_StringStep):
    """replace(old, new)."""

    def setup_args(self, args: list[Any]) -> None:
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

    def setup_args(self, args: list[Any]) -> None:
        """One separator string (or null)."""
        if len(args) != 1 or not (args[0] is None or isinstance(args[0], str)):
            raise self.error(f"expects one separator string, got {args!r}")
        self.sep = args[0]

    def transform(self, s: str, t: Traverser) -> Any:
        """The parts of ``s`` (local: StringUtils.splitByWholeSeparator, which drops empty parts)."""
        if self.local:
            if not self.sep:
                return s.split()
            return [part for part in s.split(self.sep) if part]
        if self.sep is None:
            return s.split()
        if self.sep == "":
            return list(s)
        return s.split(self.sep)


@register("substring")
class SubstringStep(_StringStep):
    """substring(start[, end]); negative positions count from the end."""

    def setup_args(self, args: list[Any]) -> None:
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
        if isinstance(x, (list, tuple, set, frozenset)):
            return list(reversed(list(x)))
        if isinstance(x, Path):
            return list(reversed(x.objects))
        return x
