"""How the explorer draws the product graph: the style config of the live page and exports.

The API answers plain products and edges. One styling step,
``static/graph_style.js``, turns them into vis-network items in the browser,
both in the live explorer (``explorer.js``) and in the standalone pages of
``export_html.py``; both hand it :func:`client_config` as JSON, so an exported
view looks like the view it was exported from.
"""
from __future__ import annotations

from typing import Any

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
        "undirected": True,  # one edge per related pair, either way round
        "logWidth": True,  # the score is a co-occurrence count: width grows with its log
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
