"""Idempotent bulk writes (chained ``mergeV``/``mergeE``) and the look-ups the loader needs.

One traversal per batch: ``g.mergeV(m1).option(...).mergeV(m2)...``, the
batching form Neptune documents. ``onCreate`` carries the label and the
properties, ``onMatch`` the properties, so re-running a batch leaves the
graph as it was. The search map holds only the id of a vertex, and the label and
endpoints of an edge (never an edge id: JanusGraph refuses client-chosen ones),
which is how mergeV/mergeE find an existing element on every backend.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import Direction, Merge, P, T

from stylegraph.product_schema import PRODUCT, SCORE, SIMILAR

SIMILAR_LABEL = SIMILAR
#: how product code names an edge: (from id, label, to id); never by the backend's edge id
EdgeKey = tuple[str, str, str]


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
                edges: Sequence[tuple[str, str, str, Mapping[str, Any]]]) -> int:
    """Upsert ``(from, to, label, properties)`` edges in one chained ``mergeE`` traversal.

    An edge is identified by its label and endpoints (at most one ``label`` edge
    per ordered pair); its id is the backend's own, since JanusGraph refuses
    client-chosen edge ids (docs/DEVIATIONS.md).
    """
    if not edges:
        return 0
    t = g
    for out_id, in_id, label, props in edges:
        props = dict(props)
        t = (t.merge_e({T.label: label, Direction.OUT: out_id, Direction.IN: in_id})
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


def edge_properties(g: GraphTraversalSource, keys: Sequence[EdgeKey]) -> dict[EdgeKey, dict[str, Any]]:
    """``{(from, label, to): {property: value, ...}}`` of the edges that exist among ``keys``."""
    if not keys:
        return {}
    wanted = set(keys)
    rows = (
        g.V(*sorted({k[0] for k in wanted}))
        .out_e(*sorted({k[1] for k in wanted}))
        .where(__.in_v().has_id(P.within(sorted({k[2] for k in wanted}))))
        .project("out", "label", "in", "props")
        .by(__.out_v().id_()).by(__.label()).by(__.in_v().id_()).by(__.value_map())
        .to_list()
    )
    out: dict[EdgeKey, dict[str, Any]] = {}
    for row in rows:
        key = (str(row["out"]), str(row["label"]), str(row["in"]))
        if key in wanted:
            out[key] = dict(row["props"])
    return out


def drop_edges(g: GraphTraversalSource, keys: Sequence[EdgeKey]) -> int:
    """Drop the edges ``(from, label, to)`` (missing ones are ignored), in one traversal."""
    if not keys:
        return 0
    targets: dict[tuple[str, str], set[str]] = {}
    for out_id, label, in_id in keys:
        targets.setdefault((out_id, label), set()).add(in_id)
    t = g.inject(0)
    for (out_id, label), in_ids in sorted(targets.items()):
        t = t.side_effect(__.V(out_id).out_e(label).where(__.in_v().has_id(P.within(sorted(in_ids)))).drop())
    t.iterate()
    return len(set(keys))


def similar_neighbours(g: GraphTraversalSource, product_ids: Iterable[str],
                       label: str = SIMILAR_LABEL) -> dict[str, list[tuple[str, float]]]:
    """``{product: [(neighbour, score), ...]}`` of the ``label`` out-edges, best first.

    Products that do not exist are absent; products without edges map to ``[]``.
    """
    ids = list(product_ids)
    if not ids:
        return {}
    rows = (
        g.V(*ids).has_label(PRODUCT)
        .project("v", "e").by(T.id)
        .by(__.out_e(label).project("to", "score").by(__.in_v().id_()).by(SCORE).fold())
        .to_list()
    )
    out: dict[str, list[tuple[str, float]]] = {}
    for row in rows:
        edges = [(str(e["to"]), float(e["score"])) for e in row["e"]]
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


def stale_out_edges(g: GraphTraversalSource, source_ids: Sequence[str], label: str,
                    keep: Mapping[str, Iterable[str]]) -> list[EdgeKey]:
    """``(from, label, to)`` of the ``label`` out-edges of ``source_ids`` whose target is
    not in ``keep[from]``."""
    if not source_ids:
        return []
    # one row per source with its targets' ids: far cheaper than a row per edge
    rows = g.V(*source_ids).project("out", "in").by(T.id).by(__.out(label).id_().fold()).to_list()
    stale: list[EdgeKey] = []
    for row in rows:
        src = str(row["out"])
        kept = set(keep.get(src, ()))
        stale += [(src, label, str(dst)) for dst in row["in"] if str(dst) not in kept]
    return stale
