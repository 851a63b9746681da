"""POST /api/images/inspect and the review queue API over real HTTP: answers, bad input, batching, tokens."""
from __future__ import annotations

import hashlib
import sqlite3
import threading

import requests
from PIL import Image

from .inspection_fixtures import TOKEN, InspectLive, inspect_live, inspect_run, png_bytes  # noqa: F401 (fixtures)


def inspect(live: InspectLive, data: bytes, name: str = "photo.png", **form: str) -> requests.Response:
    return live.http.post(f"{live.url}/api/images/inspect", files={"image": (name, data)}, data=form, timeout=60)


def queue_rows(live: InspectLive) -> tuple[int, int, str]:
    """Rows of items and decisions, and SQLite's integrity check (the app creates the queue on first use)."""
    if not live.review_db.exists():
        return 0, 0, "ok"
    with sqlite3.connect(live.review_db) as db:
        return (db.execute("SELECT COUNT(*) FROM items").fetchone()[0],
                db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0],
                db.execute("PRAGMA integrity_check").fetchone()[0])


def test_inspect_answers_and_queues_a_doubtful_photo_once(inspect_live: InspectLive):
    data = inspect_live.photos[0].read_bytes()
    r = inspect(inspect_live, data, product_id="P1")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["predicted"] in inspect_live.classes and 0 < body["confidence"] <= 1
    assert body["decision"] == "review" and body["queued"] and body["new_in_queue"]
    assert [t["label"] for t in body["top"]][0] == body["predicted"] and len(body["top"]) == 3
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    again = inspect(inspect_live, data).json()
    assert again["sha256"] == body["sha256"] and again["new_in_queue"] is False  # idempotent by sha256
    listing = inspect_live.http.get(f"{inspect_live.url}/api/review").json()
    assert listing["total"] == 1 and listing["classes"] == inspect_live.classes
    item = listing["items"][0]
    assert item["product_id"] == "P1" and item["status"] == "pending" and item["top"] == body["top"]
    img = inspect_live.http.get(inspect_live.url + item["image_url"])
    assert img.status_code == 200 and img.headers["Content-Type"] == "image/png" and img.content[:4] == b"\x89PNG"


def test_bad_input_gets_a_clear_4xx_and_never_reaches_the_queue(inspect_live: InspectLive):
    jpeg = png_bytes(Image.effect_noise((120, 120), 50).convert("RGB"), "JPEG")
    cases = {
        "not an image": (b"%PDF-1.4 definitely not a photo", 415, "not an image"),
        "truncated": (jpeg[: len(jpeg) // 2], 415, "truncated"),
        "100 megapixels": (png_bytes(Image.new("1", (10_000, 10_000))), 413, "too many pixels"),
        "empty": (b"", 400, "empty"),
    }
    for name, (data, status, words) in cases.items():
        r = inspect(inspect_live, data)
        assert r.status_code == status, (name, r.status_code, r.text)
        assert words in r.json()["error"], (name, r.json())
    r = inspect_live.http.post(f"{inspect_live.url}/api/images/inspect", files={"other": ("x", b"1")}, timeout=30)
    assert r.status_code == 400 and "image: Field required" in r.json()["error"]
    assert queue_rows(inspect_live) == (0, 0, "ok")
    # CMYK and palette photos are converted, not refused
    for data, name in ((png_bytes(Image.new("CMYK", (48, 40), (0, 80, 90, 10)), "JPEG"), "cmyk.jpg"),
                       (png_bytes(Image.new("P", (40, 40), 7), "GIF"), "palette.gif"),
                       (png_bytes(Image.new("RGBA", (40, 40), (0, 0, 200, 90))), "alpha.png")):
        r = inspect(inspect_live, data, name)
        assert r.status_code == 200 and r.json()["queued"], (name, r.text)
    assert queue_rows(inspect_live) == (3, 0, "ok")


def test_concurrent_uploads_share_a_forward_pass(inspect_live: InspectLive):
    uploads = [p.read_bytes() for p in inspect_live.photos[:8]]
    inspect(inspect_live, uploads[0])  # warm the model
    sizes: list[int] = []
    barrier = threading.Barrier(len(uploads))

    def send(data: bytes) -> None:
        barrier.wait()
        r = requests.post(f"{inspect_live.url}/api/images/inspect", files={"image": ("p.png", data)}, timeout=60)
        assert r.status_code == 200
        sizes.append(r.json()["batch_size"])

    threads = [threading.Thread(target=send, args=(d,)) for d in uploads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sizes) == 8 and max(sizes) > 1, sizes
    assert queue_rows(inspect_live)[0] == 8


def test_decisions_need_the_write_token_and_are_kept_with_time_and_reviewer(inspect_live: InspectLive):
    sha = inspect(inspect_live, inspect_live.photos[1].read_bytes()).json()["sha256"]
    url = f"{inspect_live.url}/api/review/{sha}/decision"
    body = {"action": "accept", "reviewer": "ann"}
    r = inspect_live.http.post(url, json=body)
    assert r.status_code == 401 and "write token" in r.json()["error"]
    r = inspect_live.http.post(url, json=body, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 403 and r.json() == {"error": "wrong write token"}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad = inspect_live.http.post(url, json={"action": "correct", "label": "spaceship", "reviewer": "ann"}, headers=auth)
    assert bad.status_code == 400 and "unknown label" in bad.json()["error"]
    assert inspect_live.http.post(url, json={"action": "accept"}, headers=auth).status_code == 400  # no reviewer
    missing = inspect_live.http.post(f"{inspect_live.url}/api/review/{'0' * 64}/decision", json=body, headers=auth)
    assert missing.status_code == 404
    assert queue_rows(inspect_live)[1] == 0
    ok = inspect_live.http.post(url, json=body, headers=auth).json()
    assert ok["label"] == ok["predicted"] and ok["reviewer"] == "ann" and ok["decided_at"].endswith("Z")
    other = next(c for c in inspect_live.classes if c != ok["predicted"])
    fixed = inspect_live.http.post(url, json={"action": "correct", "label": other, "reviewer": "bob"},
                                   headers={"X-Write-Token": TOKEN}).json()
    assert fixed["label"] == other and [h["reviewer"] for h in fixed["history"]] == ["ann", "bob"]
    listing = inspect_live.http.get(f"{inspect_live.url}/api/review?status=reviewed").json()
    assert listing["total"] == 1 and listing["items"][0]["label"] == other
    assert inspect_live.http.get(f"{inspect_live.url}/api/review").json()["total"] == 0
    assert inspect_live.http.get(f"{inspect_live.url}/api/review?status=nope").status_code == 400


def test_without_a_configured_run_inspection_is_a_503(tmp_path):
    from stylegraph.settings import Settings
    from stylegraph.webapp import close_app, create_app

    app = create_app(Settings.from_env({}, graph_url="memory:", cache_size=0, review_db=tmp_path / "q.db"))
    r = app.test_client().post("/api/images/inspect", data={"image": (__import__("io").BytesIO(b"x"), "x.png")})
    assert r.status_code == 503 and "STYLEGRAPH_INSPECT_RUN" in r.get_json()["error"]
    close_app(app)
