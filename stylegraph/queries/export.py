"""Paged reads of the whole product graph, for the GNN dataset.

Pages are ``order().by(T.id).range(lo, hi)`` so that every backend (the
embedded engine, Gremlin Server, Neptune) returns a stable, complete listing
without one huge response. Only standard TinkerPop 3.7 steps are used.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import T

PRODUCT_LABEL = "product"
SIMILAR_LABEL = "SIMILAR"
DEFAULT_PAGE_SIZE = 1000


@dataclass(frozen=True)
class ProductRow:
    """The product properties the GNN uses as features (missing ones are empty/None)."""

    id: str
    category: str
    price: float | None


@dataclass(frozen=True)
class EdgeRow:
    """One directed edge: ``src -> dst`` with its ``score`` (None when it has none)."""

    src: str
    dst: str
    score: float | None


def _check_page_size(page_size: int) -> None:
    if page_size < 1:
        raise ValueError(f"page_size must be >= 1, got {page_size}")


def iter_products(
    g: GraphTraversalSource, page_size: int = DEFAULT_PAGE_SIZE
) -> Iterator[ProductRow]:
    """Every ``product`` vertex (id, category, price), in id order, ``page_size`` at a time."""
    _check_page_size(page_size)
    lo = 0
    while True:
        rows = (
            g.V()
            .has_label(PRODUCT_LABEL)
            .order()
            .by(T.id)
            .range_(lo, lo + page_size)
            .project("id", "category", "price")
            .by(T.id)
            .by(__.coalesce(__.values("category"), __.constant("")))
            .by(__.coalesce(__.values("price"), __.constant("")))
            .to_list()
        )
        for row in rows:
            price = row["price"]
            yield ProductRow(
                id=str(row["id"]),
                category=str(row["category"] or ""),
                price=None if price == "" or price is None else float(price),
            )
        if len(rows) < page_size:
            return
        lo += page_size


def iter_edges(
    g: GraphTraversalSource, label: str = SIMILAR_LABEL, page_size: int = DEFAULT_PAGE_SIZE
) -> Iterator[EdgeRow]:
    """Every edge with ``label`` (src id, dst id, score), in id order, ``page_size`` at a time."""
    _check_page_size(page_size)
    lo = 0
    while True:
        rows = (
            g.E()
            .has_label(label)
            .order()
            .by(T.id)
            .range_(lo, lo + page_size)
            .project("src", "dst", "score")
            .by(__.out_v().id_())
            .by(__.in_v().id_())
            .by(__.coalesce(__.values("score"), __.constant("")))
            .to_list()
        )
        for row in rows:
            score = row["score"]
            yield EdgeRow(
                src=str(row["src"]),
                dst=str(row["dst"]),
                score=None if score == "" or score is None else float(score),
            )
        if len(rows) < page_size:
            return
        lo += page_size


def count_products(g: GraphTraversalSource) -> int:
    """How many ``product`` vertices the graph holds."""
    return int(g.V().has_label(PRODUCT_LABEL).count().next())


def count_edges(g: GraphTraversalSource, label: str = SIMILAR_LABEL) -> int:
    """How many edges with ``label`` the graph holds."""
    return int(g.E().has_label(label).count().next())
