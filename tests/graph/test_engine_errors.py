"""Engine: refused requests (499), evaluation errors (597) and timeouts (598)."""
from __future__ import annotations

import time

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.strategies import OptionsStrategy
from gremlin_python.process.traversal import Bytecode, T, TraversalStrategy

from stylegraph.graph.engine import execute
from stylegraph.graph.errors import GremlinError, InvalidRequestError, TraversalTimeoutError

from .engine_support import g, modern_graph_fixture, run

graph = modern_graph_fixture()


def test_unknown_step_is_499_and_named(graph):
    bc = Bytecode()
    bc.add_step("V")
    bc.add_step("frobnicate", 1)
    with pytest.raises(InvalidRequestError, match="frobnicate") as info:
        execute(graph, bc)
    assert info.value.code == 499


def test_lambda_is_refused(graph):
    with pytest.raises(InvalidRequestError, match="lambda") as info:
        run(graph, g.V().filter_(lambda: "it.get().value('age') > 30"))
    assert info.value.code == 499
    with pytest.raises(InvalidRequestError, match="map"):
        run(graph, g.V().map(lambda x: x))


def test_wrong_argument_types_name_the_step(graph):
    with pytest.raises(InvalidRequestError, match="limit"):
        run(graph, g.V().limit("ten"))
    with pytest.raises(InvalidRequestError, match="out"):
        run(graph, g.V().out(7))
    with pytest.raises(InvalidRequestError, match="values"):
        run(graph, g.V().values(T.id))
    with pytest.raises(InvalidRequestError, match="project"):
        run(graph, g.V().project())
    with pytest.raises(InvalidRequestError, match="by"):
        run(graph, g.V().out().by("name"))
    with pytest.raises(InvalidRequestError, match="has"):
        run(graph, g.V().has(1, 2))


def test_modulator_without_step(graph):
    bc = Bytecode()
    bc.add_step("by", "name")
    with pytest.raises(InvalidRequestError, match="by"):
        execute(graph, bc)


def test_unsupported_strategy_and_source(graph):
    unknown = TraversalStrategy(strategy_name="NoSuchStrategy")
    with pytest.raises(InvalidRequestError, match="NoSuchStrategy is not supported"):
        execute(graph, g.with_strategies(unknown).V().bytecode)
    with pytest.raises(InvalidRequestError, match="withComputer"):
        execute(graph, g.with_computer().V().bytecode)


def test_evaluation_errors_are_597(graph):
    with pytest.raises(GremlinError) as info:
        run(graph, g.V().values("name").out())
    assert info.value.code == 597 and "out" in str(info.value)
    with pytest.raises(GremlinError) as info:
        run(graph, g.V().values("name").sum_())
    assert info.value.code == 597


def test_deadline_already_passed(graph):
    with pytest.raises(TraversalTimeoutError) as info:
        run(graph, g.V(), deadline=time.monotonic() - 1)
    assert info.value.code == 598


def test_runaway_traversal_times_out_and_rolls_back(graph):
    t = g.add_v("tmp").property(T.id, "t1").V().repeat(__.both()).times(14).path().count()
    started = time.monotonic()
    with pytest.raises(TraversalTimeoutError):
        run(graph, t, deadline=time.monotonic() + 0.1)
    assert time.monotonic() - started < 5
    assert graph.vertex("t1") is None


def test_evaluation_timeout_option_shortens_the_deadline(graph):
    t = g.with_("evaluationTimeout", 50).V().repeat(__.both()).times(14).path().count()
    started = time.monotonic()
    with pytest.raises(TraversalTimeoutError):
        run(graph, t, deadline=time.monotonic() + 60)
    assert time.monotonic() - started < 5
    # the same option through withStrategies(OptionsStrategy)
    t = g.with_strategies(OptionsStrategy({"evaluationTimeout": 50})).V().repeat(__.both()).times(14).path()
    with pytest.raises(TraversalTimeoutError):
        run(graph, t.count())


def test_options_strategy_without_timeout_is_accepted(graph):
    assert execute(graph, g.with_("foo", 1).V().count().bytecode) == [6]


def test_non_bytecode_input_is_refused(graph):
    with pytest.raises(InvalidRequestError):
        execute(graph, "g.V()")  # type: ignore[arg-type]


def test_spawned_child_traversal_is_refused(graph):
    bc = Bytecode()
    child = Bytecode()
    child.add_source("withSack", 1)
    child.add_step("out")
    bc.add_step("V")
    bc.add_step("local", child)
    with pytest.raises(InvalidRequestError, match="anonymous"):
        execute(graph, bc)


def test_read_only_strategy_refuses_writes(graph):
    from gremlin_python.process.strategies import ReadOnlyStrategy
    ro = g.with_strategies(ReadOnlyStrategy())
    assert execute(graph, ro.V().count().bytecode) == [6]
    with pytest.raises(InvalidRequestError, match="ReadOnlyStrategy"):
        execute(graph, ro.V("1").property("age", 1).bytecode)
    with pytest.raises(InvalidRequestError, match="addV"):
        execute(graph, ro.inject(1).union(__.add_v("x")).bytecode)
    assert graph.vertex("1").properties["age"] == [29]
