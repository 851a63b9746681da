"""Errors of the graph store, each carrying its TinkerPop status code."""
from __future__ import annotations

# TinkerPop ResponseStatusCode values (gremlin-driver's ResponseStatusCode)
UNAUTHORIZED = 401
AUTHENTICATE = 407
REQUEST_ERROR_SERIALIZATION = 497
REQUEST_ERROR_MALFORMED_REQUEST = 498
REQUEST_ERROR_INVALID_REQUEST_ARGUMENTS = 499
SERVER_ERROR = 500
SERVER_ERROR_EVALUATION = 597
SERVER_ERROR_TIMEOUT = 598
SERVER_ERROR_SERIALIZATION = 599


class GraphError(Exception):
    """Base class of every error the graph store raises."""

    code = SERVER_ERROR_EVALUATION

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class GremlinError(GraphError):
    """A traversal could not be evaluated (597 unless a subclass says otherwise)."""


class InvalidRequestError(GremlinError):
    """The request asks for something we do not do: unknown step, bad argument, lambda (499)."""

    code = REQUEST_ERROR_INVALID_REQUEST_ARGUMENTS


class TraversalTimeoutError(GremlinError):
    """The traversal ran past its deadline (598)."""

    code = SERVER_ERROR_TIMEOUT


class ElementExistsError(GremlinError):
    """An element with the given id already exists (597, as in TinkerGraph)."""


class StoreError(GraphError):
    """The on-disk store cannot be opened or written."""

    code = SERVER_ERROR
