"""Top-k neighbour traversals (Gremlin) and the ``NeighbourResult`` they make.

``similar_products`` and ``recommended_products`` (RECOMMENDED with its SIMILAR
fallback), for every backend, are methods of ``ProductGraph`` (``queries/interface.py``).

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

from stylegraph.product_schema import DERIVED_LABELS, SCORE
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


def has_out_edge(g: GraphTraversalSource, product_id: str, label: str) -> bool:
    """True when ``product_id`` has at least one outgoing ``label`` edge."""
    return bool(g.V(product_id).out_e(label).limit(1).count().next())


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
        .by(SCORE, Order.desc)
        .by(__.in_v().id_(), Order.asc)
        .limit(int(k))
        .project("score", "model", "product")
        .by(SCORE)
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
    return [neighbour_item(row) for row in rows[0]["neighbours"]]


def neighbour_item(row: dict[str, Any]) -> dict[str, Any]:
    """One neighbour dict from a ``{score, model, product}`` row (the product as an element map)."""
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
