"""One URL picks the graph backend: ``connect(url) -> g`` and ``close(g)``.

* ``embedded:///abs/path.db`` -- our engine in-process on a durable SQLite-backed
  ``Graph`` (opened once per process and shared by every ``g`` on that path);
* ``memory:`` -- the same on a fresh in-memory graph (tests);
* ``ws://host:8182/gremlin`` / ``wss://...`` -- any Gremlin Server (ours,
  Apache TinkerPop's, JanusGraph) or Amazon Neptune through gremlinpython's
  ``DriverRemoteConnection``; Neptune endpoints are signed with IAM SigV4.

Whatever the backend, callers get a plain gremlinpython ``GraphTraversalSource``.
"""
from __future__ import annotations

import atexit
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.driver.remote_connection import RemoteConnection, RemoteStrategy, RemoteTraversal
from gremlin_python.driver.serializer import GraphBinarySerializersV1, GraphSONSerializersV3d0
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import GraphTraversalSource
from gremlin_python.process.strategies import OptionsStrategy
from gremlin_python.process.traversal import Bytecode, Traverser

from stylegraph.settings import Settings, get_settings

SUPPORTED_SCHEMES = ("embedded", "memory", "ws", "wss")
SERIALIZERS = {"graphbinary": GraphBinarySerializersV1, "graphson": GraphSONSerializersV3d0}
NEPTUNE_SUFFIX = ".neptune.amazonaws.com"


class EmbeddedConnection(RemoteConnection):
    """A ``RemoteConnection`` that evaluates bytecode with our engine in this process (no socket)."""

    def __init__(self, graph: Any, url: str, traversal_source: str = "g",
                 timeout_ms: int | None = None, on_close: Any = None) -> None:
        super().__init__(url, traversal_source)
        self.graph = graph
        self.timeout_ms = timeout_ms
        self._on_close = on_close
        self._closed = False
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, bytecode: Bytecode) -> RemoteTraversal:
        """Evaluate ``bytecode`` and return its results as traversers."""
        from stylegraph.graph.engine import execute

        if self._closed:
            raise RuntimeError(f"connection to {self.url} is closed")
        timeout_ms = _options_timeout(bytecode, self.timeout_ms)
        deadline = time.monotonic() + timeout_ms / 1000.0 if timeout_ms else None
        results = execute(self.graph, bytecode, deadline=deadline)
        return RemoteTraversal(iter([Traverser(r) for r in results]))

    def submit_async(self, bytecode: Bytecode) -> Future:
        """``submit`` on a worker thread; a Future of the RemoteTraversal."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedded-g")
        return self._executor.submit(self.submit, bytecode)

    def is_closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    def close(self) -> None:
        """Release this connection's share of the graph (closed with the last one)."""
        if self._closed:
            return
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        if self._on_close is not None:
            self._on_close()

    def commit(self) -> None:
        """Every traversal is its own committed transaction; there is nothing to commit."""
        raise NotImplementedError("each traversal commits on its own; remote transactions are not supported")

    def rollback(self) -> None:
        """See :meth:`commit`."""
        raise NotImplementedError("each traversal commits on its own; remote transactions are not supported")


def _options_timeout(bytecode: Bytecode, default: int | None) -> int | None:
    for inst in bytecode.source_instructions:
        if inst[0] == "withStrategies":
            for strategy in inst[1:]:
                if isinstance(strategy, OptionsStrategy) and "evaluationTimeout" in strategy.configuration:
                    return int(strategy.configuration["evaluationTimeout"])
    return default


class _SharedGraphs:
    """Embedded graphs opened once per process, keyed by path, closed with their last user."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._graphs: dict[str, tuple[Any, int]] = {}

    def acquire(self, path: str, settings: Settings) -> Any:
        """The shared graph at ``path``, opened on first use; counts one more user."""
        from stylegraph.graph.graph import Graph

        with self._lock:
            if path in self._graphs:
                graph, users = self._graphs[path]
                self._graphs[path] = (graph, users + 1)
                return graph
            graph = Graph(path, indexed_keys=settings.indexed_keys(), sync=settings.graph_sync)
            self._graphs[path] = (graph, 1)
            return graph

    def release(self, path: str) -> None:
        """Count one user less; close the graph when none is left."""
        with self._lock:
            if path not in self._graphs:
                return
            graph, users = self._graphs[path]
            if users > 1:
                self._graphs[path] = (graph, users - 1)
                return
            del self._graphs[path]
        graph.close()

    def close_all(self) -> None:
        """Close every shared graph (at interpreter exit)."""
        with self._lock:
            graphs = [graph for graph, _ in self._graphs.values()]
            self._graphs.clear()
        for graph in graphs:
            graph.close()


_shared = _SharedGraphs()
atexit.register(_shared.close_all)


@dataclass(frozen=True)
class GraphUrl:
    """A graph URL taken apart once: ``scheme``, ``host`` (ws/wss) and ``path`` (absolute for embedded)."""

    url: str
    scheme: str
    host: str = ""
    path: str = ""


def parse_url(url: str) -> GraphUrl:
    """Parse a graph URL; ValueError naming the supported forms when it is not one."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "embedded":
        path = url[len("embedded:"):]
        path = path[2:] if path.startswith("//") else path  # embedded:///abs/path or embedded:/abs/path
        if not path.startswith("/"):
            raise ValueError(f"embedded URLs need an absolute path, e.g. embedded:///data/graph.db (got {url!r})")
        return GraphUrl(url, scheme, path=os.path.realpath(path))
    if scheme == "memory":
        return GraphUrl(url, scheme)
    if scheme in ("ws", "wss"):
        return GraphUrl(url, scheme, host=urlsplit(url).hostname or "")
    if scheme in ("bolt", "neo4j", "bolt+s", "neo4j+s"):
        raise ValueError(f"{scheme}:// is Neo4j, which speaks Cypher, not Gremlin: open it with "
                         "stylegraph.queries.connect.connect(url), the product-graph interface")
    raise ValueError(
        f"unsupported graph URL {url!r}: the scheme must be one of "
        "embedded:///abs/path.db, memory:, ws://host:port/gremlin, wss://host:port/gremlin"
    )


def connect(url: str | None = None, **opts: Any) -> GraphTraversalSource:
    """A traversal source ``g`` on the backend named by ``url`` (default: settings.graph_url).

    Options: ``settings`` (a Settings: the graph URL, and for an embedded graph its
    indexed keys and sync mode; default the process settings), ``timeout_ms`` (embedded
    default evaluation timeout); for ``ws``/``wss``: ``serializer`` ("graphbinary" or
    "graphson"; default: settings.graph_serializer), ``username``/``password``,
    ``traversal_source``, ``headers``, ``ssl`` (an ``ssl.SSLContext``, e.g. trusting a
    private CA), ``pool_size``, ``iam`` (True/False; default: on for
    ``*.neptune.amazonaws.com``) and ``region`` (for SigV4; default from the host name or AWS_REGION).
    """
    settings: Settings = opts.pop("settings", None) or get_settings()
    parsed = parse_url(url or settings.graph_url)
    if parsed.scheme in ("embedded", "memory"):
        return _connect_embedded(parsed, settings, **opts)
    opts.setdefault("serializer", settings.graph_serializer)
    return _connect_remote(parsed, **opts)


def _connect_embedded(url: GraphUrl, settings: Settings, **opts: Any) -> GraphTraversalSource:
    from stylegraph.graph.graph import Graph

    timeout_ms = opts.pop("timeout_ms", None)
    traversal_source = opts.pop("traversal_source", "g")
    if opts:
        raise TypeError(f"unknown options for {url.scheme}: {', '.join(sorted(opts))}")
    if url.scheme == "memory":
        conn = EmbeddedConnection(Graph(None), url.url, traversal_source, timeout_ms)
        return _source(conn)
    graph = _shared.acquire(url.path, settings)
    conn = EmbeddedConnection(graph, url.url, traversal_source, timeout_ms,
                              on_close=lambda: _shared.release(url.path))
    return _source(conn)


def _connect_remote(url: GraphUrl, **opts: Any) -> GraphTraversalSource:
    serializer_name = str(opts.pop("serializer", "graphbinary")).lower()
    if serializer_name not in SERIALIZERS:
        raise ValueError(f"serializer must be one of {', '.join(SERIALIZERS)}, got {serializer_name!r}")
    iam = opts.pop("iam", None)
    region = opts.pop("region", None)
    headers = dict(opts.pop("headers", None) or {})
    if iam is None:
        iam = url.scheme == "wss" and url.host.endswith(NEPTUNE_SUFFIX)
    if iam:
        headers.update(neptune_headers(url.url, region))
    conn = DriverRemoteConnection(
        url.url,
        opts.pop("traversal_source", "g"),
        message_serializer=SERIALIZERS[serializer_name](),
        username=opts.pop("username", ""),
        password=opts.pop("password", ""),
        headers=headers or None,
        **opts,
    )
    return _source(conn)


def neptune_headers(url: str, region: str | None = None) -> dict[str, str]:
    """IAM SigV4 headers for the websocket handshake to a Neptune ``wss://`` endpoint (needs botocore)."""
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.session import Session
    except ImportError:
        raise RuntimeError(
            "this Neptune endpoint needs IAM SigV4 signing, which needs botocore: "
            "pip install botocore, or pass iam=False if IAM auth is disabled on the cluster"
        ) from None
    parts = urlsplit(url)
    host = parts.hostname or ""
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or _region_of(host)
    if not region:
        raise ValueError(f"cannot tell the AWS region of {host!r}; pass region=... or set AWS_REGION")
    credentials = Session().get_credentials()
    if credentials is None:
        raise RuntimeError("no AWS credentials found for IAM SigV4 signing (env vars, profile or instance role)")
    port = f":{parts.port}" if parts.port else ""
    request = AWSRequest(method="GET", url=f"https://{host}{port}{parts.path or '/gremlin'}", data=None)
    SigV4Auth(credentials, "neptune-db", region).add_auth(request)
    return dict(request.headers.items())


def _region_of(host: str) -> str | None:
    """``x.cluster-abc.us-east-1.neptune.amazonaws.com`` -> ``us-east-1``."""
    labels = host.split(".")
    if host.endswith(NEPTUNE_SUFFIX) and len(labels) >= 4:
        return labels[-4]
    return None


def connection_of(g: GraphTraversalSource) -> RemoteConnection | None:
    """The remote connection behind ``g`` (also for sources derived with ``g.with_(...)``)."""
    conn = getattr(g, "remote_connection", None)
    if conn is not None:
        return conn
    for strategy in g.traversal_strategies.traversal_strategies:
        if isinstance(strategy, RemoteStrategy):
            return strategy.remote_connection
    return None


def close(g: GraphTraversalSource) -> None:
    """Close ``g``'s connection (and an embedded graph when its last ``g`` closes)."""
    conn = connection_of(g)
    if conn is not None and not conn.is_closed():
        conn.close()


def _source(conn: RemoteConnection) -> GraphTraversalSource:
    # gremlinpython's with_remote() records the connection on the wrong object; keep it on g
    g = traversal().with_remote(conn)
    g.remote_connection = conn
    return g
