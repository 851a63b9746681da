"""Side-effect steps: sideEffect(traversal), aggregate(), store()."""
from __future__ import annotations

from collections import deque
from typing import Any, Iterator

from gremlin_python.process.traversal import Scope

from stylegraph.graph.steps.access import ByModulator
from stylegraph.graph.steps.base import (
    NO_VALUE, SideEffectStep, Step, Traversal, TraversalArgStep, expect_str, register,
)
from stylegraph.graph.traverser import Traverser


@register("sideEffect")
class SideEffectTraversalStep(TraversalArgStep, SideEffectStep):
    """sideEffect(traversal): run the traversal for each traverser, pass the traverser on."""

    def side_effect(self, t: Traverser) -> None:
        """Run the side effect for traverser ``t``."""
        deque(self.traversal.run_one(t), maxlen=0)


@register("aggregate", "store")
class AggregateStep(Step):
    """aggregate('x') (a barrier: the list is complete before anything moves on),
    aggregate(local, 'x') / store('x') (lazy: filled as traversers pass)."""

    accepts = frozenset({"by"})

    @property
    def is_barrier(self) -> bool:
        """aggregate() (global scope) holds everything back until the stream ends."""
        return not self.lazy

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.lazy = self.name == "store"
        if args and isinstance(args[0], Scope):
            self.lazy = args[0] is Scope.local
            args = args[1:]
        if len(args) != 1:
            raise self.error("requires one side-effect key")
        self.key = expect_str(self, args[0], "side-effect key")
        self.by: ByModulator | None = None

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.by = ByModulator(args, self.name)

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return [self.by.traversal] if self.by and self.by.traversal else []

    def _target(self) -> list[Any] | set[Any]:
        """The side effect's collection: a list, or a set when withSideEffect() gave a set."""
        effects = self.ctx.side_effects
        current = effects.get(self.key)
        if not isinstance(current, (list, set)):
            current = [] if current is None else list(current) if isinstance(
                current, (frozenset, tuple)) else [current]
            effects[self.key] = current
        return current

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        collection = self._target()
        target = _SetAppender(collection, self) if isinstance(collection, set) else collection
        fn = self.by.fn if self.by is not None else None
        if self.lazy:
            for t in it:
                value = fn(t) if fn is not None else t.obj
                if value is not NO_VALUE:
                    target.append(value)
                yield t
            return
        held = list(it)
        for t in held:
            value = fn(t) if fn is not None else t.obj
            if value is not NO_VALUE:
                target.append(value)
        yield from held


class _SetAppender:
    """``append`` for a set-valued side effect (withSideEffect("a", set)): adds, once per value."""

    __slots__ = ("items", "step")

    def __init__(self, items: set[Any], step: Any) -> None:
        self.items = items
        self.step = step

    def append(self, value: Any) -> None:
        """Add ``value`` to the set."""
        try:
            self.items.add(value)
        except TypeError:
            raise self.step.error(f"cannot add the unhashable {type(value).__name__} {value!r} "
                                  f"to the set side effect {self.step.key!r}", code=597) from None
