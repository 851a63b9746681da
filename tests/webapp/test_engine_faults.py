"""The app on a real engine that goes away: a clear start-up error, JSON 503s (never a
500) while it is gone, and answers again once it is back, without restarting the app.

A ``stylegraph serve`` process (waitress) runs on Apache TinkerPop Gremlin Server
and on JanusGraph, which this module starts, stops and restarts itself (the
session's shared servers must stay up for the other tests).
"""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from stylegraph.graph.connect import close
from stylegraph.loader.load import load_records
from stylegraph.loader.neptune_csv import EdgeRecord, VertexRecord
from stylegraph.webapp.errors import is_unavailable
from tests.engines import JANUSGRAPH, TINKERGRAPH, EngineError, EngineProcess, free_port

from .test_api_cli import REPO, STYLEGRAPH

PRODUCT_PATHS = ["/api/products/A", "/api/products/A/similar", "/api/products/A/recommendations",
                 "/api/graph/neighborhood?id=A", "/api/stats"]


def _env(tmp_path: Path, url: str, serializer: str = "graphbinary") -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "STYLEGRAPH_GRAPH_URL": url,
            "STYLEGRAPH_GRAPH_SERIALIZER": serializer,
            "STYLEGRAPH_DATA_DIR": str(tmp_path / "data"), "STYLEGRAPH_CATALOG_DIR": str(tmp_path),
            # no read cache: it would (on purpose) keep serving cached pages during the outage
            "STYLEGRAPH_CACHE_SIZE": "0"}


def test_unreachable_graph_at_start_names_the_url(tmp_path: Path) -> None:
    url = f"ws://127.0.0.1:{free_port()}/gremlin"
    done = subprocess.run([*STYLEGRAPH, "serve", "--port", str(free_port()), "--no-warm-up"],
                          cwd=REPO, env=_env(tmp_path, url), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"cannot reach the graph at {url}" in done.stderr
    assert "Traceback" not in done.stderr


def _load(server: EngineProcess) -> None:
    g = server.connect()
    load_records(g, [VertexRecord("A", "product", {"title": "a", "price": 5.0}),
                     VertexRecord("B", "product", {"title": "b", "price": 7.0})],
                 [EdgeRecord("SIMILAR:A:B", "A", "B", "SIMILAR", {"score": 0.5})], progress=False)
    close(g)


@pytest.fixture(params=[TINKERGRAPH, JANUSGRAPH], ids=lambda spec: spec.name)
def engine(request, tmp_path: Path) -> Iterator[EngineProcess]:
    """An engine server of this test's own, holding products A -> B."""
    server = EngineProcess(request.param, tmp_path / "engine")
    try:
        server.start()
    except EngineError as exc:
        pytest.fail(str(exc), pytrace=False)
    _load(server)
    yield server
    server.stop()


def _get(base: str, path: str) -> requests.Response:
    return requests.get(base + path, timeout=30)


def test_engine_gone_gives_503_and_the_app_reconnects(tmp_path: Path, engine: EngineProcess) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = subprocess.Popen([*STYLEGRAPH, "serve", "--port", str(port), "--no-warm-up"], cwd=REPO,
                           env=_env(tmp_path, engine.url, engine.spec.serializer), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert _get(base, "/healthz").status_code == 200
                break
            except requests.ConnectionError:
                assert app.poll() is None and time.monotonic() < deadline, app.stderr.read().decode()
                time.sleep(0.2)
        before = {p: _get(base, p) for p in PRODUCT_PATHS}
        assert all(r.status_code == 200 for r in before.values()), {p: r.text for p, r in before.items()}
        assert before["/api/products/A/similar"].json()["items"][0]["id"] == "B"

        engine.stop()
        for path in [*PRODUCT_PATHS, "/healthz"]:
            r = _get(base, path)
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert r.headers["Content-Type"].startswith("application/json")
            assert "graph" in r.json()["error"], r.json()

        engine.start()
        if engine.spec is JANUSGRAPH:  # in memory: gone with the process (TinkerGraph saved it on stop)
            _load(engine)
        deadline = time.monotonic() + 30
        while (health := _get(base, "/healthz")).status_code != 200:
            assert time.monotonic() < deadline, f"the app did not reconnect to the graph: {health.text}"
            time.sleep(0.2)
        for path, response in before.items():
            again = _get(base, path)
            assert again.status_code == 200, (path, again.text)
            if path != "/api/stats":  # stats also counts the version stamp's meta vertex either way
                assert again.json() == response.json(), path
        assert app.poll() is None
    finally:
        app.terminate()
        app.wait(30)


def test_connection_lost_mid_request_counts_as_unavailable() -> None:
    # what gremlinpython raises when the server drops the websocket under a request in flight
    assert is_unavailable(RuntimeError("Connection was already closed."))
    assert is_unavailable(RuntimeError("Connection was closed by server."))
    assert not is_unavailable(RuntimeError("something else broke"))
