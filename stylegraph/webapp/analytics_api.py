"""Analytics routes (blueprint ``analytics``): the ``stylegraph analyze`` summary and clusters.

- ``GET /api/analytics/summary?clusters=10``: counts, clusters per graph, hubs,
  blind spots, coverage (the JSON behind ``report.html``).
- ``GET /api/analytics/clusters?graph=SIMILAR&limit=50&offset=0&ids=A,B``: the
  clusters of one graph, largest first, and the cluster of each of ``ids``
  (the explorer colours its nodes with it).
- ``GET /api/analytics/clusters/<n>?graph=SIMILAR&limit=100``: one cluster's members.

The analysis is computed from the streamed export in a background thread,
once per graph version; while a newer one runs, the previous one is served
with ``"stale": true`` (not cached). The very first request waits up to
``WAIT_S`` seconds for it, then gets a 503 (``retry_after`` seconds in the body).
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Optional

from flask import Blueprint, Response, current_app, jsonify, request

from stylegraph.analytics.analyze import Analysis, analyze
from stylegraph.analytics.graphdata import RECOMMENDED, SIMILAR, read_graph
from stylegraph.webapp.cache import mark_cacheable
from stylegraph.webapp.errors import BadParameter, NotFound, Unavailable
from stylegraph.webapp.images import image_url
from stylegraph.webapp.contract import declare
from stylegraph.webapp.merch_schemas import AnalyticsSummary, ClusterList, ClusterMembers, ClustersQuery
from stylegraph.webapp.merch_schemas import MembersQuery, SummaryQuery
from stylegraph.webapp.state import get_g, get_state

bp = Blueprint("analytics", __name__)

log = logging.getLogger(__name__)

EXTENSION = "stylegraph.analytics"
ENVIRON_STALE = "stylegraph.analytics.stale"
_HOLDERS_LOCK = threading.Lock()
WAIT_S = 20.0  # a first request waits this long for the first analysis, then gets a 503
RETRY_AFTER_S = 30
MAX_IDS = 1000
GRAPHS = (SIMILAR, RECOMMENDED)
TAGS = ("merchandiser",)


class AnalysisHolder:
    """The latest analysis of one app, recomputed in a background thread when the graph
    version changes; meanwhile the previous one is served (marked stale)."""

    def __init__(self, compute: Callable[[], Analysis]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self.analysis: Optional[Analysis] = None
        self.version: Optional[int] = None
        self._running: Optional[int] = None
        self._done = threading.Event()
        self.failures = 0

    def _run(self, version: Optional[int]) -> None:
        try:
            result = self._compute()
        except Exception:  # noqa: BLE001 - logged; the next request retries
            log.exception("analytics failed")
            with self._lock:
                self.failures += 1
                self._running = None
            self._done.set()
            return
        with self._lock:
            self.analysis, self.version, self._running = result, version, None
        self._done.set()

    def get(self, version: Optional[int], wait_s: float) -> tuple[Analysis, bool]:
        """``(analysis, stale)`` for ``version``; waits up to ``wait_s`` when there is none yet."""
        with self._lock:
            if self.analysis is not None and self.version == version:
                return self.analysis, False
            if self._running != version:
                self._running = version
                self._done.clear()
                threading.Thread(target=self._run, args=(version,), name="analytics", daemon=True).start()
            previous = self.analysis
        if previous is not None:
            return previous, True
        self._done.wait(wait_s)
        with self._lock:
            if self.analysis is not None:
                return self.analysis, self.version != version
        raise Unavailable("the analysis of the graph is still running: retry in a moment",
                          retry_after=RETRY_AFTER_S)


def current_analysis() -> Analysis:
    """The analysis of the graph (the previous one, marked stale, while a new one runs)."""
    analysis, stale = _holder().get(_version(), WAIT_S)
    request.environ[ENVIRON_STALE] = stale
    return analysis


def _version() -> Optional[int]:
    state = get_state()
    return state.cache.version() if state.cache is not None else get_g().get_version()


def _holder() -> AnalysisHolder:
    app = current_app._get_current_object()
    with _HOLDERS_LOCK:
        holder = app.extensions.get(EXTENSION)
        if holder is None:
            state = get_state(app)
            holder = AnalysisHolder(lambda: analyze(read_graph(state.g), seed=state.settings.seed))
            app.extensions[EXTENSION] = holder
    return holder


def _cacheable_unless_stale() -> None:
    if not request.environ.get(ENVIRON_STALE):
        mark_cacheable()


def _answer(body: dict[str, Any]) -> Response:
    stale = bool(request.environ.get(ENVIRON_STALE))
    response = jsonify({**body, "stale": stale})
    if stale:
        response.headers["Cache-Control"] = "no-store"
    return response


def _with_urls(product: dict[str, Any]) -> dict[str, Any]:
    return {**product, "image_url": image_url(product.get("image"))}


def _clusters_json(clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**c, "representatives": [_with_urls(p) for p in c["representatives"]]} for c in clusters]


def _graph_param(analysis: Analysis, graph: str) -> str:
    if graph not in analysis.clusterings:
        raise NotFound(f"no {graph} clusters: the graph has no {graph} edges")
    return graph


@bp.get("/api/analytics/summary")
@declare(query=SummaryQuery, ok=AnalyticsSummary, errors=(503,), tags=TAGS)
def summary(query: SummaryQuery) -> Response:
    """Products, edges, clusters per graph, hubs, blind spots and coverage per category."""
    body = current_analysis().summary(clusters=query.clusters)
    _cacheable_unless_stale()
    for info in body["clusters"].values():
        info["top"] = _clusters_json(info["top"])
    for key in ("never_recommended", "no_lookalike"):
        body["blind_spots"][key]["sample"] = [_with_urls(p) for p in body["blind_spots"][key]["sample"]]
    body["hubs"]["items"] = [_with_urls(p) for p in body["hubs"]["items"]]
    return _answer(body)


@bp.get("/api/analytics/clusters")
@declare(query=ClustersQuery, ok=ClusterList, errors=(404, 503), tags=TAGS)
def clusters(query: ClustersQuery) -> Response:
    """One graph's clusters (largest first) and, for ``ids``, each product's cluster."""
    limit, offset = query.limit, query.offset
    raw_ids = (query.ids or "").strip()
    ids = [i for i in (s.strip() for s in raw_ids.split(",")) if i] if raw_ids else []
    if len(ids) > MAX_IDS:
        raise BadParameter(f"ids takes at most {MAX_IDS} product ids, got {len(ids)}")
    analysis = current_analysis()
    graph = _graph_param(analysis, query.graph)
    _cacheable_unless_stale()
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
    return _answer(body)


@bp.get("/api/analytics/clusters/<int:cluster>")
@declare(query=MembersQuery, ok=ClusterMembers, errors=(404, 503), tags=TAGS)
def cluster_members(cluster: int, query: MembersQuery) -> Response:
    """The members of one cluster, most central first."""
    limit = query.limit
    analysis = current_analysis()
    graph = _graph_param(analysis, query.graph)
    if cluster >= analysis.clusterings[graph].count:
        raise NotFound(f"unknown {graph} cluster {cluster}")
    _cacheable_unless_stale()
    members = analysis.members(cluster, graph)
    return _answer({"graph": graph, "cluster": cluster, "size": len(members), "members": members[:limit]})
