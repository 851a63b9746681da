"""The engine's quick path (``try_quick``): it never waits for a write, never builds an index;
and when a traversal backs off."""
from __future__ import annotations

import time

import pytest
from gremlin_python.process.graph_traversal import __

from stylegraph.graph import engine, limits as limits_mod
from stylegraph.graph.errors import GremlinError
from stylegraph.graph.fixtures import load_grateful_like
from stylegraph.graph.graph import Graph
from stylegraph.graph.limits import Limits
from tests.graph.engine_support import write_open
from tests.graph.test_server_protocol import bytecode_of


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_grateful_like(Graph(None))


def _quick(graph: Graph, build, limits: Limits | None = None, slice_s: float = 0.5, max_results: int = 64):
    return engine.try_quick(graph, bytecode_of(build), limits or Limits(), slice_s=slice_s,
                            max_results=max_results)


def test_a_short_read_gives_what_execute_gives(graph: Graph) -> None:
    build = lambda g: g.V("song3").out().limit(10).id_()  # noqa: E731
    expected = engine.execute(graph, bytecode_of(build))
    assert expected and _quick(graph, build) == expected
    assert _quick(graph, lambda g: g.V("nobody").out()) == []


def test_writes_are_not_evaluated_quickly(graph: Graph) -> None:
    before = len(graph.vertices)
    assert _quick(graph, lambda g: g.add_v("person").property("name", "quick")) is None
    assert len(graph.vertices) == before


def test_more_results_than_one_batch_are_left_to_a_worker(graph: Graph) -> None:
    assert _quick(graph, lambda g: g.V().limit(5), max_results=5) is not None
    assert _quick(graph, lambda g: g.V().limit(6), max_results=5) is None


def test_past_its_slice_a_read_is_abandoned_and_its_limits_still_serve(graph: Graph) -> None:
    limits = Limits(deadline=time.monotonic() + 30)
    long = lambda g: g.V().repeat(__.out()).times(6).path().count()  # noqa: E731
    started = time.monotonic()
    assert _quick(graph, long, limits, slice_s=0.02) is None
    assert time.monotonic() - started < 1.0  # stopped at the slice, not at the deadline
    assert limits.slice_end is None and graph.readers == 0
    assert engine.execute(graph, bytecode_of(lambda g: g.V("song1").count()), limits=limits) == [1]


def test_a_quick_read_answers_during_an_open_write_and_sees_only_what_was_committed() -> None:
    graph = load_grateful_like(Graph(None))
    with write_open(graph) as (release, pending):
        started = time.monotonic()
        assert _quick(graph, lambda g: g.V("song1").id_()) == ["song1"]
        assert _quick(graph, lambda g: g.V(pending).count()) == [0]
        assert time.monotonic() - started < 0.5
        release.set()
    assert _quick(graph, lambda g: g.V(pending).values("name")) == ["pending"]


def test_gremlin_errors_come_out_of_the_quick_path(graph: Graph) -> None:
    with pytest.raises(GremlinError):
        _quick(graph, lambda g: g.V().math("1 +"))


def test_a_traversal_backs_off_only_after_evaluating_long(monkeypatch) -> None:
    """Time a request spent queued does not count: the back-off starts LONG_RUNNING_S after begin()."""
    sleeps: list[float] = []
    monkeypatch.setattr(limits_mod.time, "sleep", sleeps.append)
    limits = Limits(contended=lambda: True)
    limits.check(0)
    assert sleeps == []  # never begun (queued, or a check before evaluation)
    limits.begin()
    limits.check(0)
    assert sleeps == []  # just begun
    limits.evaluating_since = time.monotonic() - 2 * limits_mod.LONG_RUNNING_S
    limits.check(0)
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= limits_mod.BACK_OFF_MAX_S
    quiet = Limits(contended=lambda: False)
    quiet.evaluating_since = time.monotonic() - 2 * limits_mod.LONG_RUNNING_S
    quiet.check(0)
    assert len(sleeps) == 1  # nobody else in flight: no back-off


def test_the_quick_path_does_not_build_an_index() -> None:
    """Building an index scans every vertex: the quick path leaves that to a worker, then uses it."""
    graph = Graph(None)
    with graph.transaction():
        for i in range(20):
            graph.add_vertex("item", f"i{i}", {"colour": "red" if i % 2 else "blue"})
    build = lambda g: g.V().has("colour", "red").id_()  # noqa: E731
    assert _quick(graph, build) is None
    assert not graph.indexed("colour")
    expected = engine.execute(graph, bytecode_of(build))  # builds the index
    assert graph.indexed("colour") and len(expected) == 10
    assert _quick(graph, build) == expected
