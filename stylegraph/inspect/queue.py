"""The review queue: doubtful photos waiting for a person, and the labels people gave them.

One SQLite database (WAL mode, ``synchronous=FULL``) beside an ``images/``
folder. A photo is identified by the sha256 of its uploaded bytes, so adding
the same photo twice is a no-op. Its decoded RGB version is written first
(temporary file, fsync, atomic rename), the row second, in one transaction:
a crash leaves at worst an orphan image file, never a row without its image.
Only photos that decoded get this far, so bad input never reaches the queue.

Each decision (``accept`` the prediction, or ``correct`` it to another
class) is a row of its own with the reviewer and a UTC time; the latest
decision is the photo's label, which ``stylegraph inspect train`` uses
(:meth:`ReviewQueue.labelled`).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from stylegraph.inspect.decode import decode_photo

ACTIONS = ("accept", "correct")
MAX_STORED_SIDE = 1024  # stored photos are shrunk to this longer side (enough to judge and to train on)
MAX_LABEL_CHARS = 100
MAX_REVIEWER_CHARS = 100

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    sha256 TEXT PRIMARY KEY,
    image_file TEXT NOT NULL,
    source TEXT NOT NULL,
    product_id TEXT NOT NULL DEFAULT '',
    catalog_label TEXT NOT NULL DEFAULT '',
    predicted TEXT NOT NULL,
    confidence REAL NOT NULL,
    top TEXT NOT NULL,
    run TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL REFERENCES items(sha256),
    action TEXT NOT NULL CHECK (action IN ('accept', 'correct')),
    label TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_item ON decisions(sha256, id);
"""


class QueueError(ValueError):
    """A request the queue refuses (unknown photo, bad label or reviewer)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class QueueItem:
    """One photo in the queue, with its latest decision if any."""

    sha256: str
    image_path: str
    source: str
    product_id: str
    catalog_label: str
    predicted: str
    confidence: float
    top: list[dict[str, Any]]
    run: str
    created_at: str
    label: str | None = None
    action: str | None = None
    reviewer: str | None = None
    decided_at: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The API's view (no filesystem path)."""
        out = {k: v for k, v in self.__dict__.items() if k != "image_path"}
        out["status"] = "reviewed" if self.label is not None else "pending"
        return out


def utc_now() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z"


class ReviewQueue:
    """The durable queue at ``path`` (a SQLite file; images in ``<path's folder>/images``)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.images = self.path.parent / "images"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.images.mkdir(exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection for one operation, committed on success, rolled back on error."""
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.row_factory = sqlite3.Row
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _store_image(self, sha: str, image: Any) -> Path:
        target = self.images / f"{sha}.png"
        if target.exists():
            return target
        image = image.copy()
        image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            fh.write(buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return target

    def add(self, data: bytes, prediction: Any, *, run: str, source: str, product_id: str = "",
            catalog_label: str = "", image: Any = None) -> tuple[QueueItem, bool]:
        """Queue the photo ``data`` (raw bytes) with its prediction; ``(item, created)``.

        Idempotent by the sha256 of ``data``: a photo already queued is returned unchanged.
        ``image`` is the decoded photo when the caller has it (else ``data`` is decoded here).
        """
        sha = hashlib.sha256(data).hexdigest()
        found = self.get(sha)
        if found is not None:
            return found, False
        if image is None:
            image = decode_photo(data)
        path = self._store_image(sha, image)
        top = [{"label": c, "confidence": round(float(p), 6)} for c, p in prediction.top]
        with self._db() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO items (sha256, image_file, source, product_id, catalog_label, predicted,"
                " confidence, top, run, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sha, path.name, source, product_id, catalog_label, prediction.predicted,
                 float(prediction.confidence), json.dumps(top), run, utc_now()))
            created = cur.rowcount == 1
        item = self.get(sha)
        assert item is not None
        return item, created

    def _item(self, row: sqlite3.Row) -> QueueItem:
        return QueueItem(row["sha256"], str(self.images / row["image_file"]), row["source"], row["product_id"],
                         row["catalog_label"], row["predicted"], float(row["confidence"]), json.loads(row["top"]),
                         row["run"], row["created_at"], row["label"], row["action"], row["reviewer"],
                         row["decided_at"])

    _SELECT = ("SELECT i.*, d.label, d.action, d.reviewer, d.decided_at FROM items i LEFT JOIN decisions d"
               " ON d.id = (SELECT MAX(id) FROM decisions WHERE sha256 = i.sha256)")

    def get(self, sha: str) -> QueueItem | None:
        """The photo with this sha256, or None."""
        with closing(sqlite3.connect(self.path, timeout=30)) as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute(self._SELECT + " WHERE i.sha256 = ?", (sha,)).fetchone()
        return self._item(row) if row else None

    def list(self, status: str = "pending", limit: int = 50, offset: int = 0) -> tuple[list[QueueItem], int]:
        """Items (oldest first) with ``status`` ``pending``, ``reviewed`` or ``all``, and how many match."""
        where = {"pending": " WHERE d.id IS NULL", "reviewed": " WHERE d.id IS NOT NULL", "all": ""}.get(status)
        if where is None:
            raise QueueError("status must be pending, reviewed or all")
        with closing(sqlite3.connect(self.path, timeout=30)) as conn:
            conn.row_factory = sqlite3.Row
            total = conn.execute(f"SELECT COUNT(*) FROM ({self._SELECT}{where})").fetchone()[0]
            rows = conn.execute(self._SELECT + where + " ORDER BY i.created_at, i.sha256 LIMIT ? OFFSET ?",
                                (int(limit), int(offset))).fetchall()
        return [self._item(r) for r in rows], int(total)

    def decide(self, sha: str, action: str, reviewer: str, label: str = "",
               classes: list[str] | None = None) -> QueueItem:
        """Record a decision: ``accept`` (the prediction is right) or ``correct`` to ``label``."""
        if action not in ACTIONS:
            raise QueueError(f"action must be one of {ACTIONS}")
        reviewer = (reviewer or "").strip()
        if not reviewer or len(reviewer) > MAX_REVIEWER_CHARS:
            raise QueueError(f"reviewer is required (at most {MAX_REVIEWER_CHARS} characters)")
        item = self.get(sha)
        if item is None:
            raise QueueError(f"no photo {sha} in the review queue", status=404)
        if action == "accept":
            label = item.predicted
        label = (label or "").strip()
        if not label or len(label) > MAX_LABEL_CHARS:
            raise QueueError(f"label is required for a correction (at most {MAX_LABEL_CHARS} characters)")
        if classes is not None and label not in classes:
            raise QueueError(f"unknown label {label!r}; one of {classes}")
        with self._db() as db:
            db.execute("INSERT INTO decisions (sha256, action, label, reviewer, decided_at) VALUES (?, ?, ?, ?, ?)",
                       (sha, action, label, reviewer, utc_now()))
        found = self.get(sha)
        assert found is not None
        return found

    def history(self, sha: str) -> list[dict[str, Any]]:
        """Every decision about the photo, oldest first."""
        with closing(sqlite3.connect(self.path, timeout=30)) as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute("SELECT action, label, reviewer, decided_at FROM decisions WHERE sha256 = ?"
                                " ORDER BY id", (sha,)).fetchall()
        return [dict(r) for r in rows]

    def labelled(self) -> list[QueueItem]:
        """Reviewed photos with their latest label (training data for the next run)."""
        items, _ = self.list("reviewed", limit=10**9)
        return items
