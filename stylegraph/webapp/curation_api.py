"""Curation routes (blueprint ``curation``): merchandisers pin or ban items, per product or cluster.

- ``POST /api/curation`` (write token): ``{"product_id" | "cluster" (+ "graph"),
  "item_id", "action": "pin"|"ban", "relation": "similar"|"recommendations"|"both",
  "by", "note"}`` -> 201 with the rules written. A cluster rule is written for every
  member of the style cluster (``/api/analytics/clusters``) at that moment.
- ``DELETE /api/curation?product_id=&item_id=`` (or ``cluster=&graph=``; write token): remove.
- ``GET /api/curation?product_id=&limit=``: the rules, newest first (open).
- ``GET /curation``: the same as an HTML page (who, when, what).

Writes need ``Authorization: Bearer <STYLEGRAPH_APP_WRITE_TOKEN>`` (401 without a
token, 403 with a wrong one or when no token is configured). After a write the
graph version is bumped and this app's cache re-reads it at once, so
``/similar`` and ``/recommendations`` honour the change on the next request.
"""
from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from stylegraph.queries.curation import ACTIONS, RELATIONS, Curation, list_curations, now_iso
from stylegraph.queries.curation import remove_curations, write_curations
from stylegraph.queries.meta import bump_version
from stylegraph.queries.products import get_products, product_exists
from stylegraph.webapp.errors import ApiError, BadParameter, NotFound
from stylegraph.webapp.params import int_param, str_param
from stylegraph.webapp.state import get_g, get_state

bp = Blueprint("curation", __name__, template_folder="templates")

MAX_TEXT = 200


class Unauthorized(ApiError):
    """No write token was sent (401)."""

    status = 401


class Forbidden(ApiError):
    """A wrong write token, or writes are not enabled (403)."""

    status = 403


def require_write_token() -> None:
    """401 without ``Authorization: Bearer``, 403 for a wrong token or when none is configured."""
    header = request.headers.get("Authorization", "")
    sent = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if not sent:
        raise Unauthorized("this route needs the write token: Authorization: Bearer <token>")
    expected = get_state().settings.app_write_token
    if not expected:
        raise Forbidden("writes are disabled: the app has no STYLEGRAPH_APP_WRITE_TOKEN")
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden("wrong write token")


def _text(body: dict[str, Any], key: str, required: bool = False, default: str = "") -> str:
    value = body.get(key, default)
    if value is None:
        value = default
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise BadParameter(f"{key} must be a string")
    value = str(value).strip()
    if required and not value:
        raise BadParameter(f"{key} is required")
    if len(value) > MAX_TEXT:
        raise BadParameter(f"{key} is longer than {MAX_TEXT} characters")
    return value


def _choice(body: dict[str, Any], key: str, choices: tuple[str, ...], default: str | None = None) -> str:
    value = body.get(key, default)
    if value not in choices:
        raise BadParameter(f"{key} must be one of {', '.join(choices)}, got {value!r}")
    return str(value)


def _cluster_members(cluster_raw: Any, graph: str) -> tuple[list[str], str]:
    from stylegraph.webapp.analytics_api import GRAPHS, current_analysis

    if graph not in GRAPHS:
        raise BadParameter(f"graph must be one of {', '.join(GRAPHS)}, got {graph!r}")
    try:
        cluster = int(cluster_raw)
    except (TypeError, ValueError):
        raise BadParameter(f"cluster must be an integer, got {cluster_raw!r}") from None
    analysis = current_analysis()
    if graph not in analysis.clusterings or not 0 <= cluster < analysis.clusterings[graph].count:
        raise NotFound(f"unknown {graph} cluster {cluster}")
    return analysis.members(cluster, graph), f"cluster:{graph}:{cluster}"


def _targets(body: dict[str, Any]) -> tuple[list[str], str]:
    """The products a rule curates: one product, or every member of a cluster."""
    has_product, has_cluster = body.get("product_id") not in (None, ""), body.get("cluster") not in (None, "")
    if has_product == has_cluster:
        raise BadParameter("give exactly one of product_id and cluster")
    if has_cluster:
        return _cluster_members(body["cluster"], str(body.get("graph") or "SIMILAR"))
    pid = _text(body, "product_id", required=True)
    if not product_exists(get_g(), pid):
        raise NotFound(f"unknown product {pid!r}")
    return [pid], "product"


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadParameter("expected a JSON object")
    return body


def _written() -> None:
    bump_version(get_g())
    if get_state().cache is not None:
        get_state().cache.refresh()


@bp.post("/api/curation")
def add_curation() -> Response:
    """Pin or ban ``item_id`` in a product's (or every cluster member's) lists."""
    require_write_token()
    body = _json_body()
    action = _choice(body, "action", ACTIONS)
    relation = _choice(body, "relation", RELATIONS, "both")
    item = _text(body, "item_id", required=True)
    by = _text(body, "by", required=True)
    note = _text(body, "note")
    products, scope = _targets(body)
    if not product_exists(get_g(), item):
        raise NotFound(f"unknown product {item!r}")
    at = now_iso()
    rules = [Curation(p, item, action, relation, by, at, scope, note) for p in products if p != item]
    if not rules:
        raise BadParameter("a product cannot be pinned or banned in its own lists")
    write_curations(get_g(), rules)
    _written()
    response = jsonify({"written": len(rules), "scope": scope, "rules": [r.as_dict() for r in rules[:100]]})
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.delete("/api/curation")
def delete_curation() -> Response:
    """Remove the rules of ``item_id`` for ``product_id`` (or for every member of ``cluster``)."""
    require_write_token()
    query = {k: request.args.get(k) for k in ("product_id", "cluster", "graph", "item_id")}
    item = _text(query, "item_id", required=True)
    products, _ = _targets(query)
    removed = remove_curations(get_g(), [(p, item) for p in products])
    if not removed:
        raise NotFound(f"no pin or ban of {item!r} there")
    _written()
    response = jsonify({"removed": removed})
    response.headers["Cache-Control"] = "no-store"
    return response


def _rules() -> list[dict[str, Any]]:
    pid = str_param("product_id")
    limit = int_param("limit", 500, 1, 10_000)
    if pid is not None and not product_exists(get_g(), pid):
        raise NotFound(f"unknown product {pid!r}")
    return [r.as_dict() for r in list_curations(get_g(), pid, limit)]


@bp.get("/api/curation")
def curation_list() -> Response:
    """Every pin and ban (of ``product_id``), newest first, with who and when."""
    rules = _rules()
    response = jsonify({"count": len(rules), "rules": rules})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/curation")
def curation_page() -> str:
    """The merchandisers' pins and bans as a page."""
    rules = _rules()
    titles = {pid: p.get("title") or pid for pid, p in get_products(
        get_g(), {r["product_id"] for r in rules} | {r["item_id"] for r in rules}).items()}
    return render_template("curation.html", rules=rules, titles=titles)
