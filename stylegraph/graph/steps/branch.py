"""Branch steps: union, coalesce, optional, local, choose/branch with option(), repeat."""
from __future__ import annotations

from typing import Any, Callable, Iterator

from gremlin_python.process.traversal import P, Pick

from stylegraph.graph.predicates import compile_p, values_equal
from stylegraph.graph.steps.base import (
    NO_VALUE, Step, Traversal, expect_int, register,
)
from stylegraph.graph.traverser import Traverser


class _ChildrenStep(Step):
    """A step whose arguments are all traversals."""

    min_children = 1
    max_children = 1 << 30

    def setup(self, args: list[Any]) -> None:
        if not (self.min_children <= len(args) <= self.max_children) or \
                not all(isinstance(a, Traversal) for a in args):
            raise self.error(f"requires traversal arguments, got {args!r}")
        self.traversals: list[Traversal] = list(args)

    def children(self) -> list[Traversal]:
        return self.traversals


@register("union")
class UnionStep(_ChildrenStep):
    """union(t1, t2, ...): every branch's results for each traverser."""

    min_children = 0

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        branches = self.traversals
        for t in it:
            for tr in branches:
                yield from tr.run_one(t)


@register("coalesce")
class CoalesceStep(_ChildrenStep):
    """coalesce(t1, t2, ...): the results of the first productive branch."""

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        branches = self.traversals
        for t in it:
            for tr in branches:
                produced = False
                for out in tr.run_one(t):
                    produced = True
                    yield out
                if produced:
                    break


@register("optional")
class OptionalStep(_ChildrenStep):
    """optional(t): t's results, or the traverser itself when t produces nothing."""

    max_children = 1

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        tr = self.traversals[0]
        for t in it:
            produced = False
            for out in tr.run_one(t):
                produced = True
                yield out
            if not produced:
                yield t


@register("local")
class LocalStep(_ChildrenStep):
    """local(t): run t separately for each traverser."""

    max_children = 1

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        tr = self.traversals[0]
        for t in it:
            yield from tr.run_one(t)


@register("choose", "branch")
class ChooseStep(Step):
    """choose(cond, true, false?) / choose(P, true, false?) / choose(t).option(key, branch)
    and branch(t).option(...).

    An unmatched choose() traverser without a Pick.none option passes through
    unchanged (Choose.feature); an unmatched branch() traverser is dropped.
    """

    accepts = frozenset({"option"})

    def setup(self, args: list[Any]) -> None:
        self.condition: Callable[[Traverser], bool] | None = None
        self.selector: Traversal | None = None
        self.true_branch: Traversal | None = None
        self.false_branch: Traversal | None = None
        self.options: list[tuple[Any, Traversal]] = []
        self._kids: list[Traversal] = []
        if not args or len(args) > 3:
            raise self.error(f"takes 1 to 3 arguments, got {args!r}")
        first = args[0]
        if len(args) == 1:
            if not isinstance(first, Traversal):
                raise self.error(f"choose(x) requires a traversal, got {first!r}")
            self.selector = first
            self._kids.append(first)
            return
        if self.name == "branch":
            raise self.error("takes one traversal; add branches with option()")
        if isinstance(first, Traversal):
            self.condition = first.test
            self._kids.append(first)
        elif isinstance(first, P):
            pred = compile_p(first)
            self.condition = lambda t: pred(t.obj)
        else:
            raise self.error(f"condition must be a traversal or predicate, got {first!r}")
        for branch in args[1:]:
            if not isinstance(branch, Traversal):
                raise self.error(f"branches must be traversals, got {branch!r}")
            self._kids.append(branch)
        self.true_branch = args[1]
        self.false_branch = args[2] if len(args) == 3 else None

    def mod_option(self, args: list[Any]) -> None:
        if self.selector is None:
            raise self.error("option() needs choose(traversal) / branch(traversal)")
        if len(args) != 2 or not isinstance(args[1], Traversal):
            raise self.error(f"option(key, traversal) expected, got {args!r}")
        key = args[0]
        if isinstance(key, Traversal):
            self._kids.append(key)
        self.options.append((key, args[1]))
        self._kids.append(args[1])

    def children(self) -> list[Traversal]:
        return self._kids

    def _picked(self, t: Traverser) -> list[Traversal]:
        assert self.selector is not None
        choice = self.selector.first(t)
        picked: list[Traversal] = []
        none_branches: list[Traversal] = []
        for key, tr in self.options:
            if key is Pick.none:
                none_branches.append(tr)
            elif key is Pick.any_:
                picked.append(tr)
            elif isinstance(key, Traversal):
                if key.test(t.replace(choice) if choice is not NO_VALUE else t):
                    picked.append(tr)
            elif choice is NO_VALUE:
                continue
            elif isinstance(key, P):
                if compile_p(key)(choice):
                    picked.append(tr)
            elif values_equal(key, choice):
                picked.append(tr)
        if not any(k is not Pick.any_ and k is not Pick.none and tr in picked
                   for k, tr in self.options):
            picked.extend(none_branches)
        if self.name == "choose" and picked:
            return picked[:1]
        return picked

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.selector is not None:
            passthrough = self.name == "choose"
            for t in it:
                picked = self._picked(t)
                if not picked and passthrough:
                    yield t
                for tr in picked:
                    yield from tr.run_one(t)
            return
        cond = self.condition
        assert cond is not None and self.true_branch is not None
        for t in it:
            if cond(t):
                yield from self.true_branch.run_one(t)
            elif self.false_branch is not None:
                yield from self.false_branch.run_one(t)
            else:
                yield t


@register("repeat")
class RepeatStep(Step):
    """repeat(body) with times()/until()/emit() before (check first) or after (check last)."""

    accepts = frozenset({"times", "until", "emit"})

    def setup(self, args: list[Any]) -> None:
        self.body: Traversal | None = None
        self.until: Callable[[Traverser], bool] | None = None
        self.until_first = False
        self.emit: Callable[[Traverser], bool] | None = None
        self.emit_first = False
        self._kids: list[Traversal] = []
        if args:
            self.set_body(args)

    def set_body(self, args: list[Any]) -> None:
        """repeat(traversal) (possibly after until()/emit()/times() were given)."""
        if len(args) == 2 and isinstance(args[0], str):
            args = args[1:]
        if len(args) != 1 or not isinstance(args[0], Traversal):
            raise self.error(f"requires one traversal, got {args!r}")
        if self.body is not None:
            raise self.error("has two bodies")
        self.body = args[0]
        self._kids.append(args[0])

    def mod_times(self, args: list[Any]) -> None:
        if len(args) != 1:
            raise self.error("times() takes one integer")
        n = expect_int(self, args[0], "times()")
        self.until = lambda t: t.loops >= n
        self.until_first = self.body is None

    def mod_until(self, args: list[Any]) -> None:
        self.until = self._condition(args, "until")
        self.until_first = self.body is None

    def mod_emit(self, args: list[Any]) -> None:
        self.emit = (lambda t: True) if not args else self._condition(args, "emit")
        self.emit_first = self.body is None

    def _condition(self, args: list[Any], what: str) -> Callable[[Traverser], bool]:
        if len(args) != 1:
            raise self.error(f"{what}() takes one traversal or predicate")
        arg = args[0]
        if isinstance(arg, Traversal):
            self._kids.append(arg)
            return arg.test
        if isinstance(arg, P):
            pred = compile_p(arg)
            return lambda t: pred(t.obj)
        raise self.error(f"{what}() requires a traversal or predicate, got {arg!r}")

    def children(self) -> list[Traversal]:
        return self._kids

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.body is None:
            raise self.error("until()/emit()/times() without a repeat() body")
        for t in it:
            yield from self._loop(t)

    def _loop(self, start: Traverser) -> Iterator[Traverser]:
        body = self.body
        assert body is not None
        until, emit = self.until, self.emit
        until_first, emit_first = self.until_first, self.emit_first
        outer = start.loops
        tick = self.ctx.tick
        frontier = [start.with_loops(0)]
        while frontier:
            entering: list[Traverser] = []
            for t in frontier:
                tick()
                if until_first and until is not None and until(t):
                    yield t.with_loops(outer)
                    continue
                if emit_first and emit is not None and emit(t):
                    yield t.with_loops(outer)
                entering.append(t)
            nxt: list[Traverser] = []
            for t in body.run(iter(entering)):
                t = t.with_loops(t.loops + 1)
                if not until_first and until is not None and until(t):
                    yield t.with_loops(outer)
                    continue
                if not emit_first and emit is not None and emit(t):
                    yield t.with_loops(outer)
                nxt.append(t)
            frontier = nxt
