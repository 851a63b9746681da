"""Product filters (in stock, price band, category) as Gremlin steps.

The filters are applied *inside* a traversal (``has()`` steps on the product
vertex), so a backend with indexes can use them and so that ``limit(k)`` after
the filter returns k matching products, not k products minus the filtered ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from gremlin_python.process.graph_traversal import GraphTraversal
from gremlin_python.process.traversal import P

from stylegraph.product_schema import PRODUCT

PRODUCT_LABEL = PRODUCT


@dataclass(frozen=True)
class ProductFilter:
    """Which neighbour products a query may return; ``None`` means "any"."""

    in_stock: Optional[bool] = None
    min_price: Optional[float] = None
    max_price: Optional[float] = None
    category: Optional[str] = None

    def is_empty(self) -> bool:
        """True when the filter lets every product through."""
        return (
            self.in_stock is None
            and self.min_price is None
            and self.max_price is None
            and self.category is None
        )

    def apply(self, traversal: GraphTraversal) -> GraphTraversal:
        """Append this filter's ``has()`` steps to ``traversal`` (positioned on products)."""
        t = traversal.has_label(PRODUCT_LABEL)
        if self.in_stock is not None:
            t = t.has("in_stock", bool(self.in_stock))
        if self.min_price is not None:
            t = t.has("price", P.gte(float(self.min_price)))
        if self.max_price is not None:
            t = t.has("price", P.lte(float(self.max_price)))
        if self.category is not None:
            t = t.has("category", self.category)
        return t

    def matches(self, product: dict) -> bool:
        """The same filter evaluated on an already-fetched product dict (e.g. search hits)."""
        if self.in_stock is not None and bool(product.get("in_stock")) != self.in_stock:
            return False
        price = product.get("price")
        if self.min_price is not None and (price is None or price < self.min_price):
            return False
        if self.max_price is not None and (price is None or price > self.max_price):
            return False
        if self.category is not None and product.get("category") != self.category:
            return False
        return True
