"""Standalone explorer pages: one HTML file that works offline.

Two callers share this code:

- ``stylegraph export-html`` reads the neighbourhood from the graph
  (:func:`export_neighborhood`, straight through ``stylegraph.queries``);
- the explorer's "Download view" button posts the view on screen to
  ``POST /api/explore/export`` (``explorer.py``), which answers with :func:`render_view`.

A page holds plain products and edges (the ``/api/graph/neighborhood`` shape)
and styles them in the browser with the explorer's own styling step
(``static/graph_style.js``, inlined with vis-network and the style config of
``explorer_style.py``), so an exported view looks like the view it came from.
Photos are read from the catalog directory and inlined as ``data:`` URIs.
"""
from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from stylegraph.queries.connect import as_product_graph
from stylegraph.webapp import explorer_style
from stylegraph.webapp.errors import NotFound
from stylegraph.webapp.images import URL_PREFIX, resolve_image
from stylegraph.webapp.vis_assets import CSS, JS, VisAssetsMissing, vis_dir

HERE = Path(__file__).resolve().parent
TEMPLATE = "export_standalone.html"
STYLE_JS = HERE / "static" / "graph_style.js"
MAX_IMAGE_BYTES = 2 * 1024 * 1024

# node -> the image source to draw it with (a data: URI or a URL), or None
PhotoSource = Callable[[Mapping[str, Any]], Optional[str]]


class ExportError(Exception):
    """The view or the product cannot be exported; the message says why."""


@dataclass
class ExportResult:
    """A rendered standalone page and what went into it."""

    html: str
    nodes: int
    edges: int
    images_inlined: int


def _script_safe(text: str, tag: str) -> str:
    return text.replace(f"</{tag}", f"<\\/{tag}")


@lru_cache(maxsize=1)
def page_assets() -> dict[str, str]:
    """vis-network's JS and CSS and our styling step, made safe to inline."""
    try:
        directory = vis_dir()
        return {
            "vis_js": _script_safe((directory / JS).read_text(encoding="utf-8"), "script"),
            "vis_css": _script_safe((directory / CSS).read_text(encoding="utf-8"), "style"),
            "style_js": _script_safe(STYLE_JS.read_text(encoding="utf-8"), "script"),
        }
    except (OSError, VisAssetsMissing) as exc:
        raise ExportError(f"vis-network is missing: {exc}") from exc


def inline_photos(catalog_dir: Path) -> PhotoSource:
    """A :data:`PhotoSource` reading each node's ``image`` from ``catalog_dir`` as a ``data:`` URI."""
    cache: dict[str, Optional[str]] = {}

    def source(node: Mapping[str, Any]) -> Optional[str]:
        relpath = node.get("image")
        if not isinstance(relpath, str) or not relpath:
            return None
        if relpath not in cache:
            cache[relpath] = None
            try:
                path = resolve_image(catalog_dir, relpath)
                if path.stat().st_size <= MAX_IMAGE_BYTES:
                    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    cache[relpath] = f"data:{mimetype};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
            except (NotFound, OSError):
                pass
        return cache[relpath]

    return source


def link_photos(base_url: str) -> PhotoSource:
    """A :data:`PhotoSource` linking each photo at the shop's ``base_url``."""
    base = base_url.rstrip("/") + URL_PREFIX

    def source(node: Mapping[str, Any]) -> Optional[str]:
        relpath = node.get("image")
        return base + quote(relpath.lstrip("/")) if isinstance(relpath, str) and relpath else None

    return source


def render_view(
    nodes: Iterable[Mapping[str, Any]],
    edges: Iterable[Mapping[str, Any]],
    title: str,
    root: Optional[str] = None,
    photo: Optional[PhotoSource] = None,
    subtitle: str = "",
) -> ExportResult:
    """The standalone page of a view: plain product ``nodes`` (``id``, product fields,
    optional ``x``/``y``/``expanded``) and ``edges`` (``from, to, type, kind, score``).

    Repeated nodes and edges are kept once; edges to a node not in the view are dropped.
    """
    kept: dict[str, dict[str, Any]] = {}
    inlined = 0
    for raw in nodes:
        node = dict(raw)
        node["id"] = str(node["id"])
        if node["id"] in kept:
            continue
        src = photo(node) if photo else None
        if src:
            node["image_url"] = src
            inlined += src.startswith("data:")
        kept[node["id"]] = node
    if not kept:
        raise ExportError("there are no nodes to export")
    lines: dict[tuple[str, str, str], dict[str, Any]] = {}
    for edge in edges:
        ends = (str(edge["from"]), str(edge["to"]))
        if all(end in kept for end in ends):
            lines.setdefault((str(edge.get("kind") or edge.get("type")), *ends), {**edge, "from": ends[0], "to": ends[1]})
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]))
    html = env.get_template(TEMPLATE).render(
        page_title=title,
        subtitle=subtitle,
        view={"root": root, "nodes": list(kept.values()), "edges": list(lines.values())},
        config=explorer_style.client_config(),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        **page_assets(),
    )
    return ExportResult(html=html, nodes=len(kept), edges=len(lines), images_inlined=inlined)


def export_neighborhood(
    g: Any,
    product_id: str,
    catalog_dir: Path,
    depth: int = 2,
    limit: int = 100,
    edges: tuple[str, ...] = ("SIMILAR", "RECOMMENDED"),
    min_score: Optional[float] = None,
    link_base: Optional[str] = None,
) -> ExportResult:
    """The standalone page of ``product_id``'s neighbourhood, read from the graph ``g``.

    Photos are inlined from ``catalog_dir`` unless ``link_base`` (the shop's base
    URL) is given, in which case they are linked there.
    """
    result = as_product_graph(g).neighborhood(product_id, depth=depth, limit=limit, edges=edges,
                                              min_score=float("-inf") if min_score is None else min_score)
    if result is None:
        raise ExportError(f"cannot read the neighbourhood of {product_id!r}: unknown product")
    nodes = [{**n, "expanded": n["level"] < depth} for n in result.nodes]
    name = next((n.get("title") for n in nodes if n["id"] == product_id), None) or product_id
    return render_view(
        nodes,
        result.edges,
        title=f"{name} \u2014 stylegraph",
        root=product_id,
        photo=link_photos(link_base) if link_base else inline_photos(catalog_dir),
        subtitle=f"product {product_id}, depth {depth}, edges {','.join(edges)}"
        + (f", score \u2265 {min_score:g}" if min_score is not None else ""),
    )
