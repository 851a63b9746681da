"""The explorer's neighbourhood: the Gremlin level traversal and the result types.

``ProductGraph.neighborhood(product_id, depth, limit, edges, min_score)``
(``queries/interface.py``) walks outgoing
SIMILAR and/or RECOMMENDED edges level by level (one traversal per level,
best-scored edges first) until ``depth`` levels or ``limit`` nodes are reached,
then fetches every node's properties in one more traversal. The result is
backend-neutral (plain dicts); the web layer shapes it for vis.js.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import P, T

from stylegraph.product_schema import DERIVED_LABELS, RECOMMENDED, SCORE, SIMILAR, WEIGHT
from stylegraph.queries.filters import PRODUCT_LABEL

# relation edges of every kind, shown as one edge type
RELATED = "RELATED"
EDGE_LABELS = (SIMILAR, RECOMMENDED, RELATED)
# what each edge type means, in the shop's words
EDGE_NAMES = {SIMILAR: "looks like", RECOMMENDED: "goes with", RELATED: "put together"}


@dataclass
class Neighborhood:
    """Nodes (product dicts with a ``level``) and edges (``from, to, type, score``)."""

    root: str
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False


def level_edges(
    g: GraphTraversalSource,
    frontier: Sequence[str],
    edges: Sequence[str],
    min_score: float,
) -> list[dict[str, Any]]:
    """Outgoing ``edges`` of the ``frontier`` products with ``score >= min_score``; RELATED
    edges (any relation kind, both directions, ``score`` = weight) are not cut by ``min_score``."""
    if not frontier:
        return []
    out = _related_edges(g, frontier) if RELATED in edges else []
    labels = [e for e in edges if e != RELATED]
    if not labels:
        return out
    t = g.V(*frontier).has_label(PRODUCT_LABEL).out_e(*labels)
    if min_score > float("-inf"):
        t = t.has(SCORE, P.gte(float(min_score)))
    rows = (
        t.project("from", "to", "type", "score")
        .by(__.out_v().id_())
        .by(__.in_v().id_())
        .by(T.label)
        .by(SCORE)
        .to_list()
    )
    return out + [
        {"from": r["from"], "to": r["to"], "type": r["type"], "score": float(r["score"])}
        for r in rows
    ]


def _related_edges(g: GraphTraversalSource, frontier: Sequence[str]) -> list[dict[str, Any]]:
    """Relation edges at the ``frontier`` products, seen from them (``from`` = the frontier side)."""
    rows = (
        g.V(*frontier).has_label(PRODUCT_LABEL).as_("v")
        .both_e().not_(__.has_label(P.within(list(DERIVED_LABELS)))).as_("e")
        .other_v().as_("o")
        .select("v", "e", "o").by(T.id).by(
            __.project("kind", "w").by(T.label).by(__.coalesce(__.values(WEIGHT), __.constant(1.0))))
        .by(T.id)
        .to_list()
    )
    return [{"from": r["v"], "to": r["o"], "type": RELATED, "kind": r["e"]["kind"],
             "score": float(r["e"]["w"])} for r in rows]
