"""Running the Gremlin server: in-process for tests (``start_server``) or as a process (``serve_forever``).

Both run one asyncio loop with an aiohttp ``AppRunner``; shutdown is graceful
everywhere: stop listening, refuse new requests, let in-flight ones finish for
up to ``grace_s`` seconds, close the websockets (1001 going away), stop the
workers; ``serve_forever`` then closes the ``Graph`` so every write is on disk.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import ssl
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from stylegraph.graph.server.gremlin_server import GremlinServer
from stylegraph.settings import Settings, get_settings

log = logging.getLogger(__name__)

DEFAULT_GRACE_S = 5.0
#: the server process's GIL switch interval (CPython's default is 5 ms): a thread waiting
#: for the GIL (a short read, the event loop) gets it within this long of asking, even
#: while a long traversal computes on another worker
SWITCH_INTERVAL_S = 0.0005


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    """A server TLS context when ``gremlin_tls_cert``/``gremlin_tls_key`` are set, else None."""
    cert, key = settings.gremlin_tls_cert, settings.gremlin_tls_key
    if not cert and not key:
        return None
    if not (cert and key):
        raise ValueError("TLS needs both STYLEGRAPH_GREMLIN_TLS_CERT and STYLEGRAPH_GREMLIN_TLS_KEY")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@dataclass
class _Running:
    server: GremlinServer
    runner: web.AppRunner
    site: web.TCPSite
    port: int
    scheme: str
    host: str
    stopped: bool = field(default=False)


async def _start(graph: Any, host: str, port: int, settings: Settings) -> _Running:
    server = GremlinServer(graph, settings)
    runner = web.AppRunner(server.app, handle_signals=False, shutdown_timeout=2.0, access_log=None)
    await runner.setup()
    context = tls_context(settings)
    site = web.TCPSite(runner, host, port, ssl_context=context, reuse_address=True)
    await site.start()
    addresses = runner.addresses  # the bound (host, port) when port=0
    bound = addresses[0][1] if addresses else port
    return _Running(server, runner, site, bound, "wss" if context else "ws", host)


async def _stop(running: _Running, grace_s: float) -> None:
    if running.stopped:
        return
    running.stopped = True
    await running.site.stop()  # stop accepting connections
    await running.server.drain(grace_s)
    await running.runner.cleanup()  # closes the websockets (on_shutdown)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, running.server.close_pool)


class ServerHandle:
    """A server running on its own loop in a background thread (see :func:`start_server`)."""

    def __init__(self, running: _Running, loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        self._running = running
        self._loop = loop
        self._thread = thread
        self.port: int = running.port
        self.host: str = running.host
        self.server: GremlinServer = running.server

    @property
    def url(self) -> str:
        """``ws://host:port/gremlin`` (``wss://`` with TLS)."""
        return f"{self._running.scheme}://{self.host}:{self.port}/gremlin"

    @property
    def graph(self) -> Any:
        """The served ``Graph``."""
        return self._running.server.graph

    def stop(self, grace_s: float = DEFAULT_GRACE_S) -> None:
        """Shut down gracefully and end the background thread (idempotent)."""
        if not self._thread.is_alive():
            return
        future = asyncio.run_coroutine_threadsafe(_stop(self._running, grace_s), self._loop)
        try:
            future.result(timeout=grace_s + 10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def __enter__(self) -> "ServerHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(graph: Any, host: str = "127.0.0.1", port: int = 0,
                 settings: Settings | None = None) -> ServerHandle:
    """Serve ``graph`` on ``host:port`` (0: an ephemeral port) from a background thread.

    Returns once the socket is listening. The caller still owns ``graph``.
    """
    settings = settings or get_settings()
    loop = asyncio.new_event_loop()
    started: dict[str, Any] = {}
    ready = threading.Event()

    def run() -> None:
        """The server thread: start, report readiness, run the loop until stopped."""
        asyncio.set_event_loop(loop)
        try:
            started["running"] = loop.run_until_complete(_start(graph, host, port, settings))
        except BaseException as exc:  # reported to the caller below
            started["error"] = exc
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    thread = threading.Thread(target=run, name=f"gremlin-server-{port}", daemon=True)
    thread.start()
    ready.wait()
    if "error" in started:
        thread.join()
        raise started["error"]
    return ServerHandle(started["running"], loop, thread)


def serve_forever(db: str | None, host: str | None = None, port: int | None = None,
                  settings: Settings | None = None, grace_s: float = DEFAULT_GRACE_S) -> int:
    """Open the graph at ``db`` (None: in memory), serve it until SIGTERM/SIGINT, close it; exit code."""
    from stylegraph.graph.graph import Graph

    settings = settings or get_settings()
    host = host or settings.gremlin_host
    port = settings.gremlin_port if port is None else port
    keys = settings.indexed_keys()
    graph = Graph(db, indexed_keys=keys, sync=settings.graph_sync)
    sys.setswitchinterval(SWITCH_INTERVAL_S)  # once, for the whole server process
    try:
        return asyncio.run(_serve(graph, host, port, settings, grace_s))
    finally:
        graph.close()
        log.info("graph closed")


async def _serve(graph: Any, host: str, port: int, settings: Settings, grace_s: float) -> int:
    running = await _start(graph, host, port, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("Gremlin server listening on %s://%s:%d/gremlin (%d vertices, %d edges)",
             running.scheme, host, running.port, len(graph.vertices), len(graph.edges))
    print(f"listening on {running.scheme}://{host}:{running.port}/gremlin", flush=True)
    try:
        await stop.wait()
        log.info("shutting down")
        await _stop(running, grace_s)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    return 0
