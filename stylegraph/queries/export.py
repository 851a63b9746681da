"""Streamed reads of the whole product graph, for the GNN dataset.

Each listing is one traversal (``g.V().hasLabel('product').elementMap()``,
``g.E().hasLabel(...).project(...)``) whose results the server sends in
batches of ``batch_size`` (the ``batchSize`` request option): linear in the
size of the graph on every backend, unlike sort-and-skip pages
(``order().by(T.id).range(lo, hi)``), which re-sort the whole graph for
every page. Only standard TinkerPop 3.7 steps are used.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import T

from stylegraph.product_schema import PRODUCT, SCORE, SIMILAR, WEIGHT

PRODUCT_LABEL = PRODUCT
SIMILAR_LABEL = SIMILAR
DEFAULT_BATCH_SIZE = 1000
# kept for callers that still pass the old paging argument name
DEFAULT_PAGE_SIZE = DEFAULT_BATCH_SIZE


@dataclass(frozen=True)
class ProductRow:
    """The product properties the GNN uses as features (missing ones are empty/None).

    ``attrs`` holds every other string property of the vertex (brand, colour, ...).
    """

    id: str
    category: str
    price: float | None
    attrs: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class EdgeRow:
    """One directed edge ``src -> dst``: its label, ``score`` and ``weight`` (None when absent)."""

    src: str
    dst: str
    score: float | None
    label: str = SIMILAR_LABEL
    weight: float | None = None


def _check_batch_size(batch_size: int) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")


def number(value: Any) -> float | None:
    """``value`` as a float, or None when it is empty, a boolean or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _plain_key(key: Any) -> str:
    if key == T.id:
        return "id"
    if key == T.label:
        return "label"
    return str(key)


def iter_products(g: GraphTraversalSource, batch_size: int = DEFAULT_BATCH_SIZE
                  ) -> Iterator[ProductRow]:
    """Every ``product`` vertex with its properties: one traversal, sent in batches."""
    _check_batch_size(batch_size)
    rows = g.with_("batchSize", batch_size).V().has_label(PRODUCT_LABEL).element_map().to_list()
    for raw in rows:
        yield product_row({_plain_key(k): (v[0] if isinstance(v, list) and len(v) == 1 else v)
                           for k, v in raw.items()})


def product_row(row: Mapping[str, Any]) -> ProductRow:
    """A ``ProductRow`` from a product's plain ``{"id", property: value}`` dict (any backend)."""
    attrs = {k: str(v) for k, v in row.items()
             if k not in ("id", "label", "category", "price") and isinstance(v, str)}
    category = row.get("category")
    return ProductRow(id=str(row["id"]), category=str(category) if category is not None else "",
                      price=number(row.get("price")), attrs=attrs)


def iter_edges(g: GraphTraversalSource, label: str | Sequence[str] = SIMILAR_LABEL,
               batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[EdgeRow]:
    """Every edge with ``label`` (one label or several): one traversal, sent in batches."""
    _check_batch_size(batch_size)
    labels = [label] if isinstance(label, str) else list(label)
    if not labels:
        return
    rows = (
        g.with_("batchSize", batch_size).E().has_label(*labels)
        .project("src", "dst", "label", "score", "weight")
        .by(__.out_v().id_())
        .by(__.in_v().id_())
        .by(__.label())
        .by(__.coalesce(__.values(SCORE), __.constant("")))
        .by(__.coalesce(__.values(WEIGHT), __.constant("")))
        .to_list()
    )
    for row in rows:
        yield EdgeRow(src=str(row["src"]), dst=str(row["dst"]), score=number(row["score"]),
                      label=str(row["label"]), weight=number(row["weight"]))


def count_products(g: GraphTraversalSource) -> int:
    """How many ``product`` vertices the graph holds."""
    return int(g.V().has_label(PRODUCT_LABEL).count().next())


def count_edges(g: GraphTraversalSource, label: str | Sequence[str] = SIMILAR_LABEL) -> int:
    """How many edges with ``label`` (one or several) the graph holds."""
    labels = [label] if isinstance(label, str) else list(label)
    if not labels:
        return 0
    return int(g.E().has_label(*labels).count().next())


def iter_scored_edges(g: GraphTraversalSource, label: str,
                      batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[tuple[str, str, float]]:
    """``(src, dst, score)`` of every ``label`` edge that has a score: one traversal, sent in
    batches; a third lighter than :func:`iter_edges` (three projections, no coalesce), for
    the analytics' read of SIMILAR/RECOMMENDED edges (which always carry a score)."""
    _check_batch_size(batch_size)
    rows = (
        g.with_("batchSize", batch_size).E().has_label(label).has(SCORE)
        .project("s", "d", "w").by(__.out_v().id_()).by(__.in_v().id_()).by(SCORE)
        .to_list()
    )
    for row in rows:
        yield str(row["s"]), str(row["d"]), float(row["w"])
