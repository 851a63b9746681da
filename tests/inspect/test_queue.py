"""The review queue: idempotent by sha256, bad input never stored, decisions kept, survives kill -9."""
from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from stylegraph.inspect.predict import Prediction
from stylegraph.inspect.queue import QueueError, ReviewQueue
from stylegraph.loader.images import ImageProblem

PRED = Prediction("dress", 0.61, "review", [("dress", 0.61), ("skirt", 0.3), ("shirt", 0.05)])


def photo(seed: int, mode: str = "RGB", fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (24 + seed, 20), (seed * 7 % 255, 90, 30) if mode == "RGB" else 3).save(buf, format=fmt)
    return buf.getvalue()


def test_adding_twice_is_a_no_op_and_bad_bytes_are_never_stored(tmp_path):
    queue = ReviewQueue(tmp_path / "queue.db")
    item, created = queue.add(photo(1), PRED, run="r1", source="upload")
    again, created_again = queue.add(photo(1), PRED, run="r2", source="upload")
    assert created and not created_again and again.run == "r1" and again.created_at == item.created_at
    assert Path(item.image_path).is_file() and Image.open(item.image_path).mode == "RGB"
    with pytest.raises(ImageProblem):
        queue.add(b"garbage", PRED, run="r1", source="upload")
    _, created_p = queue.add(photo(2, "P", "GIF"), PRED, run="r1", source="upload")  # palette: converted
    assert created_p
    items, total = queue.list("all")
    assert total == 2 and sorted(p.name for p in queue.images.iterdir()) == sorted(
        Path(i.image_path).name for i in items)


def test_decisions_are_kept_in_order_and_the_latest_is_the_label(tmp_path):
    queue = ReviewQueue(tmp_path / "queue.db")
    item, _ = queue.add(photo(3), PRED, run="r1", source="batch", product_id="P9", catalog_label="skirt")
    assert queue.list("pending")[1] == 1 and queue.labelled() == []
    with pytest.raises(QueueError, match="reviewer"):
        queue.decide(item.sha256, "accept", "  ")
    with pytest.raises(QueueError, match="action"):
        queue.decide(item.sha256, "delete", "ann")
    with pytest.raises(QueueError, match="unknown label"):
        queue.decide(item.sha256, "correct", "ann", "hat", classes=["dress", "skirt"])
    with pytest.raises(QueueError) as missing:
        queue.decide("f" * 64, "accept", "ann")
    assert missing.value.status == 404
    assert queue.decide(item.sha256, "accept", "ann").label == "dress"
    final = queue.decide(item.sha256, "correct", "bob", "skirt", classes=["dress", "skirt"])
    assert (final.label, final.action, final.reviewer) == ("skirt", "correct", "bob")
    assert [h["label"] for h in queue.history(item.sha256)] == ["dress", "skirt"]
    assert queue.list("pending")[1] == 0 and queue.list("reviewed")[1] == 1
    (labelled,) = ReviewQueue(tmp_path / "queue.db").labelled()  # reopened: still there
    assert labelled.product_id == "P9" and labelled.label == "skirt"


WRITER = """
import io, sys
from PIL import Image
from types import SimpleNamespace
from stylegraph.inspect.queue import ReviewQueue  # no torch: the queue needs none
q = ReviewQueue(sys.argv[1])
pred = SimpleNamespace(predicted="dress", confidence=0.5, top=[("dress", 0.5)])
for i in range(100000):
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (i % 256, i // 256 % 256, 7)).save(buf, format="PNG")
    q.add(buf.getvalue(), pred, run="r", source="upload")
    if i == 5:
        print("writing", flush=True)
"""


def test_a_writer_killed_mid_write_leaves_a_consistent_queue(tmp_path):
    db = tmp_path / "queue.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, env=env)
    assert proc.stdout.readline().strip() == b"writing"
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    items, total = ReviewQueue(db).list("all", limit=10**6)
    assert total >= 6
    for item in items:  # every committed row has its complete photo
        with Image.open(item.image_path) as img:
            img.load()
    item, created = ReviewQueue(db).add(photo(9), PRED, run="r", source="upload")  # still writable
    assert created
