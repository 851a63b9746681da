"""Standalone explorer pages: one HTML file that works offline, built with pyvis.

Two callers share this code:

- ``stylegraph export-html --id ID --depth 2 --out FILE [--graph URL]`` asks the
  app (in-process, no server) for the product's neighbourhood and writes it;
- the explorer's "Download view" button posts the nodes and edges on screen
  to ``POST /explore/export`` (``explorer.py``), which answers with the page.

The page inlines vis-network (pyvis's bundled copy, see ``vis_assets``) and, by
default, every product photo as a ``data:`` URI, so it opens from disk with no
network at all. pyvis builds the node/edge/option data and renders our own
template (pyvis's stock template pulls Bootstrap from a CDN).
"""
from __future__ import annotations

import argparse
import base64
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional
from urllib.parse import urljoin, urlsplit

from jinja2 import Environment, FileSystemLoader

from stylegraph.webapp.vis_assets import CSS, JS, VisAssetsMissing, vis_dir
from stylegraph.webapp import explorer_style as style

if TYPE_CHECKING:  # pyvis (and networkx under it) is imported when a page is built
    from pyvis.network import Network

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
TEMPLATE = "export_standalone.html"
MAX_NODES = 2000
MAX_EDGES = 20000
MAX_IMAGE_BYTES = 2 * 1024 * 1024
# product fields copied into the page for its details panel
DETAIL_KEYS = ("id", "title", "brand", "category", "subcategory", "color", "pattern", "price", "in_stock")

# fetch(url) -> (mimetype, bytes) or None when the image cannot be had
ImageFetcher = Callable[[str], Optional[tuple[str, bytes]]]


class ExportError(Exception):
    """The view or the product cannot be exported; the message says why."""


@dataclass
class ExportResult:
    """A rendered standalone page and what went into it."""

    html: str
    nodes: int
    edges: int
    images_inlined: int


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, made safe to inline in ``<script>``/``<style>``."""
    try:
        directory = vis_dir()
        js = (directory / JS).read_text(encoding="utf-8")
        css = (directory / CSS).read_text(encoding="utf-8")
    except (OSError, VisAssetsMissing) as exc:
        raise ExportError(f"vis-network is missing: {exc}") from exc
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def _product_details(node: Mapping[str, Any]) -> dict[str, Any]:
    details = {k: node[k] for k in DETAIL_KEYS if node.get(k) not in (None, "")}
    if node.get("label"):  # API vis nodes: label is the name, title the hover text
        details["title"] = node["label"]
    return details


def _check_view(nodes: Any, edges: Any) -> tuple[list[dict], list[dict]]:
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise ExportError("nodes and edges must be lists")
    if not nodes:
        raise ExportError("there are no nodes to export")
    if len(nodes) > MAX_NODES or len(edges) > MAX_EDGES:
        raise ExportError(f"a page holds at most {MAX_NODES} nodes and {MAX_EDGES} edges")
    for node in nodes:
        if not isinstance(node, dict) or node.get("id") in (None, ""):
            raise ExportError("every node needs an id")
    for edge in edges:
        if not isinstance(edge, dict) or edge.get("from") is None or edge.get("to") is None:
            raise ExportError("every edge needs from and to")
        try:
            float(edge.get("score") or 0.0)
        except (TypeError, ValueError):
            raise ExportError(f"edge score must be a number, got {edge.get('score')!r}") from None
    return nodes, edges


def build_network(
    nodes: Iterable[Mapping[str, Any]],
    edges: Iterable[Mapping[str, Any]],
    root: Optional[str] = None,
) -> "Network":
    """A pyvis ``Network`` of product nodes and scored edges, styled like the explorer.

    A node may carry ``x``/``y`` (the layout on screen, kept as the starting point),
    ``expanded`` (drawn with the expanded ring) and any product field.
    """
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    positioned = True
    for raw in nodes:
        node_id = str(raw["id"])
        if node_id in net.node_map:
            continue
        node = style.vis_node(raw, root=node_id == root, expanded=bool(raw.get("expanded")))
        node["product"] = _product_details({**raw, "id": node_id})
        for axis in ("x", "y"):
            if isinstance(raw.get(axis), (int, float)):
                node[axis] = float(raw[axis])
        positioned = positioned and "x" in node and "y" in node
        node.pop("id")
        net.add_node(node_id, label=node.pop("label"), shape=node.pop("shape"),
                     color=node.pop("color"), **node)
    present = set(net.node_map)
    seen: set[str] = set()
    for raw in edges:
        edge = style.vis_edge(raw)
        if edge["from"] not in present or edge["to"] not in present or edge["id"] in seen:
            continue
        seen.add(edge["id"])
        net.add_edge(edge.pop("from"), edge.pop("to"), **edge)
    options = json.loads(json.dumps(style.VIS_OPTIONS))
    if positioned:  # start from the layout on screen: a short settle, no re-shuffle
        options["physics"]["stabilization"]["iterations"] = 30
        options["layout"] = {"randomSeed": 1}
    net.options = options
    return net


def render_page(net: "Network", title: str, subtitle: str = "") -> str:
    """The standalone HTML of ``net``: pyvis renders our template with vis inlined."""
    js, css = vis_assets()
    # no autoescape: the template escapes its text with |e and embeds data with |tojson
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=False)
    env.globals.update(
        vis_js=js,
        vis_css=css,
        page_title=title,
        subtitle=subtitle,
        legend=[(k, v["color"], bool(v["dashes"]), v["legend"]) for k, v in style.EDGE_STYLES.items()],
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
    net.templateEnv = env
    net.path = TEMPLATE
    net.heading = title
    return net.generate_html(name="export.html")


def to_data_uri(mimetype: str, data: bytes) -> str:
    """``data:`` URI of an image."""
    return f"data:{mimetype};base64,{base64.b64encode(data).decode('ascii')}"


def inline_images(nodes: list[dict[str, Any]], fetch: ImageFetcher) -> int:
    """Replace each node's ``image`` URL by a ``data:`` URI (in place); returns how many.

    Images that cannot be fetched keep their URL (the page then shows the
    "no photo" tile offline). Each distinct URL is fetched once.
    """
    cache: dict[str, Optional[str]] = {}
    count = 0
    for node in nodes:
        url = node.get("image")
        if not isinstance(url, str) or not url or url.startswith("data:"):
            continue
        if url not in cache:
            got = fetch(url)
            cache[url] = to_data_uri(*got) if got else None
        if cache[url]:
            node["image"] = cache[url]
            count += 1
    return count


def link_images(nodes: list[dict[str, Any]], base_url: str) -> None:
    """Make relative image URLs absolute against ``base_url`` (in place)."""
    base = base_url.rstrip("/") + "/"
    for node in nodes:
        url = node.get("image")
        if isinstance(url, str) and url and not url.startswith("data:"):
            node["image"] = urljoin(base, url)


def app_image_fetcher(app: Any) -> ImageFetcher:
    """An ``ImageFetcher`` that asks ``app`` itself (Flask test client, no socket).

    Only the path and query of a URL are used, so images are always read
    from this app's own image route, never from another host.
    """
    client = app.test_client()

    def fetch(url: str) -> Optional[tuple[str, bytes]]:
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or not parts.path.startswith("/"):
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path)
        try:
            if response.status_code != 200 or not response.mimetype.startswith("image/"):
                return None
            data = response.get_data()
            return (response.mimetype, data) if len(data) <= MAX_IMAGE_BYTES else None
        finally:
            response.close()

    return fetch


def page_from_view(
    nodes: Any,
    edges: Any,
    title: str,
    root: Optional[str] = None,
    fetch_image: Optional[ImageFetcher] = None,
    subtitle: str = "",
) -> ExportResult:
    """A standalone page of a view (vis-shaped ``nodes`` and ``edges`` lists).

    Raises ``ExportError`` for a malformed view. With ``fetch_image`` the
    photos are inlined; without it the nodes keep their image URLs.
    """
    nodes, edges = _check_view(nodes, edges)
    nodes = [dict(n) for n in nodes]
    inlined = inline_images(nodes, fetch_image) if fetch_image else 0
    net = build_network(nodes, edges, root=root)
    html = render_page(net, title=title, subtitle=subtitle)
    return ExportResult(html=html, nodes=len(net.nodes), edges=len(net.edges), images_inlined=inlined)


def export_neighborhood(
    app: Any,
    product_id: str,
    depth: int = 2,
    limit: int = 100,
    edge: str = "both",
    min_score: Optional[float] = None,
    link_base: Optional[str] = None,
) -> ExportResult:
    """The standalone page of ``product_id``'s neighbourhood, read through ``app``'s API.

    Uses the same ``/api/graph/neighborhood`` answer the explorer draws, in
    process. Photos are inlined unless ``link_base`` (the shop's base URL)
    is given, in which case they are linked there.
    """
    query: dict[str, Any] = {"id": product_id, "depth": depth, "limit": limit, "edge": edge}
    if min_score is not None:
        query["min_score"] = min_score
    response = app.test_client().get("/api/graph/neighborhood", query_string=query)
    body = response.get_json(silent=True) or {}
    if response.status_code != 200:
        message = body.get("error") or f"HTTP {response.status_code}"
        raise ExportError(f"cannot read the neighbourhood of {product_id!r}: {message}")
    nodes = [dict(n) for n in body.get("nodes", [])]
    for node in nodes:
        node["expanded"] = node.get("level", 1) < depth
    root = next((n for n in nodes if str(n["id"]) == str(product_id)), None)
    name = (root or {}).get("label") or (root or {}).get("title") or product_id  # label: the name
    fetch = None
    if link_base:
        link_images(nodes, link_base)
    else:
        fetch = app_image_fetcher(app)
    return page_from_view(
        nodes,
        body.get("edges", []),
        title=f"{name} \u2014 stylegraph",
        root=str(product_id),
        fetch_image=fetch,
        subtitle=f"product {product_id}, depth {depth}, edges {edge}"
        + (f", score \u2265 {min_score:g}" if min_score is not None else ""),
    )


def cmd_export_html(args: argparse.Namespace) -> int:
    """``stylegraph export-html``: write one product's neighbourhood as a standalone page."""
    from stylegraph.commands import CommandError
    from stylegraph.settings import get_settings
    from stylegraph.webapp import close_app, create_app

    settings = get_settings()
    if args.graph:
        settings = settings.replace(graph_url=args.graph)
    if args.catalog:
        settings = settings.replace(catalog_dir=Path(args.catalog))
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise CommandError(f"--out must name an .html file, got {args.out!r}")
    if not out.parent.exists():
        raise CommandError(f"directory {out.parent} does not exist")
    app = create_app(settings)
    try:
        result = export_neighborhood(
            app, args.id, depth=args.depth, limit=args.limit, edge=args.edge,
            min_score=args.min_score, link_base=args.link_images,
        )
    except ExportError as exc:
        raise CommandError(str(exc)) from None
    finally:
        close_app(app)
    out.write_text(result.html, encoding="utf-8")
    print(
        f"wrote {out} ({len(result.html) // 1024} KiB): {result.nodes} products, "
        f"{result.edges} edges, {result.images_inlined} photos inlined"
    )
    return 0


def _depth(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 3:
        raise argparse.ArgumentTypeError("depth must be 1, 2 or 3")
    return value


def register_export(sub: Any) -> None:
    """Add the ``export-html`` subcommand to the ``stylegraph`` subparsers."""
    parser = sub.add_parser(
        "export-html",
        help="write a product's neighbourhood as a standalone HTML page (works offline)",
        description="Write one product's neighbourhood as a standalone HTML page "
        "(vis-network and photos inlined: it opens offline).",
    )
    parser.add_argument("--id", required=True, help="product id at the centre of the page")
    parser.add_argument("--depth", type=_depth, default=2, help="hops from the product (1-3, default 2)")
    parser.add_argument("--out", required=True, help="the .html file to write")
    parser.add_argument("--graph", default="", help="graph URL (default: STYLEGRAPH_GRAPH_URL)")
    parser.add_argument("--catalog", metavar="DIR", default=None,
                        help="catalog directory holding the photos (default: STYLEGRAPH_CATALOG_DIR)")
    parser.add_argument("--limit", type=int, default=100, help="at most this many products (default 100)")
    parser.add_argument("--edge", choices=("both", "SIMILAR", "RECOMMENDED"), default="both",
                        help="which edges to follow (default both)")
    parser.add_argument("--min-score", type=float, default=None, help="leave out edges scored below this")
    parser.add_argument("--link-images", metavar="BASE_URL", default=None,
                        help="link photos at this shop URL instead of inlining them")
    parser.set_defaults(func=cmd_export_html)
