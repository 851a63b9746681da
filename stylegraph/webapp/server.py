"""Serving the app under waitress (a production WSGI server), in the foreground or a thread."""
from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)


def make_server(app: Flask, host: str, port: int, threads: int) -> Any:
    """A waitress server bound to ``host:port`` (``port=0``: an ephemeral port)."""
    from waitress.server import create_server

    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="stylegraph",
        channel_timeout=30,
        # uploads are limited by the app (413); let waitress buffer a bit more than that
        max_request_body_size=app.config.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024) + 1024 * 1024,
        clear_untrusted_proxy_headers=True,
    )


def serve(app: Flask, host: str, port: int, threads: int) -> None:
    """Serve ``app`` until interrupted."""
    server = make_server(app, host, port, threads)
    log.info("serving on http://%s:%s/ (%d threads)", host, server.effective_port, threads)
    try:
        server.run()
    finally:
        server.close()


class BackgroundServer:
    """``app`` served by waitress in a daemon thread (tests, benchmarks)."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> None:
        self.server = make_server(app, host, port, threads)
        self.host = host
        self.port = int(self.server.effective_port)
        self._thread = threading.Thread(target=self._run, name="waitress", daemon=True)
        self._stopping = False

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        return f"http://{self.host}:{self.port}"

    def _run(self) -> None:
        try:
            self.server.run()
        except Exception:  # noqa: BLE001 - the loop may trip over sockets closed by stop()
            if not self._stopping:
                raise
            log.debug("waitress loop ended", exc_info=True)

    def start(self) -> "BackgroundServer":
        """Start serving; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listener, every open connection and the worker threads.

        waitress's loop runs while its socket map is not empty, so every
        dispatcher in it (listener, trigger, client channels) is closed, the
        way ``webtest``'s stoppable server does it.
        """
        self._stopping = True
        waitress_log = logging.getLogger("waitress")
        level = waitress_log.level
        waitress_log.setLevel(logging.CRITICAL)  # closing live channels makes it complain
        try:
            self._close_all()
        finally:
            waitress_log.setLevel(level)
        self.server.task_dispatcher.shutdown(timeout=5)
        self._thread.join(timeout=5)

    def _close_all(self) -> None:
        for _ in range(100):
            dispatchers = list(self.server._map.values())
            if not dispatchers:
                break
            for dispatcher in dispatchers:
                try:
                    dispatcher.handle_close()
                except OSError:
                    self.server._map.pop(getattr(dispatcher, "_fileno", None), None)

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
