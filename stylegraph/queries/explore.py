"""The explorer's neighbourhood traversal: a breadth-first ball around a product.

``neighborhood(g, product_id, depth, limit, edges, min_score)`` walks outgoing
SIMILAR and/or RECOMMENDED edges level by level (one traversal per level,
best-scored edges first) until ``depth`` levels or ``limit`` nodes are reached,
then fetches every node's properties in one more traversal. The result is
backend-neutral (plain dicts); the web layer shapes it for vis.js.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

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


def neighborhood(
    graph: Any,
    product_id: str,
    depth: int = 1,
    limit: int = 50,
    edges: Sequence[str] = EDGE_LABELS,
    min_score: float = float("-inf"),
) -> Optional[Neighborhood]:
    """The products within ``depth`` hops of ``product_id`` (at most ``limit`` nodes).

    ``graph`` is a ProductGraph (or a Gremlin ``g``). Returns None when ``product_id`` is not a product. Within a level, a
    node's best-scored edges are taken first, so when ``limit`` cuts the
    ball short it keeps the strongest neighbours. Every edge of the chosen
    kinds between two included nodes that was seen during the walk is returned.
    """
    from stylegraph.queries.interface import as_product_graph

    pg = as_product_graph(graph)
    for edge in edges:
        if edge not in EDGE_LABELS:
            raise ValueError(f"unknown edge label {edge!r}")
    root = pg.get_products([product_id]).get(product_id)
    if root is None:
        return None
    levels: dict[str, int] = {product_id: 0}
    seen_edges: list[dict[str, Any]] = []
    frontier = [product_id]
    truncated = False
    for level in range(1, depth + 1):
        found = pg.level_edges(frontier, edges, min_score)
        rank = {pid: i for i, pid in enumerate(frontier)}
        found.sort(key=lambda e: (rank.get(e["from"], 0), -e["score"], e["to"], e["type"]))
        next_frontier: list[str] = []
        for edge in found:
            target = edge["to"]
            if target not in levels:
                if len(levels) >= limit:
                    truncated = True
                    continue
                levels[target] = level
                next_frontier.append(target)
            seen_edges.append(edge)
        frontier = next_frontier
        if not frontier:
            break
    products = pg.get_products(levels)
    result = Neighborhood(root=product_id, truncated=truncated)
    for pid, level in levels.items():
        product = products.get(pid)
        if product is None:  # an edge to a non-product vertex: leave it out
            continue
        result.nodes.append({**product, "level": level})
    present = {n["id"] for n in result.nodes}
    unique: dict[tuple[str, str, str], dict[str, Any]] = {}
    for edge in seen_edges:
        if edge["from"] in present and edge["to"] in present:
            ends = (edge["from"], edge["to"])
            if edge["type"] == RELATED:  # undirected: seen from both ends, kept once
                ends = tuple(sorted(ends))
            unique.setdefault((*ends, edge.get("kind", edge["type"])), edge)
    result.edges = list(unique.values())
    return result
