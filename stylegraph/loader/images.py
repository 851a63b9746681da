"""Safe image loading: a bad file is reported with its product id, never fatal.

Problems detected: missing file, empty file, not an image, truncated or
corrupt data, CMYK colour mode (skipped: converting it without the colour
profile shifts colours, which would corrupt style similarity), unsupported
modes, and images larger than ``max_pixels`` (checked from the header,
before decoding, so a decompression bomb never allocates).
"""
from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

log = logging.getLogger(__name__)

DEFAULT_MAX_PIXELS = 40_000_000  # about 6300 x 6300
_CONVERTIBLE = {"RGB", "L", "P", "RGBA", "LA", "PA", "I;16", "I;16B", "I;16L", "1", "RGBX", "La"}


class ImageProblem(ValueError):
    """An image that cannot be used; ``reason`` is a short machine-friendly tag."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SkippedImage:
    """A product whose image was skipped, and why."""

    product_id: str
    path: str
    reason: str
    detail: str

    def __str__(self) -> str:
        return f"product {self.product_id}: {self.path}: {self.reason} ({self.detail})"


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA", "La") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    if img.mode.startswith("I;16"):
        return img.point(lambda value: value / 256).convert("L").convert("RGB")
    return img.convert("RGB")


def open_image(source: str | Path | bytes, max_pixels: int = DEFAULT_MAX_PIXELS,
               allow_cmyk: bool = False) -> Image.Image:
    """Decode ``source`` (a path or raw bytes) into a fully loaded RGB image.

    Raises :class:`ImageProblem` for anything that cannot be used. ``allow_cmyk``
    converts CMYK without its colour profile (a shopper's upload) instead of refusing it.
    """
    if isinstance(source, (bytes, bytearray)):
        if not source:
            raise ImageProblem("empty", "no bytes")
        stream: io.BytesIO | Path = io.BytesIO(source)
    else:
        stream = Path(source)
        if not stream.exists():
            raise ImageProblem("missing", f"no such file {stream}")
        if not stream.is_file():
            raise ImageProblem("missing", f"{stream} is not a file")
        if stream.stat().st_size == 0:
            raise ImageProblem("empty", f"{stream} has 0 bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(stream)
            width, height = img.size
            if width * height > max_pixels:
                raise ImageProblem("too-large", f"{width}x{height} exceeds {max_pixels} pixels")
            if img.mode == "CMYK" and not allow_cmyk:
                raise ImageProblem("cmyk", "CMYK colour mode; convert the file to RGB (sRGB)")
            if img.mode not in _CONVERTIBLE and img.mode != "CMYK":
                raise ImageProblem("unsupported-mode", f"colour mode {img.mode!r}")
            img.load()
    except ImageProblem:
        raise
    except UnidentifiedImageError:
        raise ImageProblem("not-an-image", "the file is not a recognised image format") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageProblem("too-large", str(exc)) from None
    except (OSError, SyntaxError, ValueError) as exc:
        text = str(exc)
        reason = "truncated" if "truncated" in text or "broken data stream" in text else "corrupt"
        raise ImageProblem(reason, text or type(exc).__name__) from None
    if width < 1 or height < 1:
        raise ImageProblem("corrupt", f"degenerate size {width}x{height}")
    return _to_rgb(img)


def load_product_image(product_id: str, path: str | Path,
                       max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image | SkippedImage:
    """The product's RGB image, or a :class:`SkippedImage` saying why it is unusable (logged)."""
    try:
        return open_image(path, max_pixels=max_pixels)
    except ImageProblem as exc:
        skipped = SkippedImage(product_id, str(path), exc.reason, exc.detail)
        log.warning("skipping %s", skipped)
        return skipped


def photo_sizes(paths: list[Path], limit: int = 200) -> list[tuple[int, int]]:
    """``(width, height)`` of up to ``limit`` evenly spread images, read from their headers; unreadable ones left out."""
    step = max(1, len(paths) // limit) if limit else 1
    sizes = []
    for path in paths[::step][:limit]:
        try:
            with Image.open(path) as img:
                sizes.append(img.size)
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
            continue
    return sizes
