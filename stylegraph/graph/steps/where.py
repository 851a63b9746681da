"""where(): where(P), where(label, P) and where(traversal) with start/end step labels.

A where-traversal that starts with ``as('a')`` starts from the value labelled
``a``; one that ends with ``as('b')`` must arrive at the value labelled ``b``.
As in TinkerPop's WhereTraversalStep, the rewrite also reaches into the
operands of an ``and()``/``or()``/``not()`` that starts the where-traversal.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from gremlin_python.process.traversal import P, Pop

from stylegraph.graph.predicates import compile_p, map_p_values, p_leaf_values, values_equal
from stylegraph.graph.steps.access import ByModulator
from stylegraph.graph.steps.base import (
    NO_VALUE, FilterStep, Step, Traversal, expect_str, register,
)
from stylegraph.graph.steps.scope import scope_value
from stylegraph.graph.traverser import EMPTY_LABELS, Traverser


class WhereStartStep(Step):
    """Start of a where-traversal: continue from the value labelled ``key`` (if any)."""

    def __init__(self, key: str | None) -> None:
        super().__init__("where-start", [])
        self.key = key

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        key, ctx = self.key, self.ctx
        for t in it:
            if key is None:
                yield t
                continue
            value = scope_value(t, key, Pop.last, ctx)
            if value is not NO_VALUE:
                yield t.replace(value)


class WhereEndStep(FilterStep):
    """End of a where-traversal: the object must be the value labelled ``key``."""

    def __init__(self, key: str) -> None:
        super().__init__("where-end", [])
        self.key = key

    def test(self, t: Traverser) -> bool:
        """Whether traverser ``t`` passes."""
        value = scope_value(t, self.key, Pop.last, self.ctx)
        return value is not NO_VALUE and (value is t.obj or values_equal(t.obj, value))


def configure_where_traversal(tr: Traversal, connectives: Callable[[Traversal], None]) -> None:
    """Rewrite leading ``as(x)`` / trailing ``as(y)`` of a where-traversal (recursively
    into a leading and/or/not), after resolving infix and()/or() with ``connectives``."""
    connectives(tr)
    steps = tr.steps
    if not steps:
        return
    first = steps[0]
    if first.name in ("and", "or", "not"):
        for child in first.children():
            configure_where_traversal(child, connectives)
    elif first.name == "identity" and len(first.labels) == 1:
        label = next(iter(first.labels))
        steps[0] = WhereStartStep(label)
    elif steps[-1].labels:
        steps.insert(0, WhereStartStep(None))
    last = steps[-1]
    if last.labels and not isinstance(last, WhereStartStep):
        if len(last.labels) > 1:
            raise last.error("the end step of a where()-traversal can only have one label")
        label = next(iter(last.labels))
        last.labels = EMPTY_LABELS
        steps.append(WhereEndStep(label))


@register("where")
class WhereStep(FilterStep):
    """where(P) / where(label, P) / where(traversal)."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.traversal: Traversal | None = None
        self.start_key: str | None = None
        self.p: Any = None
        self.bys: list[ByModulator] = []
        if len(args) == 1 and isinstance(args[0], Traversal):
            self.traversal = args[0]
        elif len(args) == 1 and isinstance(args[0], P):
            self.p = args[0]
        elif len(args) == 2 and isinstance(args[1], P):
            self.start_key = expect_str(self, args[0], "start label")
            self.p = args[1]
        else:
            raise self.error(f"expects a predicate, a label and a predicate, or a traversal; got {args!r}")
        if self.p is not None:
            for label in p_leaf_values(self.p):
                expect_str(self, label, "predicate value (a step label)")

    def configure(self, connectives: Callable[[Traversal], None]) -> None:
        """Turn start/end labels of the where-traversal into select/match steps (strategy pass)."""
        if self.traversal is not None:
            configure_where_traversal(self.traversal, connectives)

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.bys.append(ByModulator(args, "where"))

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        out = [self.traversal] if self.traversal else []
        return out + [b.traversal for b in self.bys if b.traversal is not None]

    def _by(self, i: int) -> Callable[[Traverser], Any] | None:
        if not self.bys:
            return None
        return self.bys[i % len(self.bys)].fn

    def test(self, t: Traverser) -> bool:
        """Whether traverser ``t`` passes."""
        if self.traversal is not None:
            return self.traversal.test(t)
        ctx = self.ctx
        if self.start_key is not None:
            start = scope_value(t, self.start_key, Pop.last, ctx)
            if start is NO_VALUE:
                return False
        else:
            start = t.obj
        by0 = self._by(0)
        if by0 is not None:
            start = by0(t.replace(start))
            if start is NO_VALUE:
                return False
        missing: list[str] = []
        counter = [0]

        def resolve(label: str) -> Any:
            value = scope_value(t, label, Pop.last, ctx)
            if value is NO_VALUE:
                missing.append(label)
                return None
            counter[0] += 1
            by = self._by(counter[0])
            if by is not None:
                value = by(t.replace(value))
                if value is NO_VALUE:
                    missing.append(label)
                    return None
            return value

        p = map_p_values(self.p, resolve)
        if missing:
            return False
        return compile_p(p)(start)
