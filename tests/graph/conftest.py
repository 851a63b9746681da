"""Shared fixtures of the graph tests.

``server`` -- one Gremlin server for the whole test session, serving an
in-memory ``Graph`` with the real engine on an ephemeral 127.0.0.1 port.
The handle has ``.url`` (``ws://127.0.0.1:PORT/gremlin``), ``.port``,
``.graph`` (the served ``Graph``, for direct setup) and ``.server`` (its
``GremlinServer``: settings, counters). The graph is shared by every test of
the session: use ids/labels unique to your test, and do not stop the server.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from stylegraph.graph.graph import Graph
from stylegraph.graph.server import ServerHandle, start_server
from stylegraph.settings import Settings


@pytest.fixture(scope="session")
def server() -> Iterator[ServerHandle]:
    """A session-wide Gremlin server on an in-memory graph (see the module docstring)."""
    graph = Graph(None)
    handle = start_server(graph, "127.0.0.1", 0, Settings.from_env({}))
    yield handle
    handle.stop()
    graph.close()
