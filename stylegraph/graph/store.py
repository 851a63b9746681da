"""The on-disk store: one SQLite file in WAL mode.

Rows hold the full state of an element (id, label, endpoints, properties as
tagged JSON). A transaction of the in-memory graph is written as one SQLite
transaction, so a request's writes are on disk when it returns and a process
killed half-way through leaves either all of them or none.
"""
from __future__ import annotations

import base64
import datetime as dt
import fcntl
import json
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any, Iterator, Sequence

from gremlin_python.statics import long

from stylegraph.graph.errors import StoreError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vertices (
    id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    props TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS edges (
    id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    out_id TEXT NOT NULL,
    in_id TEXT NOT NULL,
    props TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_UPSERT_V = (
    "INSERT INTO vertices(id, label, props) VALUES (?, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET label = excluded.label, props = excluded.props"
)
_UPSERT_E = (
    "INSERT INTO edges(id, label, out_id, in_id, props) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET label = excluded.label, out_id = excluded.out_id, "
    "in_id = excluded.in_id, props = excluded.props"
)

_PLAIN = (str, int, float, bool)
_PLAIN_TYPES = frozenset(_PLAIN)
_TAG = "$t"
#: one encoder for every element (json.dumps with separators= builds a new one per call)
_JSON = json.JSONEncoder(separators=(",", ":"))


def _encode(value: Any) -> Any:
    """A JSON-ready form of a property value, tagging what JSON cannot hold."""
    t = type(value)
    if t in _PLAIN:
        return value
    if t is long:
        return {_TAG: "long", "v": int(value)}
    if isinstance(value, dt.datetime):
        return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {_TAG: "uuid", "v": str(value)}
    if isinstance(value, (bytes, bytearray)):
        return {_TAG: "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {_TAG: "set", "v": [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {_TAG: "map", "v": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (int, float, str)):  # enum-like or numpy subclasses
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _encode(value.item())
    raise StoreError(f"cannot store a property value of type {t.__name__}: {value!r}")


def _decode_tagged(obj: dict[str, Any]) -> Any:
    tag = obj.get(_TAG)
    if tag is None:
        return obj
    v = obj["v"]
    if tag == "long":
        return long(v)
    if tag == "date":
        return dt.datetime.fromisoformat(v)
    if tag == "uuid":
        return uuid.UUID(v)
    if tag == "bytes":
        return base64.b64decode(v)
    if tag == "set":
        return set(_hashable(x) for x in v)
    if tag == "map":
        return {_hashable(k): val for k, val in v}
    raise StoreError(f"unknown value tag {tag!r} in the store")


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def encode_props(props: dict[str, Any]) -> str:
    """Serialise a property dict to the store's JSON text."""
    if not props:
        return "{}"
    for value in props.values():
        if type(value) not in _PLAIN_TYPES and not _is_plain_list(value):
            return _JSON.encode({k: _encode(v) for k, v in props.items()})
    return _JSON.encode(props)  # nothing to tag


def _is_plain_list(value: Any) -> bool:
    """True for a list of plain values (a vertex property's values), which needs no tags."""
    if type(value) is not list:
        return False
    for item in value:
        if type(item) not in _PLAIN_TYPES:
            return False
    return True


def decode_props(text: str) -> dict[str, Any]:
    """Parse the store's JSON text back into a property dict."""
    if text == "{}":
        return {}
    if _TAG in text:
        return json.loads(text, object_hook=_decode_tagged)
    return json.loads(text)


class SQLiteStore:
    """Durable element rows in a SQLite file (WAL), owned by one process at a time."""

    def __init__(self, path: str | os.PathLike[str], sync: str = "normal") -> None:
        self.path = Path(path)
        if sync.lower() not in ("normal", "full"):
            raise StoreError(f"graph sync mode must be 'normal' or 'full', not {sync!r}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the directory of {self.path}: {exc}") from exc
        self._lock_file = self._acquire_lock()
        try:
            self._db = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={sync.upper()}")
            self._db.executescript(_SCHEMA)
            self._check_schema()
        except sqlite3.DatabaseError as exc:
            self._release_lock()
            raise StoreError(f"{self.path} is not a usable graph store: {exc}") from exc

    def _acquire_lock(self) -> Any:
        lock_path = self.path.with_name(self.path.name + ".lock")
        f = open(lock_path, "a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            f.close()
            raise StoreError(
                f"the graph file {self.path} is open in {holder}; "
                "connect to that process's Gremlin server (ws://...) instead"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}")
        f.flush()
        return f

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def _check_schema(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            self._db.execute(
                "INSERT INTO meta(key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
            )
        elif int(row[0]) != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {row[0]}, this stylegraph reads {SCHEMA_VERSION}"
            )

    def read_vertices(self) -> Iterator[tuple[str, str, str]]:
        """Every vertex row ``(id, label, props_json)`` in insertion order."""
        return self._db.execute("SELECT id, label, props FROM vertices ORDER BY rowid")

    def read_edges(self) -> Iterator[tuple[str, str, str, str, str]]:
        """Every edge row ``(id, label, out_id, in_id, props_json)`` in insertion order."""
        return self._db.execute(
            "SELECT id, label, out_id, in_id, props FROM edges ORDER BY rowid"
        )

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A value from the meta table."""
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def write(
        self,
        upsert_vertices: Sequence[tuple[str, str, str]],
        delete_vertices: Sequence[str],
        upsert_edges: Sequence[tuple[str, str, str, str, str]],
        delete_edges: Sequence[str],
        meta: dict[str, str],
    ) -> None:
        """Apply one transaction's changes atomically (all or nothing)."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            if delete_edges:
                db.executemany("DELETE FROM edges WHERE id = ?", ((i,) for i in delete_edges))
            if delete_vertices:
                db.executemany(
                    "DELETE FROM vertices WHERE id = ?", ((i,) for i in delete_vertices)
                )
            if upsert_vertices:
                db.executemany(_UPSERT_V, upsert_vertices)
            if upsert_edges:
                db.executemany(_UPSERT_E, upsert_edges)
            if meta:
                db.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    meta.items(),
                )
            db.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreError(f"writing to {self.path} failed: {exc}") from exc

    def close(self) -> None:
        """Checkpoint the WAL, close the file and release the process lock."""
        if self._db is not None:
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # a busy checkpoint is retried by SQLite on next open
            self._db.close()
            self._db = None  # type: ignore[assignment]
        self._release_lock()
