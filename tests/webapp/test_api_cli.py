"""``stylegraph serve``: argument wiring, and a real server process under waitress."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from stylegraph.cli import build_parser
from stylegraph.cli_flags import settings_from_args

REPO = Path(__file__).resolve().parents[2]
# what the console script runs (``python -m stylegraph.cli`` would load the CLI module twice)
STYLEGRAPH = [sys.executable, "-c", "import sys; from stylegraph.cli import main; sys.exit(main())"]


def test_serve_arguments_override_settings(tmp_path: Path) -> None:
    args = build_parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--port", "9123", "--threads", "3", "--graph", "memory:",
         "--catalog", str(tmp_path / "cat"), "--data-dir", str(tmp_path / "data")]
    )
    settings = settings_from_args(args)
    assert (settings.app_host, settings.app_port, settings.app_threads) == ("0.0.0.0", 9123, 3)
    assert settings.graph_url == "memory:"
    assert settings.catalog_dir == tmp_path / "cat" and settings.data_dir == tmp_path / "data"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_the_app_under_waitress(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [*STYLEGRAPH, "serve", "--port", str(port), "--graph", "memory:",
         "--catalog", str(tmp_path), "--data-dir", str(tmp_path), "--no-warm-up"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert health is not None, proc.stderr.read().decode() if proc.poll() is not None else "no answer"
        assert health.status_code == 200
        assert health.headers["Server"] == "stylegraph"  # waitress's ident, not werkzeug's dev server
        stats = requests.get(f"http://127.0.0.1:{port}/api/stats", timeout=10).json()
        assert stats["vertices"].get("product", 0) == 0
        missing = requests.get(f"http://127.0.0.1:{port}/api/products/P1/similar", timeout=10)
        assert missing.status_code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_reports_an_unreachable_graph(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*STYLEGRAPH, "serve", "--port", str(_free_port()),
         "--graph", "ws://127.0.0.1:9/gremlin", "--no-warm-up"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "cannot reach the graph" in proc.stderr
    assert "Traceback" not in proc.stderr
