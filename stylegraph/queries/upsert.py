"""Idempotent bulk writes (chained ``mergeV``/``mergeE``) and the look-ups the loader needs.

One traversal per batch: ``g.mergeV(m1).option(...).mergeV(m2)...``, the
batching form Neptune documents. ``onCreate`` carries the label and the
properties, ``onMatch`` the properties, so re-running a batch leaves the
graph as it was. The search map holds only the id (plus label and endpoints
for edges), which is how mergeE finds an existing edge on every backend.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import Direction, Merge, P, T

SIMILAR_LABEL = "SIMILAR"


def _key_name(key: Any) -> str:
    if key == T.id:
        return "id"
    if key == T.label:
        return "label"
    if key == Direction.OUT:
        return "out"
    if key == Direction.IN:
        return "in"
    return str(getattr(key, "name", key))


def _flatten(raw: Mapping) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = _key_name(key)
        if isinstance(value, Mapping):  # an edge endpoint in elementMap: {T.id:.., T.label:..}
            value = next((v for k, v in value.items() if k == T.id), None)
        elif isinstance(value, list) and len(value) == 1:
            value = value[0]
        out[name] = value
    return out


def merge_vertices(g: GraphTraversalSource, vertices: Sequence[tuple[str, str, Mapping[str, Any]]]) -> int:
    """Upsert ``(id, label, properties)`` vertices in one chained ``mergeV`` traversal."""
    if not vertices:
        return 0
    t = g
    for vid, label, props in vertices:
        props = dict(props)
        t = (t.merge_v({T.id: vid})
             .option(Merge.on_create, {T.label: label, **props})
             .option(Merge.on_match, props))
    t.iterate()
    return len(vertices)


def merge_edges(g: GraphTraversalSource,
                edges: Sequence[tuple[str, str, str, str, Mapping[str, Any]]]) -> int:
    """Upsert ``(id, from, to, label, properties)`` edges in one chained ``mergeE`` traversal."""
    if not edges:
        return 0
    t = g
    for eid, out_id, in_id, label, props in edges:
        props = dict(props)
        t = (t.merge_e({T.id: eid, T.label: label, Direction.OUT: out_id, Direction.IN: in_id})
             .option(Merge.on_create, props)
             .option(Merge.on_match, props))
    t.iterate()
    return len(edges)


def vertex_properties(g: GraphTraversalSource, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``{id: {"id", "label", property: value, ...}}`` of the vertices that exist among ``ids``."""
    if not ids:
        return {}
    rows = g.V(*ids).element_map().to_list()
    return {str(r["id"]): r for r in map(_flatten, rows)}


def edge_properties(g: GraphTraversalSource, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``{id: {"id", "label", "out", "in", property: value, ...}}`` of the edges that exist among ``ids``."""
    if not ids:
        return {}
    rows = g.E(*ids).element_map().to_list()
    return {str(r["id"]): r for r in map(_flatten, rows)}


def drop_edges(g: GraphTraversalSource, edge_ids: Sequence[str]) -> int:
    """Drop the edges with these ids (missing ones are ignored)."""
    if not edge_ids:
        return 0
    g.E(*edge_ids).drop().iterate()
    return len(edge_ids)


def similar_neighbours(g: GraphTraversalSource, product_ids: Iterable[str],
                       label: str = SIMILAR_LABEL) -> dict[str, list[tuple[str, float, str]]]:
    """``{product: [(neighbour, score, edge id), ...]}`` of the ``label`` out-edges, best first.

    Products that do not exist are absent; products without edges map to ``[]``.
    """
    ids = list(product_ids)
    if not ids:
        return {}
    rows = (
        g.V(*ids).has_label("product")
        .project("v", "e").by(T.id)
        .by(__.out_e(label).project("id", "to", "score").by(T.id).by(__.in_v().id_()).by("score").fold())
        .to_list()
    )
    out: dict[str, list[tuple[str, float, str]]] = {}
    for row in rows:
        edges = [(str(e["to"]), float(e["score"]), str(e["id"])) for e in row["e"]]
        out[str(row["v"])] = sorted(edges, key=lambda item: (-item[1], item[0]))
    return out


def existing_ids(g: GraphTraversalSource, ids: Sequence[str], label: str | None = None) -> set[str]:
    """The subset of ``ids`` that are vertices (of ``label``, when given)."""
    if not ids:
        return set()
    t = g.V(*ids)
    if label is not None:
        t = t.has_label(label)
    return {str(v) for v in t.id_().to_list()}


def edges_with_label_from(g: GraphTraversalSource, source_ids: Sequence[str], label: str,
                          keep: Iterable[str]) -> list[str]:
    """Ids of ``label`` out-edges of ``source_ids`` that are not in ``keep``."""
    if not source_ids:
        return []
    keep_ids = list(keep)
    t = g.V(*source_ids).out_e(label)
    if keep_ids:
        t = t.not_(__.has_id(P.within(keep_ids)))
    return [str(e) for e in t.id_().to_list()]
