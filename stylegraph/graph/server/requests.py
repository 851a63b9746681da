"""Evaluating one ``bytecode`` request: limits, the worker pool, response frames.

:class:`RequestProcessor` gets what it needs when it is built (the graph, the
worker pool, the request limits, the stats, the engine's ``execute``) and
knows nothing of connections: :meth:`RequestProcessor.process` is handed the
request, its serializer, a ``send`` coroutine for the encoded frames and the
request's :class:`~stylegraph.graph.limits.Limits`, whose cancel flag the
connection sets when the client goes away.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from gremlin_python.process.traversal import Bytecode, Traverser

from stylegraph.graph import errors
from stylegraph.graph.limits import CancelledError, Limits, TraverserBudgetError
from stylegraph.graph.server import protocol as p
from stylegraph.graph.server.serializers import WireSerializer
from stylegraph.graph.server.stats import Stats
from stylegraph.settings import Settings

log = logging.getLogger(__name__)

Execute = Callable[..., list]
Send = Callable[[bytes | str], Awaitable[bool]]

# the server answers 598 itself this long after a deadline the engine did not honour
_DEADLINE_GRACE_S = 0.25


@dataclass(frozen=True)
class RequestLimits:
    """The server's defaults for every request: timeout (0: none), traverser budget (0: none), batch size."""

    timeout_ms: int
    max_traversers: int
    batch_size: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "RequestLimits":
        """The limits configured by ``STYLEGRAPH_GREMLIN_*``."""
        return cls(max(0, settings.gremlin_request_timeout_ms), max(0, settings.gremlin_max_traversers),
                   settings.gremlin_batch_size)


def _default_execute() -> Execute:
    from stylegraph.graph.engine import execute
    return execute


class RequestProcessor:
    """Evaluates bytecode requests on a worker pool and streams their response frames."""

    def __init__(self, graph: Any, pool: Executor, limits: RequestLimits, stats: Stats,
                 execute: Execute | None = None) -> None:
        self.graph = graph
        self.pool = pool
        self.limits = limits
        self.stats = stats
        self.execute: Execute = execute or _default_execute()

    def new_limits(self) -> Limits:
        """Fresh per-request limits (no deadline yet: :meth:`process` sets it from the request)."""
        return Limits(max_traversers=self.limits.max_traversers or None)

    async def process(self, request: p.Request, serializer: WireSerializer, send: Send,
                      limits: Limits) -> None:
        """Evaluate ``request`` under ``limits`` and send its frames (stops when ``send`` fails)."""
        try:
            frames = await self._evaluate(request, serializer, limits)
            for frame in frames:
                if not await send(frame):
                    break
        except p.ProtocolError as exc:
            self.stats.count("errors")
            await send(serializer.write_response(exc.response()))

    async def _evaluate(self, request: p.Request, serializer: WireSerializer,
                        limits: Limits) -> list[bytes | str]:
        rid = request.request_id
        if not isinstance(request.args.get("gremlin"), Bytecode):
            raise p.ProtocolError(p.INVALID_REQUEST_ARGUMENTS, "args.gremlin must be traversal bytecode", rid)
        batch_size = p.int_arg(request.args, "batchSize", self.limits.batch_size, rid)
        timeout_ms = self._timeout_ms(request)
        if timeout_ms:
            limits.shorten(timeout_ms)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, self._evaluate_sync, request, serializer, batch_size, limits)
        if not timeout_ms:
            return await future
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout_ms / 1000.0 + _DEADLINE_GRACE_S)
        except asyncio.TimeoutError:
            limits.cancel.set()  # the engine did not stop in time: make sure it does
            self.stats.count("timeouts")
            raise p.ProtocolError(
                p.SERVER_ERROR_TIMEOUT,
                f"evaluation exceeded the timeout of {timeout_ms} ms (evaluationTimeout)", rid,
            ) from None

    def _timeout_ms(self, request: p.Request) -> int:
        args = request.args
        raw = args.get("evaluationTimeout", args.get("scriptEvaluationTimeout"))
        if raw is None:
            return self.limits.timeout_ms
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise p.ProtocolError(p.INVALID_REQUEST_ARGUMENTS,
                                  f"evaluationTimeout must be milliseconds, got {raw!r}",
                                  request.request_id) from None
        return max(0, value)  # 0: no timeout, as in Gremlin Server

    def _evaluate_sync(self, request: p.Request, serializer: WireSerializer, batch_size: int,
                       limits: Limits) -> list[bytes | str]:
        """Worker thread: execute, then encode every response frame (errors become one frame)."""
        rid = request.request_id
        started = time.monotonic()
        if limits.cancel.is_set():
            return []  # the client left while the request waited for a worker
        if limits.deadline is not None and started > limits.deadline:  # waited out its time in the queue
            self.stats.count("timeouts")
            return [serializer.write_response(p.error_response(
                rid, p.SERVER_ERROR_TIMEOUT, "the request timed out waiting for a worker (evaluationTimeout)"))]
        self.stats.count("running")
        try:
            results = self.execute(self.graph, request.args["gremlin"], limits=limits)
        except errors.GraphError as exc:
            self._count_failure(exc)
            return [serializer.write_response(p.error_response(rid, exc.code, exc.message))]
        except Exception as exc:
            self.stats.count("errors")
            log.exception("evaluation of request %s failed", rid)
            return [serializer.write_response(
                p.error_response(rid, p.SERVER_ERROR_EVALUATION, f"{type(exc).__name__}: {exc}"))]
        finally:
            self.stats.count("running", -1)
            self.stats.count("evaluation_ms", int((time.monotonic() - started) * 1000))
        return self._frames(rid, results, serializer, batch_size)

    def _count_failure(self, exc: errors.GraphError) -> None:
        self.stats.count("errors")
        if exc.code == p.SERVER_ERROR_TIMEOUT:
            self.stats.count("timeouts")
        elif isinstance(exc, CancelledError):
            self.stats.count("cancelled")
        elif isinstance(exc, TraverserBudgetError):
            self.stats.count("over_budget")

    def _frames(self, rid: Any, results: list, serializer: WireSerializer, batch_size: int) -> list[bytes | str]:
        traversers = [Traverser(r) for r in results]  # bulk 1 (a Long): results come bulk-expanded
        frames: list[bytes | str] = []
        try:
            for code, batch in p.batches(traversers, batch_size):
                data = None if code == p.NO_CONTENT else batch
                frames.append(serializer.write_response(p.Response(rid, code, "", data=data)))
        except Exception as exc:
            self.stats.count("errors")
            log.warning("cannot serialize results of request %s: %s", rid, exc)
            return [serializer.write_response(p.error_response(
                rid, p.SERVER_ERROR_SERIALIZATION,
                f"could not serialize the result with {serializer.mime}: {type(exc).__name__}: {exc}"))]
        return frames
