"""Decoding photos for inspection: what cannot be used is refused with a clear reason.

Built on :func:`stylegraph.loader.images.open_image` (header size check
before decoding, truncated/corrupt detection), with one difference: a CMYK
photo is converted to RGB (through its embedded ICC profile when it has
one) instead of refused, because a classifier needs the garment's shape more
than its exact colour. Palette, grey and transparent photos are converted by
``open_image`` itself.
"""
from __future__ import annotations

import io
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


def _cmyk_to_rgb(source: str | Path | bytes) -> Image.Image:
    img = Image.open(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
    img.load()
    profile = img.info.get("icc_profile")
    if profile:
        try:
            from PIL import ImageCms

            src = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            return ImageCms.profileToProfile(img, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except Exception:  # noqa: BLE001 - a broken profile: fall back to the plain conversion
            pass
    return img.convert("RGB")


def decode_photo(source: str | Path | bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """A fully loaded RGB image, or :class:`ImageProblem` (CMYK is converted, not refused)."""
    try:
        return open_image(source, max_pixels=max_pixels)
    except ImageProblem as exc:
        if exc.reason != "cmyk":
            raise
    try:
        return _cmyk_to_rgb(source)
    except (OSError, ValueError) as exc:
        raise ImageProblem("corrupt", str(exc) or type(exc).__name__) from None


def problem_status(problem: ImageProblem) -> tuple[int, str]:
    """The HTTP status and a clear message for an unusable upload."""
    status, message = MESSAGES.get(problem.reason, (415, "the image cannot be used"))
    return status, f"{message} ({problem.detail})"
