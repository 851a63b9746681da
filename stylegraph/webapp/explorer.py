"""The merchandiser explorer: ``/explore`` pages, title search and view export.

Blueprint ``bp`` (registered by ``create_app``):

- ``GET /explore`` and ``GET /explore/<id>``: the vis-network page
  (``templates/explore.html`` + ``static/graph_style.js`` + ``static/explorer.js``).
  The page itself reads the shop API (``/api/graph/neighborhood``, ``/api/products/<id>``).
- ``GET /api/search/text?q=&limit=``: products by id or title words, for the
  search box (``queries/explore_search.py``).
- ``POST /api/explore/export``: the view on screen (JSON) in, a standalone HTML
  page out, built by the same code as ``stylegraph export-html``.

vis-network is served from pyvis's bundled copy at ``/explore/vis/<file>`` (no CDN).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_from_directory, url_for

from stylegraph.webapp import explorer_style
from stylegraph.webapp.cache import mark_cacheable
from stylegraph.webapp.contract import declare
from stylegraph.webapp.errors import ApiError, BadParameter
from stylegraph.webapp.export_html import ExportError, inline_photos, render_view
from stylegraph.webapp.images import image_url
from stylegraph.webapp.schemas import ExportView, TextSearchQuery, TextSearchResult
from stylegraph.webapp.state import get_g, get_state
from stylegraph.webapp.vis_assets import FILES as VIS_FILES
from stylegraph.webapp.vis_assets import vis_dir

bp = Blueprint("explorer", __name__, template_folder="templates")
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = frozenset(p.name for p in STATIC_DIR.iterdir() if p.suffix in (".js", ".css"))

MAX_EXPORT_BYTES = 8 * 1024 * 1024
# first load: one hop around the product; each expand asks for up to ``limit`` products
DEFAULTS = {"depth": 1, "limit": 25, "minScore": 0.0}


@bp.get("/explore/static/<filename>", endpoint="static")
@declare(errors=(404,), tags=("explorer",), ok_description="the explorer's JavaScript or CSS")
def static_file(filename: str) -> Response:
    """The explorer's own JavaScript and CSS."""
    if filename not in STATIC_FILES:
        abort(404)
    return send_from_directory(STATIC_DIR, filename)


@bp.get("/explore/vis/<filename>")
@declare(errors=(404,), tags=("explorer",), ok_description="vis-network's JavaScript or CSS")
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
@declare(tags=("explorer",), ok_description="the explorer page (HTML)")
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
@declare(query=TextSearchQuery, ok=TextSearchResult, errors=(503,), tags=("explorer",))
def search_text(query: TextSearchQuery) -> Response:
    """Search products by id or title words (the explorer's search box).

    Answers ``{"query": q, "results": [{id, title, brand, category, price, image}]}``:
    the product whose id is ``q`` first, then products whose title has every word
    of ``q`` (any case). An empty ``q`` lists products to start from.
    """
    mark_cacheable()  # keyed on the graph version by the app's read cache
    products = get_g().search_products(query.q.strip(), limit=query.limit)
    return jsonify({"query": query.q.strip(), "results": [search_result(p) for p in products]})


def _export_filename(root: Any) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", str(root or "view")).strip("_") or "view"
    return f"stylegraph-{stem[:80]}.html"


@bp.post("/api/explore/export")
@declare(json=ExportView, errors=(413,), tags=("explorer",), ok_description="the standalone page (HTML download)")
def export_view(json: ExportView) -> Response:
    """A standalone HTML page of the posted view, as a download; the photos are inlined."""
    if (request.content_length or 0) > MAX_EXPORT_BYTES:
        raise ApiError(f"an export request is limited to {MAX_EXPORT_BYTES} bytes", status=413)
    try:
        result = render_view(
            (node.model_dump() for node in json.nodes),
            (edge.model_dump(by_alias=True) for edge in json.edges),
            title=json.title,
            root=json.root,
            photo=inline_photos(get_state().settings.catalog_dir),
            subtitle="exported from the explorer",
        )
    except ExportError as exc:
        raise BadParameter(str(exc)) from None
    response = Response(result.html, mimetype="text/html")
    response.headers["Content-Disposition"] = f'attachment; filename="{_export_filename(json.root)}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Export-Nodes"] = str(result.nodes)
    response.headers["X-Export-Edges"] = str(result.edges)
    return response
