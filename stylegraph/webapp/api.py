"""The shop API blueprint (``api``): products, neighbours, visual search, explorer data.

Every graph access goes through ``stylegraph.queries``. Read endpoints mark
their answers cacheable; :class:`~stylegraph.webapp.cache.ResponseCache`
serves repeats until the graph's version changes.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, Callable, Iterable

from flask import Blueprint, Response, current_app, jsonify, request

from stylegraph.queries.explore import EDGE_LABELS, EDGE_NAMES, RELATED
from stylegraph.queries.interface import ProductGraph
from stylegraph.queries.similar import RECOMMENDED, SIMILAR, NeighbourResult
from stylegraph.webapp import params
from stylegraph.webapp.cache import mark_cacheable
from stylegraph.webapp.errors import BadParameter, NotFound, TooLarge, error_response, is_unavailable
from stylegraph.webapp.images import image_url, serve_image
from stylegraph.webapp.state import get_g, get_state
from stylegraph.webapp.vis import vis_network

bp = Blueprint("api", __name__)

K_DEFAULT, K_MAX = 6, 100
# named sets of the explorer's edge types (``edge=``); a comma-separated list works too
EDGE_SETS = {"both": (SIMILAR, RECOMMENDED), "all": (SIMILAR, RECOMMENDED, RELATED)}
HEALTH_TIMEOUT_S = 2.0
_health_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz")


def product_json(product: dict[str, Any]) -> dict[str, Any]:
    """A product dict with its ``image_url``."""
    return {**product, "image_url": image_url(product.get("image"))}


def neighbours_json(result: NeighbourResult, k: int) -> dict[str, Any]:
    """The JSON body of ``/similar`` and ``/recommendations``."""
    body: dict[str, Any] = {
        "product_id": result.product_id,
        "edge": result.edge,
        "relation": EDGE_NAMES.get(result.edge, result.edge),
        "k": k,
        "count": len(result.items),
        "items": [product_json(item) for item in result.items],
    }
    if result.edge == RECOMMENDED or result.fallback:
        body["fallback"] = result.fallback
        body["model"] = result.model
    return body


@bp.get("/api/products/<product_id>")
def product(product_id: str) -> Response:
    """One product's properties and image URL."""
    mark_cacheable()
    found = get_g().get_product(product_id)
    if found is None:
        raise NotFound(f"unknown product {product_id!r}")
    return jsonify(product_json(found))


def _neighbours(product_id: str, find: Callable[..., NeighbourResult | None]) -> Response:
    """The answer of a neighbours endpoint: ``find(graph, product_id, k, filter)`` for the
    request's ``k`` and filter, as JSON (404 when the product is unknown)."""
    k = params.int_param("k", K_DEFAULT, 1, K_MAX)
    flt = params.product_filter()
    mark_cacheable()
    result = find(get_g(), product_id, k, flt)
    if result is None:
        raise NotFound(f"unknown product {product_id!r}")
    return jsonify(neighbours_json(result, k))


@bp.get("/api/products/<product_id>/similar")
def similar(product_id: str) -> Response:
    """Top-k SIMILAR neighbours, filtered inside the traversal."""
    return _neighbours(product_id, ProductGraph.similar_products)


@bp.get("/api/products/<product_id>/recommendations")
def recommendations(product_id: str) -> Response:
    """Top-k RECOMMENDED neighbours; SIMILAR with ``"fallback": true`` when there are none."""
    return _neighbours(product_id, ProductGraph.recommended_products)


def cached_products(ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Products by id through the read cache (one traversal for all the misses)."""
    cache = get_state().cache
    ids = list(ids)
    if cache is None:
        return get_g().get_products(ids)
    version = cache.version()
    found: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for pid in ids:
        hit, value = cache.lookup(("product", pid), check=False)
        if hit:
            if value is not None:
                found[pid] = value
        else:
            missing.append(pid)
    if missing:
        fetched = get_g().get_products(missing)
        for pid in missing:
            cache.put(("product", pid), fetched.get(pid), version)
        found.update(fetched)
    return found


@bp.post("/api/search/image")
def search_image() -> Response:
    """Visual search: the multipart ``image`` upload's top-k look-alikes."""
    from stylegraph.webapp.search import decode_image

    started = time.perf_counter()
    k = params.int_param("k", K_DEFAULT, 1, K_MAX)
    flt = params.product_filter()
    limit = get_state().settings.upload_max_bytes
    search = get_state().search
    fetch = k if flt.is_empty() else min(K_MAX * 10, k * 10)
    # announced before the upload is read, so concurrent uploads wait for each other
    with search.incoming() as submit:
        # a body over MAX_CONTENT_LENGTH (limit + multipart framing) is refused by Flask with a 413
        upload = request.files.get("image")
        if upload is None:
            raise BadParameter("multipart field 'image' is required")
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(f"upload larger than {limit} bytes")
        image = decode_image(data)
        outcome = search.search(image, fetch, submit=submit)
    products = cached_products(hit.id for hit in outcome.hits)
    items = []
    for hit in outcome.hits:
        found = products.get(hit.id)
        if found is None or not flt.matches(found):
            continue
        items.append({**product_json(found), "score": hit.score})
        if len(items) == k:
            break
    total_ms = (time.perf_counter() - started) * 1000.0
    response = jsonify(
        {
            "model": outcome.model_id,
            "k": k,
            "count": len(items),
            "items": items,
            "batch_size": outcome.batch_size,
            "timing_ms": {
                "queue": round(outcome.queue_ms, 3),
                "embed_and_search": round(outcome.compute_ms, 3),
                "total": round(total_ms, 3),
            },
        }
    )
    response.headers["Server-Timing"] = (
        f"queue;dur={outcome.queue_ms:.3f}, model;dur={outcome.compute_ms:.3f}, total;dur={total_ms:.3f}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/graph/neighborhood")
def graph_neighborhood() -> Response:
    """The product's neighbourhood in vis.js ``{nodes, edges}`` shape, for the explorer."""
    product_id = params.str_param("id")
    if product_id is None:
        raise BadParameter("id is required")
    depth = params.int_param("depth", 1, 1, 3)
    limit = params.int_param("limit", 50, 1, 500)
    edge = params.str_param("edge") or "both"
    edges = EDGE_SETS.get(edge.lower()) or tuple(
        dict.fromkeys(e.strip().upper() for e in edge.split(",")))
    if not edges or any(e not in EDGE_LABELS for e in edges):
        raise BadParameter(f"edge must be one of {', '.join(EDGE_SETS)} or a comma-separated list "
                           f"of {', '.join(EDGE_LABELS)}, got {edge!r}")
    min_score = params.float_param("min_score")
    mark_cacheable()
    result = get_g().neighborhood(
        product_id,
        depth=depth,
        limit=limit,
        edges=edges,
        min_score=float("-inf") if min_score is None else min_score,
    )
    if result is None:
        raise NotFound(f"unknown product {product_id!r}")
    body = vis_network(result, image_url)
    body.update({"depth": depth, "limit": limit, "edge": edge, "min_score": min_score})
    return jsonify(body)


def active_embedding_model(data_dir: Path) -> str | None:
    """The model id in ``<data_dir>/embeddings/ACTIVE`` (None when there is none)."""
    try:
        return (Path(data_dir) / "embeddings" / "ACTIVE").read_text().strip() or None
    except OSError:
        return None


@bp.get("/api/stats")
def stats() -> Response:
    """Counts by label, the models in use, cache and batching counters."""
    state = get_state()
    g = get_g()
    counts = (
        state.cache.get_or_compute(("stats",), g.graph_stats)
        if state.cache is not None
        else g.graph_stats()
    )
    body = {
        **counts,
        "embedding_model": active_embedding_model(state.settings.data_dir),
        "cache": state.cache.stats() if state.cache is not None else None,
        "search": state._search.batcher.stats() if state._search is not None else None,
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """200 when the graph answers within two seconds, 503 otherwise."""
    app = current_app._get_current_object()

    def probe() -> int:
        return get_state(app).g.get_version()

    try:
        version = _health_pool.submit(probe).result(HEALTH_TIMEOUT_S)
    except FutureTimeout:
        return error_response(503, "graph did not answer in time", status="unavailable")
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        if is_unavailable(exc):
            get_state(app).connection_lost()
        return error_response(503, f"graph unreachable: {exc}", status="unavailable")
    response = jsonify({"status": "ok", "graph": "reachable", "graph_version": version})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/images/<path:relpath>")
def catalog_image(relpath: str) -> Response:
    """A catalog image, with caching headers; nothing outside the catalog directory."""
    return serve_image(get_state().settings.catalog_dir, relpath)


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 document of every route."""
    from stylegraph.webapp.openapi import build_openapi

    mark_cacheable()
    return jsonify(build_openapi(current_app))
