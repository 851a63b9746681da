"""Evaluating one ``bytecode`` request: limits, the worker pool, response frames.

:class:`RequestProcessor` gets what it needs when it is built (the graph, the
worker pool, the request limits, the stats, the engine's ``stream``) and
knows nothing of connections: :meth:`RequestProcessor.process` is handed the
request, its serializer, a ``send`` coroutine for the encoded frames and the
request's :class:`~stylegraph.graph.limits.Limits`, whose cancel flag the
connection sets when the client goes away. Results are streamed: the worker
sends each batch as soon as it is full (waiting for the event loop to write
it), so a request holds one batch of results at a time, not its whole answer.

Short reads take a quicker path: the event loop itself evaluates a read-only
request for up to :data:`QUICK_SLICE_S` (``engine.try_quick``: reads never wait
for a write, see :class:`stylegraph.graph.graph.Graph`) and, if it finished with at most one batch of results,
sends the answer at once. That saves the four thread hand-overs of the worker
path (loop -> worker -> loop to write -> worker -> loop), each of which waits
for the GIL while a long traversal computes. Anything else (a write, a
missing index, more time or results) is evaluated from the start on a worker.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import Executor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, ContextManager, Iterator

from gremlin_python.process.traversal import Bytecode, Traverser

from stylegraph.graph import errors
from stylegraph.graph.limits import CancelledError, Limits, TraverserBudgetError
from stylegraph.graph.server import protocol as p
from stylegraph.graph.server.serializers import WireSerializer
from stylegraph.graph.server.stats import Stats
from stylegraph.settings import Settings

log = logging.getLogger(__name__)

Stream = Callable[..., ContextManager[Iterator[Any]]]
Quick = Callable[..., "list | None"]
Send = Callable[[bytes | str], Awaitable[bool]]

# the server answers 598 itself this long after a deadline the engine did not honour
_DEADLINE_GRACE_S = 0.25
# a worker gives up on a client that has not taken a frame for this long
_SEND_TIMEOUT_S = 60.0
#: how long the event loop evaluates a read itself before handing it to a worker
QUICK_SLICE_S = 0.002


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


def _default_stream() -> Stream:
    from stylegraph.graph.engine import stream
    return stream


def _default_quick() -> Quick:
    from stylegraph.graph.engine import try_quick
    return try_quick


class RequestProcessor:
    """Evaluates bytecode requests on a worker pool and streams their response frames."""

    def __init__(self, graph: Any, pool: Executor, limits: RequestLimits, stats: Stats,
                 stream: Stream | None = None, quick: Quick | None = None) -> None:
        self.graph = graph
        self.pool = pool
        self.limits = limits
        self.stats = stats
        self.stream: Stream = stream or _default_stream()
        #: the event loop's own evaluation of short reads (None: every request goes to a worker);
        #: off by default when a custom ``stream`` is given, so that it sees every request
        self.quick: Quick | None = quick if quick is not None or stream is not None else _default_quick()

    def new_limits(self) -> Limits:
        """Fresh per-request limits (no deadline yet: :meth:`process` sets it from the request)."""
        return Limits(max_traversers=self.limits.max_traversers or None, contended=self._contended)

    def _contended(self) -> bool:
        """Whether other requests are in flight (a long one then backs off): counted from
        dispatch to answer, since a short read needs the GIL for its parsing and writing too."""
        return self.stats["answering"] > 1

    async def process(self, request: p.Request, serializer: WireSerializer, send: Send,
                      limits: Limits) -> None:
        """Evaluate ``request`` under ``limits``, sending each batch of results as it is made."""
        self.stats.count("answering")
        try:
            await self._evaluate(request, serializer, send, limits)
        except p.ProtocolError as exc:
            self.stats.count("errors")
            await send(serializer.write_response(exc.response()))
        except Exception as exc:  # a server bug: the client still gets a final answer, never silence
            self.stats.count("errors")
            log.exception("request %s failed in the server", request.request_id)
            await send(serializer.write_response(p.error_response(
                request.request_id, p.SERVER_ERROR, f"internal server error: {type(exc).__name__}: {exc}")))
        finally:
            self.stats.count("answering", -1)

    async def _evaluate(self, request: p.Request, serializer: WireSerializer, send: Send,
                        limits: Limits) -> None:
        rid = request.request_id
        if not isinstance(request.args.get("gremlin"), Bytecode):
            raise p.ProtocolError(p.INVALID_REQUEST_ARGUMENTS, "args.gremlin must be traversal bytecode", rid)
        batch_size = p.int_arg(request.args, "batchSize", self.limits.batch_size, rid)
        timeout_ms = self._timeout_ms(request)
        if timeout_ms:
            limits.shorten(timeout_ms)
        if await self._answer_quickly(request, serializer, batch_size, limits, send):
            return
        loop = asyncio.get_running_loop()
        answered = False  # set (on the loop) when the loop has answered the request itself

        async def send_unless_answered(frame: bytes | str) -> bool:
            """A worker's frame, unless the loop has already given the final answer (a 598)."""
            return False if answered else await send(frame)

        def send_from_worker(frame: bytes | str) -> bool:
            """Hand a frame to the event loop and wait until it is written (backpressure).

            Not bounded by the request's deadline: a frame given up on here could already be
            half-written, or be the final answer, which the client would then wait for forever
            (a request past its deadline is answered 598 by the loop, which sets ``answered``
            and the cancel flag that ends this wait)."""
            end = time.monotonic() + _SEND_TIMEOUT_S
            try:
                sent = asyncio.run_coroutine_threadsafe(send_unless_answered(frame), loop)
            except RuntimeError:  # the loop is closed
                return False
            while not limits.cancel.is_set():
                try:
                    return bool(sent.result(max(0.0, min(0.1, end - time.monotonic()))))
                except FutureTimeout:
                    if time.monotonic() >= end:
                        break
                except Exception:  # the send itself failed
                    return False
            sent.cancel()
            return False

        future = loop.run_in_executor(self.pool, self._evaluate_sync, request, serializer, batch_size,
                                      limits, send_from_worker)
        try:
            if not timeout_ms:
                await future
            else:
                await asyncio.wait_for(asyncio.shield(future), timeout_ms / 1000.0 + _DEADLINE_GRACE_S)
        except asyncio.TimeoutError:
            answered = True  # the worker's own 598, when it comes, would be a second final answer
            limits.cancel.set()  # the engine did not stop in time: make sure it does
            self.stats.count("timeouts")
            raise p.ProtocolError(
                p.SERVER_ERROR_TIMEOUT,
                f"evaluation exceeded the timeout of {timeout_ms} ms (evaluationTimeout)", rid,
            ) from None

    async def _answer_quickly(self, request: p.Request, serializer: WireSerializer, batch_size: int,
                              limits: Limits, send: Send) -> bool:
        """Evaluate a short read here, on the event loop, and send its answer; False when
        ``request`` is not one (a write, a held lock, more than a slice or a batch)."""
        if self.quick is None or limits.cancel.is_set():
            return False
        rid = request.request_id
        started = time.monotonic()
        frame: bytes | str | None = None
        results: list | None = None
        self.stats.count("running")
        try:
            results = self.quick(self.graph, request.args["gremlin"], limits, slice_s=QUICK_SLICE_S,
                                 max_results=batch_size, dialect=serializer.dialect)
        except errors.GraphError as exc:  # the answer: as the worker would give it
            frame = self._failure_frame(rid, exc, serializer)
        except Exception:  # an engine bug: the worker path evaluates again and reports it
            return False
        finally:
            self.stats.count("running", -1)
        if frame is None:
            if results is None:
                return False
            try:
                frame = serializer.write_response(p.Response(
                    rid, p.SUCCESS if results else p.NO_CONTENT, "",
                    data=[Traverser(value) for value in results] or None))
            except Exception:  # the worker path reports the serialization error
                return False
        self.stats.count("quick")
        self.stats.count("evaluation_ms", int((time.monotonic() - started) * 1000))
        await send(frame)
        return True

    def _failure_frame(self, rid: Any, exc: errors.GraphError, serializer: WireSerializer) -> bytes | str:
        """Count a failed evaluation and encode its error response."""
        self._count_failure(exc)
        return serializer.write_response(p.error_response(rid, exc.code, exc.message))

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
                       limits: Limits, send: Callable[[bytes | str], bool]) -> None:
        """Worker thread: evaluate and send the response frames, each batch as soon as it is full."""
        rid = request.request_id
        started = time.monotonic()
        if limits.cancel.is_set():
            return  # the client left while the request waited for a worker
        if limits.deadline is not None and started > limits.deadline:  # waited out its time in the queue
            self.stats.count("timeouts")
            send(serializer.write_response(p.error_response(
                rid, p.SERVER_ERROR_TIMEOUT, "the request timed out waiting for a worker (evaluationTimeout)")))
            return
        self.stats.count("running")
        try:
            with self.stream(self.graph, request.args["gremlin"], limits=limits,
                             dialect=serializer.dialect) as results:
                self._send_batches(rid, results, serializer, batch_size, send, limits)
        except errors.GraphError as exc:
            send(self._failure_frame(rid, exc, serializer))
        except Exception as exc:
            self.stats.count("errors")
            log.exception("evaluation of request %s failed", rid)
            send(serializer.write_response(
                p.error_response(rid, p.SERVER_ERROR_EVALUATION, f"{type(exc).__name__}: {exc}")))
        finally:
            self.stats.count("running", -1)
            self.stats.count("evaluation_ms", int((time.monotonic() - started) * 1000))

    def _count_failure(self, exc: errors.GraphError) -> None:
        self.stats.count("errors")
        if exc.code == p.SERVER_ERROR_TIMEOUT:
            self.stats.count("timeouts")
        elif isinstance(exc, CancelledError):
            self.stats.count("cancelled")
        elif isinstance(exc, TraverserBudgetError):
            self.stats.count("over_budget")

    def _send_batches(self, rid: Any, results: Iterator[Any], serializer: WireSerializer, batch_size: int,
                      send: Callable[[bytes | str], bool], limits: Limits) -> None:
        """206 for every full batch that has a successor, then 200 for the last (204: no results).

        One batch is held back until the next starts, so that the last one can say 200.
        """
        held: list[Traverser] | None = None
        batch: list[Traverser] = []
        for value in results:
            batch.append(Traverser(value))  # bulk 1 (a Long): results come bulk-expanded
            if len(batch) >= batch_size:
                if held is not None and not self._send_batch(rid, p.PARTIAL_CONTENT, held, serializer, send):
                    limits.cancel.set()  # nobody reads the answer any more: stop evaluating
                    self.stats.count("cancelled")
                    return
                held, batch = batch, []
        if held is not None and batch:
            if not self._send_batch(rid, p.PARTIAL_CONTENT, held, serializer, send):
                return
            held = batch
        elif held is None:
            held = batch
        self._send_batch(rid, p.SUCCESS if held else p.NO_CONTENT, held, serializer, send)

    def _send_batch(self, rid: Any, code: int, batch: list[Traverser], serializer: WireSerializer,
                    send: Callable[[bytes | str], bool]) -> bool:
        """Encode and send one batch; False when the client is gone (an unencodable value raises)."""
        try:
            frame = serializer.write_response(p.Response(rid, code, "", data=batch if batch else None))
        except Exception as exc:
            log.warning("cannot serialize results of request %s: %s", rid, exc)
            raise errors.GraphError(
                f"could not serialize the result with {serializer.mime}: {type(exc).__name__}: {exc}",
                code=p.SERVER_ERROR_SERIALIZATION) from None
        return send(frame)
