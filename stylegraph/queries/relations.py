"""Relation edges (``WORN_WITH``, ``BOUGHT_WITH``, ...): what people put together, through ``g``.

Data model (docs/INTERFACES.md): a relation is symmetric, so each related
pair is stored once, as one edge from the smaller product id to the larger,
labelled by its kind, with property ``weight`` (Double, the number of
co-occurrences). Edges are upserted with ``mergeE`` matched on
``(from, to, label)``, never on a chosen edge id (JanusGraph refuses user
edge ids), so a re-run updates the same edge on every backend.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import Direction, Merge, P, T

# edge labels that are not relations: the CNN's look-alikes, the GNN's output and the
# merchandisers' pins and bans (queries/curation.py)
DERIVED_LABELS = ("SIMILAR", "RECOMMENDED", "CURATED")
WEIGHT = "weight"
_KIND = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class RelationEdge:
    """One stored relation: ``a < b`` (product ids), its kind (edge label) and weight."""

    a: str
    b: str
    kind: str
    weight: float


def check_kind(kind: str) -> str:
    """``kind`` if it can label relation edges (UPPER_SNAKE, not SIMILAR/RECOMMENDED), else ValueError."""
    if not _KIND.match(kind or ""):
        raise ValueError(f"relation kind must be UPPER_SNAKE_CASE like WORN_WITH, got {kind!r}")
    if kind in DERIVED_LABELS:
        raise ValueError(f"{kind} edges are derived by stylegraph itself; pick another kind")
    return kind


def ordered(a: str, b: str) -> tuple[str, str]:
    """The stored direction of the pair ``{a, b}``: smaller id first."""
    return (a, b) if a <= b else (b, a)


def relation_kinds(g: GraphTraversalSource) -> list[str]:
    """Labels of the graph's relation edges (every edge label but SIMILAR/RECOMMENDED), sorted."""
    labels = g.E().not_(__.has_label(P.within(list(DERIVED_LABELS)))).label().dedup().to_list()
    return sorted(str(x) for x in labels)


def relation_weights(g: GraphTraversalSource, sources: Sequence[str],
                     kind: str) -> dict[tuple[str, str], float | None]:
    """``{(a, b): weight}`` of the ``kind`` out-edges of ``sources`` (weight None if it has none)."""
    if not sources:
        return {}
    rows = (g.V(*sources).out_e(kind)
            .project("a", "b", "w").by(__.out_v().id_()).by(__.in_v().id_())
            .by(__.coalesce(__.values(WEIGHT), __.constant("")))
            .to_list())
    return {(str(r["a"]), str(r["b"])): (None if r["w"] == "" else float(r["w"])) for r in rows}


def merge_relations(g: GraphTraversalSource, edges: Sequence[RelationEdge]) -> int:
    """Upsert ``edges`` in one chained ``mergeE`` traversal matched on (from, to, label)."""
    if not edges:
        return 0
    t = g
    for e in edges:
        props = {WEIGHT: float(e.weight)}
        t = (t.merge_e({T.label: e.kind, Direction.OUT: e.a, Direction.IN: e.b})
             .option(Merge.on_create, props)
             .option(Merge.on_match, props))
    t.iterate()
    return len(edges)


def relations_of(g: GraphTraversalSource, product_id: str, kinds: Iterable[str] | None = None,
                 limit: int = 10) -> list[tuple[str, str, float]]:
    """``(other product, kind, weight)`` of a product's relations (both directions), heaviest first."""
    labels = list(kinds) if kinds is not None else None
    t = g.V(product_id).both_e(*labels) if labels else g.V(product_id).both_e()
    if not labels:
        t = t.not_(__.has_label(P.within(list(DERIVED_LABELS))))
    rows = (t.project("other", "kind", "w").by(__.other_v().id_()).by(__.label())
            .by(__.coalesce(__.values(WEIGHT), __.constant(0.0))).to_list())
    out = [(str(r["other"]), str(r["kind"]), float(r["w"])) for r in rows]
    return sorted(out, key=lambda x: (-x[2], x[0]))[:limit]
