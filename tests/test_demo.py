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


def _demo(data: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "stylegraph.demo", "--products", "40", "--size", "32",
           "--data-dir", str(data), "--runs-dir", str(data / "runs"),
           "--gremlin-port", str(_free_port()),
           "--app-port", str(_free_port()), "--epochs", "2", "--image-epochs", "2", "--check"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


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
