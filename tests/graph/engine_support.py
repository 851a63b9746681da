"""Helpers shared by the in-process engine tests (``test_engine_*.py``).

``g`` builds bytecode only (no connection); :func:`run` executes it with the
real engine; :func:`modern_graph_fixture` makes a module's ``graph`` fixture
(TinkerPop's "modern" toy graph), per module or per test::

    from .engine_support import g, modern_graph_fixture, run

    graph = modern_graph_fixture("module")
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Literal

import pytest
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.structure.graph import Graph as GPGraph

from stylegraph.graph.engine import execute
from stylegraph.graph.fixtures import modern_graph
from stylegraph.graph.graph import Graph

#: a traversal source that only records bytecode
g = traversal().with_graph(GPGraph())


def run(graph: Graph, t: Any, **kw: Any) -> list:
    """The results of traversal ``t`` on ``graph`` (``kw``: execute()'s options)."""
    return execute(graph, t.bytecode, **kw)


def modern_graph_fixture(scope: Literal["function", "module"] = "function") -> Callable[[], Graph]:
    """A ``graph`` fixture giving a fresh modern graph once per ``scope``: "function"
    for tests that change the graph, "module" for read-only tests."""

    @pytest.fixture(scope=scope, name="graph")
    def graph() -> Graph:
        return modern_graph()

    return graph


def same_items(got: list, expected: list) -> bool:
    """Whether ``got`` holds the same items as ``expected`` in any order (a multiset; items may
    be unhashable or of mixed types). For results whose order Gremlin does not promise."""
    from collections import Counter

    return Counter(map(repr, got)) == Counter(map(repr, expected))


@contextmanager
def write_lock_held(graph: Any) -> Iterator[threading.Event]:
    """Another thread holds ``graph``'s write lock for the block (as a running write would),
    or until the event the block is given is set."""
    held, release = threading.Event(), threading.Event()

    def writer() -> None:
        with graph.lock.write():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        assert held.wait(5), "the writer thread did not get the lock"
        yield release
    finally:
        release.set()
        thread.join(5)
