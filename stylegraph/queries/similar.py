"""Top-k neighbour traversals: SIMILAR (CNN kNN) and RECOMMENDED (GNN) edges.

Each result is a list of ``Neighbour`` dicts, best first::

    {"id", "title", "brand", "price", "category", "in_stock", "image", "score"}

The filters (:class:`~stylegraph.queries.filters.ProductFilter`) run inside the
traversal, before ``order()``/``limit(k)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import Order

from stylegraph.product_schema import DERIVED_LABELS, RECOMMENDED, SIMILAR
from stylegraph.queries.filters import PRODUCT_LABEL, ProductFilter
from stylegraph.queries.products import normalize_element_map

EDGE_LABELS = DERIVED_LABELS


@dataclass
class NeighbourResult:
    """Neighbours of one product; ``fallback`` is set when RECOMMENDED fell back to SIMILAR."""

    product_id: str
    edge: str
    items: list[dict[str, Any]] = field(default_factory=list)
    fallback: bool = False
    model: Optional[str] = None


def top_neighbours(
    g: GraphTraversalSource,
    product_id: str,
    edge: str,
    k: int,
    flt: ProductFilter | None = None,
) -> Optional[list[dict[str, Any]]]:
    """The ``k`` best ``edge`` neighbours of ``product_id`` passing ``flt``.

    Returns None when the product does not exist, ``[]`` when it has no
    (matching) neighbours. One traversal: the existence check and the
    neighbour list come back together.
    """
    if edge not in EDGE_LABELS:
        raise ValueError(f"unknown edge label {edge!r}")
    flt = flt or ProductFilter()
    neighbours = (
        __.out_e(edge)
        .where(flt.apply(__.in_v()))
        .order()
        .by("score", Order.desc)
        .by(__.in_v().id_(), Order.asc)
        .limit(int(k))
        .project("score", "model", "product")
        .by("score")
        .by(__.coalesce(__.values("model"), __.constant("")))
        .by(__.in_v().element_map())
        .fold()
    )
    rows = (
        g.V(product_id)
        .has_label(PRODUCT_LABEL)
        .project("neighbours")
        .by(neighbours)
        .to_list()
    )
    if not rows:
        return None
    return [_neighbour(row) for row in rows[0]["neighbours"]]


def _neighbour(row: dict[str, Any]) -> dict[str, Any]:
    product = normalize_element_map(row["product"])
    item: dict[str, Any] = {
        "id": product.get("id"),
        "title": product.get("title"),
        "brand": product.get("brand"),
        "price": product.get("price"),
        "category": product.get("category"),
        "in_stock": product.get("in_stock"),
        "image": product.get("image"),
        "score": float(row["score"]),
    }
    if row.get("model"):
        item["model"] = row["model"]
    return item


def similar_products(
    g: GraphTraversalSource, product_id: str, k: int, flt: ProductFilter | None = None
) -> Optional[NeighbourResult]:
    """Top-k SIMILAR neighbours (None when the product is unknown)."""
    items = top_neighbours(g, product_id, SIMILAR, k, flt)
    if items is None:
        return None
    return NeighbourResult(product_id, SIMILAR, items)


def recommended_products(
    g: GraphTraversalSource, product_id: str, k: int, flt: ProductFilter | None = None
) -> Optional[NeighbourResult]:
    """Top-k RECOMMENDED neighbours, falling back to SIMILAR.

    The fallback (``fallback=True``) is used when the product has no
    RECOMMENDED edge at all — no GNN model has run yet, or the product was
    added after the last ``gnn refine``. A product that has RECOMMENDED edges
    but none passing ``flt`` gets an empty list, not the fallback.
    """
    has_recommended = bool(
        g.V(product_id).out_e(RECOMMENDED).limit(1).count().next()
    )
    if has_recommended:
        items = top_neighbours(g, product_id, RECOMMENDED, k, flt)
        if items is None:
            return None
        models = {item.pop("model") for item in items if "model" in item}
        model = sorted(models)[0] if len(models) == 1 else (", ".join(sorted(models)) or None)
        return NeighbourResult(product_id, RECOMMENDED, items, fallback=False, model=model)
    result = similar_products(g, product_id, k, flt)
    if result is None:
        return None
    result.fallback = True
    return result
