"""PartitionStrategy: the traversal reads only the elements of its read partitions and
writes into its write partition (TinkerPop's ``PartitionStrategy``).

Configuration: ``partitionKey`` (the property holding an element's partition),
``writePartition``, ``readPartitions`` and ``includeMetaProperties`` (vertex properties
in partitions: refused, as this engine has no meta-properties). As in TinkerPop,
``has(partitionKey, within(readPartitions))`` goes after every ``V()``/``E()``, every
``out()/in()/both()/outE()/inE()/bothE()`` and every ``outV()/inV()/bothV()/otherV()``;
``addV()``/``addE()`` set ``partitionKey`` to ``writePartition``; ``mergeV()``/``mergeE()``
match only elements of the read partitions and create theirs in the write partition.
"""
from __future__ import annotations

from typing import Any, Optional

from gremlin_python.process.traversal import P

from stylegraph.graph.decoration.rewrite import all_traversals
from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.errors import GremlinError, InvalidRequestError
from stylegraph.graph.steps.base import Step, Traversal
from stylegraph.graph.steps.filter import HasContainer, HasStep
from stylegraph.graph.steps.flatmap import EdgeVertexStep, VertexStep
from stylegraph.graph.steps.merge import MergeEdgeStep, MergeVertexStep
from stylegraph.graph.steps.mutation import PropertySpec, _AddStep
from stylegraph.graph.steps.start import GraphStep

NAME = "PartitionStrategy"
_KEYS = frozenset({"partitionKey", "writePartition", "readPartitions", "includeMetaProperties"})


class PartitionScope:
    """What a merge step needs: which elements it may match, and how it stamps new ones."""

    def __init__(self, key: str, write: Optional[str], read: frozenset[str]) -> None:
        self.key = key
        self.write = write
        self.read = read

    def visible(self, element: Vertex | Edge) -> bool:
        """Whether ``element`` is in one of the read partitions."""
        value = element.properties.get(self.key)
        if type(element) is Vertex:
            return any(v in self.read for v in value or ())
        return value is not None and value in self.read

    def stamp(self, props: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``props`` with the partition key set to the write partition."""
        if self.write is None:
            raise GremlinError(f"{NAME}: no writePartition configured to write to", code=597)
        return {**props, self.key: self.write}


class PartitionPass:
    """The rewrite one ``PartitionStrategy(...)`` configuration asks for."""

    def __init__(self, config: dict[str, Any]) -> None:
        unknown = sorted(str(k) for k in set(config) - _KEYS)
        if unknown:
            raise InvalidRequestError(f"{NAME}: unknown configuration key(s) {unknown}")
        key = config.get("partitionKey")
        if not isinstance(key, str) or not key:
            raise InvalidRequestError(f"{NAME}: The partitionKey cannot be null or empty")
        write = config.get("writePartition")
        if write is not None and not isinstance(write, str):
            raise InvalidRequestError(f"{NAME}: writePartition must be a string, got {write!r}")
        read = config.get("readPartitions", ())
        if isinstance(read, str):
            read = (read,)
        if not isinstance(read, (list, tuple, set, frozenset)) or not all(isinstance(r, str) for r in read):
            raise InvalidRequestError(f"{NAME}: readPartitions must be a list of strings, got {read!r}")
        meta = config.get("includeMetaProperties")
        if meta is True:
            raise InvalidRequestError(f"{NAME} is configured to include meta-properties but the Graph "
                                      "does not support them")
        if meta not in (None, False):
            raise InvalidRequestError(f"{NAME}: includeMetaProperties must be a boolean, got {meta!r}")
        self.scope = PartitionScope(key, write, frozenset(read))
        self._within = sorted(self.scope.read)

    def _has(self) -> HasStep:
        return HasStep("has", [self.scope.key, P.within(list(self._within))])

    def apply(self, tr: Traversal) -> None:
        """Rewrite ``tr`` and every traversal nested in it."""
        for child in all_traversals(tr):
            out: list[Step] = []
            for step in child.steps:
                out.append(step)
                kind = type(step)
                if kind is GraphStep:
                    step.fold([HasContainer(self.scope.key, P.within(list(self._within)))])
                elif kind is VertexStep or kind is EdgeVertexStep:
                    out.append(self._has())
                elif isinstance(step, _AddStep):
                    if self.scope.write is None:
                        raise InvalidRequestError(f"{NAME}: no writePartition configured to write to")
                    step.fold([PropertySpec(None, self.scope.key, self.scope.write)])
                elif kind is MergeVertexStep or kind is MergeEdgeStep:
                    step.scope = self.scope
            child.steps[:] = out
