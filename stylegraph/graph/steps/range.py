"""Counting/remembering filters: dedup, limit, range, skip, tail, sample -- global
(on the traverser stream) and Scope.local (on a list or map)."""
from __future__ import annotations

from collections import deque
from typing import Any, Iterator

from gremlin_python.process.traversal import Pop, Scope

from stylegraph.graph.predicates import is_number
from stylegraph.graph.steps.access import ByModulator, distinct, hkey
from stylegraph.graph.steps.base import (
    NO_VALUE, Context, Step, Traversal, expect_int, expect_str, register,
)
from stylegraph.graph.steps.scope import scope_value
from stylegraph.graph.traverser import PATH_NONE, Traverser


@register("dedup")
class DedupStep(Step):
    """dedup(), dedup(labels...), dedup().by(...), dedup(local)."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.local = bool(args) and args[0] is Scope.local
        if args and isinstance(args[0], Scope):
            args = args[1:]
        self.keys = [expect_str(self, a, "label") for a in args]
        self.by: ByModulator | None = None

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.by = ByModulator(args, "dedup")

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return [self.by.traversal] if self.by and self.by.traversal else []

    def _key(self, t: Traverser) -> Any:
        if self.keys:
            vals = []
            for k in self.keys:
                v = scope_value(t, k, Pop.last, self.ctx)
                if v is not NO_VALUE and self.by is not None:
                    v = self.by.fn(t.replace(v))
                if v is NO_VALUE:
                    return NO_VALUE
                vals.append(v)
            return hkey(vals)
        v = self.by.fn(t) if self.by is not None else t.obj
        return NO_VALUE if v is NO_VALUE else hkey(v)

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if self.local:
            for t in it:
                yield t.replace(local_dedup(t.obj))
            return
        seen = self.seen
        for t in it:
            k = self._key(t)
            if k is NO_VALUE or k in seen:
                continue
            seen.add(k)
            yield t if t.bulk == 1 else t.with_bulk(1)

    @property
    def stateful(self) -> bool:  # type: ignore[override]
        """Global dedup() remembers what it has seen across traversers."""
        return not self.local

    def reset(self) -> None:
        """Forget the objects seen so far."""
        self.seen: set[Any] = set()


def local_dedup(obj: Any) -> Any:
    """dedup(local) of a collection: an ordered set (a Set in results, as in TinkerPop)."""
    if isinstance(obj, (list, tuple, set)):
        return distinct(obj)
    return obj


def _range_args(step: Step, args: list[Any], name: str) -> tuple[bool, int, int]:
    local = bool(args) and args[0] is Scope.local
    if args and isinstance(args[0], Scope):
        args = args[1:]
    ints = [expect_int(step, a, "bound") for a in args]
    if name in ("limit", "tail", "skip"):
        if len(ints) != 1:
            raise step.error("takes one integer")
        n = ints[0]
        if name == "limit":
            return local, 0, n
        if name == "skip":
            return local, n, -1
        return local, n, -2  # tail marker
    if len(ints) != 2:
        raise step.error("takes two integers (low, high)")
    lo, hi = ints
    if lo < 0 or (hi != -1 and hi < lo):
        raise step.error(f"invalid range ({lo}, {hi})")
    return local, lo, hi


def local_range(obj: Any, lo: int, hi: int, single: bool) -> Any:
    """range(local)/limit(local)/skip(local) of a list or map; ``single``: a one-element
    range gives the element itself, nothing when the list is too short (TinkerPop 3.7;
    3.8 always gives a list)."""
    if isinstance(obj, dict):
        items = list(obj.items())
        items = items[lo:] if hi == -1 else items[lo:hi]
        return dict(items)
    if isinstance(obj, (list, tuple)):
        part = list(obj[lo:]) if hi == -1 else list(obj[lo:hi])
        if single and hi - lo == 1:
            return part[0] if part else NO_VALUE
        return part
    return obj  # a scalar is not a collection: range(local) leaves it as it is


def local_tail(obj: Any, n: int, single: bool = True) -> Any:
    """tail(local, n) of a list or map; ``single`` as for :func:`local_range`."""
    if isinstance(obj, dict):
        items = list(obj.items())
        return dict(items[len(items) - n:] if n else [])
    if isinstance(obj, (list, tuple)):
        part = list(obj[len(obj) - n:]) if n else []
        if single and n == 1:
            return part[0] if part else NO_VALUE
        return part
    return obj


@register("limit", "range", "skip", "tail")
class RangeStep(Step):
    """limit/range/skip/tail, global (a filter on the stream) or local (on a collection)."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if self.name == "tail" and not any(not isinstance(a, Scope) for a in args):
            args = list(args) + [1]
        self.local, self.lo, self.hi = _range_args(self, list(args), self.name)
        #: inside a repeat() body the count restarts for every loop. That is TinkerPop 3.8's rule;
        #: 3.7 gives the same for repeat(...).times(n) (RepeatUnrollStrategy unrolls the body into
        #: separate steps) but shares one count across loops of until()/emit() repeats.
        self.per_loop = False
        self.positions: dict[int, int] = {}

    @property
    def stateful(self) -> bool:  # type: ignore[override]
        """Global limit/range/skip count traversers across invocations of a global child."""
        return not self.local and self.hi != -2

    @property
    def is_barrier(self) -> bool:
        """Global tail() needs the whole stream."""
        return not self.local and self.hi == -2

    def reset(self) -> None:
        """Start counting from zero."""
        self.positions = {}

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        lo, hi = self.lo, self.hi
        if self.local:
            single = not self.ctx.tp38
            for t in it:
                obj = local_tail(t.obj, lo, single) if hi == -2 else local_range(t.obj, lo, hi, single)
                if obj is not NO_VALUE:
                    yield t.replace(obj)
            return
        if hi == -2:
            yield from deque(it, maxlen=lo) if lo > 0 else ()
            return
        positions = self.positions
        if self.per_loop:
            for t in it:
                pos = positions.get(t.loops, 0)
                positions[t.loops] = pos + 1
                if pos >= lo and (hi == -1 or pos < hi):
                    yield t
            return
        if hi != -1 and positions.get(0, 0) >= hi:
            return
        for t in it:
            pos = positions.get(0, 0)
            positions[0] = pos + 1
            if pos >= lo:
                yield t
            if hi != -1 and pos + 1 >= hi:
                return


@register("sample")
class SampleStep(Step):
    """sample(n): n traversers chosen at random (global), or sample(local, n); with
    by(weight) the choice is weighted (TinkerPop's SampleGlobalStep: a traverser whose
    weight is unproductive is dropped, a weight that is not a number is an error)."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.local = bool(args) and args[0] is Scope.local
        if args and isinstance(args[0], Scope):
            args = args[1:]
        if len(args) != 1:
            raise self.error("takes one integer")
        self.n = expect_int(self, args[0], "sample size")
        self.by: ByModulator | None = None

    def mod_by(self, args: list[Any]) -> None:
        """by(weight): the probability weight of each traverser."""
        if self.local:
            raise self.error("sample(local) takes no by() modulator")
        self.by = ByModulator(args, "sample")

    def children(self) -> list[Traversal]:
        """The weight traversal, if any."""
        return [self.by.traversal] if self.by and self.by.traversal else []

    @property
    def is_barrier(self) -> bool:
        """Global sample() needs the whole stream."""
        return not self.local

    def bind(self, ctx: Context) -> None:
        """Attach the context; take this step's generator (SeedStrategy: its own)."""
        super().bind(ctx)
        self._rng = ctx.seeded_random()

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if self.local:
            for t in it:
                yield t.replace(self._sample_local(t.obj))
            return
        if self.by is None:
            weighted = [(t, 1.0) for t in it]  # TinkerPop's default weight: constant(1.0)
        else:
            weighted = self._weighted(it)
        yield from self._weighted_sample(weighted)

    def _sample_local(self, obj: Any) -> Any:
        """SampleLocalStep: n items (or map entries) drawn one by one without replacement;
        a collection of n or fewer is returned as it is."""
        if isinstance(obj, dict):
            if len(obj) <= self.n:
                return obj
            entries = list(obj.items())
            return dict(entries.pop(self._rng.randrange(len(entries))) for _ in range(self.n))
        if isinstance(obj, (list, tuple, set)):
            if len(obj) <= self.n:
                return obj
            items = list(obj)
            return [items.pop(self._rng.randrange(len(items))) for _ in range(self.n)]
        return obj

    def _weighted(self, it: Iterator[Traverser]) -> list[tuple[Traverser, float]]:
        assert self.by is not None
        out = []
        for t in it:
            weight = self.by.fn(t)
            if weight is NO_VALUE:
                continue
            if not is_number(weight):
                raise self.error(f"Traverser {t.obj!r} does not evaluate to a number", code=597)
            out.append((t, float(weight)))
        return out

    def _merged(self, weighted: list[tuple[Traverser, float]]) -> list[list[Any]]:
        """[traverser, weight, bulk] with equal traversers merged, first seen first (the
        TraverserSet TinkerPop samples from; traversers with paths stay apart)."""
        if self.ctx.path_mode != PATH_NONE:
            return [[t, w, t.bulk] for t, w in weighted]
        groups: dict[Any, list[Any]] = {}
        for t, w in weighted:
            group = groups.get(hkey(t.obj))
            if group is None:
                groups[hkey(t.obj)] = [t, w, t.bulk]
            else:
                group[2] += t.bulk
        return list(groups.values())

    def _weighted_sample(self, weighted: list[tuple[Traverser, float]]) -> Iterator[Traverser]:
        """SampleGlobalStep.barrierConsumer: walk the traversers (a unit of bulk at a time),
        taking one with probability weight / remaining weight, until n are taken."""
        groups = self._merged(weighted)
        if sum(bulk for _, _, bulk in groups) <= self.n:
            yield from (t for t, _ in weighted)
            return
        total = sum(w * bulk for _, w, bulk in groups)
        if total <= 0:
            return
        draw = self._rng.random
        taken = [0] * len(groups)
        order: list[int] = []
        count = 0
        while count < self.n and any(taken[i] < bulk and w > 0 for i, (_, w, bulk) in enumerate(groups)):
            running = total
            for i, (_, weight, bulk) in enumerate(groups):
                picked = False
                for _ in range(bulk - taken[i]):
                    r = draw()
                    # running <= weight: the ratio is 1 or more (also when rounding drove
                    # running to 0), so the unit is taken, as in TinkerPop
                    if weight > 0 and (running <= weight or r <= weight / running):
                        if not taken[i]:
                            order.append(i)
                        taken[i] += 1
                        count += 1
                        total -= weight
                        picked = True
                        break
                    running -= weight
                if picked or count >= self.n:
                    break
        for i in order:
            yield groups[i][0].with_bulk(taken[i])
