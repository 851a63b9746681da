"""Product look-ups: one product, many products, and result normalisation."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from gremlin_python.process.graph_traversal import GraphTraversalSource
from gremlin_python.process.traversal import T

from stylegraph.queries.filters import PRODUCT_LABEL

# the product properties of the data model (docs/INTERFACES.md)
PRODUCT_KEYS = (
    "title",
    "brand",
    "category",
    "subcategory",
    "color",
    "pattern",
    "price",
    "in_stock",
    "image",
)


def normalize_element_map(raw: dict) -> dict[str, Any]:
    """Turn an ``elementMap()``/``valueMap()`` result into a plain ``{str: value}`` dict.

    ``T.id``/``T.label`` keys become ``"id"``/``"label"``; list values (valueMap,
    or a list-cardinality property) of length one are unwrapped.
    """
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key == T.id or key == "T.id":
            name = "id"
        elif key == T.label or key == "T.label":
            name = "label"
        else:
            name = str(getattr(key, "name", key))
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        out[name] = value
    if "price" in out and out["price"] is not None:
        out["price"] = float(out["price"])
    if "in_stock" in out and out["in_stock"] is not None:
        out["in_stock"] = bool(out["in_stock"])
    return out


def get_product(g: GraphTraversalSource, product_id: str) -> Optional[dict[str, Any]]:
    """The product vertex ``product_id`` as a dict (``id`` plus its properties), or None."""
    rows = g.V(product_id).has_label(PRODUCT_LABEL).element_map().to_list()
    return normalize_element_map(rows[0]) if rows else None


def product_exists(g: GraphTraversalSource, product_id: str) -> bool:
    """True when a ``product`` vertex with this id exists."""
    return bool(g.V(product_id).has_label(PRODUCT_LABEL).limit(1).count().next())


def get_products(g: GraphTraversalSource, product_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The products among ``product_ids`` that exist, keyed by id (one traversal)."""
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        return {}
    rows = g.V(*ids).has_label(PRODUCT_LABEL).element_map().to_list()
    products = (normalize_element_map(row) for row in rows)
    return {p["id"]: p for p in products}
