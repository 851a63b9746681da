"""Session-wide fixtures every test directory can use: the real graph engines.

``tinkergraph_server`` / ``janusgraph_server`` start Apache TinkerPop Gremlin
Server (TinkerGraph) and JanusGraph Server once per test session, as Java
processes on ephemeral ports (see ``tests/engines.py``), and stop them at the
end. Tests share them: clear the graph first (``clear_graph(g)``) and use ids
unique to the test. ``any_g`` is an empty graph on each backend the product
runs on (ours in-process and over a socket, TinkerGraph, JanusGraph).
``neo4j_server`` starts Neo4j 5.26 (Bolt, the Cypher implementation's backend). Without java or ``make engines`` the tests that need them
fail with a message saying what to run.
"""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from tests.backends import PRODUCT_BACKENDS, open_graph
from tests.engines import JANUSGRAPH, TINKERGRAPH, EngineProcess, EngineSpec, Neo4jProcess, running


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In shuffled-iteration mode (``STYLEGRAPH_SHUFFLE_ITERATION``), skip the tests marked
    ``insertion_order``: they assert the engine's default iteration order on purpose."""
    from stylegraph.graph.shuffle import seed_from_env

    if seed_from_env() is None:
        return
    skip = pytest.mark.skip(reason="asserts insertion order; STYLEGRAPH_SHUFFLE_ITERATION is set")
    for item in items:
        if item.get_closest_marker("insertion_order"):
            item.add_marker(skip)


def _engine(spec: EngineSpec, tmp_path_factory) -> Iterator[EngineProcess]:
    yield from running(EngineProcess(spec, tmp_path_factory.mktemp(spec.name)))


@pytest.fixture(scope="session")
def tinkergraph_server(tmp_path_factory) -> Iterator[EngineProcess]:
    """Apache TinkerPop Gremlin Server on TinkerGraph (traversal sources ``g`` and ``scratch``)."""
    yield from _engine(TINKERGRAPH, tmp_path_factory)


@pytest.fixture(scope="session")
def janusgraph_server(tmp_path_factory) -> Iterator[EngineProcess]:
    """JanusGraph Server on its in-memory backend (traversal source ``g``; GraphSON v3)."""
    yield from _engine(JANUSGRAPH, tmp_path_factory)


@pytest.fixture(params=PRODUCT_BACKENDS)
def any_g(request) -> Iterator[Any]:
    """An empty graph on each backend the product runs on (see ``tests/backends.py``)."""
    with open_graph(request.param, request) as g:
        yield g


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory) -> Iterator[Neo4jProcess]:
    """Neo4j 5.26 (the official test harness) with Bolt on an ephemeral port, auth on."""
    yield from running(Neo4jProcess(tmp_path_factory.mktemp("neo4j")))
