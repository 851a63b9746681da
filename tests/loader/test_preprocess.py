"""Shared preprocessing: aspect ratio kept, padded never cropped, one size default."""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from stylegraph.loader.preprocess import (
    default_image_size,
    eval_transform,
    pad_to_square,
    pixel_vector,
    train_transform,
)


def test_portrait_photo_is_padded_not_cropped():
    img = Image.new("RGB", (60, 80), (0, 0, 0))  # a black portrait photo
    out = pad_to_square(img, 64)
    arr = np.asarray(out)
    assert out.size == (64, 64)
    assert (arr[:, 32] == 0).all()  # the product spans the full height: nothing cut
    assert (arr[32, :4] == 255).all() and (arr[32, -4:] == 255).all()  # white side bands
    wide = np.asarray(pad_to_square(Image.new("RGB", (200, 50), (0, 0, 0)), 64))
    assert (wide[32, :] == 0).all() and (wide[:4, 32] == 255).all()


def test_transforms_give_normalised_square_tensors():
    img = Image.new("RGB", (120, 90), (200, 30, 30))
    x = eval_transform(48)(img)
    assert x.shape == (3, 48, 48) and x.dtype == torch.float32
    assert torch.equal(x, eval_transform(48)(img))  # deterministic
    torch.manual_seed(0)
    y = train_transform(48)(img)
    assert y.shape == (3, 48, 48) and not torch.equal(x, y)


def test_default_size_fits_the_photos():
    assert default_image_size([(60, 80)] * 5) == 64
    assert default_image_size([(114, 160)] * 5) == 96
    assert default_image_size([(192, 256), (600, 800)]) == 96
    assert default_image_size([(20, 20)]) == 64
    assert default_image_size([]) == 96


def test_pixel_vector():
    v = pixel_vector(Image.new("RGB", (30, 10), (255, 0, 0)), side=8)
    assert v.shape == (8 * 8 * 3,) and v.max() == 1.0 and v.min() == 0.0
