"""The OpenAPI 3.0 document of the app (``GET /api/openapi.json``).

The API routes are described in full below. Every other route of the app
(explorer pages, static files) is described from its URL rule and view
docstring, so the document always covers ``app.url_map`` exactly.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask

from stylegraph import __version__ as _pkg_version

_RULE_ARG = re.compile(r"<(?:[a-z_]+:)?([a-z_]+)>")


def _err(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ok(schema: str, description: str = "OK") -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _q(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


PRODUCT_ID = {"name": "product_id", "in": "path", "required": True, "schema": {"type": "string"}}
K = _q("k", {"type": "integer", "minimum": 1, "maximum": 100, "default": 6}, "how many products")
FILTERS = [
    _q("in_stock", {"type": "boolean"}, "only products in stock (true) or out of stock (false)"),
    _q("min_price", {"type": "number"}, "lowest price"),
    _q("max_price", {"type": "number"}, "highest price"),
    _q("category", {"type": "string"}, "only this category"),
]
EXPLAIN = _q("explain", {"type": "boolean", "default": False},
             "give each item a why list: the served edge, supporting graph paths, shared attributes")
BAD = _err("bad parameter")
UNKNOWN = _err("unknown product")
DOWN = _err("graph unavailable")

API_OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/products/{product_id}", "get"): {
        "summary": "One product's properties and image URL",
        "parameters": [PRODUCT_ID],
        "responses": {"200": _ok("Product"), "404": UNKNOWN, "503": DOWN},
    },
    ("/api/products/{product_id}/similar", "get"): {
        "summary": "Top-k visually similar products (SIMILAR edges), filtered inside the traversal",
        "parameters": [PRODUCT_ID, K, *FILTERS, EXPLAIN],
        "responses": {"200": _ok("Neighbours"), "400": BAD, "404": UNKNOWN, "503": DOWN},
    },
    ("/api/products/{product_id}/recommendations", "get"): {
        "summary": "Top-k GNN recommendations (RECOMMENDED edges); SIMILAR with fallback=true when there are none",
        "parameters": [PRODUCT_ID, K, *FILTERS, EXPLAIN],
        "responses": {"200": _ok("Neighbours"), "400": BAD, "404": UNKNOWN, "503": DOWN},
    },
    ("/api/search/image", "post"): {
        "summary": "Visual search: the uploaded photo's look-alikes (concurrent uploads are batched)",
        "parameters": [K, *FILTERS],
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["image"],
                        "properties": {"image": {"type": "string", "format": "binary"}},
                    }
                }
            },
        },
        "responses": {
            "200": _ok("SearchResult"),
            "400": BAD,
            "413": _err("upload too large"),
            "415": _err("not an image"),
            "503": _err("visual search or graph unavailable"),
        },
    },
    ("/api/graph/neighborhood", "get"): {
        "summary": "A product's neighbourhood as vis.js nodes and edges (explorer)",
        "parameters": [
            _q("id", {"type": "string"}, "the centre product", required=True),
            _q("depth", {"type": "integer", "minimum": 1, "maximum": 3, "default": 1}, "hops"),
            _q("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "max nodes"),
            _q("edge", {"type": "string", "default": "both"},
               "edge types: both (SIMILAR, RECOMMENDED), all (also RELATED: relation edges), "
               "or a comma-separated list of SIMILAR, RECOMMENDED, RELATED"),
            _q("min_score", {"type": "number"}, "lowest edge score"),
        ],
        "responses": {"200": _ok("VisGraph"), "400": BAD, "404": UNKNOWN, "503": DOWN},
    },
    ("/api/stats", "get"): {
        "summary": "Vertex/edge counts by label, models in use, cache and batching counters",
        "responses": {"200": _ok("Stats"), "503": DOWN},
    },
    ("/healthz", "get"): {
        "summary": "Health: 200 when the graph answers, 503 otherwise",
        "responses": {"200": _ok("Health"), "503": _err("graph unreachable")},
    },
    ("/api/openapi.json", "get"): {
        "summary": "This OpenAPI document",
        "responses": {"200": {"description": "OpenAPI 3 document", "content": {"application/json": {"schema": {"type": "object"}}}}},
    },
    ("/images/{relpath}", "get"): {
        "summary": "A catalog image (Cache-Control, ETag, Last-Modified; 304 when unchanged)",
        "parameters": [{"name": "relpath", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {
            "200": {"description": "the image", "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}},
            "304": {"description": "not modified"},
            "404": _err("no such image"),
        },
    },
}

_STR = {"type": "string"}
_NUM = {"type": "number"}
_NSTR = {"type": "string", "nullable": True}
_NNUM = {"type": "number", "nullable": True}
_NBOOL = {"type": "boolean", "nullable": True}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": _STR}},
    "Product": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": _STR, "label": _STR, "title": _NSTR, "brand": _NSTR, "category": _NSTR,
            "subcategory": _NSTR, "color": _NSTR, "pattern": _NSTR, "price": _NNUM,
            "in_stock": _NBOOL, "image": _NSTR, "image_url": _NSTR,
        },
        "additionalProperties": True,
    },
    "ScoredProduct": {
        "allOf": [{"$ref": "#/components/schemas/Product"}, {"type": "object", "required": ["score"], "properties": {"score": _NUM}}]
    },
    "Neighbours": {
        "type": "object",
        "required": ["product_id", "edge", "k", "count", "items"],
        "properties": {
            "product_id": _STR,
            "edge": {"type": "string", "enum": ["SIMILAR", "RECOMMENDED"]},
            "relation": {"type": "string", "enum": ["looks like", "goes with"],
                         "description": "what the edge type means: SIMILAR looks like, "
                                        "RECOMMENDED goes with"},
            "k": {"type": "integer"},
            "count": {"type": "integer"},
            "fallback": {"type": "boolean", "description": "recommendations fell back to SIMILAR"},
            "model": _NSTR,
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/ScoredProduct"}},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["model", "k", "count", "items", "batch_size"],
        "properties": {
            "model": _STR,
            "k": {"type": "integer"},
            "count": {"type": "integer"},
            "batch_size": {"type": "integer", "description": "uploads embedded in the same CNN batch"},
            "timing_ms": {"type": "object", "additionalProperties": _NUM},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/ScoredProduct"}},
        },
    },
    "VisGraph": {
        "type": "object",
        "required": ["root", "nodes", "edges"],
        "properties": {
            "root": _STR,
            "truncated": {"type": "boolean"},
            "nodes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "label", "title", "group", "level"],
                    "properties": {
                        "id": _STR, "label": _STR, "title": _STR, "image": _NSTR, "shape": _STR,
                        "group": _STR, "level": {"type": "integer"}, "root": {"type": "boolean"},
                    },
                    "additionalProperties": True,
                },
            },
            "edges": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["from", "to", "value", "score", "type"],
                    "properties": {
                        "id": _STR, "from": _STR, "to": _STR, "value": _NUM, "score": _NUM,
                        "type": {"type": "string", "enum": ["SIMILAR", "RECOMMENDED"]},
                        "label": _STR, "title": _STR,
                    },
                    "additionalProperties": True,
                },
            },
        },
    },
    "Stats": {
        "type": "object",
        "required": ["vertices", "edges"],
        "properties": {
            "vertices": _COUNTS,
            "edges": _COUNTS,
            "recommendation_models": _COUNTS,
            "recommendation_model": _NSTR,
            "embedding_model": _NSTR,
            "cache": {"type": "object", "nullable": True},
            "search": {"type": "object", "nullable": True},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": _STR, "graph": _STR, "graph_version": {"type": "integer"}},
    },
}


def openapi_path(rule: str) -> str:
    """A werkzeug rule (``/a/<x>/<path:y>``) as an OpenAPI path (``/a/{x}/{y}``)."""
    return _RULE_ARG.sub(r"{\1}", rule)


def _generic_operation(app: Flask, endpoint: str, path: str) -> dict[str, Any]:
    view = app.view_functions.get(endpoint)
    doc = (getattr(view, "__doc__", None) or endpoint).strip().splitlines()[0]
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{([a-z_]+)}", path)
    ]
    op: dict[str, Any] = {"summary": doc, "responses": {"200": {"description": "OK"}, "404": {"description": "not found"}}}
    if params:
        op["parameters"] = params
    return op


def build_openapi(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document for every route of ``app``."""
    paths: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        path = openapi_path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            key = (path, method.lower())
            operation = API_OPERATIONS.get(key) or _generic_operation(app, rule.endpoint, path)
            op_id = base = f"{rule.endpoint}_{method.lower()}".replace(".", "_")
            n = 1
            while op_id in used:
                n += 1
                op_id = f"{base}_{n}"
            used.add(op_id)
            operation = {**operation, "operationId": op_id}
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "stylegraph shop API",
            "version": _pkg_version,
            "description": "Shop-by-style recommendations: similar products, GNN recommendations, visual search, graph explorer data.",
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
