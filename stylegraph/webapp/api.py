"""The shop API blueprint (``api``): products, neighbours, visual search, explorer data.

Each route declares its request and response models (``contract.declare``); the
models live in ``schemas.py`` and the OpenAPI document is generated from them.

Every graph access goes through ``stylegraph.queries``. Read endpoints mark
their answers cacheable; :class:`~stylegraph.webapp.cache.ResponseCache`
serves repeats until the graph's version changes.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Callable, Iterable

from flask import Blueprint, Response, current_app, jsonify

from stylegraph.product_schema import RECOMMENDED
from stylegraph.queries.explore import EDGE_NAMES
from stylegraph.queries.interface import ProductGraph
from stylegraph.queries.similar import NeighbourResult
from stylegraph.webapp.cache import mark_cacheable
from stylegraph.webapp.contract import declare, openapi_document
from stylegraph.webapp.errors import BadParameter, NotFound, TooLarge, error_response, is_unavailable
from stylegraph.webapp.images import image_url, serve_image
from stylegraph.webapp.merch_schemas import CuratedNeighbours, ExplainQuery
from stylegraph.webapp.neighbours_view import active_embedding_model, curated_neighbours, finish_body
from stylegraph.webapp.schemas import K_MAX, Health, ImageUpload, NeighborhoodQuery
from stylegraph.webapp.schemas import NeighbourQuery, Neighborhood, Product, SearchResult, Stats
from stylegraph.webapp.state import get_g, get_state

bp = Blueprint("api", __name__)

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
@declare(ok=Product, errors=(404, 503))
def product(product_id: str) -> Response:
    """One product's properties and image URL."""
    mark_cacheable()
    found = get_g().get_product(product_id)
    if found is None:
        raise NotFound(f"unknown product {product_id!r}")
    return jsonify(product_json(found))


def _neighbours(product_id: str, query: ExplainQuery, find: Callable[..., NeighbourResult | None],
                relation: str) -> Response:
    """The answer of a neighbours endpoint: ``find(g, product_id, k, filter)`` for the
    request's ``k`` and filter, with the merchandisers' pins and bans for ``relation``
    applied and, with ``explain=true``, each item's ``why``, as JSON (404 when unknown)."""
    mark_cacheable()
    result = curated_neighbours(product_id, find, relation, query.k, query.product_filter())
    return jsonify(finish_body(neighbours_json(result, query.k), result, query.explain))


@bp.get("/api/products/<product_id>/similar")
@declare(query=ExplainQuery, ok=CuratedNeighbours, errors=(404, 503))
def similar(product_id: str, query: ExplainQuery) -> Response:
    """Top-k SIMILAR neighbours ("looks like"), filtered inside the traversal; pins and bans
    applied; ``explain=true`` adds each item's ``why``."""
    return _neighbours(product_id, query, ProductGraph.similar_products, "similar")


@bp.get("/api/products/<product_id>/recommendations")
@declare(query=ExplainQuery, ok=CuratedNeighbours, errors=(404, 503))
def recommendations(product_id: str, query: ExplainQuery) -> Response:
    """Top-k RECOMMENDED neighbours ("goes with"); SIMILAR with ``"fallback": true`` when there
    are none; pins and bans applied; ``explain=true`` adds each item's ``why``."""
    return _neighbours(product_id, query, ProductGraph.recommended_products, "recommendations")


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
@declare(query=NeighbourQuery, form=ImageUpload, ok=SearchResult, errors=(413, 415, 503))
def search_image(query: NeighbourQuery, form: ImageUpload) -> Response:
    """Visual search: the multipart ``image`` upload's top-k look-alikes (concurrent uploads are batched)."""
    from stylegraph.webapp.search import decode_image

    started = time.perf_counter()
    k, flt = query.k, query.product_filter()
    limit = get_state().settings.upload_max_bytes
    search = get_state().search
    fetch = k if flt.is_empty() else min(K_MAX * 10, k * 10)
    # a body over MAX_CONTENT_LENGTH (limit + multipart framing) was refused by Flask with a 413
    upload = form.image
    if not hasattr(upload, "read"):
        raise BadParameter("multipart file field 'image' is required")
    # announced before the upload is decoded, so concurrent uploads wait for each other
    with search.incoming() as submit:
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
@declare(query=NeighborhoodQuery, ok=Neighborhood, errors=(404, 503), tags=("explorer",))
def graph_neighborhood(query: NeighborhoodQuery) -> Response:
    """A product's neighbourhood: the products within ``depth`` hops and the edges between them."""
    mark_cacheable()
    result = get_g().neighborhood(
        query.id,
        depth=query.depth,
        limit=query.limit,
        edges=query.edge_labels(),
        min_score=float("-inf") if query.min_score is None else query.min_score,
    )
    if result is None:
        raise NotFound(f"unknown product {query.id!r}")
    return jsonify({
        **query.model_dump(),
        "root": result.root,
        "truncated": result.truncated,
        "nodes": [product_json(n) for n in result.nodes],
        "edges": result.edges,
    })


@bp.get("/api/stats")
@declare(ok=Stats, errors=(503,))
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
@declare(ok=Health, errors=(503,), tags=("operator",))
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
@declare(errors=(404,), ok_description="the photo (Cache-Control, ETag, Last-Modified; 304 when unchanged)")
def catalog_image(relpath: str) -> Response:
    """A catalog image, with caching headers; nothing outside the catalog directory."""
    return serve_image(get_state().settings.catalog_dir, relpath)


@bp.get("/api/openapi.json")
@declare(ok_description="the OpenAPI 3.1 document", tags=("operator",))
def openapi() -> Response:
    """This OpenAPI document, generated from the routes' declarations."""
    mark_cacheable()
    return jsonify(openapi_document(current_app._get_current_object()))
