"""Compare two neighbour sources of one product side by side (blueprint ``compare``).

``GET /api/products/<id>/compare?a=similar&b=recommendations&k=10`` (+ the shop
filters): each source's top-k, their overlap@k (shared items / k) and Jaccard
index, and each source's model and metrics. A source is ``similar`` or
``recommendations`` (curated, as ``/similar`` and ``/recommendations`` serve
them) or ``run:<name>``: a GNN run's saved ranking (``stylegraph gnn refine
[--snapshot-only]``, uncurated), so two runs can be compared although the graph
holds one run's edges. Metrics: the run's ``metrics.json`` (``runs/<name>/``);
the active embedding model for ``similar``. ``GET /api/compare/sources`` lists them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from flask import Blueprint, Response, jsonify

from stylegraph.analytics.snapshots import list_snapshots, load_snapshot, valid_run_name
from stylegraph.queries.interface import ProductGraph
from stylegraph.queries.filters import ProductFilter
from stylegraph.webapp.cache import mark_cacheable
from stylegraph.webapp.contract import declare
from stylegraph.webapp.errors import BadParameter, NotFound
from stylegraph.webapp.merch_schemas import CompareQuery, CompareSources, Comparison
from stylegraph.webapp.neighbours_view import curated_neighbours
from stylegraph.webapp.state import get_g, get_state

bp = Blueprint("compare", __name__)

SOURCES = {"similar": ProductGraph.similar_products, "recommendations": ProductGraph.recommended_products}
RUN_PREFIX = "run:"
ITEM_KEYS = ("id", "title", "brand", "price", "category", "in_stock", "image")


@bp.get("/api/compare/sources")
@declare(ok=CompareSources, tags=("merchandiser",))
def sources() -> Response:
    """What the compare view can put side by side: the graph's two lists and every GNN run
    with a saved ranking (``run:<name>``)."""
    runs = list_snapshots(get_state().settings.data_dir)
    response = jsonify({"sources": [*SOURCES, *(RUN_PREFIX + r for r in runs)], "runs": runs})
    response.headers["Cache-Control"] = "no-store"
    return response


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


def _run_side(product_id: str, run: str, k: int, flt: ProductFilter) -> dict[str, Any]:
    """A GNN run's saved ranking (``stylegraph gnn refine``'s snapshot) of ``product_id``."""
    from stylegraph.webapp.api import product_json

    settings = get_state().settings
    table = load_snapshot(settings.data_dir, run)
    if table is None:
        raise NotFound(f"no saved ranking of run {run!r}: run `stylegraph gnn refine --run {run} --snapshot-only`")
    if not get_g().product_exists(product_id):
        raise NotFound(f"unknown product {product_id!r}")
    ranked = table.get(product_id, [])
    found = get_g().get_products([d for d, _ in ranked])
    items = []
    for dst, score in ranked:
        product = found.get(dst)
        if product is not None and flt.matches(product):
            items.append({**{key: product.get(key) for key in ITEM_KEYS}, "score": score})
        if len(items) == k:
            break
    return {"source": RUN_PREFIX + run, "edge": "RECOMMENDED", "fallback": False, "model": run,
            "metrics": run_metrics(settings.runs_dir, run), "items": [product_json(i) for i in items]}


def _side(product_id: str, source: str, k: int, flt: ProductFilter) -> dict[str, Any]:
    from stylegraph.webapp.api import product_json
    from stylegraph.webapp.neighbours_view import active_embedding_model

    if source.startswith(RUN_PREFIX):
        run = source[len(RUN_PREFIX):]
        if not valid_run_name(run):
            raise BadParameter(f"not a run name: {run!r}")
        return _run_side(product_id, run, k, flt)
    settings = get_state().settings
    result = curated_neighbours(product_id, SOURCES[source], source, k, flt)
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
@declare(query=CompareQuery, ok=Comparison, errors=(404, 503), tags=("merchandiser",))
def compare(product_id: str, query: CompareQuery) -> Response:
    """Two sources' top-k of ``product_id`` side by side, with overlap@k."""
    k, flt = query.k, query.product_filter()
    mark_cacheable()
    left, right = _side(product_id, query.a, k, flt), _side(product_id, query.b, k, flt)
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
