"""The app's write token: routes that change stored data need ``STYLEGRAPH_APP_WRITE_TOKEN``.

A write request carries ``Authorization: Bearer <token>`` (or ``X-Write-Token: <token>``).
No token: 401. A wrong token, or an app started without one (writes disabled): 403.
Both are JSON errors like every other.
"""
from __future__ import annotations

import functools
import hmac
from typing import Any, Callable, TypeVar

from flask import request

from stylegraph.webapp.errors import ApiError
from stylegraph.webapp.state import get_state

F = TypeVar("F", bound=Callable[..., Any])


def presented_token() -> str | None:
    """The token the request carries, if any."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("X-Write-Token", "").strip() or None


def check_write_token() -> None:
    """Raise a 401/403 :class:`ApiError` unless the request carries the app's write token."""
    expected = get_state().settings.app_write_token
    given = presented_token()
    if given is None:
        raise ApiError("this route changes data: send the app's write token as 'Authorization: Bearer <token>'",
                       status=401)
    if not expected:
        raise ApiError("writes are disabled: the app was started without STYLEGRAPH_APP_WRITE_TOKEN", status=403)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError("wrong write token", status=403)


def write_token_required(view: F) -> F:
    """Decorator: the view runs only for requests with the app's write token."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_write_token()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
