"""``RECOMMENDED`` edges: the GNN's refined links (Gremlin writes and reads of ``g``).

``recommended_products`` (top-k with the SIMILAR fallback) and ``replace_recommended``
are written once for every backend in ``ProductGraph`` (``queries/interface.py``).

Data model (docs/INTERFACES.md): label ``RECOMMENDED``, product -> product,
properties ``score`` (Double) and ``model`` (String, the run name); an edge is
identified by its endpoints (its id is the backend's: JanusGraph refuses
client-chosen edge ids).

Replacing a model's edges writes the new ones first (idempotent ``mergeE``
upserts) and only then drops the stale ones, so a reader never sees a
product without recommendations in between.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import Direction, Merge, Order, P, T

from stylegraph.product_schema import MODEL, RECOMMENDED, SCORE

RECOMMENDED_LABEL = RECOMMENDED
DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True)
class Recommendation:
    """One recommended link ``src -> dst`` with its model score."""

    src: str
    dst: str
    score: float


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def upsert_recommended(
    g: GraphTraversalSource,
    recs: Sequence[Recommendation],
    model: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> int:
    """Create or update ``RECOMMENDED`` edges (one chained ``mergeE`` traversal per batch).

    Returns the number of edges written. Both endpoints must exist.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    written = 0
    for batch in _batches(list(recs), batch_size):
        t = g
        for rec in batch:
            props = {SCORE: float(rec.score), MODEL: model}
            t = (
                t.merge_e({
                    T.label: RECOMMENDED_LABEL,
                    Direction.OUT: rec.src,
                    Direction.IN: rec.dst,
                })
                .option(Merge.on_create, props)
                .option(Merge.on_match, props)
            )
        t.iterate()
        written += len(batch)
    return written


def drop_stale_recommended(
    g: GraphTraversalSource,
    keep: dict[str, list[str]],
    model: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> None:
    """Drop ``RECOMMENDED`` edges not in ``keep`` ({src: [dst, ...]}) and all of other models.

    Every source in ``keep`` loses the out-edges not listed for it; edges
    written by a model other than ``model`` are dropped everywhere.
    """
    sources = sorted(keep)
    for batch in _batches(sources, batch_size):
        t = g.inject(0)
        for src in batch:
            t = t.side_effect(
                __.V(src).out_e(RECOMMENDED_LABEL)
                .where(__.in_v().has_id(P.without(sorted(set(keep[src])))))
                .drop()
            )
        t.iterate()
    g.E().has_label(RECOMMENDED_LABEL).not_(__.has("model", model)).drop().iterate()


def recommended_for(
    g: GraphTraversalSource, product_id: str, limit: int = 10
) -> list[tuple[str, float, str]]:
    """``(dst id, score, model)`` of a product's ``RECOMMENDED`` edges, best first."""
    rows = (
        g.V(product_id)
        .out_e(RECOMMENDED_LABEL)
        .order()
        .by(SCORE, Order.desc)
        .limit(limit)
        .project("dst", "score", "model")
        .by(__.in_v().id_())
        .by(SCORE)
        .by("model")
        .to_list()
    )
    return [(str(r["dst"]), float(r["score"]), str(r["model"])) for r in rows]


def count_recommended(g: GraphTraversalSource, model: str | None = None) -> int:
    """How many ``RECOMMENDED`` edges the graph holds (of ``model`` when given)."""
    t = g.E().has_label(RECOMMENDED_LABEL)
    if model is not None:
        t = t.has("model", model)
    return int(t.count().next())
