"""Compare two neighbour sources of one product side by side (blueprint ``compare``).

``GET /api/products/<id>/compare?a=similar&b=recommendations&k=10`` (+ the shop
filters): each source's curated top-k (as ``/similar`` and ``/recommendations``
serve them), their overlap@k (shared items / k) and Jaccard index, and each
source's model and metrics: the GNN run's ``metrics.json`` (``runs/<model>/``)
for ``recommendations``, the active embedding model for ``similar``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from flask import Blueprint, Response, jsonify

from stylegraph.queries.similar import recommended_products, similar_products
from stylegraph.webapp import params
from stylegraph.webapp.cache import mark_cacheable
from stylegraph.webapp.neighbours_view import curated_neighbours
from stylegraph.webapp.state import get_state

bp = Blueprint("compare", __name__)

SOURCES = {"similar": similar_products, "recommendations": recommended_products}
K_MAX = 100


def run_metrics(runs_dir: Path, model: Optional[str]) -> Optional[dict[str, Any]]:
    """The numeric top-level entries of ``<runs_dir>/<model>/metrics.json`` (None when absent)."""
    if not model or "/" in model or model.startswith("."):
        return None
    path = Path(runs_dir) / model / "metrics.json"
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return _numbers(raw)


def _numbers(raw: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            name = f"{prefix}{key}"
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[name] = value
            elif isinstance(value, dict) and len(out) < 200:
                out.update(_numbers(value, name + "."))
    return out


def _side(product_id: str, source: str, k: int) -> dict[str, Any]:
    from stylegraph.webapp.api import active_embedding_model, product_json

    settings = get_state().settings
    result = curated_neighbours(product_id, SOURCES[source], source, k)
    model = result.model if result.edge == "RECOMMENDED" else active_embedding_model(settings.data_dir)
    return {
        "source": source,
        "edge": result.edge,
        "fallback": result.fallback,
        "model": model,
        "metrics": run_metrics(settings.runs_dir, model) if result.edge == "RECOMMENDED" else None,
        "items": [product_json(item) for item in result.items],
    }


@bp.get("/api/products/<product_id>/compare")
def compare(product_id: str) -> Response:
    """Two sources' top-k of ``product_id`` side by side, with overlap@k."""
    a = params.choice_param("a", tuple(SOURCES), "similar")
    b = params.choice_param("b", tuple(SOURCES), "recommendations")
    k = params.int_param("k", 10, 1, K_MAX)
    mark_cacheable()
    left, right = _side(product_id, a, k), _side(product_id, b, k)
    ids_a = {i["id"] for i in left["items"]}
    ids_b = {i["id"] for i in right["items"]}
    shared = ids_a & ids_b
    union = ids_a | ids_b
    return jsonify({
        "product_id": product_id,
        "k": k,
        "a": left,
        "b": right,
        "shared": sorted(shared),
        "overlap_at_k": round(len(shared) / k, 4),
        "jaccard": round(len(shared) / len(union), 4) if union else 0.0,
    })
