"""Verification strategies: EdgeLabelVerificationStrategy and ReservedKeysVerificationStrategy
(with TinkerPop's ``throwException``/``logWarning`` options) and StandardVerificationStrategy.

Each checks the whole traversal (nested ones included) once it is compiled; a violation
is a 499 error when ``throwException`` is true, a logged warning when ``logWarning`` is
true, and nothing otherwise (TinkerPop's ``AbstractWarningVerificationStrategy``).
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Optional

from stylegraph.graph.errors import InvalidRequestError
from stylegraph.graph.steps.barrier import FoldStep, ReduceStep
from stylegraph.graph.steps.base import Step, Traversal
from stylegraph.graph.steps.branch import RepeatStep
from stylegraph.graph.steps.flatmap import VertexStep
from stylegraph.graph.steps.group import GroupStep
from stylegraph.graph.steps.mutation import PropertyStep, _AddStep

log = logging.getLogger(__name__)

_DIRECTION_NAMES = {"out": "OUT", "in": "IN", "both": "BOTH"}
#: ReservedKeysVerificationStrategy's default reserved keys
DEFAULT_RESERVED_KEYS = ("id", "label")


def _flag(config: dict[str, Any], name: str, key: str) -> bool:
    value = config.get(key, False)
    if not isinstance(value, bool):
        raise InvalidRequestError(f"{name}: {key} must be a boolean, got {value!r}")
    return value


class _WarningVerification:
    """The shared part: the two options and what a violation does."""

    name = ""
    extra_keys: frozenset[str] = frozenset()

    def __init__(self, config: dict[str, Any]) -> None:
        unknown = sorted(str(k) for k in set(config) - {"throwException", "logWarning"} - self.extra_keys)
        if unknown:
            raise InvalidRequestError(f"{self.name}: unknown configuration key(s) {unknown}")
        self.throw = _flag(config, self.name, "throwException")
        self.warn = _flag(config, self.name, "logWarning")

    def violation(self, tr: Traversal) -> Optional[str]:
        """The message for the first violation in ``tr``, else None."""
        raise NotImplementedError

    def apply(self, tr: Traversal) -> None:
        """Check ``tr``: raise or log as configured."""
        if not (self.throw or self.warn):
            return
        message = self.violation(tr)
        if message is None:
            return
        if self.throw:
            raise InvalidRequestError(message)
        log.warning("%s", message)


class EdgeLabelVerification(_WarningVerification):
    """Every vertex step (out/in/both/outE/inE/bothE) must name its edge labels."""

    name = "EdgeLabelVerificationStrategy"

    def violation(self, tr: Traversal) -> Optional[str]:
        """The message for the first vertex step without edge labels."""
        for step in tr.walk():
            if type(step) is VertexStep and not step.edge_labels:
                shown = f"VertexStep({_DIRECTION_NAMES[step.direction]},{'edge' if step.to_edges else 'vertex'})"
                return f"The provided traversal contains a vertex step without any specified edge label: {shown}"
        return None


class ReservedKeysVerification(_WarningVerification):
    """addV()/addE()/property() may not set a reserved property key (``keys``; default id, label)."""

    name = "ReservedKeysVerificationStrategy"
    extra_keys = frozenset({"keys"})

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        keys = config.get("keys", DEFAULT_RESERVED_KEYS)
        if isinstance(keys, str) or not isinstance(keys, Iterable) or not all(isinstance(k, str) for k in keys):
            raise InvalidRequestError(f"{self.name}: keys must be a set of strings, got {keys!r}")
        self.keys = tuple(sorted(keys))

    def violation(self, tr: Traversal) -> Optional[str]:
        """The message for the first reserved key a mutating step sets."""
        for step in tr.walk():
            if isinstance(step, _AddStep):
                specs = step.folded
            elif isinstance(step, PropertyStep):
                specs = step.specs
            else:
                continue
            used = {spec.key for spec in specs if isinstance(spec.key, str)}
            for key in self.keys:
                if key in used:
                    return f"The provided traversal is setting a property key to a reserved word: {key}"
        return None


def _is_reducing_barrier(step: Step) -> bool:
    """count()/sum()/mean()/min()/max() (global), fold(), group()/groupCount() (no key)."""
    kind = type(step)
    if kind is ReduceStep:
        return not step.local
    if kind is GroupStep:
        return step.side_effect_key is None
    return kind is FoldStep


class StandardVerification:
    """StandardVerificationStrategy's check that applies here: a reducing barrier may not be
    a step of a repeat() body (profile() placement, its other check, has no subject: the
    engine offers no profile()). Made when the strategy is named in withStrategies();
    TinkerPop also applies it to every traversal by default, which this engine does not."""

    def __init__(self, config: dict[str, Any]) -> None:
        if config:
            raise InvalidRequestError(
                f"StandardVerificationStrategy takes no configuration, got {sorted(map(str, config))}")

    def apply(self, tr: Traversal) -> None:
        """Raise a 499 error for a reducing barrier directly inside a repeat() body."""
        for step in tr.walk():
            if type(step) is RepeatStep and step.body is not None:
                for inner in step.body.steps:
                    if _is_reducing_barrier(inner):
                        raise InvalidRequestError(
                            f"The parent of a reducing barrier can not be repeat()-step: {inner!r}")
