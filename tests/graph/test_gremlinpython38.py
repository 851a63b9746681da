"""gremlinpython 3.8 talks to our server as well as 3.7 (the project's pinned driver) does.

The project pins gremlinpython 3.7 (constraints.txt; Neptune speaks 3.7). This test builds a
separate venv with gremlinpython 3.8.1 (``build/gremlinpython-3.8.1-venv``, created once with
pip from PyPI), runs the same client program (``clients/gremlinpython_client.py``) with both
drivers against our server over GraphBinary and GraphSON, and compares the answers; the 3.8
client also uses what only 3.8 has (asNumber, asBool, P.typeOf(GType), discard(), which its
iterate() appends to every traversal).
"""
from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from stylegraph.graph.graph import Graph
from stylegraph.graph.server import start_server
from stylegraph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
VERSION = "3.8.1"
VENV = ROOT / "build" / f"gremlinpython-{VERSION}-venv"
CLIENT = Path(__file__).parent / "clients" / "gremlinpython_client.py"


@pytest.fixture(scope="module")
def python38() -> Path:
    """The venv's python, with gremlinpython 3.8.1 (built on first use)."""
    python = VENV / "bin" / "python"
    probe = [str(python), "-c", "import importlib.metadata as m; print(m.version('gremlinpython'))"]
    if python.exists() and subprocess.run(probe, capture_output=True, text=True).stdout.strip() == VERSION:
        return python
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                          f"gremlinpython=={VERSION}"], capture_output=True, text=True, timeout=600)
    if pip.returncode != 0:
        pytest.fail(f"cannot install gremlinpython {VERSION} into {VENV} (needs PyPI): {pip.stderr[-1500:]}",
                    pytrace=False)
    return python


def _run_client(python: Path | str, serializer: str) -> dict:
    graph = Graph(None)
    handle = start_server(graph, "127.0.0.1", 0, Settings.from_env({}))
    try:
        proc = subprocess.run([str(python), str(CLIENT), handle.url, serializer],
                              capture_output=True, text=True, timeout=300)
    finally:
        handle.stop()
        graph.close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize("serializer", ["graphbinary", "graphson"])
def test_gremlinpython_38_works_like_37(python38, serializer):
    new = _run_client(python38, serializer)
    old = _run_client(sys.executable, serializer)
    shared = sorted(old)
    assert {k: new[k] for k in shared} == old
    assert all("ok" in old[k] for k in shared if k != "error"), old
    assert "must yield an iterable type, not null" in old["error"]["error"]
    assert old["count"] == {"ok": 4} and old["drop"] == {"ok": 3}
    assert new["as_number"] == {"ok": [5, 16]} and new["as_bool"] == {"ok": [False, True]}
    assert new["type_of"] == {"ok": [27, 31]} and new["discard"] == {"ok": []}
