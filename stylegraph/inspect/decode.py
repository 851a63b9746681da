"""Decoding photos for inspection: what cannot be used is refused with a clear reason.

The project's one decoder, :func:`stylegraph.loader.images.open_image` (header
size check before decoding, truncated/corrupt detection), with CMYK converted
(``allow_cmyk``, as for visual-search uploads) instead of refused, because a
classifier needs the garment's shape more than its exact colour.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from stylegraph.loader.images import DEFAULT_MAX_PIXELS, ImageProblem, open_image

# ImageProblem.reason -> (HTTP status, message for a person)
MESSAGES = {
    "empty": (400, "the uploaded file is empty"),
    "not-an-image": (415, "the upload is not an image (JPEG, PNG, WebP, GIF, BMP or TIFF expected)"),
    "truncated": (415, "the image file is truncated or damaged; upload the complete file"),
    "corrupt": (415, "the image data is corrupt and cannot be decoded"),
    "unsupported-mode": (415, "the image's colour mode is not supported; save it as RGB"),
    "too-large": (413, "the image has too many pixels"),
    "missing": (400, "the image file does not exist"),
}


def decode_photo(source: str | Path | bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """A fully loaded RGB image, or :class:`ImageProblem` (CMYK is converted, not refused)."""
    return open_image(source, max_pixels=max_pixels, allow_cmyk=True)


def problem_status(problem: ImageProblem) -> tuple[int, str]:
    """The HTTP status and a clear message for an unusable upload."""
    status, message = MESSAGES.get(problem.reason, (415, "the image cannot be used"))
    return status, f"{message} ({problem.detail})"
