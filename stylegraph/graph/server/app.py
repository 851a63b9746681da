"""The Gremlin server: an aiohttp app with the ``/gremlin`` websocket and ``/healthz``.

``GremlinServer`` owns the worker pool that evaluates bytecode with
``stylegraph.graph.engine.execute`` (off the event loop, so the loop keeps
serving other clients), the open connections and the graceful shutdown. It
does not own the ``Graph``: whoever opened it closes it (see ``runner``).
"""
from __future__ import annotations

import asyncio
import collections
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from aiohttp import WSCloseCode, web
from gremlin_python.process.traversal import Bytecode, Traverser

from stylegraph.graph import errors
from stylegraph.graph.server import protocol as p
from stylegraph.graph.server.auth import PlainAuthenticator
from stylegraph.graph.server.connection import GremlinConnection
from stylegraph.graph.server.serializers import WireSerializer
from stylegraph.settings import Settings

log = logging.getLogger(__name__)

Execute = Callable[..., list]

# the server answers 598 itself this long after a deadline the engine did not honour
_DEADLINE_GRACE_S = 0.25


def _default_execute() -> Execute:
    from stylegraph.graph.engine import execute
    return execute


class GremlinServer:
    """Serves one ``Graph`` over TinkerPop's WebSocket protocol."""

    def __init__(self, graph: Any, settings: Settings) -> None:
        self.graph = graph
        self.settings = settings
        self.execute: Execute = _default_execute()
        self.authenticator = PlainAuthenticator(settings.gremlin_user_map())
        self.pool = ThreadPoolExecutor(max(1, settings.gremlin_workers), thread_name_prefix="gremlin-worker")
        self.connections: set[GremlinConnection] = set()
        self.inflight: set[asyncio.Task] = set()
        self.closing = False
        self.started = time.time()
        self.stats: collections.Counter[str] = collections.Counter(dict.fromkeys(
            ("connections", "frames", "requests", "errors", "timeouts", "auth_failures", "evaluation_ms"), 0))
        self._stats_lock = threading.Lock()
        self.app = web.Application()
        self.app.router.add_get("/gremlin", self.handle_websocket)
        self.app.router.add_get("/healthz", self.handle_healthz)
        self.app.on_shutdown.append(self._close_connections)

    def count(self, key: str, n: int = 1) -> None:
        """Add ``n`` to counter ``key`` (shown by /healthz); safe from worker threads."""
        with self._stats_lock:
            self.stats[key] += n

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
        conn = GremlinConnection(self, ws, request.remote or "?")
        self.connections.add(conn)
        self.count("connections")
        try:
            await conn.run()
        finally:
            self.connections.discard(conn)
        return ws

    async def handle_healthz(self, request: web.Request) -> web.Response:
        """``GET /healthz``: 200 with element counts and request counters."""
        body = {
            "status": "shutting down" if self.closing else "ok",
            "vertices": len(self.graph.vertices),
            "edges": len(self.graph.edges),
            "version": getattr(self.graph, "version", None),
            "open_connections": len(self.connections),
            "in_flight": len(self.inflight),
            "uptime_s": round(time.time() - self.started, 3),
            **{k: v for k, v in sorted(self.stats.items())},
        }
        return web.json_response(body, status=503 if self.closing else 200)

    # -- bytecode -------------------------------------------------------------

    async def run_bytecode(self, conn: GremlinConnection, request: p.Request,
                           serializer: WireSerializer) -> None:
        """Evaluate a ``bytecode`` request on the pool and stream its batches back."""
        task = asyncio.current_task()
        assert task is not None
        self.inflight.add(task)
        try:
            frames = await self._evaluate(request, serializer)
            for frame in frames:
                if not await conn.send_frame(frame):
                    break
        except p.ProtocolError as exc:
            self.count("errors")
            await conn.send(exc.response(), serializer)
        finally:
            self.inflight.discard(task)

    async def _evaluate(self, request: p.Request, serializer: WireSerializer) -> list[bytes | str]:
        rid = request.request_id
        bytecode = request.args.get("gremlin")
        if not isinstance(bytecode, Bytecode):
            raise p.ProtocolError(p.INVALID_REQUEST_ARGUMENTS,
                                  "args.gremlin must be traversal bytecode", rid)
        batch_size = p.int_arg(request.args, "batchSize", self.settings.gremlin_batch_size, rid)
        timeout_ms = self._timeout_ms(request)
        deadline = time.monotonic() + timeout_ms / 1000.0 if timeout_ms else None
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, self._evaluate_sync, request, serializer, batch_size, deadline)
        if deadline is None:
            return await future
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout_ms / 1000.0 + _DEADLINE_GRACE_S)
        except asyncio.TimeoutError:
            self.count("timeouts")
            raise p.ProtocolError(
                p.SERVER_ERROR_TIMEOUT,
                f"evaluation exceeded the timeout of {timeout_ms} ms (evaluationTimeout)", rid,
            ) from None

    def _timeout_ms(self, request: p.Request) -> int:
        args = request.args
        raw = args.get("evaluationTimeout", args.get("scriptEvaluationTimeout"))
        if raw is None:
            return max(0, self.settings.gremlin_request_timeout_ms)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise p.ProtocolError(p.INVALID_REQUEST_ARGUMENTS,
                                  f"evaluationTimeout must be milliseconds, got {raw!r}", request.request_id) from None
        return max(0, value)  # 0: no timeout, as in Gremlin Server

    def _evaluate_sync(self, request: p.Request, serializer: WireSerializer, batch_size: int,
                       deadline: float | None) -> list[bytes | str]:
        """Worker thread: execute, then encode every response frame (errors become one frame)."""
        rid = request.request_id
        started = time.monotonic()
        if deadline is not None and started > deadline:  # waited out its time in the queue: do not start
            return [serializer.write_response(p.error_response(
                rid, p.SERVER_ERROR_TIMEOUT, "the request timed out waiting for a worker (evaluationTimeout)"))]
        try:
            results = self.execute(self.graph, request.args["gremlin"], deadline=deadline)
        except errors.GraphError as exc:
            self.count("errors")
            if exc.code == p.SERVER_ERROR_TIMEOUT:
                self.count("timeouts")
            return [serializer.write_response(p.error_response(rid, exc.code, exc.message))]
        except Exception as exc:
            self.count("errors")
            log.exception("evaluation of request %s failed", rid)
            return [serializer.write_response(
                p.error_response(rid, p.SERVER_ERROR_EVALUATION, f"{type(exc).__name__}: {exc}"))]
        self.count("evaluation_ms", int((time.monotonic() - started) * 1000))
        traversers = [Traverser(r) for r in results]  # bulk 1 (a Long): results come bulk-expanded
        frames: list[bytes | str] = []
        try:
            for code, batch in p.batches(traversers, batch_size):
                data = None if code == p.NO_CONTENT else batch
                frames.append(serializer.write_response(p.Response(rid, code, "", data=data)))
        except Exception as exc:
            self.count("errors")
            log.warning("cannot serialize results of request %s: %s", rid, exc)
            return [serializer.write_response(p.error_response(
                rid, p.SERVER_ERROR_SERIALIZATION,
                f"could not serialize the result with {serializer.mime}: {type(exc).__name__}: {exc}"))]
        return frames

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
                for task in still:
                    task.cancel()

    async def _close_connections(self, app: web.Application) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    def close_pool(self) -> None:
        """Stop the worker threads; a traversal still running ends at its deadline (engine-enforced)."""
        self.pool.shutdown(wait=False, cancel_futures=True)
