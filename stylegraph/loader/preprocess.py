"""Image preprocessing shared by training, embedding, visual search and add-product.

A product photo is never cropped: it is scaled so its longer side fits the
model's square input and padded (with white, the usual catalogue background)
to a square, so a tall dress or a wide pair of shoes stays whole. The same
function serves every component, so the vectors of a photo embedded at load
time and of the same photo uploaded to visual search are the same.

Training adds augmentations from ``torchvision.transforms.v2`` that keep the
product recognisable: horizontal flips, small shifts, scales and rotations,
and brightness/contrast (never hue, which would change a product's colour).
"""
from __future__ import annotations

import statistics
from typing import Iterable

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import v2

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
PAD_FILL = (255, 255, 255)
# the input sizes a default is chosen from: small enough for CPU training, large enough for detail
MIN_AUTO_SIZE, MAX_AUTO_SIZE, SIZE_STEP = 64, 96, 32


def pad_to_square(img: Image.Image, size: int, fill: tuple[int, int, int] = PAD_FILL) -> Image.Image:
    """``img`` scaled (aspect ratio kept) so its longer side is ``size``, centred on a ``size`` square."""
    img = img.convert("RGB")
    w, h = img.size
    scale = size / max(w, h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    if (nw, nh) != (w, h):
        img = img.resize((nw, nh), Image.Resampling.BILINEAR, reducing_gap=2.0)
    if (nw, nh) == (size, size):
        return img
    canvas = Image.new("RGB", (size, size), fill)
    canvas.paste(img, ((size - nw) // 2, (size - nh) // 2))
    return canvas


class PadToSquare(torch.nn.Module):
    """:func:`pad_to_square` as a transform."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def forward(self, img: Image.Image) -> Image.Image:
        return pad_to_square(img, self.size)


def eval_transform(image_size: int) -> v2.Compose:
    """PIL image -> normalised float tensor ``3 x S x S``: pad to square, no crop."""
    return v2.Compose([
        PadToSquare(image_size),
        v2.PILToTensor(),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),
    ])


def train_transform(image_size: int) -> v2.Compose:
    """:func:`eval_transform` plus product-preserving augmentations."""
    # the augmentations run on the PIL image: on a single uint8 tensor they are ~80x slower on CPU
    return v2.Compose([
        PadToSquare(image_size),
        v2.RandomHorizontalFlip(),
        v2.RandomAffine(degrees=8, translate=(0.06, 0.06), scale=(0.85, 1.1), fill=255),
        v2.ColorJitter(brightness=0.25, contrast=0.25, saturation=0.15),
        v2.PILToTensor(),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),
    ])


def default_image_size(sizes: Iterable[tuple[int, int]]) -> int:
    """An input size that fits photos of these ``(width, height)`` sizes without upscaling them much.

    The median longer side, rounded down to a multiple of 32, within 64..96
    (larger inputs cost more CPU time than they give on catalogue photos).
    """
    longer = [max(w, h) for w, h in sizes]
    if not longer:
        return MAX_AUTO_SIZE
    side = int(statistics.median(longer)) // SIZE_STEP * SIZE_STEP
    return max(MIN_AUTO_SIZE, min(MAX_AUTO_SIZE, side))


def pixel_vector(img: Image.Image, side: int = 16) -> np.ndarray:
    """The raw-pixel baseline: the padded photo at ``side`` x ``side``, RGB in 0..1, flattened."""
    small = pad_to_square(img, side)
    return np.asarray(small, dtype=np.float32).reshape(-1) / 255.0
