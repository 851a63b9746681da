"""Date steps of TinkerPop 3.7.1: asDate(), dateAdd(DT, n), dateDiff(date | traversal).

dateDiff() counts whole seconds under TinkerPop 3.7 and milliseconds under 3.8
(``ctx.dialect``).

Dates are Python ``datetime`` values in UTC without a zone (what gremlinpython's
readers give for a Date); a zoned value is converted to UTC first. Like Java's
``Date`` they have millisecond precision on the wire.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from gremlin_python.process.traversal import DT
from gremlin_python.statics import long

from stylegraph.graph.dialect import TP38
from stylegraph.graph.errors import GremlinError
from stylegraph.graph.predicates import utc_instant
from stylegraph.graph.steps.base import NO_VALUE, MapStep, Traversal, expect_int, register
from stylegraph.graph.steps.string import java_str
from stylegraph.graph.traverser import Traverser

_EPOCH = dt.datetime(1970, 1, 1)
_UNITS = {DT.second: "seconds", DT.minute: "minutes", DT.hour: "hours", DT.day: "days"}
_UNIT_NAMES = {"second": DT.second, "minute": DT.minute, "hour": DT.hour, "day": DT.day}


def utc(value: dt.datetime) -> dt.datetime:
    """``value`` as a zone-less UTC datetime."""
    return utc_instant(value)


def epoch_millis(value: dt.datetime) -> int:
    """Milliseconds since 1970-01-01T00:00:00Z (Java's Date.getTime())."""
    delta = utc(value) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def parse_date(text: str, keep_offset: bool = False) -> dt.datetime:
    """An ISO 8601 date or date-time (DatetimeHelper.parse) in UTC, or (``keep_offset``) with
    the offset it names; ValueError if it is not one."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(value)
    if keep_offset and parsed.tzinfo is not None and parsed.utcoffset():
        return parsed
    return utc(parsed)


@register("asDate")
class AsDateStep(MapStep):
    """asDate(): a date from a date, an integer (epoch milliseconds) or an ISO 8601 string
    (TinkerPop 3.8 keeps the string's offset: an OffsetDateTime)."""

    def map(self, t: Traverser) -> Any:
        """The current object as a date."""
        x = t.obj
        if x is None:
            raise GremlinError("Can't parse null as Date.")
        if isinstance(x, dt.datetime):
            return utc(x)
        if isinstance(x, int) and not isinstance(x, bool):
            return _EPOCH + dt.timedelta(milliseconds=x)
        if isinstance(x, str):
            try:
                return parse_date(x, keep_offset=self.ctx.dialect >= TP38)
            except ValueError:
                raise GremlinError(f"Can't parse {x} as Date.") from None
        raise GremlinError(f"Can't parse {java_str(x)} as Date.")


@register("dateAdd")
class DateAddStep(MapStep):
    """dateAdd(DT unit, n): the date moved by n seconds / minutes / hours / days."""

    def setup(self, args: list[Any]) -> None:
        """A DT unit and an integer."""
        if len(args) != 2:
            raise self.error(f"takes a DT unit and an integer, got {args!r}")
        unit = _UNIT_NAMES.get(args[0], args[0]) if isinstance(args[0], str) else args[0]
        if unit not in _UNITS:
            raise self.error(f"the unit must be DT.second/minute/hour/day, got {args[0]!r}")
        self.delta = dt.timedelta(**{_UNITS[unit]: expect_int(self, args[1], "amount")})

    def map(self, t: Traverser) -> Any:
        """The moved date."""
        x = t.obj
        if not isinstance(x, dt.datetime):
            raise GremlinError("dateAdd accept only Date.")
        return utc(x) + self.delta


@register("dateDiff")
class DateDiffStep(MapStep):
    """dateDiff(date | traversal): whole seconds (TinkerPop 3.8: milliseconds) from the other
    date to the current one (a null other date counts as the epoch)."""

    def setup(self, args: list[Any]) -> None:
        """A date (or null) or a traversal giving one."""
        if len(args) != 1:
            raise self.error(f"takes a date or a traversal, got {args!r}")
        self.other = args[0]
        if not (self.other is None or isinstance(self.other, (dt.datetime, Traversal))):
            raise self.error(f"takes a date or a traversal, got {java_str(self.other)}")

    def children(self) -> list[Traversal]:
        """The traversal argument, if any."""
        return [self.other] if isinstance(self.other, Traversal) else []

    def map(self, t: Traverser) -> Any:
        """The difference in seconds (3.8: milliseconds), truncated toward zero."""
        x = t.obj
        if not isinstance(x, dt.datetime):
            raise GremlinError(f"DateDiff can only take Date as argument, encountered {java_str(x)}")
        other = self.other.first(t) if isinstance(self.other, Traversal) else self.other
        if other is NO_VALUE:
            raise GremlinError(f"The provided traverser does not map to a value: {java_str(x)}")
        if other is not None and not isinstance(other, dt.datetime):
            raise GremlinError(f"dateDiff(): the other value must be a date, got {java_str(other)}")
        diff = epoch_millis(x) - (epoch_millis(other) if other is not None else 0)
        if self.ctx.dialect >= TP38:
            return long(diff)
        seconds = diff // 1000 if diff >= 0 else -((-diff) // 1000)
        return long(seconds)
