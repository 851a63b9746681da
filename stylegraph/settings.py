"""One settings object for the whole project, read from ``STYLEGRAPH_*`` env vars.

Every field has a default that works on one machine with no configuration.
The env var of a field is ``STYLEGRAPH_`` + the field name in upper case,
e.g. ``STYLEGRAPH_GRAPH_URL`` or ``STYLEGRAPH_GREMLIN_PORT``.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

PREFIX = "STYLEGRAPH_"


class SettingsError(ValueError):
    """An env var holds a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Configuration of every stylegraph component (see README "Configuration")."""

    # where things live
    data_dir: Path = Path("data")
    runs_dir: Path = Path("runs")
    catalog_dir: Path = Path("data/catalog")
    # the graph: embedded:///abs/path.db, memory:, ws://host:port/gremlin, wss://...
    graph_url: str = ""
    # wire format for ws:// and wss:// graphs: "graphbinary", or "graphson" (JanusGraph: its edge ids)
    graph_serializer: str = "graphbinary"
    # comma-separated vertex property keys indexed from start-up (others are indexed on first use)
    graph_indexed_keys: str = "category,brand,name,title"
    # SQLite synchronous mode: "normal" survives a process kill, "full" also an OS crash
    graph_sync: str = "normal"
    # the Gremlin server
    gremlin_host: str = "127.0.0.1"
    gremlin_port: int = 8182
    gremlin_request_timeout_ms: int = 30_000
    gremlin_max_request_bytes: int = 16 * 1024 * 1024
    gremlin_batch_size: int = 64
    gremlin_workers: int = 4
    # "user:password,user2:password2" turns on SASL PLAIN authentication
    gremlin_users: str = ""
    gremlin_tls_cert: str = ""
    gremlin_tls_key: str = ""
    # embeddings and the similarity graph
    model: str = "resnet18"
    weights: str = "random"
    # CNN input size; 0 picks one from the catalog's photos (64..96 px); a trained model uses its own
    image_size: int = 0
    embed_batch_size: int = 32
    knn_k: int = 10
    # torch intra-op threads for embedding/fine-tuning (0 = torch's default); 1 is fastest on a busy shared box
    torch_threads: int = 0
    # the web app
    app_host: str = "127.0.0.1"
    app_port: int = 8000
    app_threads: int = 8
    upload_max_bytes: int = 10 * 1024 * 1024
    search_max_batch: int = 16
    search_max_wait_ms: float = 5.0
    cache_size: int = 10_000
    # how often (ms) the app's read cache re-reads the graph's version stamp
    cache_check_ms: int = 100
    # token the app's write routes require (header "Authorization: Bearer <token>"); empty: writes are refused
    app_write_token: str = ""
    # image inspection: the classifier run the app serves ("" = none) and the review queue's database
    inspect_run: str = ""
    review_db: Path = Path("data/review/queue.db")
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.graph_url:
            object.__setattr__(
                self, "graph_url", "embedded://" + str((Path(self.data_dir) / "graph.db").resolve())
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from ``environ`` (default ``os.environ``), then apply ``overrides``."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _convert(f.name, str(f.type), raw)
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> "Settings":
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    def gremlin_user_map(self) -> dict[str, str]:
        """``gremlin_users`` parsed into ``{user: password}``."""
        users: dict[str, str] = {}
        for item in filter(None, (s.strip() for s in self.gremlin_users.split(","))):
            if ":" not in item:
                raise SettingsError(
                    f"{PREFIX}GREMLIN_USERS: expected user:password, got {item!r}"
                )
            user, password = item.split(":", 1)
            users[user] = password
        return users


def _convert(name: str, typ: str, raw: str) -> Any:
    # field types are strings here (``from __future__ import annotations``)
    try:
        if typ == "int":
            return int(raw)
        if typ == "float":
            return float(raw)
        if typ == "Path":
            return Path(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name.upper()}={raw!r} is not a valid {typ}") from None
    return raw


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings.from_env()
