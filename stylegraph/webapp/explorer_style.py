"""How the explorer draws the product graph: one source for the live page and exports.

The live explorer (``explorer.js``, which receives these through the page's
JSON config) and the standalone pages written by ``stylegraph export-html``
(built with pyvis in ``export_html.py``) style nodes and edges with the same
constants and the same two functions, so an exported view looks like the
view it was exported from.
"""
from __future__ import annotations

from typing import Any, Mapping

# one colour and dash pattern per edge label of the data model
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "SIMILAR": {
        "color": "#2f6fdf",
        "dashes": False,
        "legend": "SIMILAR: looks like (image model, cosine score)",
    },
    "RECOMMENDED": {
        "color": "#e8590c",
        "dashes": [8, 6],
        "legend": "RECOMMENDED: goes with (GNN trained on what people put together, model score)",
    },
    "RELATED": {
        "color": "#2b8a3e",
        "dashes": [2, 3],
        "legend": "relations (WORN_WITH, BOUGHT_WITH, ...): put together by people (weight = times)",
    },
}
UNKNOWN_EDGE_STYLE: dict[str, Any] = {"color": "#868e96", "dashes": [2, 4], "legend": "other"}

ROOT_COLOR = "#d9480f"
EXPANDED_COLOR = "#2b8a3e"
SELECTED_COLOR = "#212529"
NODE_BORDER = "#adb5bd"
NODE_SIZE = 26
ROOT_SIZE = 38
LABEL_MAX = 28

# a grey "no photo" tile for products whose image is missing or fails to load
NO_IMAGE_SVG = (
    "data:image/svg+xml;charset=utf-8,"
    "%3Csvg xmlns='http://www.w3.org/2000/svg' width='64' height='64'%3E"
    "%3Crect width='64' height='64' fill='%23e9ecef'/%3E"
    "%3Ctext x='32' y='37' font-size='11' text-anchor='middle' fill='%23868e96' "
    "font-family='sans-serif'%3Eno photo%3C/text%3E%3C/svg%3E"
)

# vis-network options shared by the page and the exports
VIS_OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "nodes": {
        "shape": "circularImage",
        "size": NODE_SIZE,
        "borderWidth": 3,
        "borderWidthSelected": 5,
        "brokenImage": NO_IMAGE_SVG,
        "color": {
            "border": NODE_BORDER,
            "background": "#ffffff",
            "highlight": {"border": SELECTED_COLOR, "background": "#ffffff"},
            "hover": {"border": "#495057", "background": "#ffffff"},
        },
        "font": {"size": 12, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "shapeProperties": {"useBorderWithImage": True, "interpolation": False},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
        "scaling": {"min": 1, "max": 9},
        "smooth": {"enabled": True, "type": "continuous", "roundness": 0.4},
        "selectionWidth": 2,
        "hoverWidth": 1.5,
    },
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -70, "springLength": 130, "avoidOverlap": 0.4},
        "stabilization": {"enabled": True, "iterations": 200, "fit": True},
    },
    "interaction": {"hover": True, "tooltipDelay": 150, "multiselect": False},
}


def short_label(text: str, limit: int = LABEL_MAX) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def node_tooltip(product: Mapping[str, Any]) -> str:
    """Plain-text hover text of a product node (vis shows strings as text, not HTML)."""
    lines = [str(product.get("title") or product.get("label") or product["id"])]
    facts = [str(product[k]) for k in ("brand", "category", "color") if product.get(k)]
    if facts:
        lines.append(" \u00b7 ".join(facts))
    if product.get("price") is not None:
        try:
            lines.append(f"{float(product['price']):.2f}")
        except (TypeError, ValueError):
            pass
    lines.append(f"id {product['id']}")
    return "\n".join(lines)


def vis_node(product: Mapping[str, Any], *, root: bool = False, expanded: bool = False) -> dict[str, Any]:
    """A vis-network node for a product dict (``id`` plus ``title``/``label``/``image``...)."""
    # the API's vis nodes carry the short name in ``label`` and their hover text in ``title``
    name = product.get("label") or product.get("title") or product["id"]
    hover = product.get("title")
    node: dict[str, Any] = {
        "id": str(product["id"]),
        "label": short_label(name),
        "title": f"{hover}\nid {product['id']}" if isinstance(hover, str) and hover else node_tooltip(product),
        "size": ROOT_SIZE if root else NODE_SIZE,
    }
    node["shape"] = "circularImage"
    node["image"] = str(product.get("image") or NO_IMAGE_SVG)
    border = ROOT_COLOR if root else EXPANDED_COLOR if expanded else NODE_BORDER
    node["color"] = {"border": border, "background": "#ffffff",
                     "highlight": {"border": SELECTED_COLOR, "background": "#ffffff"}}
    return node


def vis_edge(edge: Mapping[str, Any]) -> dict[str, Any]:
    """A vis-network edge for ``{from, to, type, score}``; width follows the score."""
    kind = str(edge.get("type") or "")
    style = EDGE_STYLES.get(kind, UNKNOWN_EDGE_STYLE)
    score = float(edge.get("score") or 0.0)
    return {
        "id": f"{kind}:{edge['from']}:{edge['to']}",
        "from": str(edge["from"]),
        "to": str(edge["to"]),
        "value": score,
        "title": f"{kind} score {score:.3f}",
        "color": {"color": style["color"], "highlight": style["color"], "hover": style["color"],
                  "opacity": 0.85},
        "dashes": style["dashes"],
    }


def client_config() -> dict[str, Any]:
    """The styling part of the explorer page's JSON config (read by ``explorer.js``)."""
    return {
        "edgeTypes": list(EDGE_STYLES),  # display order (JSON objects may come back sorted)
        "edgeStyles": EDGE_STYLES,
        "unknownEdgeStyle": UNKNOWN_EDGE_STYLE,
        "visOptions": VIS_OPTIONS,
        "rootColor": ROOT_COLOR,
        "expandedColor": EXPANDED_COLOR,
        "selectedColor": SELECTED_COLOR,
        "nodeSize": NODE_SIZE,
        "rootSize": ROOT_SIZE,
        "labelMax": LABEL_MAX,
        "noImage": NO_IMAGE_SVG,
    }
