"""Barrier and reducing steps: count, sum, mean, min, max, fold, order, group,
groupCount, barrier, cap -- each also in its Scope.local form where Gremlin has one."""
from __future__ import annotations

import heapq
from decimal import Decimal
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from gremlin_python.process.traversal import Barrier, Operator, Order, Scope
from gremlin_python.statics import bigint, long
from gremlin_python.structure.graph import Path

from stylegraph.graph import jnumbers
from stylegraph.graph.dialect import DEFAULT as DEFAULT_DIALECT, TP38, Dialect
from stylegraph.graph.errors import GremlinError
from stylegraph.graph.predicates import Descending, is_number, order_key
from stylegraph.graph.steps.access import ByModulator, MapEntry, hkey
from stylegraph.graph.steps.base import (
    NO_VALUE, Step, Traversal, expect_str, register,
)
from stylegraph.graph.steps.group import LazyGroup
from stylegraph.graph.steps.operators import apply_operator
from stylegraph.graph.traverser import Traverser


def _scope(step: Step, args: list[Any]) -> tuple[bool, list[Any]]:
    if args and isinstance(args[0], Scope):
        return args[0] is Scope.local, list(args[1:])
    return False, list(args)


def _items(obj: Any) -> list[Any] | None:
    """The items a local reducer works on: list/set/tuple items, path objects, map values."""
    if isinstance(obj, MapEntry):
        return None
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)
    if isinstance(obj, Path):
        return list(obj.objects)
    if isinstance(obj, dict):
        return list(obj.values())
    return None


def _numbers(step: Step, values: Iterable[Any]) -> list[Any]:
    out = []
    for v in values:
        if v is None:
            continue
        if not is_number(v):
            raise step.error(f"requires numbers, got {v!r}", code=597)
        out.append(v)
    return out


def reduce_values(step: Step, kind: str, values: list[Any]) -> Any:
    """count/sum/mean/min/max of ``values`` (NO_VALUE when there is nothing to reduce, null
    when every value is null).

    As in TinkerPop, count() is a Long and mean() a Double. Under 3.8 semantics sum() adds
    with NumberHelper's rules (:func:`stylegraph.graph.jnumbers.add`: the highest common
    type, promoted on overflow); under 3.7 a sum of integers keeps Python's arithmetic and
    the global sum() step widens it to a Long (:func:`_global_sum`). min()/max() of numbers
    answer in the numbers' highest common type (NumberHelper.min/max)."""
    if kind == "count":
        return long(len(values))
    if not values:
        return NO_VALUE
    present = [v for v in values if v is not None]
    if not present:
        return None  # only nulls: TinkerPop's answer is null
    if kind in ("sum", "mean"):
        nums = _numbers(step, present)
        if kind == "sum" and _dialect(step) >= TP38:
            total = nums[0]
            try:
                for n in nums[1:]:
                    total = jnumbers.add(total, n)
            except ArithmeticError as exc:
                raise step.error(str(exc), code=597) from None
            return total
        if any(type(n) is float for n in nums) and any(isinstance(n, Decimal) for n in nums):
            nums = [float(n) for n in nums]  # a double with a BigDecimal: the double wins here
        total = sum(nums)
        return total / len(nums) if kind == "mean" else total
    if all(is_number(v) for v in present):
        pick = jnumbers.jmax if kind == "max" else jnumbers.jmin
        best = present[0]
        for v in present[1:]:
            best = pick(best, v)
        return best
    chooser = max if kind == "max" else min
    return chooser(present, key=order_key)


def _dialect(step: Step) -> Dialect:
    ctx = getattr(step, "ctx", None)
    return ctx.dialect if ctx is not None else DEFAULT_DIALECT


class _AlwaysBarrierStep(Step):
    """A step that always sees its whole input before emitting anything."""

    @property
    def is_barrier(self) -> bool:
        """Always a barrier."""
        return True


class _ScopedStep(Step):
    """A step whose only argument is an optional Scope: global, it is a barrier over the
    stream; Scope.local, it works on each traverser's collection and extends the path."""

    @property
    def is_barrier(self) -> bool:
        """The global form sees the whole stream."""
        return not self.local

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.local, rest = _scope(self, args)
        if rest:
            raise self.error(f"unexpected arguments {rest!r}")
        self.extends_path = self.local


@register("count", "sum", "mean", "min", "max")
class ReduceStep(_ScopedStep):
    """count()/sum()/mean()/min()/max(): reduce the stream (or, local, a collection)."""

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        kind = self.name
        if self.local:
            mode, labels = self.ctx.path_mode, self.labels
            for t in it:
                items = _items(t.obj)
                if items is None:
                    items = [t.obj]
                    if isinstance(t.obj, MapEntry) and kind == "count":
                        items = [t.obj]
                value = reduce_values(self, kind, items)
                if value is not NO_VALUE:
                    yield t.split(value, labels, mode)
            return
        if kind == "count":
            n = 0
            for t in it:
                n += t.bulk
            yield self.ctx.start(long(n), self.labels)
            return
        value = reduce_values(self, kind, [t.obj for t in it])
        if value is not NO_VALUE:
            yield self.ctx.start(_global_sum(value, self.ctx.dialect) if kind == "sum" else value, self.labels)


def _global_sum(total: Any, dialect: Dialect) -> Any:
    """TinkerPop 3.7's sum() of integers is a Long (3.8 keeps the integers' type)."""
    if dialect >= TP38:
        return total
    if isinstance(total, int) and not isinstance(total, (bool, bigint)) and -2**63 <= total < 2**63:
        return long(total)
    return total


@register("fold")
class FoldStep(_AlwaysBarrierStep):
    """fold() into a list, or fold(seed, operator)."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.seed: Any = NO_VALUE
        self.operator: Operator | None = None
        if len(args) == 2:
            if not isinstance(args[1], Operator):
                raise self.error(f"second argument must be an Operator, got {args[1]!r}")
            self.seed, self.operator = args
        elif args:
            raise self.error(f"takes no arguments or (seed, operator), got {args!r}")

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if self.operator is None:
            yield self.ctx.start([t.obj for t in it], self.labels)
            return
        acc = self.seed
        if isinstance(acc, (list, dict)):
            acc = type(acc)(acc)
        for t in it:
            acc = apply_operator(self.operator, acc, t.obj)
        yield self.ctx.start(acc, self.labels)


def sort_key_fn(bys: list[ByModulator]) -> Callable[[Traverser], Any]:
    """A key function over traversers for the given by() modulators (NO_VALUE if unproductive)."""
    if not bys:
        return lambda t: order_key(t.obj)
    specs = [(b.fn, b.order is Order.desc) for b in bys]

    def key(t: Traverser) -> Any:
        parts = []
        for fn, desc in specs:
            value = fn(t)
            if value is NO_VALUE:
                return NO_VALUE
            k = order_key(value)
            parts.append(Descending(k) if desc else k)
        return tuple(parts)

    return key


@register("order")
class OrderStep(_ScopedStep):
    """order().by(...)... (global barrier) or order(local) of a list/map."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        super().setup(args)
        self.bys: list[ByModulator] = []

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.bys.append(ByModulator(args, "order", allow_order=True))

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return [b.traversal for b in self.bys if b.traversal is not None]

    @property
    def shuffle(self) -> bool:
        """True when the (last) comparator is Order.shuffle."""
        return any(b.order is Order.shuffle for b in self.bys)

    def keyed(self, it: Iterable[Traverser]) -> list[tuple[Any, Traverser]]:
        """(sort key, traverser) pairs, dropping traversers whose by() is unproductive."""
        key = sort_key_fn([b for b in self.bys if b.order is not Order.shuffle])
        out = []
        for t in it:
            k = key(t)
            if k is not NO_VALUE:
                out.append((k, t))
        return out

    def sort(self, it: Iterable[Traverser]) -> list[Traverser]:
        """The traversers in order."""
        if self.shuffle:
            items = [t for _, t in self.keyed(it)]
            self.ctx.random.shuffle(items)
            return items
        pairs = self.keyed(it)
        pairs.sort(key=lambda p: p[0])
        return [t for _, t in pairs]

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if not self.local:
            yield from self.sort(it)
            return
        mode, labels = self.ctx.path_mode, self.labels
        for t in it:
            yield t.split(self._sort_local(t), labels, mode)

    def _sort_local(self, t: Traverser) -> Any:
        obj = t.obj
        if isinstance(obj, dict):
            entries = [t.replace(MapEntry(k, v)) for k, v in obj.items()]
            return {e.obj[0]: e.obj[1] for e in self.sort(entries)}
        if isinstance(obj, (list, tuple, set)):
            return [x.obj for x in self.sort([t.replace(v) for v in obj])]
        return obj


@register("barrier")
class BarrierStep(_AlwaysBarrierStep):
    """barrier() / barrier(Barrier.normSack): collect every traverser before passing any on.

    As TinkerPop's NoOpBarrierStep (a TraverserSet), equal traversers -- same object, loop
    count and path -- are merged when they carry no sack or withSack() gave a merge
    operator: their sacks are merged with it; the merged traverser continues as many
    times as it stands for, or once under withBulk(false). normSack then divides every
    sack by the sum of all of them (SackFunctions.Barrier.normSack).
    """

    def setup(self, args: list[Any]) -> None:
        """An optional max size, or Barrier.normSack."""
        # gremlinpython has two members for it: normSack (from drivers) and norm_sack (Python API)
        self.norm_sack = bool(args) and isinstance(args[0], Barrier) and \
            args[0] in (Barrier.normSack, Barrier.norm_sack)
        if self.norm_sack:
            return
        if len(args) > 1 or (args and (not isinstance(args[0], int) or isinstance(args[0], bool))):
            raise self.error(f"takes an optional max size or Barrier.normSack, got {args!r}")

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        ctx = self.ctx
        if ctx.sack_merge is None and ctx.bulk and not self.norm_sack:
            yield from list(it)
            return
        groups = self._merged(list(it))
        if self.norm_sack:
            total = sum(t.sack * n for t, n in groups)
            groups = [(t.with_sack(t.sack * n / total if total else t.sack), n) for t, n in groups]
        for t, n in groups:
            for _ in range(n if ctx.bulk else 1):
                yield t

    def _merged(self, held: list[Traverser]) -> list[tuple[Traverser, int]]:
        """(traverser, how many it stands for), equal traversers merged."""
        merge = self.ctx.sack_merge
        groups: dict[Any, list[Any]] = {}
        out: list[list[Any]] = []
        for t in held:
            if t.sack is not None and merge is None:
                out.append([t, 1])
                continue
            key = (hkey(t.obj), int(t.loops), _path_key(t))
            entry = groups.get(key)
            if entry is None:
                entry = groups[key] = [t, 1]
                out.append(entry)
                continue
            first = entry[0]
            if merge is not None:
                entry[0] = first.with_sack(apply_operator(merge, first.sack, t.sack))
            entry[1] += 1
        return [(t, n) for t, n in out]


def _path_key(t: Traverser) -> Any:
    """The traverser's path as a hashable value (its objects and labels)."""
    return tuple((hkey(node.obj), node.labels) for node in t.path_entries())


@register("cap")
class CapStep(_AlwaysBarrierStep):
    """cap(keys...): after the whole stream, emit side effect(s)."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if not args:
            raise self.error("requires at least one side-effect key")
        self.keys = [expect_str(self, a, "side-effect key") for a in args]

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        deque(it, maxlen=0)
        effects = self.ctx.side_effects
        values = {}
        for k in self.keys:
            if k not in effects:
                raise GremlinError(f"cap(): no side effect named {k!r}")
            v = effects[k]
            values[k] = v.value() if isinstance(v, LazyGroup) else v
        value = values[self.keys[0]] if len(self.keys) == 1 else values
        yield self.ctx.start(value, self.labels)


class TopKStep(_AlwaysBarrierStep):
    """order().by(...).limit(k) fused by the top-k strategy: heapq.nsmallest, no full sort."""

    def __init__(self, order: OrderStep, k: int) -> None:
        super().__init__("order", [])
        self.order = order
        self.k = k
        self.labels = order.labels

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return self.order.children()

    def bind(self, ctx: Any) -> None:
        """Bind this step and the order() step it wraps."""
        super().bind(ctx)
        self.order.bind(ctx)

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        pairs = self.order.keyed(it)
        if len(pairs) > self.k:
            pairs = heapq.nsmallest(self.k, pairs, key=_first)
        else:
            pairs.sort(key=_first)
        for _, t in pairs:
            yield t

    def __repr__(self) -> str:
        return f"topK({self.k})"


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]
