"""The curated (and optionally explained) answer of ``/similar`` and ``/recommendations``.

Pins and bans and the reasons come from the ProductGraph (``apply_curation``,
``explain``: on Gremlin ``queries/curation.py`` and ``queries/explain.py``); this module only joins them to the request's
``k``, filter and ``explain`` flag (validated by ``merch_schemas.ExplainQuery``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from stylegraph.product_schema import RECOMMENDED

from stylegraph.queries.filters import ProductFilter
from stylegraph.queries.similar import NeighbourResult
from stylegraph.webapp.errors import NotFound
from stylegraph.webapp.state import get_g, get_state

Find = Callable[..., Optional[NeighbourResult]]


def active_embedding_model(data_dir: Path) -> str | None:
    """The model id in ``<data_dir>/embeddings/ACTIVE`` (None when there is none)."""
    from stylegraph.loader.embedding_store import EmbeddingStoreError, active_model_id

    try:
        return active_model_id(data_dir)
    except EmbeddingStoreError:
        return None


def curated_neighbours(product_id: str, find: Find, relation: str, k: int,
                       flt: Optional[ProductFilter]) -> NeighbourResult:
    """``find``'s top-``k`` passing ``flt`` with the product's pins and bans applied."""
    g = get_g()
    result = g.apply_curation(product_id, relation, k, flt, lambda n: find(g, product_id, n, flt))
    if result is None:
        raise NotFound(f"unknown product {product_id!r}")
    return result


def add_explanations(body: dict[str, Any], result: NeighbourResult) -> None:
    """Give every item of ``body`` its ``why`` list (paths, shared attributes, model, score)."""
    model = result.model if result.edge == RECOMMENDED else active_embedding_model(
        get_state().settings.data_dir)
    reasons = get_g().explain(result.product_id, result.items, result.edge, model)
    for item in body["items"]:
        why = list(reasons.get(item["id"], []))
        if item.get("pinned"):
            why.insert(0, {"type": "curation", "action": "pin", "by": item.get("curated_by"),
                           "at": item.get("curated_at")})
        item["why"] = why


def finish_body(body: dict[str, Any], result: NeighbourResult, explained: bool) -> dict[str, Any]:
    """``body`` with the curation counts (when rules applied) and, if asked, the reasons."""
    curated = getattr(result, "curated", None)
    if curated is not None:
        body["curated"] = curated
    if explained:
        add_explanations(body, result)
    return body
