"""ElementIdStrategy: element ids kept in a property of their own (TinkerPop's
``ElementIdStrategy``), for graphs whose ids cannot be chosen by the client.

Configuration: ``idPropertyKey`` (default ``__id``); ``idMaker`` (a lambda in TinkerPop)
is refused, as the engine takes no lambdas: new ids are random UUID strings, one per
mutating step (TinkerPop draws its ``idMaker`` once per step, too). As in TinkerPop:
``g.V(ids)``/``g.E(ids)`` at the start become ``has(idPropertyKey, within(ids))``,
``has(T.id, ...)``/``hasId()`` test ``idPropertyKey``, ``id()`` reads it, and
``addV()``/``addE()`` store ``property(T.id, x)`` (or a new id) under it.
"""
from __future__ import annotations

import uuid
from typing import Any

from gremlin_python.process.traversal import P, T

from stylegraph.graph.decoration.rewrite import all_traversals
from stylegraph.graph.errors import InvalidRequestError
from stylegraph.graph.steps.base import Step, Traversal
from stylegraph.graph.steps.filter import HasContainer, HasStep
from stylegraph.graph.steps.flatmap import ValuesStep
from stylegraph.graph.steps.map import TokenStep
from stylegraph.graph.steps.mutation import PropertySpec, _AddStep
from stylegraph.graph.steps.start import GraphStep

NAME = "ElementIdStrategy"
DEFAULT_KEY = "__id"


class ElementIdPass:
    """The rewrite one ``ElementIdStrategy(...)`` configuration asks for."""

    def __init__(self, config: dict[str, Any]) -> None:
        if "idMaker" in config:
            raise InvalidRequestError(f"{NAME}: idMaker is a lambda, which this engine does not take")
        unknown = sorted(str(k) for k in set(config) - {"idPropertyKey"})
        if unknown:
            raise InvalidRequestError(f"{NAME}: unknown configuration key(s) {unknown}")
        key = config.get("idPropertyKey") or DEFAULT_KEY
        if not isinstance(key, str):
            raise InvalidRequestError(f"{NAME}: idPropertyKey must be a string, got {key!r}")
        self.key = key

    def _renamed(self, containers: list[HasContainer]) -> list[HasContainer]:
        return [HasContainer(self.key, c.p, exists=c.p is None) if type(c) is HasContainer and c.key is T.id
                else c for c in containers]

    def apply(self, tr: Traversal) -> None:
        """Rewrite ``tr`` and every traversal nested in it."""
        for child in all_traversals(tr):
            start = child.steps[0] if child.steps else None
            if type(start) is GraphStep and start.ids:
                start.fold([HasContainer(self.key, P.within(list(start.ids)))])
                start.ids = None
            out: list[Step] = []
            for step in child.steps:
                kind = type(step)
                if kind is GraphStep or kind is HasStep:
                    step.containers[:] = self._renamed(step.containers)
                elif kind is TokenStep and step.name == "id":
                    values = ValuesStep("values", [self.key])
                    values.labels = step.labels
                    step = values
                elif isinstance(step, _AddStep):
                    self._stamp(step)
                out.append(step)
            child.steps[:] = out

    def _stamp(self, step: _AddStep) -> None:
        """property(T.id, x) becomes property(idPropertyKey, x); without one, a new id."""
        given = [spec for spec in step.folded if spec.key is T.id]
        for spec in given:
            spec.key = self.key
        if not given and not any(spec.key == self.key for spec in step.folded):
            step.fold([PropertySpec(None, self.key, str(uuid.uuid4()))])
