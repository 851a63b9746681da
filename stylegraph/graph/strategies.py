"""Passes over a compiled step list (each one pass, applied recursively).

- :func:`fold_connectives`: the infix ``a.and().b`` / ``a.or().b`` become
  ``and(a, b)`` / ``or(a, b)`` (ConnectiveStrategy; and binds tighter than or).
- where()-traversals get their start/end label steps (WhereTraversalStep).
- :func:`fold_has_into_graph_step`: ``V().has(...)``/``hasLabel``/``hasId`` become
  conditions of the V() step so it can use the id map, a property index or the
  label index instead of a scan (TinkerGraphStepStrategy).
- :func:`fold_properties_into_add`: ``addV()/addE()`` followed by ``property()``
  create the element with its properties in one call (as TinkerPop does).
- :func:`top_k`: ``order().by(...).limit(k)`` keeps only the k best with heapq.
- :func:`path_mode`: how much path history the traversal needs.
"""
from __future__ import annotations

from stylegraph.graph.steps.barrier import OrderStep, TopKStep
from stylegraph.graph.steps.base import Step, Traversal
from stylegraph.graph.steps.filter import ConnectiveStep, HasStep, IdentityStep
from stylegraph.graph.steps.range import RangeStep
from stylegraph.graph.steps.flatmap import EdgeVertexStep
from stylegraph.graph.steps.mutation import PropertyStep, _AddStep
from stylegraph.graph.steps.start import GraphStep, InjectStep
from stylegraph.graph.steps.where import WhereStep
from stylegraph.graph.traverser import PATH_FULL, PATH_LABELED, PATH_NONE

_FULL_PATH_STEPS = frozenset({"path", "simplePath", "cyclicPath", "tree", "otherV"})
#: steps that put labels on paths themselves (match() binds its variables there)
_LABELLING_STEPS = frozenset({"match"})


def fold_has_into_graph_step(tr: Traversal) -> None:
    """Move has()-family filters that directly follow V()/E() into that step."""
    out: list[Step] = []
    for step in tr.steps:
        prev = out[-1] if out else None
        if isinstance(prev, GraphStep) and isinstance(step, HasStep) and not step.negate:
            prev.fold(step.containers)
            prev.labels = prev.labels | step.labels
            continue
        out.append(step)
    tr.steps[:] = out


def fold_properties_into_add(tr: Traversal) -> None:
    """Let addV/addE take the property() settings that directly follow them."""
    out: list[Step] = []
    for step in tr.steps:
        prev = out[-1] if out else None
        if isinstance(prev, _AddStep) and not prev.labels and isinstance(step, PropertyStep):
            prev.fold(step.specs)
            prev.labels = step.labels
            continue
        out.append(step)
    tr.steps[:] = out


def top_k(tr: Traversal) -> None:
    """Replace ``order() ... limit(k)`` (global, k small) by a heap-based top-k step."""
    steps = tr.steps
    i = 0
    while i < len(steps) - 1:
        order, limit = steps[i], steps[i + 1]
        if isinstance(order, OrderStep) and not order.local and not order.shuffle \
                and not order.labels and isinstance(limit, RangeStep) and not limit.local \
                and limit.name in ("limit", "range") and limit.lo == 0 and limit.hi >= 0:
            fused = TopKStep(order, limit.hi)
            fused.labels = limit.labels
            steps[i:i + 2] = [fused]
        i += 1


def _is_start(step: Step) -> bool:
    return type(step) is GraphStep or (type(step) is InjectStep and step.is_start)


def _process_connective(tr: Traversal, name: str, root: bool) -> None:
    steps = tr.steps
    idx = next((i for i, s in enumerate(steps)
                if type(s) is ConnectiveStep and s.name == name and not s.traversals), None)
    if idx is None:
        return
    lo = 1 if root and steps and _is_start(steps[0]) else 0
    marker = steps[idx]
    right_steps = steps[idx + 1:]
    if marker.labels:  # a.and().as('x').b: the label starts the right operand (ConnectiveStrategy)
        start = IdentityStep("identity", [])
        start.labels = marker.labels
        right_steps.insert(0, start)
    left, right = Traversal(steps[lo:idx]), Traversal(right_steps)
    _process_connective(right, name, False)
    _process_connective(left, name, False)
    steps[lo:] = [ConnectiveStep(name, [left, right])]


def fold_connectives(tr: Traversal, root: bool = False) -> None:
    """Resolve infix and()/or() markers (or first, so that and binds tighter)."""
    _process_connective(tr, "or", root)
    _process_connective(tr, "and", root)


def _keep_connectives(tr: Traversal) -> None:
    """withoutStrategies(ConnectiveStrategy): infix and()/or() stay as they are."""


def apply_all(tr: Traversal, root: bool = False, connectives: bool = True) -> None:
    """Run every pass over ``tr`` and all nested traversals (``root``: the outermost one;
    ``connectives``: False under withoutStrategies(ConnectiveStrategy))."""
    if len(tr.steps) == 1 and type(tr.steps[0]) is GraphStep:
        return
    if connectives:
        fold_connectives(tr, root)
    for step in tr.steps:
        if type(step) is WhereStep:
            step.configure(fold_connectives if connectives else _keep_connectives)
    fold_has_into_graph_step(tr)
    fold_properties_into_add(tr)
    top_k(tr)
    for step in tr.steps:
        for child in step.children():
            apply_all(child, connectives=connectives)


def path_mode(tr: Traversal) -> int:
    """PATH_FULL if any step needs whole paths, PATH_LABELED if labels are used, else none."""
    mode = PATH_NONE
    for step in tr.walk():
        if not step.labels and type(step) is GraphStep:
            continue
        if step.name in _FULL_PATH_STEPS or (isinstance(step, EdgeVertexStep) and step.name == "otherV"):
            return PATH_FULL
        if step.labels or step.name in _LABELLING_STEPS:
            mode = PATH_LABELED
    return mode
