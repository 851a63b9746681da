"""Analytics routes (blueprint ``analytics``): the ``stylegraph analyze`` summary and clusters.

- ``GET /api/analytics/summary?clusters=10``: counts, clusters per graph, hubs,
  blind spots, coverage (the JSON behind ``report.html``).
- ``GET /api/analytics/clusters?graph=SIMILAR&limit=50&offset=0&ids=A,B``: the
  clusters of one graph, largest first, and the cluster of each of ``ids``
  (the explorer colours its nodes with it).
- ``GET /api/analytics/clusters/<n>?graph=SIMILAR&limit=100``: one cluster's members.

The analysis is computed from the streamed export once per graph version
(concurrent first requests wait for the one computing it).
"""
from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from stylegraph.analytics.analyze import Analysis, analyze
from stylegraph.analytics.graphdata import RECOMMENDED, SIMILAR, read_graph
from stylegraph.queries.meta import get_version
from stylegraph.webapp.cache import mark_cacheable
from stylegraph.webapp.errors import BadParameter, NotFound
from stylegraph.webapp.images import image_url
from stylegraph.webapp.params import choice_param, int_param
from stylegraph.webapp.state import get_g, get_state

bp = Blueprint("analytics", __name__)

EXTENSION = "stylegraph.analytics"
MAX_IDS = 1000
GRAPHS = (SIMILAR, RECOMMENDED)


def current_analysis() -> Analysis:
    """The analysis of the graph at its current version (computed on first use per version)."""
    app = current_app._get_current_object()
    slot = app.extensions.setdefault(EXTENSION, {"lock": threading.Lock(), "version": None, "analysis": None})
    state = get_state()
    version = state.cache.version() if state.cache is not None else get_version(get_g())
    with slot["lock"]:
        if slot["analysis"] is None or slot["version"] != version:
            slot["analysis"] = analyze(read_graph(get_g()), seed=state.settings.seed)
            slot["version"] = version
        return slot["analysis"]


def _with_urls(product: dict[str, Any]) -> dict[str, Any]:
    return {**product, "image_url": image_url(product.get("image"))}


def _clusters_json(clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**c, "representatives": [_with_urls(p) for p in c["representatives"]]} for c in clusters]


def _graph_param(analysis: Analysis) -> str:
    graph = choice_param("graph", GRAPHS, SIMILAR)
    if graph not in analysis.clusterings:
        raise NotFound(f"no {graph} clusters: the graph has no {graph} edges")
    return graph


@bp.get("/api/analytics/summary")
def summary() -> Response:
    """Products, edges, clusters per graph, hubs, blind spots and coverage per category."""
    top = int_param("clusters", 10, 0, 1000)
    mark_cacheable()
    body = current_analysis().summary(clusters=top)
    for info in body["clusters"].values():
        info["top"] = _clusters_json(info["top"])
    for key in ("never_recommended", "no_lookalike"):
        body["blind_spots"][key]["sample"] = [_with_urls(p) for p in body["blind_spots"][key]["sample"]]
    body["hubs"]["items"] = [_with_urls(p) for p in body["hubs"]["items"]]
    return jsonify(body)


@bp.get("/api/analytics/clusters")
def clusters() -> Response:
    """One graph's clusters (largest first) and, for ``ids``, each product's cluster."""
    limit = int_param("limit", 50, 1, 1000)
    offset = int_param("offset", 0, 0, 10_000_000)
    raw_ids = (request.args.get("ids") or "").strip()
    ids = [i for i in (s.strip() for s in raw_ids.split(",")) if i] if raw_ids else []
    if len(ids) > MAX_IDS:
        raise BadParameter(f"ids takes at most {MAX_IDS} product ids, got {len(ids)}")
    analysis = current_analysis()
    graph = _graph_param(analysis)
    mark_cacheable()
    clustering = analysis.clusterings[graph]
    everything = analysis.cluster_list(graph)
    body: dict[str, Any] = {
        "graph": graph,
        "method": clustering.method,
        "count": clustering.count,
        "modularity": round(clustering.modularity, 4),
        "offset": offset,
        "limit": limit,
        "clusters": _clusters_json(everything[offset:offset + limit]),
    }
    if ids:
        assignments = analysis.assignments(graph)
        body["assignments"] = {pid: assignments.get(pid) for pid in ids}
    return jsonify(body)


@bp.get("/api/analytics/clusters/<int:cluster>")
def cluster_members(cluster: int) -> Response:
    """The members of one cluster, most central first."""
    limit = int_param("limit", 100, 1, 10_000)
    analysis = current_analysis()
    graph = _graph_param(analysis)
    if cluster >= analysis.clusterings[graph].count:
        raise NotFound(f"unknown {graph} cluster {cluster}")
    mark_cacheable()
    members = analysis.members(cluster, graph)
    return jsonify({"graph": graph, "cluster": cluster, "size": len(members),
                    "members": members[:limit]})
