"""Safe image loading: every kind of bad file is reported with its product id."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from stylegraph.loader.images import ImageProblem, SkippedImage, file_sha256, load_product_image, open_image


def _png(mode="RGB", size=(20, 20), color=(200, 10, 10)) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.png"
    good.write_bytes(_png())
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(_png(size=(64, 64))[:120])
    text = tmp_path / "notes.png"
    text.write_text("this is not an image")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(cmyk, format="JPEG")
    huge = tmp_path / "huge.png"
    Image.new("L", (300, 200)).save(huge)
    return {"good": good, "truncated": truncated, "text": text, "empty": empty, "cmyk": cmyk,
            "huge": huge, "missing": tmp_path / "nope.png"}


@pytest.mark.parametrize("name,reason", [
    ("missing", "missing"), ("empty", "empty"), ("text", "not-an-image"),
    ("truncated", "truncated"), ("cmyk", "cmyk"), ("huge", "too-large"),
])
def test_bad_files_are_skipped_with_product_id(files, name, reason):
    got = load_product_image(f"prod-{name}", files[name], max_pixels=50_000)
    assert isinstance(got, SkippedImage)
    assert got.product_id == f"prod-{name}" and got.reason == reason
    assert f"product prod-{name}" in str(got)


def test_good_file_and_mode_conversion(files):
    img = load_product_image("ok", files["good"])
    assert isinstance(img, Image.Image) and img.mode == "RGB" and img.getpixel((0, 0)) == (200, 10, 10)
    rgba = open_image(_png("RGBA", color=(0, 0, 255, 0)))
    assert rgba.mode == "RGB" and rgba.getpixel((0, 0)) == (255, 255, 255)  # transparent -> white
    grey = open_image(_png("L", color=77))
    assert grey.getpixel((3, 3)) == (77, 77, 77)


def test_bytes_input_and_sha(files):
    with pytest.raises(ImageProblem, match="empty"):
        open_image(b"")
    with pytest.raises(ImageProblem) as info:
        open_image(b"GIF89a-not-really")
    assert info.value.reason in ("not-an-image", "truncated", "corrupt")
    assert len(file_sha256(files["good"])) == 64
    assert file_sha256(files["good"]) != file_sha256(files["cmyk"])


def test_one_decoder_serves_catalog_photos_and_uploads():
    import io

    from PIL import Image

    from stylegraph.webapp.errors import NotAnImage, TooLarge
    from stylegraph.webapp.search import decode_image

    buf = io.BytesIO()
    Image.new("CMYK", (8, 8)).save(buf, "JPEG")
    with pytest.raises(ImageProblem, match="cmyk"):
        open_image(buf.getvalue())  # a catalog photo: refused, colours would shift
    assert decode_image(buf.getvalue()).mode == "RGB"  # a shopper's upload: converted
    with pytest.raises(NotAnImage, match="empty"):
        decode_image(b"")
    with pytest.raises(NotAnImage):
        decode_image(b"not an image")
    big = io.BytesIO()
    Image.new("L", (7000, 7000)).save(big, "PNG")
    with pytest.raises(TooLarge):
        decode_image(big.getvalue())
