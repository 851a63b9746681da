"""Curation routes (blueprint ``curation``): merchandisers pin or ban items, per product or cluster.

- ``POST /api/curation`` (write token): ``{"product_id", "item_id", "action": "pin"|"ban",
  "relation": "similar"|"recommendations"|"both", "by", "note"}`` -> 201 with the rule.
- ``POST /api/curation/cluster``: the same with ``"cluster"`` (+ ``"graph"``) instead of
  ``product_id``: one rule for every member of the style cluster (``/api/analytics/clusters``)
  at that moment.
- ``DELETE /api/curation?product_id=&item_id=`` and ``DELETE /api/curation/cluster?cluster=&item_id=``
  (write token): remove.
- ``GET /api/curation?product_id=&limit=``: the rules, newest first (open).
- ``GET /curation``: the same as an HTML page (who, when, what).

Writes need ``Authorization: Bearer <STYLEGRAPH_APP_WRITE_TOKEN>`` (401 without a
token, 403 with a wrong one or when no token is configured). After a write the
graph version is bumped and this app's cache re-reads it at once, so
``/similar`` and ``/recommendations`` honour the change on the next request.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template

from stylegraph.queries.curation import Curation, now_iso
from stylegraph.webapp.auth import check_write_token
from stylegraph.webapp.errors import BadParameter, NotFound
from stylegraph.webapp.contract import declare
from stylegraph.webapp.merch_schemas import ClusterCurationBody, ClusterTarget, CurationBody, CurationList
from stylegraph.webapp.merch_schemas import CurationQuery, CurationRemoved, CurationWritten, ProductTarget
from stylegraph.webapp.merch_schemas import RuleFields
from stylegraph.webapp.state import get_g, get_state

bp = Blueprint("curation", __name__, template_folder="templates")

TAGS = ("merchandiser",)


def _cluster_members(cluster: int, graph: str) -> tuple[list[str], str]:
    from stylegraph.webapp.analytics_api import current_analysis

    analysis = current_analysis()
    if graph not in analysis.clusterings or not 0 <= cluster < analysis.clusterings[graph].count:
        raise NotFound(f"unknown {graph} cluster {cluster}")
    return analysis.members(cluster, graph), f"cluster:{graph}:{cluster}"


def _product_target(target: ProductTarget) -> tuple[list[str], str]:
    if not get_g().product_exists(target.product_id):
        raise NotFound(f"unknown product {target.product_id!r}")
    return [target.product_id], "product"


def _written() -> None:
    get_g().bump_version()
    if get_state().cache is not None:
        get_state().cache.refresh()


def _add(body: RuleFields, item_id: str, products: list[str], scope: str) -> Response:
    if not get_g().product_exists(item_id):
        raise NotFound(f"unknown product {item_id!r}")
    at = now_iso()
    rules = [Curation(p, item_id, body.action, body.relation, body.by, at, scope, body.note)
             for p in products if p != item_id]
    if not rules:
        raise BadParameter("a product cannot be pinned or banned in its own lists")
    get_g().write_curations(rules)
    _written()
    response = jsonify({"written": len(rules), "scope": scope, "rules": [r.as_dict() for r in rules[:100]]})
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


def _remove(item_id: str, products: list[str]) -> Response:
    removed = get_g().remove_curations([(p, item_id) for p in products])
    if not removed:
        raise NotFound(f"no pin or ban of {item_id!r} there")
    _written()
    response = jsonify({"removed": removed})
    response.headers["Cache-Control"] = "no-store"
    return response


WRITE_ERRORS = (401, 403, 404, 503)


@bp.post("/api/curation")
@declare(json=CurationBody, ok=CurationWritten, errors=WRITE_ERRORS, tags=TAGS,
         ok_description="the rules written (201)")
def add_curation(json: CurationBody) -> Response:
    """Pin or ban ``item_id`` in ``product_id``'s lists (write token)."""
    check_write_token()
    return _add(json, json.item_id, *_product_target(json))


@bp.post("/api/curation/cluster")
@declare(json=ClusterCurationBody, ok=CurationWritten, errors=WRITE_ERRORS, tags=TAGS,
         ok_description="the rules written (201), one per member")
def add_cluster_curation(json: ClusterCurationBody) -> Response:
    """Pin or ban ``item_id`` in the lists of every member of a style cluster (write token)."""
    check_write_token()
    return _add(json, json.item_id, *_cluster_members(json.cluster, json.graph))


@bp.delete("/api/curation")
@declare(query=ProductTarget, ok=CurationRemoved, errors=WRITE_ERRORS, tags=TAGS)
def delete_curation(query: ProductTarget) -> Response:
    """Remove the pin or ban of ``item_id`` for ``product_id`` (write token)."""
    check_write_token()
    return _remove(query.item_id, _product_target(query)[0])


@bp.delete("/api/curation/cluster")
@declare(query=ClusterTarget, ok=CurationRemoved, errors=WRITE_ERRORS, tags=TAGS)
def delete_cluster_curation(query: ClusterTarget) -> Response:
    """Remove the pins or bans of ``item_id`` for every member of a cluster (write token)."""
    check_write_token()
    return _remove(query.item_id, _cluster_members(query.cluster, query.graph)[0])


def _rules(query: CurationQuery) -> list[dict[str, Any]]:
    pid, limit = query.product_id, query.limit
    if pid is not None and not get_g().product_exists(pid):
        raise NotFound(f"unknown product {pid!r}")
    return [r.as_dict() for r in get_g().list_curations(pid, limit)]


@bp.get("/api/curation")
@declare(query=CurationQuery, ok=CurationList, errors=(404, 503), tags=TAGS)
def curation_list(query: CurationQuery) -> Response:
    """Every pin and ban (of ``product_id``), newest first, with who and when."""
    rules = _rules(query)
    response = jsonify({"count": len(rules), "rules": rules})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/curation")
@declare(query=CurationQuery, errors=(404, 503), tags=TAGS, ok_description="the pins and bans page (HTML)")
def curation_page(query: CurationQuery) -> str:
    """The merchandisers' pins and bans as a page."""
    rules = _rules(query)
    titles = {pid: p.get("title") or pid for pid, p in get_g().get_products(
        {r["product_id"] for r in rules} | {r["item_id"] for r in rules}).items()}
    return render_template("curation.html", rules=rules, titles=titles)
