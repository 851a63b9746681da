"""Timeouts, a slow request not blocking others, and SIGTERM shutdown of the real CLI process."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.driver.protocol import GremlinServerError
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import T

from stylegraph.graph.graph import Graph
from stylegraph.graph.server import start_server
from stylegraph.settings import Settings


def _dense_graph(n: int) -> Graph:
    """A complete directed graph on ``n`` vertices: walks on it grow as n**depth."""
    graph = Graph(None)
    with graph.transaction():
        vs = [graph.add_vertex("node", id=f"n{i}") for i in range(n)]
        for a in vs:
            for b in vs:
                if a is not b:
                    graph.add_edge("link", a, b)
    return graph


@pytest.fixture(scope="module")
def dense_server():
    handle = start_server(_dense_graph(25), "127.0.0.1", 0,
                          Settings.from_env({}, gremlin_request_timeout_ms=1500, gremlin_workers=2))
    yield handle
    handle.stop()


def _slow(g):
    # path(): no traverser bulking (walks are told apart), so 25 * 24**5 walks: minutes of work
    return g.V().out().out().out().out().out().path().count()


def test_evaluation_timeout_is_598_and_server_keeps_serving(dense_server) -> None:
    conn = DriverRemoteConnection(dense_server.url, "g")
    try:
        g = traversal().with_remote(conn)
        started = time.monotonic()
        with pytest.raises(GremlinServerError) as info:
            _slow(g.with_("evaluationTimeout", 200)).next()
        assert info.value.status_code == 598
        assert time.monotonic() - started < 3
        assert g.V("n1").out().count().next() == 24
    finally:
        conn.close()


def test_default_timeout_comes_from_settings(dense_server) -> None:
    conn = DriverRemoteConnection(dense_server.url, "g")
    try:
        started = time.monotonic()
        with pytest.raises(GremlinServerError) as info:
            _slow(traversal().with_remote(conn)).next()
        assert info.value.status_code == 598
        assert 1.4 < time.monotonic() - started < 4
    finally:
        conn.close()


def test_event_loop_serves_while_a_request_runs(dense_server) -> None:
    """A slow traversal runs on a worker thread: the event loop still answers (here: /healthz)."""
    slow_conn = DriverRemoteConnection(dense_server.url, "g")
    outcome: dict[str, object] = {}

    def slow() -> None:
        try:
            _slow(traversal().with_remote(slow_conn).with_("evaluationTimeout", 1500)).next()
        except GremlinServerError as exc:
            outcome["slow"] = exc.status_code

    health = dense_server.url.replace("ws://", "http://").replace("/gremlin", "/healthz")
    try:
        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.3)
        started = time.monotonic()
        with urllib.request.urlopen(health, timeout=5) as response:
            body = json.loads(response.read())
        assert time.monotonic() - started < 0.5
        assert body["in_flight"] == 1 and body["vertices"] == 25
        t.join(10)
        assert outcome["slow"] == 598
    finally:
        slow_conn.close()


def _start_cli(db: str) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, STYLEGRAPH_GREMLIN_USERS="", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "stylegraph.cli", "gremlin-server", "--host", "127.0.0.1", "--port", "0",
         "--db", db, "--grace", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("listening on "):
            return proc, line.split()[-1]
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"server did not start: {proc.stderr.read()}")


def test_sigterm_shuts_down_gracefully_and_writes_are_durable(tmp_path) -> None:
    db = str(tmp_path / "graph.db")
    proc, url = _start_cli(db)
    try:
        conn = DriverRemoteConnection(url, "g")
        g = traversal().with_remote(conn)
        for i in range(20):
            g.add_v("product").property(T.id, f"p{i}").property("price", float(i)).iterate()
        g.V("p0").add_e("SIMILAR").to(__.V("p1")).property(T.id, "SIMILAR:p0:p1").iterate()
        conn.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    graph = Graph(db)  # the lock file is released and every write is on disk
    try:
        assert len(graph.vertices) == 20 and len(graph.edges) == 1
        assert graph.vertex("p7").properties["price"] == [7.0]
    finally:
        graph.close()


def test_sigterm_lets_an_in_flight_request_finish(tmp_path) -> None:
    db = str(tmp_path / "graph.db")
    dense = _dense_graph(25)
    graph = Graph(db)
    with graph.transaction():
        copies = {v.id: graph.add_vertex(v.label, id=v.id) for v in dense.vertices.values()}
        for e in dense.edges.values():
            graph.add_edge(e.label, copies[e.out_v.id], copies[e.in_v.id], id=e.id)
    graph.close()
    proc, url = _start_cli(db)
    try:
        conn = DriverRemoteConnection(url, "g")
        g = traversal().with_remote(conn)
        future = g.V().out().out().out().count().promise()  # 25 * 24**3 walks: a fraction of a second
        time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        assert future.result(timeout=20).next() == 25 * 24 ** 3
        conn.close()
        assert proc.wait(timeout=20) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_cli_refuses_a_graph_file_open_elsewhere(tmp_path) -> None:
    db = str(tmp_path / "graph.db")
    holder = Graph(db)  # this process owns the file now
    try:
        done = subprocess.run(
            [sys.executable, "-m", "stylegraph.cli", "gremlin-server", "--port", "0", "--db", db],
            capture_output=True, text=True, timeout=60,
        )
    finally:
        holder.close()
    assert done.returncode == 1
    assert "stylegraph gremlin-server: error:" in done.stderr and "Traceback" not in done.stderr
    assert "Gremlin server" in done.stderr
