"""match(patterns...): declarative pattern matching over step labels (TinkerPop's MatchStep).

Each pattern starts with a variable (``as('a')``), or is a ``where()``/``not()``
filter, or an ``and()``/``or()`` of patterns (a nested match). A traversal
pattern runs from the value bound to its start variable; its end variable
(``as('b')`` on the last step) is bound to the result, or, when already bound,
must equal it. Bindings live on the traverser's path as step labels, so
``where()``/``select()`` inside a pattern see them. The incoming traverser is
bound to the computed start variable unless its path already binds one of the
patterns' start variables. Every complete solution gives a map of the match's
variables. Patterns holding barriers run per traverser, as TinkerPop makes them
local; the order patterns are tried in follows TinkerPop's preference (filters
and patterns whose end is bound first), so results are unordered as in
TinkerPop.
"""
from __future__ import annotations

from typing import Any, Iterator, Optional

from gremlin_python.process.traversal import Pop

from stylegraph.graph.errors import GremlinError
from stylegraph.graph.predicates import p_leaf_values, values_equal
from stylegraph.graph.steps.base import NO_VALUE, Step, Traversal, register
from stylegraph.graph.steps.scope import path_value
from stylegraph.graph.traverser import EMPTY_LABELS, Traverser

_TRAVERSE, _FILTER, _AND, _OR = "traverse", "filter", "and", "or"


class Pattern:
    """One analysed match()-pattern."""

    def __init__(self, kind: str, traversal: Optional[Traversal], start: Optional[str],
                 end: Optional[str], subs: Optional[list["Pattern"]] = None) -> None:
        self.kind = kind
        self.traversal = traversal
        self.start = start
        self.end = end
        self.subs = subs or []
        #: variables that must be bound before the pattern can run (set by MatchStep)
        self.requires: frozenset[str] = frozenset()

    def start_labels(self) -> set[str]:
        """The start variables of this pattern (of its sub-patterns, when nested)."""
        if self.subs:
            return set().union(*(p.start_labels() for p in self.subs))
        return {self.start} if self.start is not None else set()

    def end_labels(self) -> set[str]:
        """The end variables this pattern binds."""
        if self.subs:
            return set().union(*(p.end_labels() for p in self.subs))
        return {self.end} if self.end is not None else set()


def referenced_labels(tr: Traversal) -> set[str]:
    """Step labels read by the where()/select() steps anywhere in ``tr``."""
    out: set[str] = set()
    for step in tr.walk():
        key = getattr(step, "key", None)
        if step.name in ("where-start", "where-end") and isinstance(key, str):
            out.add(key)
        elif step.name == "where":
            if step.start_key is not None:  # type: ignore[attr-defined]
                out.add(step.start_key)  # type: ignore[attr-defined]
            if step.p is not None:  # type: ignore[attr-defined]
                out.update(v for v in p_leaf_values(step.p) if isinstance(v, str))  # type: ignore[attr-defined]
        elif step.name == "select":
            out.update(k for k in step.keys if isinstance(k, str))  # type: ignore[attr-defined]
    return out


def analyse(step: Step, tr: Traversal) -> Pattern:
    """The pattern ``tr`` of match step ``step`` (its start/end variables taken off)."""
    from stylegraph.graph.steps.where import configure_where_traversal

    steps = tr.steps
    if not steps:
        raise step.error("All match()-traversals must have a single start label (i.e. variable): []")
    first = steps[0]
    if first.name in ("and", "or") and first.children():
        subs = [analyse(step, child) for child in first.children()]
        if len(steps) > 1:
            raise step.error("a match()-pattern starting with and()/or() cannot continue after it")
        return Pattern(_AND if first.name == "and" else _OR, None, None, None, subs)
    if first.name == "not":
        configure_where_traversal(first.children()[0], lambda _tr: None)
        return Pattern(_FILTER, tr, None, None)
    if first.name == "where":
        return Pattern(_FILTER, tr, getattr(first, "start_key", None), None)
    if first.name != "identity" or len(first.labels) != 1:
        raise step.error(f"All match()-traversals must have a single start label (i.e. variable): {tr!r}")
    start = next(iter(first.labels))
    body = Traversal(steps[1:])
    end: Optional[str] = None
    if body.steps:
        last = body.steps[-1]
        if len(last.labels) > 1:
            raise step.error(f"The end step of a match()-traversal can have at most one label: {last!r}")
        if last.labels:
            end = next(iter(last.labels))
            last.labels = EMPTY_LABELS
    tr.steps[:] = body.steps
    return Pattern(_TRAVERSE, tr, start, end)


def compute_start_label(patterns: list[Pattern]) -> str:
    """MatchStep.Helper.computeStartLabel: a start variable no pattern binds, else the
    first variable in the order the patterns' bindings impose."""
    starts: list[str] = []
    ends: set[str] = set()
    for p in patterns:
        starts.extend(sorted(p.start_labels()) if p.subs else [s for s in [p.start] if s])
        ends.update(p.end_labels())
    for label in starts:
        if label not in ends:
            return label
    order: list[str] = []
    for p in patterns:
        for label in [*sorted(p.start_labels()), *sorted(p.end_labels())]:
            if label not in order:
                order.append(label)
    for label in order:  # a variable no pattern reaches from another one
        if not any(label in p.end_labels() and other in p.start_labels()
                   for p in patterns for other in order if other != label):
            return label
    return order[0]


def _bound(t: Traverser, label: str) -> bool:
    node = t.path
    while node is not None:
        if label in node.labels:
            return True
        node = node.prev
    return False


@register("match")
class MatchStep(Step):
    """match(patterns...): a map of the variables for every way the patterns match."""

    extends_path = True

    def setup(self, args: list[Any]) -> None:
        """One or more anonymous traversals (the patterns)."""
        if not args or not all(isinstance(a, Traversal) for a in args):
            raise self.error(f"requires one or more traversal patterns, got {args!r}")
        self.traversals: list[Traversal] = list(args)
        self.patterns: list[Pattern] | None = None

    def children(self) -> list[Traversal]:
        """The pattern traversals (and those nested in and()/or() patterns)."""
        return self.traversals

    def bind(self, ctx: Any) -> None:
        """Bind the patterns and analyse them (once: after the strategies ran)."""
        if self.patterns is None:
            self.patterns = [analyse(self, tr) for tr in self.traversals]
            self.variables = set().union(*(p.start_labels() | p.end_labels() for p in self.patterns))
            self.start_vars = set().union(*(p.start_labels() for p in self.patterns))
            self.start_label = compute_start_label(self.patterns)
            for p in self.patterns:
                self._requirements(p)
        super().bind(ctx)

    def _requirements(self, p: Pattern) -> None:
        """What ``p`` (and its sub-patterns) needs bound: its start variable and the
        variables its where()/select() steps read."""
        if p.subs:
            for sub in p.subs:
                self._requirements(sub)
            inner_ends = p.end_labels()
            p.requires = frozenset(set().union(*(s.requires for s in p.subs)) - inner_ends)
            return
        assert p.traversal is not None
        needed = referenced_labels(p.traversal) & self.variables
        if p.start is not None:
            needed.add(p.start)
        if p.end is not None and p.end != p.start:
            needed.discard(p.end)
        p.requires = frozenset(needed)

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Every solution of the patterns for each input traverser, as a map."""
        assert self.patterns is not None
        mode, labels, tick = self.ctx.path_mode, self.labels, self.ctx.tick
        for t in it:
            tick()
            if not any(_bound(t, label) for label in self.start_vars):
                t = t.with_labels(frozenset((self.start_label,)), mode)
            for done in self._solve(t, self.patterns, frozenset()):
                yield done.split(self._bindings(done), labels, mode)

    def _bindings(self, t: Traverser) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for node in t.path_entries():
            for label in node.labels:
                if label in self.variables:
                    out[label] = node.obj
        return out

    def _next(self, t: Traverser, patterns: list[Pattern], done: frozenset[int]) -> Pattern:
        """The pattern to try next: a ready filter or a ready pattern whose end is bound,
        else the first ready one (TinkerPop's CountMatchAlgorithm preference)."""
        ready = None
        for i, p in enumerate(patterns):
            if i in done or not all(_bound(t, label) for label in p.requires):
                continue
            if p.kind == _FILTER or (p.end is not None and _bound(t, p.end)):
                return p
            if ready is None:
                ready = p
        if ready is None:
            raise GremlinError(f"The provided match pattern is unsolvable: {self.traversals!r}")
        return ready

    def _solve(self, t: Traverser, patterns: list[Pattern], done: frozenset[int]) -> Iterator[Traverser]:
        if len(done) == len(patterns):
            yield t
            return
        p = self._next(t, patterns, done)
        rest = done | {patterns.index(p)}
        for out in self._run(p, t):
            yield from self._solve(out, patterns, rest)

    def _run(self, p: Pattern, t: Traverser) -> list[Traverser]:
        """The traversers pattern ``p`` gives for ``t`` (its end variable bound)."""
        if p.kind == _AND:
            return list(self._solve(t, p.subs, frozenset()))
        if p.kind == _OR:
            return [out for sub in p.subs if all(_bound(t, label) for label in sub.requires)
                    for out in self._run(sub, t)]
        assert p.traversal is not None
        if p.kind == _FILTER:
            return [t] if p.traversal.test(t) else []
        mode = self.ctx.path_mode
        start = path_value(t, p.start, Pop.last) if p.start is not None else t.obj
        if start is NO_VALUE:
            return []
        begin = t.split(start, EMPTY_LABELS, mode)
        outs = list(p.traversal.run_one(begin))
        if p.traversal.has_barrier:  # a reducing barrier starts new paths: continue the start's
            outs = [begin.split(out.obj, EMPTY_LABELS, mode) for out in outs]
        if p.end is None:
            return outs
        end = frozenset((p.end,))
        kept = []
        for out in outs:
            if _bound(out, p.end):
                bound = path_value(out, p.end, Pop.last)
                if not (bound is out.obj or values_equal(bound, out.obj)):
                    continue
            kept.append(out.with_labels(end, mode))
        return kept
