"""Catalog images, served from the catalog directory with caching headers.

Only files with an image extension are served, and only from inside the
catalog directory: ``werkzeug.security.safe_join`` refuses ``..``, absolute
paths and drive letters, and the resolved path must still lie inside the
directory (so a symlink cannot lead out of it).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import Response, request, send_file
from werkzeug.security import safe_join

from stylegraph.webapp.errors import NotFound

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"}
MAX_AGE_S = 7 * 24 * 3600
URL_PREFIX = "/images/"


def image_url(relpath: str | None) -> str | None:
    """The URL under which the app serves the catalog image ``relpath``."""
    if not relpath:
        return None
    return request.script_root + URL_PREFIX + quote(str(relpath).lstrip("/"))


def resolve_image(catalog_dir: Path, relpath: str) -> Path:
    """The file ``relpath`` inside ``catalog_dir``, or :class:`NotFound`."""
    root = Path(catalog_dir).resolve()
    joined = safe_join(str(root), relpath) if "\x00" not in relpath else None
    if joined is None:
        raise NotFound("image not found")
    try:
        path = Path(joined).resolve()
        if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
            raise NotFound("image not found")
    except (OSError, ValueError):  # names too long for the OS, undecodable bytes
        raise NotFound("image not found") from None
    try:
        path.relative_to(root)
    except ValueError:
        raise NotFound("image not found") from None
    return path


def serve_image(catalog_dir: Path, relpath: str) -> Response:
    """The image file with ``Cache-Control``, ``ETag`` and ``Last-Modified`` (304 when unchanged)."""
    path = resolve_image(catalog_dir, relpath)
    response = send_file(path, max_age=MAX_AGE_S, conditional=True, etag=True)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_S
    return response
