"""Type conversion steps of TinkerPop 3.8: asBool() and asNumber([GType]) (``stylegraph.graph.gtype``)."""
from __future__ import annotations

import datetime
from typing import Any

from gremlin_python.statics import long

from stylegraph.graph.gtype import GType, as_bool, cast_number, parse_number
from stylegraph.graph.steps.base import MapStep, register
from stylegraph.graph.steps.dates import epoch_millis
from stylegraph.graph.traverser import Traverser


@register("asBool")
class AsBoolStep(MapStep):
    """asBool(): booleans, numbers (non-zero is true) and "true"/"false" strings to a boolean."""

    def setup(self, args: list[Any]) -> None:
        """No arguments."""
        if args:
            raise self.error(f"takes no arguments, got {args!r}")

    def map(self, t: Traverser) -> Any:
        """The boolean of the current object (TinkerPop's "Can't parse" error otherwise)."""
        try:
            return as_bool(t.obj)
        except ValueError as exc:
            raise self.error(str(exc), code=597) from None


@register("asNumber")
class AsNumberStep(MapStep):
    """asNumber([GType]): numbers and numeric strings to a number, optionally of a given type."""

    def setup(self, args: list[Any]) -> None:
        """An optional numeric GType."""
        if len(args) > 1 or (args and not isinstance(args[0], GType)):
            raise self.error(f"takes an optional GType, got {args!r}")
        self.gtype: GType | None = args[0] if args else None

    def map(self, t: Traverser) -> Any:
        """The number (None stays None when a type is given, as in TinkerPop); a date is its
        epoch milliseconds (a Long)."""
        x = t.obj
        try:
            if x is None and self.gtype is not None:
                return None
            if isinstance(x, datetime.datetime):
                x = long(epoch_millis(x))
            n = parse_number(x)
            return n if self.gtype is None else cast_number(n, self.gtype)
        except ValueError as exc:
            raise self.error(str(exc), code=597) from None
