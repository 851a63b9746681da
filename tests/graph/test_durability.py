"""SIGKILL durability through the real request paths: embedded `g` and the Gremlin server.

A writer sends requests of 3 vertices + 2 edges each and counts a request as
acknowledged only when its response has arrived. The process holding the
graph is killed with SIGKILL; on reopen every acknowledged request is there
and no request is there in part.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from gremlin_python.process.traversal import T

from stylegraph.graph.connect import close, connect
from stylegraph.graph.graph import Graph

ACKS = 150


def write_request(g, i: int) -> None:
    """One request: three vertices and two edges, all or nothing."""
    (
        g.add_v("product").property(T.id, f"a{i}").property("n", i).as_("a")
        .add_v("product").property(T.id, f"b{i}").as_("b")
        .add_v("product").property(T.id, f"c{i}").as_("c")
        .add_e("SIMILAR").from_("a").to("b").property(T.id, f"ab{i}")
        .add_e("SIMILAR").from_("b").to("c").property(T.id, f"bc{i}")
        .iterate()
    )


def assert_whole_requests(db: Path, acked: int) -> None:
    graph = Graph(db)
    try:
        n = len(graph.vertices) // 3
        assert len(graph.vertices) == 3 * n, "a partial request reached the disk"
        assert len(graph.edges) == 2 * n, "a partial request reached the disk"
        assert n >= acked, f"{acked} requests were acknowledged, {n} are on disk"
        for i in range(n):
            assert graph.edge(f"bc{i}").in_v is graph.vertex(f"c{i}")
    finally:
        graph.close()


_EMBEDDED_WRITER = textwrap.dedent(
    """
    import sys
    from stylegraph.graph.connect import connect
    from tests.graph.test_durability import write_request
    g = connect("embedded://" + sys.argv[1])
    i = 0
    while True:
        write_request(g, i)
        print(i, flush=True)
        i += 1
    """
)


def test_sigkill_of_an_embedded_writer(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", _EMBEDDED_WRITER, str(db)], cwd=root,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    acked = 0
    deadline = time.monotonic() + 120
    while acked < ACKS and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acked = int(line) + 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert acked >= ACKS, "the writer did not get going"
    assert_whole_requests(db, acked)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sigkill_of_the_gremlin_server(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "stylegraph", "gremlin-server", "--port", str(port), "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.1)
        g = connect(f"ws://127.0.0.1:{port}/gremlin")
        acked = 0
        try:
            while True:
                if acked == ACKS:
                    os.kill(server.pid, signal.SIGKILL)  # the next request is cut off mid-flight
                write_request(g, acked)
                acked += 1
        except Exception:  # the killed server: connection reset / closed
            pass
        finally:
            try:
                close(g)
            except Exception:  # the socket is already dead
                pass
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()
    assert acked >= ACKS
    assert_whole_requests(db, acked)
