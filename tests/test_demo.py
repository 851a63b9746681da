"""`make demo`'s pipeline end to end on a tiny catalog: every stage through the CLI."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _demo(data: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "stylegraph.demo", "--products", "40", "--size", "32",
           "--data-dir", str(data), "--runs-dir", str(data / "runs"),
           "--gremlin-port", str(_free_port()),
           "--app-port", str(_free_port()), "--epochs", "2", "--image-epochs", "2", "--check"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)


def test_demo_builds_everything_then_reuses_it(tmp_path: Path) -> None:
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    for name in ("looks like", "goes with", "explorer", "stats"):
        assert f"checked shop API ({name})" in first.stdout or f"checked {name}" in first.stdout
    assert "HTTP 200" in first.stdout
    state = json.loads((tmp_path / "demo-state.json").read_text())
    assert state["catalog"] == [40, 32] and state["relations"] == state["trained"]
    assert "stylegraph load-relations" in first.stdout and "WORN_WITH" in first.stdout
    assert (tmp_path / "runs" / "latest").exists()

    second = _demo(tmp_path)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    # nothing is rebuilt: no sample-catalog, load, train or refine the second time
    assert "stylegraph finetune" in first.stdout and state["image_model"] in first.stdout
    for step in ("stylegraph sample-catalog", "stylegraph finetune", "stylegraph load", "gnn train", "gnn refine"):
        assert step not in second.stdout
    assert "0 computed, 40 cached" in second.stdout


def test_demo_runs_on_neo4j(tmp_path: Path, neo4j_server) -> None:
    """`make demo` with STYLEGRAPH_GRAPH_URL=bolt://...: the whole pipeline and the app on Neo4j."""
    import os

    from tests.engines import NEO4J_PASSWORD

    with neo4j_server.connect() as graph:
        graph.clear()
    env = {**os.environ, "STYLEGRAPH_GRAPH_URL": neo4j_server.url, "STYLEGRAPH_NEO4J_PASSWORD": NEO4J_PASSWORD}
    done = _demo(tmp_path, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "stylegraph gremlin-server" not in done.stdout and "Neo4j" in done.stdout
    for name in ("looks like", "goes with", "explorer", "stats"):
        assert f"checked shop API ({name})" in done.stdout or f"checked {name}" in done.stdout
    with neo4j_server.connect() as graph:
        stats = graph.graph_stats()
        assert stats["vertices"]["product"] == 40
        assert stats["edges"]["SIMILAR"] == 400 and stats["edges"]["RECOMMENDED"] == 400
        assert stats["recommendation_model"] is not None
