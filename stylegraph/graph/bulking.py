"""Traverser bulking, as TinkerPop's LazyBarrierStrategy and RepeatStep do it.

Equal traversers (same element, same loop counter; no path, no sack) are
merged into one whose ``bulk`` counts them, so that counting the walks of
``g.V().repeat(out()).times(8).count()`` costs work linear in the *distinct*
traversers of each step, not in the walks (which on TinkerPop's 808-vertex
"grateful" graph number in the tens of billions).

Only a *bulked segment* of the root traversal carries traversers with a bulk
above one, so that no step that ignores bulk ever sees one: a run of steps
that keep a traverser's bulk when they map, expand or filter it (vertex
navigation, has() filters, identity, and repeat() over such steps with
times()/until()/emit() given a predicate or a traversal that only tests), ending in a step that consumes the
bulk: count() (adds the bulks), dedup() (passes one traverser of bulk 1), groupCount()
or group().by(key).by(count()) (add the bulks per key).
In the segment a merging step follows every navigation step, and a repeat()
merges each loop's frontier and runs many starts through its body together.
Anything else (paths, sacks, labels, a by()/where() child, steps after the
consumer) runs unbulked, exactly as before: bulking never changes an answer.
"""
from __future__ import annotations

from typing import Iterator

from stylegraph.graph.steps.barrier import ReduceStep
from stylegraph.graph.steps.base import Step, Traversal
from stylegraph.graph.steps.branch import RepeatStep
from stylegraph.graph.steps.filter import HasStep, IdentityStep
from stylegraph.graph.steps.flatmap import EdgeVertexStep, VertexStep
from stylegraph.graph.steps.group import GroupStep
from stylegraph.graph.steps.range import DedupStep
from stylegraph.graph.steps.start import GraphStep
from stylegraph.graph.strategies import path_mode
from stylegraph.graph.traverser import PATH_NONE, Traverser

#: how many traversers a merging step gathers before merging (TinkerPop's NoOpBarrierStep: 2500)
BATCH = 2500


class Merger:
    """Merges equal traversers by adding their bulks (first-seen order kept)."""

    def __init__(self, batch: int = BATCH) -> None:
        self.batch = batch

    @staticmethod
    def merge(traversers: list[Traverser]) -> list[Traverser]:
        """One traverser per (object, loops), its bulk the sum of theirs."""
        if len(traversers) < 2:
            return traversers
        merged: dict[tuple[int, int], Traverser] = {}
        for t in traversers:
            key = (id(t.obj), t.loops)
            seen = merged.get(key)
            if seen is None:
                merged[key] = t
            else:
                merged[key] = seen.with_bulk(seen.bulk + t.bulk)
        return list(merged.values())

    def batches(self, it: Iterator[Traverser]) -> Iterator[list[Traverser]]:
        """The input in merged batches of up to ``batch`` traversers of equal loop counter."""
        batch: list[Traverser] = []
        for t in it:
            if batch and (len(batch) >= self.batch or t.loops != batch[0].loops):
                yield self.merge(batch)
                batch = []
            batch.append(t)
        if batch:
            yield self.merge(batch)


class MergeStep(Step):
    """Internal step (TinkerPop's NoOpBarrierStep): merges equal traversers in batches."""

    def __init__(self, merger: Merger) -> None:
        super().__init__("barrier", [])
        self.merger = merger

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Pass the input on, merged batch by batch."""
        for batch in self.merger.batches(it):
            yield from batch


def _navigation(step: Step) -> bool:
    if type(step) is EdgeVertexStep:
        return step.name != "otherV"
    return type(step) in (VertexStep, GraphStep)


def _keeps_bulk(step: Step) -> bool:
    """Whether ``step`` maps/expands/filters traversers keeping their bulk (see the module docstring)."""
    if step.labels:
        return False
    if _navigation(step) or type(step) in (HasStep, IdentityStep):
        return True
    if type(step) is RepeatStep and step.body is not None:
        # until/emit: times(n), predicates, or traversals that only test the traverser
        conditions = [c for c in step.children() if c is not step.body]
        return all(_pure(c) for c in conditions) and all(_keeps_bulk(s) for s in step.body.steps)
    return False


#: steps with an effect beyond their output (a condition holding one cannot test a merged traverser)
_EFFECTS = frozenset({"aggregate", "store", "sideEffect", "group", "groupCount", "tree", "subgraph", "sack",
                      "addV", "addE", "property", "drop", "mergeV", "mergeE", "inject", "fail", "coin",
                      "sample", "path", "simplePath", "cyclicPath", "select", "as", "withSack"})


def _pure(tr: Traversal) -> bool:
    """Whether an until()/emit() traversal only tests its traverser: its answer is the same for one
    traverser as for the many a merged one stands for."""
    return not any(s.name in _EFFECTS or s.labels for s in tr.walk())


def _consumes_bulk(step: Step, nxt: Step | None) -> bool:
    if type(step) is ReduceStep:
        return step.name == "count" and not step.local
    if type(step) is DedupStep:
        return not step.local and not step.keys and step.by is None
    if type(step) is GroupStep:
        # groupCount() adds the bulks; group().by(key).by(count()) counts them; the side-effect
        # form passes its traversers on, so only straight into cap()
        grouping = step.grouping
        key = grouping.key_by.traversal if grouping.key_by is not None else None
        value = grouping.value_traversal
        counts = grouping.counting or (value is not None and len(value.steps) == 1 and
                                       type(value.steps[0]) is ReduceStep and value.steps[0].name == "count"
                                       and not value.steps[0].local)
        return counts and (key is None or _pure(key)) and (
            step.side_effect_key is None or (nxt is not None and nxt.name == "cap"))
    return False


def apply_bulking(traversal: Traversal, sack: bool = False, merger: Merger | None = None) -> None:
    """Turn every bulked segment of the root ``traversal`` on (merging steps, bulked repeats).

    Nothing is bulked when the traversal tracks paths or labels, or uses a sack (``sack``).
    """
    if sack or path_mode(traversal) != PATH_NONE:
        return
    merger = merger or Merger()
    steps = traversal.steps
    out: list[Step] = []
    i = 0
    while i < len(steps):
        j = i
        while j < len(steps) and _keeps_bulk(steps[j]):
            j += 1
        if j > i and j < len(steps) and _consumes_bulk(steps[j], steps[j + 1] if j + 1 < len(steps) else None):
            for step in steps[i:j]:
                out.append(step)
                if type(step) is RepeatStep:
                    _bulk_repeat(step, merger)
                    out.append(MergeStep(merger))
                elif _navigation(step) and out[0] is not step:  # V() at the start: all distinct
                    out.append(MergeStep(merger))
            out.append(steps[j])
            i = j + 1
            continue
        out.extend(steps[i:max(j, i + 1)])
        i = max(j, i + 1)
    steps[:] = out


def _bulk_repeat(step: RepeatStep, merger: Merger) -> None:
    step.merge = merger
    assert step.body is not None
    for inner in step.body.steps:
        if type(inner) is RepeatStep:
            _bulk_repeat(inner, merger)
