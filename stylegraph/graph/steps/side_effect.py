"""Side-effect steps: sideEffect(traversal), aggregate(), store()."""
from __future__ import annotations

from collections import deque
from typing import Any, Iterator

from gremlin_python.process.traversal import Operator, Scope

from stylegraph.graph.errors import GremlinError
from stylegraph.graph.steps.access import ByModulator, GSet, distinct, hkey
from stylegraph.graph.steps.base import (
    NO_VALUE, SideEffectStep, Step, Traversal, TraversalArgStep, expect_str, register,
)
from stylegraph.graph.steps.operators import apply_operator
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

    def _target(self) -> list[Any]:
        """The collection values are added to: the side effect's list, or its set (a
        withSideEffect(key, set) initial value keeps set semantics)."""
        effects = self.ctx.side_effects
        current = effects.get(self.key)
        if isinstance(current, (set, frozenset)):
            current = distinct(current)
            effects[self.key] = current
        elif not isinstance(current, list):
            current = [] if current is None else list(current) if isinstance(current, tuple) else [current]
            effects[self.key] = current
        return current

    def _add(self, values: list[Any]) -> None:
        """Add produced values to the side effect, through its reducer when it has one
        (AggregateGlobalStep/AggregateLocalStep: addAll and assign take them all at once,
        other operators one by one)."""
        op = self.ctx.reducers.get(self.key)
        effects = self.ctx.side_effects
        if op is None or op is Operator.addAll or op is Operator.add_all:
            target = self._target()
            if isinstance(target, GSet):
                seen = {hkey(x) for x in target}
                for value in values:
                    if hkey(value) not in seen:
                        seen.add(hkey(value))
                        target.append(value)
            else:
                target.extend(values)
            return
        if op is Operator.assign:
            effects[self.key] = list(values)
            return
        for value in values:
            effects[self.key] = apply_operator(op, effects.get(self.key), value)

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if self.ctx.reducers.get(self.key) in (None, Operator.addAll, Operator.add_all):
            self._target()  # cap() finds an empty collection when nothing arrives
        fn = self.by.fn if self.by is not None else None
        if self.lazy:
            for t in it:
                value = fn(t) if fn is not None else t.obj
                if value is not NO_VALUE:
                    self._add([value])
                yield t
            return
        held = list(it)
        values = []
        for t in held:
            value = fn(t) if fn is not None else t.obj
            if value is not NO_VALUE:
                values.append(value)
        if held:
            self._add(values)
        yield from held



#: Gremlin Server's status for a fail() step (ResponseStatusCode.SERVER_FAIL_STEP)
FAIL_STEP_CODE = 595


@register("fail")
class FailStep(SideEffectStep):
    """fail() / fail(message): the first traverser to reach it ends the traversal with an
    error (status 595, the message or "fail() step triggered")."""

    def setup(self, args: list[Any]) -> None:
        """An optional message."""
        if len(args) > 1:
            raise self.error(f"takes at most one message, got {args!r}")
        self.message = expect_str(self, args[0], "message") if args else "fail() step triggered"

    def side_effect(self, t: Traverser) -> None:
        """Raise the step's error."""
        raise GremlinError(self.message, code=FAIL_STEP_CODE)
