"""Engine: start steps (V, E, inject), id/index/label access paths, result types."""
from __future__ import annotations

import pytest

from typing import Any

from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import P, T
from gremlin_python.structure.graph import Edge as GEdge
from gremlin_python.structure.graph import Vertex as GVertex

from stylegraph.graph.engine import prepare
from stylegraph.graph.graph import Graph
from stylegraph.graph.steps.start import GraphStep

from .engine_support import g, modern_graph_fixture, run

graph = modern_graph_fixture()


@pytest.mark.insertion_order
def test_v_returns_reference_vertices_in_insertion_order(graph):
    got = run(graph, g.V())
    assert [v.id for v in got] == ["1", "2", "3", "4", "5", "6"]
    assert all(type(v) is GVertex for v in got)
    assert got[0].label == "person" and got[2].label == "software"


def test_v_by_ids_list_and_numbers(graph):
    assert [v.id for v in run(graph, g.V("1", "4"))] == ["1", "4"]
    assert [v.id for v in run(graph, g.V(["2", "3"]))] == ["2", "3"]
    # numeric ids are looked up as their text, missing ids are skipped
    assert [v.id for v in run(graph, g.V(1, 99))] == ["1"]
    # a client-side Vertex works as an id too
    assert [v.id for v in run(graph, g.V(GVertex("6")))] == ["6"]


def test_e_returns_edges_with_endpoints(graph):
    edges = run(graph, g.E("7"))
    assert len(edges) == 1 and type(edges[0]) is GEdge
    e = edges[0]
    assert (e.id, e.label, e.outV.id, e.inV.id) == ("7", "knows", "1", "2")
    assert len(run(graph, g.E())) == 6


def test_mid_traversal_v(graph):
    # V() in the middle restarts from all vertices for each traverser
    assert run(graph, g.V("1", "2").V().count()) == [12]
    assert [v.id for v in run(graph, g.V("1").out("knows").V("3"))] == ["3", "3"]


def test_inject_values_and_lists(graph):
    assert run(graph, g.inject(1, 2, 3)) == [1, 2, 3]
    assert run(graph, g.inject([1, 2])) == [[1, 2]]
    assert run(graph, g.inject([1, 2]).unfold()) == [1, 2]
    assert run(graph, g.inject({"a": 1})) == [{"a": 1}]


def test_mid_traversal_inject_comes_first(graph):
    assert run(graph, g.V("1").values("name").inject("x")) == ["x", "marko"]


def test_has_id_within(graph):
    got = run(graph, g.V().has_id(P.within("1", "3", "42")))
    assert [v.id for v in got] == ["1", "3"]
    assert [v.id for v in run(graph, g.V().has_id("2", "4"))] == ["2", "4"]
    assert [e.id for e in run(graph, g.E().has_id(P.within(["8", "9"])))] == ["8", "9"]


def _graph_step(bytecode: Any) -> GraphStep:
    traversal_, _ = prepare(bytecode)
    step = traversal_.steps[0]
    assert isinstance(step, GraphStep)
    return step


def test_strategy_folds_has_into_start_step():
    step = _graph_step(g.V().has_label("person").has("name", "marko").out().bytecode)
    assert len(step.containers) == 2
    step = _graph_step(g.V().has("product", "sku", "x").bytecode)
    assert [c.key for c in step.containers] == [T.label, "sku"]


class _NoScan(dict):
    """A vertex dict that fails the test if anything iterates over all of it."""

    def values(self):  # type: ignore[override]
        raise AssertionError("full vertex scan")

    def __iter__(self):
        raise AssertionError("full vertex scan")


def _indexed_graph(n: int) -> Graph:
    graph = Graph(None, indexed_keys=("sku",))
    with graph.transaction():
        for i in range(n):
            graph.add_vertex("product", f"p{i}", {"sku": f"s{i}", "n": i})
            graph.add_vertex("other", f"o{i}", {"sku": f"s{i}"})
    published = graph._replicas[graph._published]  # the replica reads see
    published.vertices = _NoScan(published.vertices)
    return graph


def test_has_on_indexed_key_uses_the_index_not_a_scan():
    graph = _indexed_graph(2000)
    got = run(graph, g.V().has("product", "sku", "s1234"))
    assert [v.id for v in got] == ["p1234"]
    got = run(graph, g.V().has_label("product").has("sku", P.within("s1", "s2", "nope")))
    assert sorted(v.id for v in got) == ["p1", "p2"]
    got = run(graph, g.V().has("sku", "s7").values("n"))
    assert got == [7]
    assert [v.id for v in run(graph, g.V("o5"))] == ["o5"]


def test_has_label_only_uses_label_index():
    graph = _indexed_graph(50)
    assert run(graph, g.V().has_label("other").count()) == [50]


def test_full_scan_is_still_correct_without_index(graph):
    got = run(graph, g.V().has("age", P.gt(30)).values("name"))
    assert sorted(got) == ["josh", "peter"]


def test_access_path_is_recorded():
    graph = _indexed_graph(10)
    tr, _ = prepare(g.V().has("product", "sku", "s3").bytecode)
    from stylegraph.graph.steps.base import Context
    ctx = Context(graph)
    tr.bind(ctx)
    step = tr.steps[0]
    assert [v.id for v in step.flat_map(None)] == ["p3"]
    assert step.access == "index"


def test_child_traversal_v_in_addE_from(graph):
    got = run(graph, g.add_e("likes").from_(__.V("2")).to(__.V("3")))
    assert (got[0].outV.id, got[0].inV.id) == ("2", "3")
