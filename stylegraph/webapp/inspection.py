"""Image inspection online: ``POST /api/images/inspect``, the review queue's API and the ``/review`` page.

Blueprint ``bp`` (registered by ``create_app``):

- ``POST /api/images/inspect`` (multipart ``image``, optional ``product_id``):
  the photo's predicted class, calibrated confidence, top-3 classes and
  decision (``accepted`` / ``review``). Concurrent uploads share one CNN
  forward pass through the same :class:`~stylegraph.webapp.batching.DynamicBatcher`
  as visual search (``search_max_batch`` / ``search_max_wait_ms``). A photo to
  review is stored in the review queue (idempotent by its sha256).
- ``GET /api/review?status=pending|reviewed|all&limit=&offset=``: queued photos.
- ``GET /api/review/<sha256>/image``: the stored photo (PNG).
- ``POST /api/review/<sha256>/decision`` (JSON ``{action: accept|correct, label, reviewer}``,
  write token required): records the decision with time and reviewer.
- ``GET /review``: the merchandisers' review page.

The classifier is the run named by ``settings.inspect_run``; the queue lives at
``settings.review_db``.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Optional

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, send_file, send_from_directory, url_for

from stylegraph.webapp.auth import write_token_required
from stylegraph.webapp.batching import DynamicBatcher
from stylegraph.webapp.errors import ApiError, BadParameter, NotFound, TooLarge, Unavailable
from stylegraph.webapp.contract import declare
from stylegraph.webapp.inspect_schemas import (
    DecisionBody, Inspection, InspectUpload, ReviewDecision, ReviewList, ReviewQuery,
)
from stylegraph.webapp.state import get_state

bp = Blueprint("inspection", __name__, template_folder="templates")
REVIEW_STATIC = Path(__file__).resolve().parent / "static" / "review"
REVIEW_FILES = frozenset({"review.js", "review.css"})

EXTENSION = "stylegraph-inspection"
SHA_CHARS = set("0123456789abcdef")


class InspectionService:
    """The app's classifier (loaded on first use), its batcher and the review queue."""

    def __init__(self, run: str, review_db: Path, max_batch: int, max_wait_ms: float, timeout_s: float = 30.0):
        self.run = run
        self.review_db = Path(review_db)
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._inspector: Any = None
        self._queue: Any = None
        self.batcher: DynamicBatcher = DynamicBatcher(self._run_batch, max_batch=max_batch,
                                                      max_wait_ms=max_wait_ms, name="image-inspection")

    @property
    def inspector(self) -> Any:
        """The :class:`~stylegraph.inspect.predict.Inspector` (503 when none is configured or loadable)."""
        if self._inspector is None:
            with self._lock:
                if self._inspector is None:
                    if not self.run:
                        raise Unavailable("image inspection is not configured: set STYLEGRAPH_INSPECT_RUN "
                                          "to a stylegraph inspect train run")
                    from stylegraph.inspect.model import ClassifierError
                    from stylegraph.inspect.predict import Inspector

                    try:
                        self._inspector = Inspector(self.run)
                    except (ClassifierError, OSError) as exc:
                        raise Unavailable(f"image inspection is not available: {exc}") from None
        return self._inspector

    @property
    def queue(self) -> Any:
        """The :class:`~stylegraph.inspect.queue.ReviewQueue`."""
        if self._queue is None:
            with self._lock:
                if self._queue is None:
                    from stylegraph.inspect.queue import ReviewQueue

                    self._queue = ReviewQueue(self.review_db)
        return self._queue

    def _run_batch(self, batch: list[Any]) -> list[Any]:
        return self.inspector.classify_tensors(batch)

    def close(self) -> None:
        """Stop the batching worker."""
        self.batcher.close()


def service(app: Optional[Flask] = None) -> InspectionService:
    """The app's :class:`InspectionService`, created on first use."""
    app = app or current_app
    found = app.extensions.get(EXTENSION)
    if found is None:
        with _create_lock:
            found = app.extensions.get(EXTENSION)
            if found is None:
                s = get_state(app).settings
                found = InspectionService(s.inspect_run, s.review_db, s.search_max_batch, s.search_max_wait_ms)
                app.extensions[EXTENSION] = found
    return found


_create_lock = threading.Lock()


def _read_upload(upload: Any) -> bytes:
    limit = get_state().settings.upload_max_bytes
    if not hasattr(upload, "read"):
        raise BadParameter("multipart field 'image' must be a file")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"upload larger than {limit} bytes")
    return data


def _decode(data: bytes) -> Any:
    from stylegraph.inspect.decode import decode_photo, problem_status
    from stylegraph.loader.images import ImageProblem

    try:
        return decode_photo(data)
    except ImageProblem as exc:
        status, message = problem_status(exc)
        raise ApiError(message, status=status, reason=exc.reason) from None


def _item_json(item: Any) -> dict[str, Any]:
    out = item.as_json()
    out["image_url"] = url_for("inspection.review_image", sha=item.sha256)
    return out


@bp.post("/api/images/inspect")
@declare(form=InspectUpload, ok=Inspection, errors=(413, 503), tags=("inspection",))
def inspect_image(form: InspectUpload) -> Response:
    """Classify the multipart ``image``; a doubtful photo joins the review queue."""
    svc = service()
    inspector = svc.inspector
    product_id = (form.product_id or "").strip()
    with svc.batcher.incoming() as submit:
        data = _read_upload(form.image)
        image = _decode(data)
        future = submit(inspector.prepare(image))
        try:
            done = future.result(timeout=svc.timeout_s)
        except TimeoutError:
            raise Unavailable("image inspection timed out") from None
    pred = done.value
    body = {**pred.as_json(), "model": inspector.name, "threshold": inspector.threshold,
            "batch_size": done.batch_size, "queued": False}
    if pred.decision == "review":
        item, created = svc.queue.add(data, pred, run=inspector.name, source="upload", product_id=product_id,
                                      image=image)
        body.update(queued=True, sha256=item.sha256, new_in_queue=created)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _sha(sha: str) -> str:
    if len(sha) != 64 or not set(sha) <= SHA_CHARS:
        raise NotFound("no such photo in the review queue")
    return sha


@bp.get("/api/review")
@declare(query=ReviewQuery, ok=ReviewList, errors=(503,), tags=("inspection",))
def review_list(query: ReviewQuery) -> Response:
    """The queued photos (oldest first) with their top-3 classes and latest decision."""
    from stylegraph.inspect.queue import QueueError

    status, limit, offset = query.status, query.limit, query.offset
    svc = service()
    try:
        items, total = svc.queue.list(status, limit, offset)
    except QueueError as exc:
        raise BadParameter(str(exc)) from None
    classes = svc.inspector.classes if svc.run else sorted({t["label"] for i in items for t in i.top})
    response = jsonify({"status": status, "total": total, "count": len(items), "offset": offset,
                        "classes": classes, "items": [_item_json(i) for i in items]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/review/<sha>/image")
@declare(ok=None, errors=(404,), tags=("inspection",))
def review_image(sha: str) -> Response:
    """The stored photo of a queued item."""
    item = service().queue.get(_sha(sha))
    if item is None or not Path(item.image_path).is_file():
        raise NotFound("no such photo in the review queue")
    return send_file(item.image_path, mimetype="image/png", max_age=3600)


@bp.post("/api/review/<sha>/decision")
@declare(json=DecisionBody, ok=ReviewDecision, errors=(401, 403, 404, 503), tags=("inspection",))
@write_token_required
def review_decision(sha: str, json: DecisionBody) -> Response:
    """Record ``accept`` or ``correct`` (with ``label``) by ``reviewer``; needs the write token."""
    from stylegraph.inspect.queue import QueueError

    svc = service()
    classes = svc.inspector.classes if svc.run else None
    try:
        item = svc.queue.decide(_sha(sha), json.action, json.reviewer, json.label or "", classes=classes)
    except QueueError as exc:
        raise ApiError(str(exc), status=exc.status) from None
    out = _item_json(item)
    out["history"] = svc.queue.history(item.sha256)
    return jsonify(out)


@bp.get("/review/static/<filename>", endpoint="static")
@declare(errors=(404,), tags=("inspection",), ok_description="the review page's JavaScript or CSS")
def review_static(filename: str) -> Response:
    """The review page's own JavaScript and CSS."""
    if filename not in REVIEW_FILES:
        raise NotFound(f"no file {filename!r}")
    return send_from_directory(REVIEW_STATIC, filename)


@bp.get("/review")
@declare(ok=None, tags=("inspection",))
def review_page() -> str:
    """The review page: doubtful photos with their top-3 classes, accept or correct."""
    return render_template("review.html", api_list=url_for("inspection.review_list"),
                           script=url_for("inspection.static", filename="review.js"),
                           style=url_for("inspection.static", filename="review.css"))


def close_inspection(app: Flask) -> None:
    """Stop the inspection batcher of ``app`` if it was started."""
    found = app.extensions.pop(EXTENSION, None)
    if found is not None:
        found.close()
