"""The merchandiser explorer: ``/explore`` pages, title search and view export.

Blueprint ``bp`` (registered by ``create_app``):

- ``GET /explore`` and ``GET /explore/<id>``: the vis-network page
  (``templates/explore.html`` + ``static/explorer.js``). The page itself
  reads the shop API (``/api/graph/neighborhood``, ``/api/products/<id>``).
- ``GET /api/search/text?q=&limit=``: products by id or title words, for the
  search box (``queries/explore_search.py``).
- ``POST /explore/export``: the nodes and edges on screen (JSON) in, a
  standalone HTML page out, built by the same code as ``stylegraph export-html``.

vis-network is served from pyvis's bundled copy at ``/explore/vis/<file>`` (no CDN).
"""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, send_from_directory, url_for

from stylegraph.webapp import explorer_style
from stylegraph.webapp.cache import mark_cacheable
from stylegraph.webapp.errors import ApiError, BadParameter
from stylegraph.webapp.export_html import ExportError, app_image_fetcher, page_from_view
from stylegraph.webapp.images import image_url
from stylegraph.webapp.params import int_param, str_param
from stylegraph.webapp.state import get_g
from stylegraph.webapp.vis_assets import FILES as VIS_FILES
from stylegraph.webapp.vis_assets import vis_dir

bp = Blueprint(
    "explorer",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/explore/static",
)

MAX_EXPORT_BYTES = 8 * 1024 * 1024
SEARCH_LIMIT = 20
# first load: one hop around the product; each expand asks for up to ``limit`` products
DEFAULTS = {"depth": 1, "limit": 25, "minScore": 0.0}


@bp.get("/explore/vis/<filename>")
def vis_asset(filename: str) -> Response:
    """vis-network's JS/CSS from the pyvis package, cacheable for a day."""
    if filename not in VIS_FILES:
        abort(404)
    return send_from_directory(vis_dir(), filename, max_age=86400)


def page_config(product_id: str | None) -> dict[str, Any]:
    """The JSON config the page hands to ``explorer.js``."""
    return {
        "root": product_id,
        "api": {  # the shop API's routes (api.py), under this app's mount point
            "neighborhood": request.script_root + "/api/graph/neighborhood",
            "product": request.script_root + "/api/products/",
            "search": url_for("explorer.search_text"),
            "export": url_for("explorer.export_view"),
            "page": url_for("explorer.explore"),
        },
        "defaults": DEFAULTS,
        **explorer_style.client_config(),
    }


@bp.get("/explore")
@bp.get("/explore/<path:product_id>")
def explore(product_id: str | None = None) -> str:
    """The explorer page, centred on ``product_id`` when given."""
    return render_template("explore.html", config=page_config(product_id), product_id=product_id)


def search_result(product: dict[str, Any]) -> dict[str, Any]:
    """One search hit as the search box shows it."""
    return {
        "id": product["id"],
        "title": product.get("title") or product["id"],
        "brand": product.get("brand"),
        "category": product.get("category"),
        "price": product.get("price"),
        "image": image_url(product.get("image")),
    }


@bp.get("/api/search/text")
def search_text() -> Response:
    """Search products by id or title words (the explorer's search box).

    Answers ``{"query": q, "results": [{id, title, brand, category, price, image}]}``:
    the product whose id is ``q`` first, then products whose title has every word
    of ``q`` (any case). An empty ``q`` lists products to start from.
    """
    query = str_param("q", max_length=200) or ""
    limit = int_param("limit", SEARCH_LIMIT, 1, 100)
    mark_cacheable()  # keyed on the graph version by the app's read cache
    products = get_g().search_products(query, limit=limit)
    return jsonify({"query": query, "results": [search_result(p) for p in products]})


def _export_filename(root: Any) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", str(root or "view")).strip("_") or "view"
    return f"stylegraph-{stem[:80]}.html"


@bp.post("/explore/export")
def export_view() -> Response:
    """A standalone HTML page of the posted view, as a download.

    Body: ``{"title": str, "root": id, "nodes": [{id, label, title, image, x, y, ...}],
    "edges": [{from, to, type, score}]}``. Photos served by this app are inlined.
    """
    if (request.content_length or 0) > MAX_EXPORT_BYTES:
        raise ApiError(f"an export request is limited to {MAX_EXPORT_BYTES} bytes", status=413)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadParameter("expected a JSON object with nodes and edges")
    root = body.get("root")
    title = str(body.get("title") or "stylegraph view")[:200]
    try:
        result = page_from_view(
            body.get("nodes"),
            body.get("edges", []),
            title=title,
            root=str(root) if root is not None else None,
            fetch_image=app_image_fetcher(current_app._get_current_object()),
            subtitle="exported from the explorer",
        )
    except ExportError as exc:
        raise BadParameter(str(exc)) from None
    response = Response(result.html, mimetype="text/html")
    response.headers["Content-Disposition"] = f'attachment; filename="{_export_filename(root)}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Export-Nodes"] = str(result.nodes)
    response.headers["X-Export-Edges"] = str(result.edges)
    return response
