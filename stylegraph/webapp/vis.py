"""Shape a :class:`~stylegraph.queries.explore.Neighborhood` for vis-network.

Nodes: ``{id, label, title, image, shape, group, level, root, price, brand,
category, in_stock, ...}`` (``title`` is the hover text, ``group`` the
category). Edges: ``{id, from, to, value, score, type, label, title,
arrows, dashes}``; ``value`` drives the edge width, ``type`` tells
SIMILAR ("looks like") from RECOMMENDED ("goes with") from RELATED (relation
edges, ``kind`` = their label such as WORN_WITH, undirected, ``score`` = weight).
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from stylegraph.queries.explore import EDGE_NAMES, RELATED, Neighborhood

TITLE_CHARS = 32


def _short(text: str, limit: int = TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def vis_node(product: dict[str, Any], root: str, image_url: Callable[[Optional[str]], Optional[str]]) -> dict[str, Any]:
    """One vis.js node for a product."""
    title = str(product.get("title") or product["id"])
    price = product.get("price")
    hover = [title]
    if product.get("brand"):
        hover.append(str(product["brand"]))
    if price is not None:
        hover.append(f"{float(price):.2f}")
    url = image_url(product.get("image"))
    node = {
        **{k: v for k, v in product.items() if k != "image"},
        "id": product["id"],
        "label": _short(title),
        "title": " · ".join(hover),
        "image": url,
        "image_path": product.get("image"),
        "shape": "image" if url else "dot",
        "group": product.get("category") or "product",
        "root": product["id"] == root,
    }
    return node


def vis_edge(edge: dict[str, Any]) -> dict[str, Any]:
    """One vis.js edge."""
    score = float(edge["score"])
    kind = edge.get("kind", edge["type"])
    related = edge["type"] == RELATED
    return {
        "id": f"{kind}:{edge['from']}:{edge['to']}",
        "from": edge["from"],
        "to": edge["to"],
        # a relation's weight counts co-occurrences: its width grows with the log of it
        "value": float(np.log1p(score)) if related else score,
        "score": score,
        "type": edge["type"],
        "kind": kind,
        "name": EDGE_NAMES.get(edge["type"], kind),
        "label": kind,
        "title": f"{kind} ×{score:g}" if related else f"{kind} {score:.3f}",
        "arrows": "" if related else "to",
        "dashes": edge["type"] == "RECOMMENDED",
    }


def vis_network(result: Neighborhood, image_url: Callable[[Optional[str]], Optional[str]]) -> dict[str, Any]:
    """``{root, nodes, edges, truncated}`` ready for ``new vis.Network(...)``."""
    return {
        "root": result.root,
        "nodes": [vis_node(n, result.root, image_url) for n in result.nodes],
        "edges": [vis_edge(e) for e in result.edges],
        "truncated": result.truncated,
    }
