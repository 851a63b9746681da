"""One client websocket on ``/gremlin``: decode frames, authenticate, dispatch, answer.

Requests on one connection are evaluated concurrently (drivers such as the
Java one multiplex a connection); each response frame is written whole under
a per-connection lock so batches of different requests never interleave
mid-frame. A frame that cannot be read gets an error response and the
connection keeps serving. When the socket closes, every traversal still
running for it is cancelled (its ``Limits.cancel`` is set), so a client that
gave up does not keep a worker busy.

The connection does not evaluate anything itself: it hands bytecode requests
to the :class:`~stylegraph.graph.server.requests.RequestProcessor` with a
``send`` coroutine for the answer.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable

from aiohttp import WSMsgType, web

from stylegraph.graph.limits import DEFAULT_DIALECT, Limits
from stylegraph.graph.server import protocol as p
from stylegraph.graph.server.auth import CHALLENGE_MESSAGE, AuthenticationFailed, PlainAuthenticator
from stylegraph.graph.server.requests import RequestProcessor
from stylegraph.graph.server.serializers import (
    GraphBinarySerializer, GraphSONSerializer, MalformedPayload, WireSerializer, serializer_for,
    supported_mime_types,
)
from stylegraph.graph.server.stats import Stats

log = logging.getLogger(__name__)

# payloads larger than this are parsed on a worker thread, not on the event loop
_PARSE_INLINE_BYTES = 64 * 1024


class GremlinConnection:
    """The protocol state of one websocket: its user, the request held for auth, its tasks."""

    def __init__(self, ws: web.WebSocketResponse, peer: str, processor: RequestProcessor,
                 authenticator: PlainAuthenticator, stats: Stats, max_request_bytes: int,
                 server_closing: Callable[[], bool], dialect: tuple[int, int] = DEFAULT_DIALECT) -> None:
        self.ws = ws
        self.peer = peer
        self.processor = processor
        self.authenticator = authenticator
        self.stats = stats
        self.max_request_bytes = max_request_bytes
        self._server_closing = server_closing
        #: the TinkerPop version the client's driver speaks (its User-Agent), for the engine
        self.dialect = dialect
        self.user: str | None = None
        self._held: tuple[p.Request, WireSerializer] | None = None
        self._send_lock = asyncio.Lock()
        self._running: dict[asyncio.Task, Limits] = {}
        self._closing = False

    @property
    def tasks(self) -> set[asyncio.Task]:
        """The request tasks still running for this connection."""
        return set(self._running)

    def cancel_all(self) -> None:
        """Cancel every traversal still running for this connection (they stop within milliseconds)."""
        for limits in self._running.values():
            limits.cancel.set()

    async def run(self) -> None:
        """Serve frames until the client (or the server's shutdown) closes the socket."""
        try:
            async for msg in self.ws:
                if msg.type == WSMsgType.BINARY:
                    await self._on_frame(msg.data, text=False)
                elif msg.type == WSMsgType.TEXT:
                    await self._on_frame(msg.data.encode("utf-8"), text=True)
                elif msg.type == WSMsgType.ERROR:
                    log.info("websocket error from %s: %s", self.peer, self.ws.exception())
                    break
                if self._closing:
                    break
        finally:
            if self.ws.closed or not self._closing:  # the client went away: nobody waits for answers
                self.cancel_all()
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)
            if self._closing and not self.ws.closed:
                await self.ws.close()

    async def send(self, response: p.Response, serializer: WireSerializer) -> bool:
        """Write one response frame; False when the client has gone away."""
        try:
            frame = serializer.write_response(response)
        except Exception as exc:  # a value the wire format cannot carry
            log.warning("cannot serialize response to %s: %s", response.request_id, exc)
            frame = serializer.write_response(
                p.error_response(response.request_id, p.SERVER_ERROR_SERIALIZATION,
                                 f"could not serialize the result: {type(exc).__name__}: {exc}")
            )
        return await self.send_frame(frame)

    async def send_frame(self, frame: bytes | str) -> bool:
        """Write an already encoded frame; False when the client has gone away."""
        if self.ws.closed:
            return False
        try:
            async with self._send_lock:
                if isinstance(frame, str):
                    await self.ws.send_str(frame)
                else:
                    await self.ws.send_bytes(frame)
            return True
        except (ConnectionError, RuntimeError) as exc:
            log.debug("client %s went away: %s", self.peer, exc)
            return False

    # -- frames ---------------------------------------------------------------

    async def _on_frame(self, data: bytes, text: bool) -> None:
        self.stats.count("frames")
        fallback: WireSerializer = GraphSONSerializer(text_frames=True) if text else GraphBinarySerializer()
        try:
            serializer, payload = self._decode_frame(data, text)
        except p.ProtocolError as exc:
            self.stats.count("errors")
            await self.send(exc.response(), fallback)
            return
        try:
            self._check_size(data, serializer, payload)
            request = await self._parse(serializer, payload)
        except p.ProtocolError as exc:
            self.stats.count("errors")
            await self.send(exc.response(), serializer)
            return
        await self._dispatch(request, serializer)

    def _decode_frame(self, data: bytes, text: bool) -> tuple[WireSerializer, bytes]:
        if text:
            serializer: WireSerializer = GraphSONSerializer(text_frames=True)
            payload = data
        else:
            try:
                mime, payload = p.split_binary_frame(data)
            except ValueError as exc:
                raise p.ProtocolError(
                    p.MALFORMED_REQUEST,
                    f"malformed request frame: {exc}; a binary frame must start with a length byte and a "
                    f"mime type, one of {', '.join(supported_mime_types())}",
                ) from None
            found = serializer_for(mime)
            if found is None:
                raise p.ProtocolError(
                    p.MALFORMED_REQUEST,
                    f"unsupported mime type {mime!r}; supported: {', '.join(supported_mime_types())}",
                )
            serializer = found
        return serializer, payload

    def _check_size(self, data: bytes, serializer: WireSerializer, payload: bytes) -> None:
        limit = self.max_request_bytes
        if len(data) > limit:
            raise p.ProtocolError(
                p.MALFORMED_REQUEST,
                f"request of {len(data)} bytes is larger than the server's limit of {limit} bytes "
                "(STYLEGRAPH_GREMLIN_MAX_REQUEST_BYTES); send smaller batches",
                _safe_peek(serializer, payload),
            )

    async def _parse(self, serializer: WireSerializer, payload: bytes) -> p.Request:
        try:
            if len(payload) > _PARSE_INLINE_BYTES:
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self.processor.pool, serializer.read_request, payload)
            return serializer.read_request(payload)
        except MalformedPayload as exc:
            raise p.ProtocolError(p.MALFORMED_REQUEST, str(exc), exc.request_id) from None
        except Exception as exc:
            raise p.ProtocolError(
                p.MALFORMED_REQUEST, f"malformed request: {exc}", _safe_peek(serializer, payload)
            ) from None

    # -- requests -------------------------------------------------------------

    async def _dispatch(self, request: p.Request, serializer: WireSerializer) -> None:
        rid = request.request_id
        if self._server_closing():
            await self.send(p.error_response(rid, p.SERVER_ERROR, "the server is shutting down"), serializer)
            return
        auth = self.authenticator
        if request.op == "authentication":
            await self._authenticate(request, serializer)
            return
        if auth.enabled and self.user is None:
            self._held = (request, serializer)
            await self.send(p.Response(rid, p.AUTHENTICATE, CHALLENGE_MESSAGE), serializer)
            return
        self.stats.count("requests")
        if request.op == "eval":
            await self._refuse(request, serializer, p.SCRIPT_REFUSED)
        elif request.op == "close":
            await self.send(p.Response(rid, p.NO_CONTENT, ""), serializer)
            self._closing = True
        elif request.op == "bytecode" and request.processor == p.TRAVERSAL_PROCESSOR:
            limits = self.processor.new_limits()
            limits.dialect = self.dialect
            task = asyncio.create_task(self.processor.process(request, serializer, self.send_frame, limits))
            self._running[task] = limits
            task.add_done_callback(self._forget)
        elif request.processor == "session":
            await self._refuse(request, serializer,
                               "sessions are not supported: every bytecode request is its own transaction")
        else:
            await self._refuse(
                request, serializer,
                f"op {request.op!r} on processor {request.processor!r} is not supported; "
                "send op 'bytecode' to processor 'traversal'",
            )

    def _forget(self, task: asyncio.Task) -> None:
        self._running.pop(task, None)

    async def _refuse(self, request: p.Request, serializer: WireSerializer, message: str) -> None:
        self.stats.count("errors")
        await self.send(p.error_response(request.request_id, p.INVALID_REQUEST_ARGUMENTS, message), serializer)

    async def _authenticate(self, request: p.Request, serializer: WireSerializer) -> None:
        auth = self.authenticator
        if not auth.enabled:
            await self.send(p.Response(request.request_id, p.NO_CONTENT, "authentication is not required"),
                            serializer)
            return
        try:
            self.user = auth.authenticate(request.args)
        except AuthenticationFailed as exc:
            self.stats.count("auth_failures")
            self._held = None
            await self.send(p.error_response(request.request_id, p.UNAUTHORIZED, str(exc)), serializer)
            return
        held, self._held = self._held, None
        if held is None:
            await self.send(p.Response(request.request_id, p.NO_CONTENT, "authenticated"), serializer)
        else:
            await self._dispatch(*held)


def _safe_peek(serializer: WireSerializer, payload: bytes):
    try:
        return serializer.peek_request_id(payload)
    except Exception:
        return None
