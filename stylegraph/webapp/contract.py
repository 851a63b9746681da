"""The API contract, declared once: pydantic models validate requests and responses,
and spectree generates the OpenAPI document (``GET /api/openapi.json``) from them.

Declare a route with :func:`declare` under the Flask route decorator::

    @bp.get("/api/products/<product_id>/similar")
    @declare(query=NeighbourQuery, ok=Neighbours, errors=(404, 503))
    def similar(product_id: str, query: NeighbourQuery) -> Neighbours: ...

The view receives the validated ``query`` / ``json`` / ``form`` models as keyword
arguments (annotated parameters of those names) and returns a model instance or
a Flask response. A request the models refuse is answered 400 ``{"error": ...}``
(see :func:`_refuse`); a response that does not match its model is a bug, caught
by the tests. Only declared routes appear in the document (``mode="strict"``).
"""
from __future__ import annotations

import copy
import functools
import typing
from typing import Any, Callable, Iterable, Optional

from flask import Flask
from flask import Response as FlaskResponse
from pydantic import BaseModel, ValidationError
from spectree import Response, SpecTree

from stylegraph import __version__
from stylegraph.webapp.errors import ApiError, BadParameter
from stylegraph.webapp.schemas import ErrorBody

# what each documented error status means (the README's list)
ERROR_MEANING = {
    400: "bad parameter",
    401: "no write token",
    403: "wrong write token, or writes disabled",
    404: "unknown product or resource",
    413: "request too large",
    415: "not an image, or a body of another media type",
    503: "graph or visual search unavailable",
}


def validation_message(exc: ValidationError) -> str:
    """One line naming each refused field and why, e.g. ``k: Input should be ... 100``."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "__root__") or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _refuse(req: Any, resp: Any, error: Optional[ValidationError], instance: Any, adapter: Any) -> None:
    """spectree's ``before`` hook: a refused request becomes our JSON 400."""
    if error is not None:
        raise BadParameter(validation_message(error))


api = SpecTree(
    "flask",
    title="stylegraph shop API",
    version=__version__,
    description="Shop-by-style recommendations: similar products, GNN recommendations, "
    "visual search, graph explorer data.",
    path="openapi",  # spectree skips routes under its own path; the document is served at /api/openapi.json
    page_templates={},
    mode="strict",
    validation_error_status=400,
    validation_error_model=ErrorBody,
    before=_refuse,
)


def responses(ok: Any = None, errors: Iterable[int] = (), ok_description: str = "OK") -> Response:
    """A spectree ``Response``: ``ok`` (a model, or None for a non-JSON body) and ``errors``."""
    codes: dict[str, Any] = {"HTTP_200": (ok, ok_description) if ok is not None else None}
    for status in errors:
        codes[f"HTTP_{status}"] = (ErrorBody, ERROR_MEANING[status])
    return Response(**codes)


def declare(
    *,
    query: type[BaseModel] | None = None,
    json: type[BaseModel] | None = None,
    form: type[BaseModel] | None = None,
    ok: Any = None,
    errors: Iterable[int] = (),
    tags: Iterable[str] = ("shop",),
    ok_description: str = "OK",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Validate a view's request and response with these models and document it.

    ``errors`` lists the error statuses the route can answer besides 400 (which
    every route with a ``query``/``json``/``form`` model has) and 415 (which a
    route with a ``json``/``form`` body answers to a body of another media type).
    ``ok=None`` means the 200 body is not JSON (a page, an image) and is not validated.
    """
    body = "json" if json is not None else "form" if form is not None else None
    codes = sorted(set(errors) | ({415} if body else set()))
    validate = api.validate(
        query=query,
        json=json,
        form=form,
        resp=responses(ok, codes, ok_description),
        tags=list(tags),
    )
    if ok is not None and body is None:
        return validate
    return lambda view: validate(_guarded(view, body, buffered=ok is None))


BODY_MEDIA = {"json": "application/json", "form": "multipart/form-data or urlencoded form"}


def _guarded(view: Callable[..., Any], body: Optional[str], buffered: bool) -> Callable[..., Any]:
    """``view`` refusing a body spectree did not parse (another media type: 415) and, when
    ``buffered``, answering a buffered response: spectree reads every response body, and a
    streamed file (``send_file``) cannot be read twice."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if body is not None and kwargs.get(body) is None:
            raise ApiError(f"expected the body as {BODY_MEDIA[body]}", status=415)
        response = view(*args, **kwargs)
        if buffered and isinstance(response, FlaskResponse):
            response.direct_passthrough = False
        return response

    wrapper.__annotations__ = typing.get_type_hints(view)  # resolved in the view's own module
    return wrapper


_document: Optional[dict[str, Any]] = None


def openapi_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the declared routes, generated from ``app``'s URL map
    on first use and then kept (every app of a process has the same routes)."""
    global _document
    if _document is None:
        with app.app_context():
            document = copy.deepcopy(api.spec)
        # spectree gives every route a 400; only a route with inputs can answer one
        for operation in (op for ops in document["paths"].values() for op in ops.values()):
            if "requestBody" not in operation and all(p["in"] == "path" for p in operation["parameters"]):
                operation["responses"].pop("400", None)
        _document = document
    return _document
