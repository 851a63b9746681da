"""Visual search through the live server: results, errors, dynamic batching."""
from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from .webapp_world import UPLOAD_LIMIT, Live, World, app_settings


def _png(world: World, index: int) -> bytes:
    return (world.root / "catalog" / world.catalog.products[index].image).read_bytes()


def test_a_catalog_photo_finds_itself_first(live: Live, world: World) -> None:
    pid = world.catalog.products[4].product_id
    r = live.post("/api/search/image", files={"image": ("photo.png", _png(world, 4), "image/png")}, params={"k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 3 and len(body["items"]) == 3
    top = body["items"][0]
    assert top["id"] == pid
    assert top["score"] == pytest.approx(1.0, abs=1e-3)
    assert top["image_url"] == f"/images/{world.product(pid).image}"
    assert body["model"].startswith("resnet18-random0")
    assert body["batch_size"] >= 1
    assert "total;dur=" in r.headers["Server-Timing"]
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True)


def test_a_jpeg_of_a_catalog_photo_matches_it(live: Live, world: World) -> None:
    buf = io.BytesIO()
    Image.open(io.BytesIO(_png(world, 7))).convert("RGB").resize((96, 96)).save(buf, "JPEG", quality=90)
    body = live.post("/api/search/image", files={"image": ("p.jpg", buf.getvalue(), "image/jpeg")}).json()
    assert world.catalog.products[7].product_id in [i["id"] for i in body["items"][:3]]


def test_search_filters(live: Live, world: World) -> None:
    body = live.post(
        "/api/search/image",
        files={"image": ("photo.png", _png(world, 4), "image/png")},
        params={"k": 5, "in_stock": "true"},
    ).json()
    assert body["items"] and all(i["in_stock"] is True for i in body["items"])


def test_not_an_image_is_415(live: Live) -> None:
    for data in (b"this is not an image", b"\x89PNG\r\n\x1a\n broken", b""):
        r = live.post("/api/search/image", files={"image": ("x.png", data, "image/png")})
        assert r.status_code == 415, (data, r.text)
        assert r.json()["error"]


def test_missing_field_and_bad_k_are_400(live: Live, world: World) -> None:
    r = live.post("/api/search/image", files={"photo": ("x.png", _png(world, 0), "image/png")})
    assert r.status_code == 400 and "image" in r.json()["error"]
    r = live.post("/api/search/image", data={"text": "no file"})
    assert r.status_code == 400
    r = live.post("/api/search/image", files={"image": ("x.png", _png(world, 0), "image/png")}, params={"k": 0})
    assert r.status_code == 400


def test_too_large_upload_is_413(live: Live) -> None:
    for size in (UPLOAD_LIMIT + 1, 4 * UPLOAD_LIMIT):
        blob = b"\x00" * size
        r = live.post("/api/search/image", files={"image": ("big.png", blob, "image/png")})
        assert r.status_code == 413, (size, r.text)
        assert r.json()["error"]


def test_concurrent_uploads_are_batched(live: Live, world: World) -> None:
    from stylegraph.webapp import get_state

    n = 8
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def upload(i: int) -> None:
        import requests

        barrier.wait()
        results[i] = requests.post(
            live.url + "/api/search/image",
            files={"image": ("p.png", _png(world, i), "image/png")},
            params={"k": 1},
            timeout=60,
        )

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code == 200 for r in results), [r.text for r in results]
    for i, r in enumerate(results):
        assert r.json()["items"][0]["id"] == world.catalog.products[i].product_id
    sizes = [r.json()["batch_size"] for r in results]
    assert max(sizes) > 1, sizes
    stats = get_state(live.app).search.batcher.stats()
    assert stats["largest_batch"] > 1
    assert stats["requests"] >= n


def test_search_without_embeddings_is_503(world: World, tmp_path) -> None:
    import requests

    from stylegraph.webapp import close_app, create_app
    from stylegraph.webapp.server import BackgroundServer

    app = create_app(app_settings(world, data_dir=tmp_path), g=world.g)
    try:
        with BackgroundServer(app, threads=2) as server:
            r = requests.post(server.url + "/api/search/image",
                              files={"image": ("p.png", _png(world, 0), "image/png")}, timeout=30)
            assert r.status_code == 503
            assert "embeddings" in r.json()["error"]
            # the rest of the API is unaffected
            assert requests.get(server.url + "/api/stats", timeout=30).status_code == 200
    finally:
        close_app(app)
