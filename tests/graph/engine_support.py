"""Helpers shared by the in-process engine tests (``test_engine_*.py``).

``g`` builds bytecode only (no connection); :func:`run` executes it with the
real engine; :func:`modern_graph_fixture` makes a module's ``graph`` fixture
(TinkerPop's "modern" toy graph), per module or per test::

    from .engine_support import g, modern_graph_fixture, run

    graph = modern_graph_fixture("module")
"""
from __future__ import annotations

import threading
import uuid
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


class _RolledBack(Exception):
    """Raised inside :func:`write_open`'s transaction to undo it."""


@contextmanager
def write_open(graph: Any, *, commit: bool = True) -> Iterator[tuple[threading.Event, str]]:
    """Another thread holds a write transaction open on ``graph`` for the block (as a long
    write traversal would), having added a vertex it has not committed. The block gets
    ``(release, vertex_id)``: setting ``release`` (or leaving the block) ends the
    transaction, committing the vertex, or undoing it with ``commit=False``."""
    held, release = threading.Event(), threading.Event()
    vertex_id = f"uncommitted-{uuid.uuid4()}"
    failed: list[BaseException] = []

    def writer() -> None:
        try:
            with graph.transaction():
                graph.add_vertex("pending", vertex_id, {"name": "pending"})
                held.set()
                release.wait(10)
                if not commit:
                    raise _RolledBack()
        except _RolledBack:
            pass
        except BaseException as exc:  # reported to the test below
            failed.append(exc)
            held.set()

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        assert held.wait(5), "the writer thread did not start its transaction"
        assert not failed, failed
        yield release, vertex_id
    finally:
        release.set()
        thread.join(5)
    assert not thread.is_alive() and not failed, failed
