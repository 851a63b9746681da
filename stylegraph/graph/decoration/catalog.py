"""Which ``withStrategies()`` strategies the engine accepts, and the pass each one makes.

A strategy is either rewritten into the traversal (:data:`PASSES`: a factory taking the
strategy's configuration and returning a pass with ``apply(traversal)``), or accepted
without a pass (:data:`NO_EFFECT`) because it cannot change a result of this engine: an
optimisation (TinkerPop rewrites for speed, results unchanged), a finalisation or
verification that only acts on GraphComputer (OLAP) traversals, or a check this engine
makes anyway. Any other name is refused by the engine with a clear error. The strategies
the engine itself interprets (OptionsStrategy, SeedStrategy, ReadOnlyStrategy,
ProductiveByStrategy, VertexProgramStrategy, VertexProgramRestrictionStrategy) are in
``stylegraph.graph.engine``.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Protocol

from stylegraph.graph.decoration.element_id import ElementIdPass
from stylegraph.graph.decoration.partition import PartitionPass
from stylegraph.graph.decoration.subgraph import SubgraphPass
from stylegraph.graph.decoration.verification import (
    EdgeLabelVerification, ReservedKeysVerification, StandardVerification,
)
from stylegraph.graph.errors import InvalidRequestError
from stylegraph.graph.steps.base import Traversal


class Pass(Protocol):
    """A strategy as a pass over the compiled traversal."""

    def apply(self, tr: Traversal) -> None:
        """Rewrite or check ``tr`` (nested traversals included)."""


_MATCH_ALGORITHMS = ("MatchStep$CountMatchAlgorithm", "MatchStep$GreedyMatchAlgorithm")


def _match_algorithm(config: dict[str, Any]) -> None:
    """MatchAlgorithmStrategy: TinkerPop's algorithms only choose the order in which match()
    tries its patterns; the set of results is the same, so either is accepted."""
    algorithm = config.get("matchAlgorithm")
    name = getattr(algorithm, "gremlin_type", algorithm)
    if not isinstance(name, str) or not name.endswith(_MATCH_ALGORITHMS):
        raise InvalidRequestError(
            f"MatchAlgorithmStrategy: matchAlgorithm must be one of {list(_MATCH_ALGORITHMS)}, got {algorithm!r}")


_HALTED_FACTORIES = ("reference.ReferenceFactory", "detached.DetachedFactory")


def _halted_traverser(config: dict[str, Any]) -> None:
    """HaltedTraverserStrategy: how OLAP traversers halted on workers are sent back; there
    is no OLAP here and results always leave as references, so either factory is accepted."""
    unknown = sorted(str(k) for k in set(config) - {"haltedTraverserFactory"})
    factory = config.get("haltedTraverserFactory", "reference.ReferenceFactory")
    name = getattr(factory, "gremlin_type", factory)
    if unknown or not isinstance(name, str) or not name.endswith(_HALTED_FACTORIES):
        raise InvalidRequestError(f"HaltedTraverserStrategy: haltedTraverserFactory must be one of "
                                  f"{list(_HALTED_FACTORIES)}, got {dict(config)!r}")


def _no_config(name: str) -> Callable[[dict[str, Any]], None]:
    def check(config: dict[str, Any]) -> None:
        if config:
            raise InvalidRequestError(f"{name} takes no configuration, got {sorted(map(str, config))}")
    return check


#: strategy -> factory of its pass
PASSES: dict[str, Callable[[dict[str, Any]], Pass]] = {
    "SubgraphStrategy": SubgraphPass,
    "PartitionStrategy": PartitionPass,
    "ElementIdStrategy": ElementIdPass,
    "EdgeLabelVerificationStrategy": EdgeLabelVerification,
    "ReservedKeysVerificationStrategy": ReservedKeysVerification,
    "StandardVerificationStrategy": StandardVerification,
}

#: verification passes run after the decorations (TinkerPop's strategy categories)
VERIFICATIONS = frozenset({"EdgeLabelVerificationStrategy", "ReservedKeysVerificationStrategy",
                           "StandardVerificationStrategy"})

_OPTIMISATIONS = (
    "AdjacentToIncidentStrategy", "ByModulatorOptimizationStrategy", "CountStrategy",
    "EarlyLimitStrategy", "FilterRankingStrategy", "IdentityRemovalStrategy",
    "IncidentToAdjacentStrategy", "InlineFilterStrategy", "LazyBarrierStrategy",
    "MatchPredicateStrategy", "OrderLimitStrategy", "PathProcessorStrategy",
    "PathRetractionStrategy", "RepeatUnrollStrategy",
)
#: only act when the traversal runs on a GraphComputer, which this engine has not
_COMPUTER_ONLY = (
    "ComputerFinalizationStrategy", "ComputerVerificationStrategy", "GraphFilterStrategy",
    "MessagePassingReductionStrategy",
)
_OTHERS = (
    # infix and()/or() are always folded (withoutStrategies(ConnectiveStrategy) turns that off)
    "ConnectiveStrategy",
    # results leave the server as reference elements (id and label) already
    "ReferenceElementStrategy",
    # profile() is not offered, so there is nothing to instrument
    "ProfileStrategy",
    # no lambdas in this engine
    "LambdaRestrictionStrategy",
)

#: strategy -> check of its configuration; accepted without a pass
NO_EFFECT: dict[str, Callable[[dict[str, Any]], None]] = {
    **{name: _no_config(name) for name in (*_OPTIMISATIONS, *_COMPUTER_ONLY, *_OTHERS)},
    "MatchAlgorithmStrategy": _match_algorithm,
    "HaltedTraverserStrategy": _halted_traverser,
}

#: every name this module knows
KNOWN = frozenset(PASSES) | frozenset(NO_EFFECT)
#: the strategies stylegraph.graph.engine interprets itself
ENGINE_INTERPRETED = frozenset({
    "OptionsStrategy", "SeedStrategy", "ReadOnlyStrategy", "ProductiveByStrategy",
    "VertexProgramStrategy", "VertexProgramRestrictionStrategy",
})
#: every strategy name the engine answers (also the GraphSON types the server must read)
ENGINE_STRATEGIES = KNOWN | ENGINE_INTERPRETED


def make_pass(name: str, config: dict[str, Any]) -> Optional[Pass]:
    """The pass for strategy ``name`` (None: accepted without one); KeyError if unknown."""
    factory = PASSES.get(name)
    if factory is not None:
        return factory(config)
    NO_EFFECT[name](config)
    return None
