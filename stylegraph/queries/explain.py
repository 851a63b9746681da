"""Why a product is served as a neighbour: the graph paths, shared attributes, model and score.

``explain(g, product_id, items, edge)`` reads, in two traversals, the source
product's properties, its SIMILAR out-edges and relation edges, and for the
served items their properties, SIMILAR in-edges and relation edges; from them
it lists for each item the paths of length one and two that support it::

    A -RECOMMENDED-> B                    (the served edge, its score and model)
    A -SIMILAR-> X -WORN_WITH- B          (look-alike of something worn with B)
    A -WORN_WITH- X -SIMILAR-> B          (worn with something that looks like B)
    A -WORN_WITH- B                       (put together directly)

Relation edges are symmetric, so they are followed both ways.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Sequence

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import Order, P

from stylegraph.product_schema import DERIVED_LABELS, SCORE, WEIGHT
from stylegraph.queries.filters import PRODUCT_LABEL
from stylegraph.queries.products import normalize_element_map

SIMILAR = "SIMILAR"
ATTRIBUTES = ("category", "subcategory", "color", "pattern", "brand")
MAX_EDGES = 200  # per product and kind: hubs are bounded
MAX_PATHS = 5


def _relations() -> Any:
    return (__.both_e().not_(__.has_label(P.within(list(DERIVED_LABELS))))
            .order().by(__.coalesce(__.values(WEIGHT), __.constant(1.0)), Order.desc).limit(MAX_EDGES)
            .project("other", "kind", "w").by(__.other_v().id_()).by(__.label())
            .by(__.coalesce(__.values(WEIGHT), __.constant(1.0))).fold())


def _side(g: GraphTraversalSource, ids: Sequence[str], direction: str) -> dict[str, dict[str, Any]]:
    """Properties, SIMILAR edges (out of the source / into the items) and relations of ``ids``."""
    sim = __.out_e(SIMILAR) if direction == "out" else __.in_e(SIMILAR)
    end = __.in_v() if direction == "out" else __.out_v()
    rows = (
        g.V(*ids).has_label(PRODUCT_LABEL)
        .project("props", "similar", "relations")
        .by(__.element_map(*ATTRIBUTES))
        .by(sim.order().by(SCORE, Order.desc).limit(MAX_EDGES)
            .project("other", "score").by(end.id_()).by(SCORE).fold())
        .by(_relations())
        .to_list()
    )
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        props = normalize_element_map(row["props"])
        out[str(props["id"])] = {
            "props": props,
            "similar": {str(r["other"]): float(r["score"]) for r in row["similar"]},
            "relations": {str(r["other"]): (str(r["kind"]), float(r["w"])) for r in row["relations"]},
        }
    return out


def _paths(source: str, src: dict[str, Any], item: str, dst: dict[str, Any]) -> list[dict[str, Any]]:
    paths: list[dict[str, Any]] = []
    if item in src["relations"]:
        kind, w = src["relations"][item]
        paths.append({"path": [source, item], "edges": [kind], "scores": [w], "strength": w})
    for x, s in src["similar"].items():  # A -SIMILAR-> X -REL- B
        if x in dst["relations"] and x != item:
            kind, w = dst["relations"][x]
            paths.append({"path": [source, x, item], "edges": [SIMILAR, kind], "scores": [s, w],
                          "strength": s * w})
    for x, (kind, w) in src["relations"].items():  # A -REL- X -SIMILAR-> B
        if x in dst["similar"] and x != item:
            s = dst["similar"][x]
            paths.append({"path": [source, x, item], "edges": [kind, SIMILAR], "scores": [w, s],
                          "strength": s * w})
    paths.sort(key=lambda p: (-p["strength"], p["path"]))
    return paths[:MAX_PATHS]


def shared_attributes(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The attributes two products have in common (same non-empty value)."""
    return {k: a[k] for k in ATTRIBUTES if a.get(k) not in (None, "") and a.get(k) == b.get(k)}


def explain(g: GraphTraversalSource, product_id: str, items: Iterable[dict[str, Any]], edge: str,
            model: Optional[str] = None) -> dict[str, list[dict[str, Any]]]:
    """``{item id: why}`` for the served ``items`` (dicts with ``id`` and ``score``) of ``product_id``.

    Each ``why`` is a list of reasons, strongest first: ``{"type": "edge", ...}``
    (the served edge with its score and model), ``{"type": "path", "path": [ids],
    "edges": [labels], "scores": [...]}`` and ``{"type": "attributes", "shared": {...}}``.
    """
    return explain_with(lambda ids, direction: _side(g, ids, direction), product_id, items, edge, model)


#: ``side(ids, "out" | "in")``: ``{id: {"props", "similar", "relations"}}`` as :func:`_side` reads it
Side = Callable[[Sequence[str], str], dict[str, dict[str, Any]]]


def explain_with(side: Side, product_id: str, items: Iterable[dict[str, Any]], edge: str,
                 model: Optional[str] = None) -> dict[str, list[dict[str, Any]]]:
    """:func:`explain` on any backend: ``side`` reads the two sides (see :data:`Side`)."""
    items = list(items)
    ids = [str(i["id"]) for i in items]
    source = side([product_id], "out").get(product_id)
    targets = side(ids, "in") if ids else {}
    out: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        iid = str(item["id"])
        why: list[dict[str, Any]] = []
        if item.get("score") is not None:
            reason = {"type": "edge", "path": [product_id, iid], "edges": [edge], "score": item["score"]}
            if model:
                reason["model"] = model
            why.append(reason)
        dst = targets.get(iid)
        if source is not None and dst is not None:
            why.extend({"type": "path", **p} for p in _paths(product_id, source, iid, dst))
            shared = shared_attributes(source["props"], dst["props"])
            if shared:
                why.append({"type": "attributes", "shared": shared})
        out[iid] = why
    return out
