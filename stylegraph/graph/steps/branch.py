"""Branch steps: union, coalesce, optional, local, choose/branch with option(), repeat."""
from __future__ import annotations

from typing import Any, Callable, Iterator

from gremlin_python.process.traversal import Column, P, Pick, T

from stylegraph.graph.pick import is_unproductive
from stylegraph.graph.predicates import compile_p, values_equal
from stylegraph.graph.steps.access import by_function
from stylegraph.graph.steps.base import (
    NO_VALUE, Step, Traversal, expect_int, register,
)
from stylegraph.graph.steps.range import RangeStep
from stylegraph.graph.traverser import Traverser


class _ChildrenStep(Step):
    """A step whose arguments are all traversals."""

    min_children = 1
    max_children = 1 << 30

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if not (self.min_children <= len(args) <= self.max_children) or \
                not all(isinstance(a, Traversal) for a in args):
            raise self.error(f"requires traversal arguments, got {args!r}")
        self.traversals: list[Traversal] = list(args)

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return self.traversals


class _GlobalChildrenStep(_ChildrenStep):
    """Children are TinkerPop "global" children: their state (dedup, limit) spans all traversers."""

    stateful = True

    def reset(self) -> None:
        """Reset the state of the global children."""
        for tr in self.children():
            tr.reset()


class NamedLoops(int):
    """A loop counter (an int: the innermost loop's count) that also carries the counts of
    the named repeat() loops it is inside, for loops("name")."""

    names: dict[str, int]

    def __new__(cls, value: int, names: dict[str, int]) -> "NamedLoops":
        obj = int.__new__(cls, value)
        obj.names = names
        return obj


def loop_count(loops: Any, name: str | None) -> int:
    """loops() / loops("name") of a traverser's loop counter (0 outside that loop)."""
    if name is None:
        return int(loops)
    names = getattr(loops, "names", None)
    return names.get(name, 0) if names else 0


@register("union")
class UnionStep(_GlobalChildrenStep):
    """union(t1, t2, ...): every branch's results for each traverser; a branch holding a
    barrier (count, fold...) sees the whole input stream at once, as in TinkerPop."""

    min_children = 0

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        branches = self.traversals
        if any(tr.has_barrier for tr in branches):
            held = list(it)
            for tr in branches:
                yield from tr.run(iter(held))
            return
        for t in it:
            for tr in branches:
                yield from tr.run_shared(t)


@register("coalesce")
class CoalesceStep(_ChildrenStep):
    """coalesce(t1, t2, ...): the results of the first productive branch."""

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        branches = self.traversals
        for t in it:
            for tr in branches:
                produced = False
                for out in tr.run_one(t):
                    produced = True
                    yield out
                if produced:
                    break


class _OneChildStep(_ChildrenStep):
    """A step with one traversal argument, run for each traverser by :meth:`run_child`."""

    max_children = 1

    def run_child(self, tr: Traversal, t: Traverser) -> Iterator[Traverser]:
        """The outputs for traverser ``t`` of the step's traversal ``tr``."""
        raise NotImplementedError

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        tr, run_child = self.traversals[0], self.run_child
        for t in it:
            yield from run_child(tr, t)


@register("optional")
class OptionalStep(_OneChildStep, _GlobalChildrenStep):
    """optional(t): t's results, or the traverser itself when t produces nothing."""

    def run_child(self, tr: Traversal, t: Traverser) -> Iterator[Traverser]:
        """t's results (shared state across traversers), else ``t`` itself."""
        produced = False
        for out in tr.run_shared(t):
            produced = True
            yield out
        if not produced:
            yield t


@register("local")
class LocalStep(_OneChildStep):
    """local(t): run t separately for each traverser."""

    def run_child(self, tr: Traversal, t: Traverser) -> Iterator[Traverser]:
        """t's results for ``t`` alone (its state starts afresh)."""
        return tr.run_one(t)


@register("choose", "branch")
class ChooseStep(Step):
    """choose(cond, true, false?) / choose(P, true, false?) / choose(t).option(key, branch)
    and branch(t).option(...).

    A traverser no option() matches, without a Pick.none option, is dropped, as in
    TinkerPop 3.7 (TinkerGraph); choose(cond, true) without a false branch lets the
    traversers that fail ``cond`` pass through unchanged. For a TinkerPop 3.8 client
    (``Context.tp38``) choose() follows 3.8's ChooseStep: an unmatched traverser takes the
    first Pick.none option, else passes through; one whose choice traversal produces nothing
    takes the first Pick.unproductive option, else passes through; choose(T.label) (a token,
    not a traversal) picks by the token's value.
    """

    accepts = frozenset({"option"})
    stateful = True

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.condition: Callable[[Traverser], bool] | None = None
        self.selector: Traversal | None = None
        #: the choice of choose(x).option(...): the selector's first result, or a token's value
        self.choice: Callable[[Traverser], Any] | None = None
        self.true_branch: Traversal | None = None
        self.false_branch: Traversal | None = None
        self.options: list[tuple[Any, Traversal]] = []
        self._kids: list[Traversal] = []
        if not args or len(args) > 3:
            raise self.error(f"takes 1 to 3 arguments, got {args!r}")
        first = args[0]
        if len(args) == 1:
            if isinstance(first, Traversal):
                self.selector = first
                self._kids.append(first)
                self.choice = first.first
            elif isinstance(first, (T, Column)):
                self.choice = by_function(first, self.name)
            else:
                raise self.error(f"choose(x) requires a traversal, got {first!r}")
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
        """Record an option() modulator."""
        if self.choice is None:
            raise self.error("option() needs choose(traversal) / branch(traversal)")
        if len(args) != 2 or not isinstance(args[1], Traversal):
            raise self.error(f"option(key, traversal) expected, got {args!r}")
        key = args[0]
        if isinstance(key, Traversal):
            self._kids.append(key)
        self.options.append((key, args[1]))
        self._kids.append(args[1])

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return self._kids

    def branches(self) -> list[Traversal]:
        """The global children: the branches (not the condition/selector)."""
        out = [tr for _, tr in self.options]
        out += [tr for tr in (self.true_branch, self.false_branch) if tr is not None]
        return out

    def reset(self) -> None:
        """Reset the branches' state."""
        for tr in self.branches():
            tr.reset()

    def _picked38(self, t: Traverser) -> list[Traversal] | None:
        """TinkerPop 3.8's BranchStep/ChooseStep routing (None: pass through unchanged)."""
        assert self.choice is not None
        choice = self.choice(t)
        picked: list[Traversal] = []
        if choice is NO_VALUE:
            picked = [tr for key, tr in self.options if is_unproductive(key)]
            if not picked and self.name == "choose":
                return None  # choose()'s default unproductive option is identity()
        else:
            for key, tr in self.options:
                if key is Pick.none or key is Pick.any_ or is_unproductive(key):
                    continue
                if isinstance(key, Traversal):
                    matched = key.test(t.replace(choice))
                elif isinstance(key, P):
                    matched = compile_p(key)(choice)
                else:
                    matched = values_equal(key, choice)
                if matched:
                    picked.append(tr)
        if not picked:
            picked = [tr for key, tr in self.options if key is Pick.none]
        if self.name == "choose":
            return picked[:1] if picked else None
        return picked + [tr for key, tr in self.options if key is Pick.any_]

    def _picked(self, t: Traverser) -> list[Traversal]:
        assert self.choice is not None
        choice = self.choice(t)
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

    def _route(self, t: Traverser) -> list[Traversal] | None:
        """The branches ``t`` goes to; None means it passes through unchanged."""
        if self.choice is not None:
            # unmatched and no Pick.none: dropped, for choose() as for branch() (TinkerPop 3.7;
            # 3.8 lets it pass through choose() instead)
            return self._picked38(t) if self.ctx.tp38 else self._picked(t)
        assert self.condition is not None and self.true_branch is not None
        if self.condition(t):
            return [self.true_branch]
        return [self.false_branch] if self.false_branch is not None else None

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if any(tr.has_barrier for tr in self.branches()):
            yield from self._apply_with_barrier(it)
            return
        for t in it:
            routes = self._route(t)
            if routes is None:
                yield t
                continue
            for tr in routes:
                yield from tr.run_shared(t)

    def _apply_with_barrier(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """A branch with a barrier gets all of its traversers first (TinkerPop's BranchStep)."""
        routed: dict[int, tuple[Traversal, list[Traverser]]] = {}
        passed: list[Traverser] = []
        for t in it:
            routes = self._route(t)
            if routes is None:
                passed.append(t)
                continue
            for tr in routes:
                routed.setdefault(id(tr), (tr, []))[1].append(t)
        for tr in self.branches():
            entry = routed.pop(id(tr), None)
            if entry is not None:
                yield from tr.run(iter(entry[1]))
        yield from passed


#: the widest loop level repeat() holds at once (TinkerPop's barriers hold 2,500 traversers)
_FRONTIER_CHUNK = 2500


@register("repeat")
class RepeatStep(Step):
    """repeat(body) with times()/until()/emit() before (check first) or after (check last)."""

    accepts = frozenset({"times", "until", "emit"})
    stateful = True

    def reset(self) -> None:
        """Reset the body's state (the body is a global child)."""
        if self.body is not None:
            self.body.reset()

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.body: Traversal | None = None
        #: repeat("name", body): the name loops("name") reads this loop's counter by
        self.loop_name: str | None = None
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
            self.loop_name = args[0]
            args = args[1:]
        if len(args) != 1 or not isinstance(args[0], Traversal):
            raise self.error(f"requires one traversal, got {args!r}")
        if self.body is not None:
            raise self.error("has two bodies")
        if any(step.name == "inject" for step in args[0].steps):
            raise self.error("The parent of inject()-step can not be repeat()-step")
        self.body = args[0]
        self._kids.append(args[0])
        for step in self.body.walk():
            if isinstance(step, RangeStep):
                step.per_loop = True

    def mod_times(self, args: list[Any]) -> None:
        """times(n): loop n times."""
        if len(args) != 1:
            raise self.error("times() takes one integer")
        n = expect_int(self, args[0], "times()")
        self.until = lambda t: t.loops >= n
        self.until_first = self.body is None

    def mod_until(self, args: list[Any]) -> None:
        """until(): the loop's exit condition."""
        self.until = self._condition(args, "until")
        self.until_first = self.body is None

    def mod_emit(self, args: list[Any]) -> None:
        """emit(): which traversers leave the loop early as results too."""
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
        """The nested traversals of this step."""
        return self._kids

    def _counter(self, outer: Any) -> Callable[[int], Any]:
        """How this loop's counter values are made: plain ints, or :class:`NamedLoops` when
        this loop or an enclosing one is named (so loops("name") can read them)."""
        names = getattr(outer, "names", None)
        name = self.loop_name
        if name is None and not names:
            return int
        base = dict(names or {})
        if name is None:
            return lambda n: NamedLoops(n, base)
        return lambda n: NamedLoops(n, {**base, name: n})

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if self.body is None:
            raise self.error("The repeat()-traversal was not defined: until()/emit()/times() without a repeat() body")
        merge = self.merge
        if merge is None and (self.ctx.tp38 or self.body.has_barrier):
            # breadth first: every start enters the body together, loop by loop (TinkerPop 3.8;
            # in 3.7 a barrier in the body gathers them all too)
            yield from self._loop_together(it)
        elif merge is None:
            for t in it:
                yield from self._loop([t])
        else:  # bulked (stylegraph.graph.bulking): many starts share one frontier
            for batch in merge.batches(it):
                yield from self._loop(batch)

    #: set by the bulking pass: merges equal traversers of each loop's frontier
    merge: Any = None

    def _loop_together(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Loop all of ``it`` as one frontier per enclosing loop count (nested repeats)."""
        by_outer: dict[Any, list[Traverser]] = {}
        for t in it:
            by_outer.setdefault(t.loops, []).append(t)
        for starts in by_outer.values():
            yield from self._loop(starts)

    def _loop(self, starts: list[Traverser]) -> Iterator[Traverser]:
        outer = starts[0].loops
        first = self._counter(outer)(0)
        return self._levels([start.with_loops(first) for start in starts], outer)

    def _levels(self, frontier: list[Traverser], outer: int) -> Iterator[Traverser]:
        """Loop level by level; a level wider than _FRONTIER_CHUNK is finished chunk by chunk
        (each chunk to the end before the next), so memory stays bounded however walks grow."""
        body = self.body
        assert body is not None
        until, emit = self.until, self.emit
        until_first, emit_first = self.until_first, self.emit_first
        tick, merge = self.ctx.tick, self.merge
        counter = self._counter(outer)
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
                t = t.with_loops(counter(t.loops + 1))
                if not until_first and until is not None and until(t):
                    yield t.with_loops(outer)
                    continue
                if not emit_first and emit is not None and emit(t):
                    yield t.with_loops(outer)
                nxt.append(t)
            frontier = nxt if merge is None else merge.merge(nxt)
            if len(frontier) > _FRONTIER_CHUNK:
                for i in range(0, len(frontier), _FRONTIER_CHUNK):
                    yield from self._levels(frontier[i:i + _FRONTIER_CHUNK], outer)
                return
