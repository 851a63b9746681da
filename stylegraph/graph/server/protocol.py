"""The TinkerPop WebSocket protocol's envelope: request/response messages, status codes, framing.

A request arrives as one websocket frame. A binary frame starts with one
length byte and that many bytes of mime type, then the payload in that
format; a text frame is GraphSON v3 JSON with no prefix. Every response
carries the request's id and a status code (TinkerPop's ``ResponseStatusCode``).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator

from stylegraph.graph import errors

SUCCESS = 200
NO_CONTENT = 204
PARTIAL_CONTENT = 206
UNAUTHORIZED = errors.UNAUTHORIZED
AUTHENTICATE = errors.AUTHENTICATE
MALFORMED_REQUEST = errors.REQUEST_ERROR_MALFORMED_REQUEST
INVALID_REQUEST_ARGUMENTS = errors.REQUEST_ERROR_INVALID_REQUEST_ARGUMENTS
SERVER_ERROR = errors.SERVER_ERROR
SERVER_ERROR_EVALUATION = errors.SERVER_ERROR_EVALUATION
SERVER_ERROR_TIMEOUT = errors.SERVER_ERROR_TIMEOUT
SERVER_ERROR_SERIALIZATION = errors.SERVER_ERROR_SERIALIZATION

# the processors and ops we serve; "" is the standard processor
TRAVERSAL_PROCESSOR = "traversal"
SCRIPT_REFUSED = "script evaluation is not supported; send bytecode"


@dataclass
class Request:
    """One request message: ``{requestId, op, processor, args}``."""

    request_id: uuid.UUID
    op: str
    processor: str = ""
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Response:
    """One response message (a request may get several: 206... then 200)."""

    request_id: uuid.UUID | None
    code: int
    message: str | None = ""
    data: Any = None
    attributes: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


class ProtocolError(Exception):
    """A request the server answers with an error status instead of evaluating it."""

    def __init__(self, code: int, message: str, request_id: uuid.UUID | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id

    def response(self) -> Response:
        """The error response for this failure."""
        return error_response(self.request_id, self.code, self.message)


def error_response(request_id: uuid.UUID | None, code: int, message: str) -> Response:
    """An error response with TinkerPop's status attributes (``exceptions``)."""
    return Response(
        request_id=request_id,
        code=code,
        message=message,
        attributes={"exceptions": [_exception_name(code)]},
    )


def _exception_name(code: int) -> str:
    return {
        MALFORMED_REQUEST: "MalformedRequestException",
        INVALID_REQUEST_ARGUMENTS: "InvalidRequestArgumentsException",
        SERVER_ERROR_EVALUATION: "GremlinEvaluationException",
        SERVER_ERROR_TIMEOUT: "TimeoutException",
        SERVER_ERROR_SERIALIZATION: "SerializationException",
        UNAUTHORIZED: "AuthenticationException",
    }.get(code, "ServerException")


def split_binary_frame(frame: bytes) -> tuple[str, bytes]:
    """``{len}{mime}{payload}`` -> ``(mime, payload)``; ValueError when the prefix is unreadable."""
    if not frame:
        raise ValueError("empty frame")
    length = frame[0]
    if length == 0 or len(frame) < 1 + length:
        raise ValueError("frame too short for its mime type prefix")
    try:
        mime = bytes(frame[1:1 + length]).decode("ascii")
    except UnicodeDecodeError:
        raise ValueError("frame does not start with a mime type") from None
    if not mime.isprintable() or "/" not in mime:
        raise ValueError(f"frame does not start with a mime type (got {mime!r})")
    return mime, bytes(frame[1 + length:])


def batches(results: list, batch_size: int) -> Iterator[tuple[int, list]]:
    """``(status, batch)`` pairs: 206 for every batch but the last, 200 for the last, 204 if empty."""
    if not results:
        yield NO_CONTENT, []
        return
    size = max(1, int(batch_size))
    for start in range(0, len(results), size):
        chunk = results[start:start + size]
        yield (SUCCESS if start + size >= len(results) else PARTIAL_CONTENT), chunk


def int_arg(args: dict[str, Any], name: str, default: int, request_id: uuid.UUID | None) -> int:
    """A positive integer request argument, or ``default`` when absent (499 when invalid)."""
    value = args.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ProtocolError(
            INVALID_REQUEST_ARGUMENTS, f"argument {name} must be an integer, got {value!r}", request_id
        ) from None
    if number <= 0 or isinstance(value, bool):
        raise ProtocolError(
            INVALID_REQUEST_ARGUMENTS, f"argument {name} must be a positive integer, got {value!r}", request_id
        )
    return number
