"""`stylegraph graph-ping`: success, and a clear failure for a graph that does not answer."""
from __future__ import annotations

import socket

import pytest

from stylegraph.cli import main


def test_ping_a_graph_that_answers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph-ping", "--graph", "memory:"]) == 0
    assert "answers" in capsys.readouterr().out


def test_ping_a_dead_port_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["graph-ping", "--graph", f"ws://127.0.0.1:{port}/gremlin", "--wait", "1"]) == 1
    assert "does not answer" in capsys.readouterr().err
