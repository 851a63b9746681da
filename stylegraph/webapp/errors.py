"""JSON errors for the API: ``{"error": "..."}`` with the right status code.

400 bad parameter, 404 unknown product or route, 405 wrong method, 413 upload
too large, 415 not an image, 501 a product feature the graph backend does not support yet,
503 graph unreachable. Bad input never becomes a
500; an unexpected exception is logged and answered with a JSON 500.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from flask import Flask, Response, jsonify
from gremlin_python.driver.protocol import GremlinServerError
from werkzeug.exceptions import HTTPException

from stylegraph.queries.interface import NotSupportedOnBackend

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with ``status``."""

    status = 400

    def __init__(self, message: str, status: int | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.extra = extra


class BadParameter(ApiError):
    """A query parameter or form field is missing or out of range (400)."""

    status = 400


class NotFound(ApiError):
    """An unknown product or resource (404)."""

    status = 404


class TooLarge(ApiError):
    """An upload over the configured limit (413)."""

    status = 413


class NotAnImage(ApiError):
    """An upload that is not a decodable image (415)."""

    status = 415


class Unavailable(ApiError):
    """The graph (or another backend) cannot be reached (503)."""

    status = 503


def error_response(code: int, message: str, **extra: Any) -> Response:
    """A JSON error response ``{"error": message, **extra}`` with HTTP status ``code``."""
    response = jsonify({"error": message, **extra})
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response


def register_error_handlers(app: Flask, on_graph_lost: Callable[[], None] = lambda: None) -> None:
    """Answer every error raised by a view (ours, werkzeug's, unexpected) as JSON.

    ``on_graph_lost`` is called when a view failed because the graph went away (503).
    """

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.message, **exc.extra)

    @app.errorhandler(NotSupportedOnBackend)
    def _not_supported(exc: NotSupportedOnBackend) -> Response:
        return error_response(501, str(exc), feature=exc.feature, backend=exc.backend)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = {
            404: "not found",
            405: "method not allowed",
            413: "request too large",
        }.get(status, exc.description or exc.name)
        response = error_response(status, message)
        if status == 405 and exc.response is None:
            allowed = getattr(exc, "valid_methods", None)
            if allowed:
                response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if is_unavailable(exc):
            log.warning("graph unavailable: %s", exc)
            on_graph_lost()
            return error_response(503, f"graph unavailable: {exc}")
        log.exception("unhandled error")
        return error_response(500, "internal error")


# what gremlinpython's websocket transport raises when the server goes away mid-request
_CONNECTION_LOST = ("connection was closed by server", "connection was already closed", "received error on read")


def is_unavailable(exc: BaseException) -> bool:
    """True for failures that mean "the graph cannot be reached right now" (503, not 500)."""
    if isinstance(exc, (OSError, TimeoutError)):
        return True
    if isinstance(exc, RuntimeError) and str(exc).lower().startswith(_CONNECTION_LOST):
        return True
    if isinstance(exc, GremlinServerError) and getattr(exc, "status_code", None) == 598:
        return True  # the server's evaluation timeout: overloaded, try again
    if _neo4j_unavailable(exc):
        return True
    try:
        from stylegraph.graph.errors import StoreError, TraversalTimeoutError
    except ImportError:  # pragma: no cover - the graph package is always there
        return False
    if isinstance(exc, (StoreError, TraversalTimeoutError)):
        return True
    try:
        import aiohttp
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, aiohttp.ClientError)


def _neo4j_unavailable(exc: BaseException) -> bool:
    """Neo4j down, restarting, overloaded, or refusing our credentials (e.g. a rotated password)."""
    from stylegraph.queries.cypher.connect import Neo4jConnectError

    if isinstance(exc, Neo4jConnectError):
        return True
    try:
        from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError
    except ImportError:  # pragma: no cover - the driver is a dependency
        return False
    return isinstance(exc, (ServiceUnavailable, SessionExpired, TransientError, AuthError))
