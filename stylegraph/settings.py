"""One settings object for the whole project, read from ``STYLEGRAPH_*`` env vars.

Every field is declared once here, with its type, range, default and the
sentence that documents it; the env var of a field is ``STYLEGRAPH_`` + the
field name in upper case (``STYLEGRAPH_GRAPH_URL``), README's configuration
table is generated from these declarations (:func:`markdown_table`) and CLI
flags that override a setting are derived from them
(:mod:`stylegraph.cli_flags`).
"""
from __future__ import annotations

from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from stylegraph.validated_config import describe_errors

PREFIX = "STYLEGRAPH_"

# the environment Settings() reads; None = os.environ (see Settings.from_env)
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("stylegraph_environ", default=None)


class SettingsError(ValueError):
    """A setting holds a value that cannot be used; the message names its env var."""


class _MappingEnvSource(EnvSettingsSource):
    """pydantic-settings' env source, reading the mapping given to ``from_env`` if any."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        environ = _ENVIRON.get()
        if environ is None:
            return super()._load_env_vars()
        return {key.lower(): value for key, value in environ.items()}


def _port(default: int, doc: str) -> Any:
    return Field(default, ge=0, le=65535, description=doc)


class Settings(BaseSettings):
    """Configuration of every stylegraph component (README "For the operator")."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="forbid")

    # where things live
    data_dir: Path = Field(Path("data"), description="catalog, embeddings, CSVs, the embedded graph")
    runs_dir: Path = Field(Path("runs"), description="training runs (GNN and image model)")
    catalog_dir: Path = Field(Path("data/catalog"), description="the catalog the app serves images from")
    # the graph
    graph_url: str = Field(
        "", description="which graph: `embedded:///path.db` (in-process SQLite), `memory:` (in-process, "
        "not kept), `ws://host:8182/gremlin` (our Gremlin server, Apache TinkerPop Gremlin Server, "
        "JanusGraph), `wss://<neptune-endpoint>:8182/gremlin` (Amazon Neptune), `bolt://host:7687` or "
        "`neo4j://host:7687` (Neo4j; `+s`/`+ssc` for TLS; `bolt://user:password@host:7687/database` takes the credentials and database from the URL); default `embedded://<DATA_DIR>/graph.db`")
    graph_serializer: Literal["graphbinary", "graphson"] = Field(
        "graphbinary", description="wire format to a `ws://`/`wss://` graph: `graphbinary` (GraphBinary v1) "
        "or `graphson` (GraphSON v3; use it for JanusGraph, whose edge ids gremlinpython reads only in GraphSON)")
    graph_indexed_keys: str = Field(
        "category,brand,name,title", description="comma-separated vertex property keys indexed from start-up "
        "(any other key is indexed on its first `has()` lookup)")
    neo4j_user: str = Field("neo4j", description="Neo4j (`bolt://`, `neo4j://` graph URLs): user, "
                            "unless the URL names one")
    neo4j_password: str = Field("", description="Neo4j password, unless the URL has one")
    neo4j_database: str = Field("", description="Neo4j database, unless the URL path names one "
                                "(empty = the server's default database)")
    graph_sync: Literal["normal", "full"] = Field(
        "normal", description="SQLite sync: `normal` survives a killed process, `full` also a power cut")
    # the Gremlin server
    gremlin_host: str = Field("127.0.0.1", description="where `stylegraph gremlin-server` listens")
    gremlin_port: int = _port(8182, "port of `stylegraph gremlin-server` (0 picks a free one)")
    gremlin_request_timeout_ms: int = Field(30_000, ge=0, description="per-request evaluation timeout "
                                            "(status 598; 0 = none); a request's `evaluationTimeout` overrides it")
    gremlin_max_request_bytes: int = Field(16 * 1024 * 1024, ge=1,
                                           description="larger requests are refused with a clear error")
    gremlin_batch_size: int = Field(64, ge=1, description="results per response frame when the request "
                                    "names no `batchSize`")
    gremlin_workers: int = Field(4, ge=1, description="threads evaluating traversals (read traversals run "
                                 "side by side)")
    gremlin_max_traversers: int = Field(10_000_000, ge=0, description="per-request budget: the most traversers "
                                        "one traversal may make (merged ones count once; status 597 above); 0 = no limit")
    gremlin_users: str = Field("", description="`user:password,...` turns on SASL PLAIN authentication")
    gremlin_tls_cert: str = Field("", description="PEM certificate; with `STYLEGRAPH_GREMLIN_TLS_KEY`, "
                                  "serves `wss://`")
    gremlin_tls_key: str = Field("", description="PEM private key of `STYLEGRAPH_GREMLIN_TLS_CERT`")
    # embeddings and the similarity graph
    model: str = Field("resnet18", description="CNN backbone for `embed` and `finetune` (a torchvision ResNet)")
    weights: str = Field("random", description="CNN weights: `torchvision`, `random`, a `.pth` path or a "
                         "finetune run dir")
    image_size: int = Field(0, ge=0, description="CNN input size in pixels for untrained weights; `0` picks "
                            "one from the catalog's photos (64..96); a trained model always uses its own")
    embed_batch_size: int = Field(32, ge=1, description="images per inference batch")
    knn_k: int = Field(10, ge=1, description="SIMILAR edges per product")
    torch_threads: int = Field(0, ge=0, description="CPU threads for embedding and fine-tuning "
                               "(`0`: torch's default)")
    # the web app
    app_host: str = Field("127.0.0.1", description="address the web app listens on")
    app_port: int = _port(8000, "port of the web app")
    app_threads: int = Field(8, ge=1, description="waitress worker threads")
    upload_max_bytes: int = Field(10 * 1024 * 1024, ge=1, description="largest accepted image upload (413 above)")
    search_max_batch: int = Field(16, ge=1, description="visual search: most uploads per CNN batch")
    search_max_wait_ms: float = Field(5.0, ge=0, description="visual search: longest wait (ms) for more "
                                      "uploads to batch")
    cache_size: int = Field(10_000, ge=0, description="entries of the app's read cache (`0` turns it off)")
    cache_check_ms: int = Field(100, ge=1, description="how often (ms) the read cache re-reads the "
                                "graph's version stamp")
    app_write_token: str = Field("", description="bearer token the app's write routes (curation pins and "
                                 "bans, review decisions) require: `Authorization: Bearer <token>`; empty = writes refused")
    inspect_run: str = Field("", description="image inspection: the `stylegraph inspect train` run the app "
                             "serves at `/api/images/inspect` (empty = none)")
    review_db: Path = Field(Path("data/review/queue.db"), description="image inspection: the review queue's "
                            "SQLite database")
    seed: int = Field(0, description="seed of random weights and sampling")

    @model_validator(mode="after")
    def _default_graph_url(self) -> "Settings":
        if not self.graph_url:
            object.__setattr__(self, "graph_url", "embedded://" + str((self.data_dir / "graph.db").resolve()))
        return self

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments first, then the environment (no .env or secrets files)."""
        return init_settings, _MappingEnvSource(settings_cls)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Settings from ``environ`` (default ``os.environ``) with ``overrides`` applied.

        A value that does not fit its declaration raises :class:`SettingsError` naming the env var.
        """
        token = _ENVIRON.set(environ)
        try:
            return cls(**overrides)
        except ValidationError as exc:
            raise SettingsError(describe_errors(exc, env_var)) from None
        finally:
            _ENVIRON.reset(token)

    def replace(self, **changes: Any) -> "Settings":
        """A validated copy with ``changes`` applied (the environment is not read again)."""
        return type(self).from_env({}, **{**self.model_dump(), **changes})

    def indexed_keys(self) -> list[str]:
        """``graph_indexed_keys`` as a list of keys."""
        return [k.strip() for k in self.graph_indexed_keys.split(",") if k.strip()]

    def gremlin_user_map(self) -> dict[str, str]:
        """``gremlin_users`` parsed into ``{user: password}``."""
        users: dict[str, str] = {}
        for item in filter(None, (s.strip() for s in self.gremlin_users.split(","))):
            if ":" not in item:
                raise SettingsError(f"{PREFIX}GREMLIN_USERS: expected user:password, got {item!r}")
            user, password = item.split(":", 1)
            users[user] = password
        return users


def env_var(field: str) -> str:
    """The env var of the setting ``field``."""
    return PREFIX + field.upper()


def markdown_table() -> str:
    """README's configuration table: every setting's env var, default and description."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, info in Settings.model_fields.items():
        default = "empty" if info.default in ("", None) else f"`{info.default}`"
        rows.append(f"| `{env_var(name)}` | {default} | {info.description} |")
    return "\n".join(rows) + "\n"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings.from_env()
