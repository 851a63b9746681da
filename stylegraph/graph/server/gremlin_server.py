"""The Gremlin server: an aiohttp app with the ``/gremlin`` websocket and ``/healthz``.

``GremlinServer`` owns the worker pool (``STYLEGRAPH_GREMLIN_WORKERS``
threads), the :class:`~stylegraph.graph.server.requests.RequestProcessor`
that evaluates bytecode on it (off the event loop, so the loop keeps serving
other clients), the open connections, the stats and the graceful shutdown.
It does not own the ``Graph``: whoever opened it closes it (see ``runner``).
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import WSCloseCode, web

from stylegraph.graph.limits import dialect_from_user_agent
from stylegraph.graph.server.auth import PlainAuthenticator
from stylegraph.graph.server.connection import GremlinConnection
from stylegraph.graph.server.requests import RequestLimits, RequestProcessor
from stylegraph.graph.server.stats import Stats
from stylegraph.settings import Settings

log = logging.getLogger(__name__)


class GremlinServer:
    """Serves one ``Graph`` over TinkerPop's WebSocket protocol."""

    def __init__(self, graph: Any, settings: Settings) -> None:
        self.graph = graph
        self.settings = settings
        self.authenticator = PlainAuthenticator(settings.gremlin_user_map())
        self.pool = ThreadPoolExecutor(max(1, settings.gremlin_workers), thread_name_prefix="gremlin-worker")
        self.stats = Stats()
        self.processor = RequestProcessor(graph, self.pool, RequestLimits.from_settings(settings), self.stats)
        self.connections: set[GremlinConnection] = set()
        self.closing = False
        self.started = time.time()
        self.app = web.Application()
        self.app.router.add_get("/gremlin", self.handle_websocket)
        self.app.router.add_get("/healthz", self.handle_healthz)
        self.app.on_shutdown.append(self._close_connections)

    @property
    def inflight(self) -> set[asyncio.Task]:
        """The request tasks of every open connection."""
        return {task for conn in self.connections for task in conn.tasks}

    # -- HTTP handlers --------------------------------------------------------

    def max_msg_size(self) -> int:
        """aiohttp's frame limit: above our request limit, so oversized requests get an answer."""
        limit = self.settings.gremlin_max_request_bytes
        return max(2 * limit, limit + 1024 * 1024)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """``GET /gremlin``: upgrade to a websocket and serve requests on it."""
        if self.closing:
            raise web.HTTPServiceUnavailable(text="the server is shutting down")
        ws = web.WebSocketResponse(max_msg_size=self.max_msg_size(), autoping=True)
        await ws.prepare(request)
        conn = GremlinConnection(ws, request.remote or "?", self.processor, self.authenticator, self.stats,
                                 self.settings.gremlin_max_request_bytes, lambda: self.closing,
                                 dialect_from_user_agent(request.headers.get("User-Agent")))
        self.connections.add(conn)
        self.stats.count("connections")
        try:
            await conn.run()
        finally:
            self.connections.discard(conn)
        return ws

    async def handle_healthz(self, request: web.Request) -> web.Response:
        """``GET /healthz``: 200 with element counts, request counters and the running evaluations."""
        body = {
            "status": "shutting down" if self.closing else "ok",
            "vertices": len(self.graph.vertices),
            "edges": len(self.graph.edges),
            "version": getattr(self.graph, "version", None),
            "open_connections": len(self.connections),
            "in_flight": len(self.inflight),
            "workers": max(1, self.settings.gremlin_workers),
            "uptime_s": round(time.time() - self.started, 3),
            **self.stats.snapshot(),
        }
        return web.json_response(body, status=503 if self.closing else 200)

    # -- lifecycle ------------------------------------------------------------

    async def drain(self, grace_s: float) -> None:
        """Refuse new requests, then wait up to ``grace_s`` for in-flight ones to finish."""
        self.closing = True
        pending = set(self.inflight)
        if pending:
            log.info("waiting up to %.1fs for %d in-flight requests", grace_s, len(pending))
            _, still = await asyncio.wait(pending, timeout=grace_s)
            if still:
                log.warning("%d requests still running after %.1fs; abandoning them", len(still), grace_s)
                for conn in list(self.connections):
                    conn.cancel_all()
                for task in still:
                    task.cancel()

    async def _close_connections(self, app: web.Application) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    def close_pool(self) -> None:
        """Stop the worker threads; a traversal still running ends at its deadline (engine-enforced)."""
        self.pool.shutdown(wait=False, cancel_futures=True)
