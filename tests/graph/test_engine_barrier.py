"""Engine: reducing/barrier steps, order (incl. the top-k strategy), group, side effects."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Column, Operator, Order, Scope, T

from stylegraph.graph.engine import execute, prepare
from stylegraph.graph.steps.barrier import TopKStep

from .engine_support import g, modern_graph_fixture, run

graph = modern_graph_fixture("module")


def test_count_sum_mean_min_max(graph):
    assert run(graph, g.V().count()) == [6]
    assert run(graph, g.V().out("nope").count()) == [0]
    assert run(graph, g.V().values("age").sum_()) == [123]
    assert run(graph, g.V().values("age").mean()) == [30.75]
    assert run(graph, g.V().values("age").min_()) == [27]
    assert run(graph, g.V().values("age").max_()) == [35]
    assert run(graph, g.V().values("name").max_()) == ["vadas"]
    assert run(graph, g.E().values("weight").sum_()) == [pytest.approx(3.5)]


def test_reducers_of_nothing_produce_nothing(graph):
    # Sum.feature g_V_foo_sum: the result should be empty
    assert run(graph, g.V().values("foo").sum_()) == []
    assert run(graph, g.V().values("foo").mean()) == []
    assert run(graph, g.V().values("foo").max_()) == []


def test_local_reducers(graph):
    ages = g.V().values("age").fold()
    assert run(graph, ages.count(Scope.local)) == [4]
    assert run(graph, g.V().values("age").fold().sum_(Scope.local)) == [123]
    assert run(graph, g.V().values("age").fold().mean(Scope.local)) == [30.75]
    assert run(graph, g.V().values("age").fold().min_(Scope.local)) == [27]
    assert run(graph, g.V().values("age").fold().max_(Scope.local)) == [35]
    assert run(graph, g.V("1").value_map().count(Scope.local)) == [2]


def test_fold_and_unfold(graph):
    assert [sorted(x) for x in run(graph, g.V().values("age").fold())] == [[27, 29, 32, 35]]
    assert run(graph, g.V().out("nope").fold()) == [[]]
    assert run(graph, g.V().values("age").fold(0, Operator.sum_)) == [123]
    assert run(graph, g.V().values("age").fold().unfold().count()) == [4]


def test_order(graph):
    names = g.V().values("name")
    assert run(graph, names.order()) == ["josh", "lop", "marko", "peter", "ripple", "vadas"]
    assert run(graph, g.V().values("name").order().by(Order.desc)) == \
        ["vadas", "ripple", "peter", "marko", "lop", "josh"]
    got = run(graph, g.V().has_label("person").order().by("age", Order.desc).values("name"))
    assert got == ["peter", "josh", "marko", "vadas"]
    # multiple comparators: label asc, then name desc
    got = run(graph, g.V().order().by(T.label).by("name", Order.desc).values("name"))
    assert got == ["vadas", "peter", "marko", "josh", "ripple", "lop"]
    # by(traversal): number of out-edges, then name
    got = run(graph, g.V().order().by(__.out_e().count(), Order.desc).by("name").values("name"))
    assert got == ["marko", "josh", "peter", "lop", "ripple", "vadas"]
    # elements without the key are dropped by order().by(key)
    assert run(graph, g.V().order().by("age").values("name")) == ["vadas", "marko", "josh", "peter"]


def test_order_mixed_types_uses_orderability(graph):
    got = run(graph, g.inject("b", 2, None, True, 1.5, "a").order())
    assert got == [None, True, 1.5, 2, "a", "b"]


def test_order_shuffle_keeps_all(graph):
    got = run(graph, g.V().values("name").order().by(Order.shuffle))
    assert sorted(got) == ["josh", "lop", "marko", "peter", "ripple", "vadas"]


def test_order_local(graph):
    assert run(graph, g.V().values("age").fold().order(Scope.local).by(Order.desc)) == [[35, 32, 29, 27]]
    got = run(graph, g.V().group_count().by(T.label).order(Scope.local).by(Column.values, Order.asc))
    assert list(got[0].items()) == [("software", 2), ("person", 4)]
    got = run(graph, g.V().group_count().by(T.label).order(Scope.local).by(Column.keys, Order.desc))
    assert list(got[0]) == ["software", "person"]


@pytest.mark.insertion_order
def test_top_k_strategy_and_result(graph):
    bc = g.V("1").out_e().order().by("weight", Order.desc).limit(2).bytecode
    tr, _ = prepare(bc)
    assert any(isinstance(s, TopKStep) for s in tr.steps)
    assert [e.id for e in execute(graph, bc)] == ["8", "7"]
    # ties keep insertion order like a stable sort
    got = run(graph, g.E().order().by("weight", Order.desc).limit(4))
    assert [e.id for e in got] == ["8", "10", "7", "9"]
    assert [e.id for e in run(graph, g.E().order().by("weight").limit(2))] == ["12", "9"]


def test_group(graph):
    got = run(graph, g.V().group().by(T.label).by("name"))
    assert [{k: sorted(v) for k, v in m.items()} for m in got] == [
        {"person": ["josh", "marko", "peter", "vadas"], "software": ["lop", "ripple"]}]
    got = run(graph, g.V().group().by(T.label).by(__.count()))
    assert got == [{"person": 4, "software": 2}]
    got = run(graph, g.V().group().by(T.label).by(__.values("name").fold()))
    assert sorted(got[0]["software"]) == ["lop", "ripple"]
    # a value traversal that does not reduce keeps its first result (no implicit fold)
    got = run(graph, g.V().group().by(T.label).by(__.values("name").order()))
    assert got == [{"person": "josh", "software": "lop"}]
    # each group's value traversal starts afresh (dedup state is per group)
    got = run(graph, g.V().group().by(T.label)
              .by(__.both_e().values("weight").dedup().order().fold()))
    assert got == [{"person": [0.2, 0.4, 0.5, 1.0], "software": [0.2, 0.4, 1.0]}]
    got = run(graph, g.V().group())
    assert sorted(len(v) for v in got[0].values()) == [1, 1, 1, 1, 1, 1]


def test_group_count(graph):
    assert run(graph, g.V().group_count().by(T.label)) == [{"person": 4, "software": 2}]
    assert run(graph, g.V().out().values("name").group_count()) == \
        [{"vadas": 1, "josh": 1, "lop": 3, "ripple": 1}]
    got = run(graph, g.V().out("created").group_count("x").by("name").cap("x"))
    assert got == [{"lop": 3, "ripple": 1}]


def test_group_with_list_keys_uses_tuples(graph):
    got = run(graph, g.V().has_label("software").group().by(__.in_("created").values("name").fold())
              .by("name"))
    assert [{tuple(sorted(k)): v for k, v in m.items()} for m in got] == [
        {("josh", "marko", "peter"): ["lop"], ("josh",): ["ripple"]}]
    assert all(type(k) is tuple for m in got for k in m)


def test_aggregate_store_cap(graph):
    got = run(graph, g.V().has_label("software").aggregate("x").cap("x"))
    assert sorted(v.id for v in got[0]) == ["3", "5"]
    got = run(graph, g.V().has_label("software").store("x").by("name").cap("x"))
    assert [sorted(x) for x in got] == [["lop", "ripple"]]
    # aggregate is a barrier: the whole list exists before anything moves on
    got = run(graph, g.V().values("age").aggregate("a").select("a").count(Scope.local))
    assert got == [4, 4, 4, 4]
    got = run(graph, g.V().values("age").aggregate(Scope.local, "a").select("a").count(Scope.local))
    assert got == [1, 2, 3, 4]
    # cap() emits even when nothing reaches it
    got = run(graph, g.V().has_label("software").aggregate("n").by("name")
              .aggregate("m").by(T.id).out().cap("n", "m"))
    assert [{k: sorted(v) for k, v in m.items()} for m in got] == [{"n": ["lop", "ripple"], "m": ["3", "5"]}]


def test_side_effect_and_with_side_effect(graph):
    got = execute(graph, g.with_side_effect("seen", [9])
                  .V().has_label("software").side_effect(__.values("name").store("seen"))
                  .cap("seen").bytecode)
    assert [x[0] for x in got] == [9] and [sorted(x[1:]) for x in got] == [["lop", "ripple"]]


def test_barrier_keeps_everything(graph):
    assert run(graph, g.V().barrier().count()) == [6]


def test_sack(graph):
    got = execute(graph, g.with_sack(1.0).V("1").out_e("knows")
                  .sack(Operator.mult).by("weight").in_v().sack().bytecode)
    assert sorted(got) == [0.5, 1.0]


def test_group_count_side_effect_accumulates_across_children(graph):
    got = run(graph, g.V().side_effect(__.group_count("m").by(T.label)).cap("m"))
    assert got == [{"person": 4, "software": 2}]
    got = run(graph, g.V().group_count("m").by("name").out().group_count("m").by("name").cap("m"))
    assert got == [{"marko": 1, "vadas": 2, "lop": 4, "josh": 2, "ripple": 2, "peter": 1}]
    got = run(graph, g.V("1").repeat(__.group_count("m").by(__.loops()).out()).times(3).cap("m"))
    assert got == [{0: 1, 1: 3, 2: 2}]


def test_select_keys_and_values_of_a_path(graph):
    got = run(graph, g.V("1").as_("a", "b").out().as_("c").path().select(Column.keys))
    assert got[0] == [{"a", "b"}, {"c"}]
    got = run(graph, g.V("1").out().path().select(Column.values))
    assert sorted([v.id for v in p] for p in got) == [["1", "2"], ["1", "3"], ["1", "4"]]


def test_seed_strategy_makes_randomness_repeatable(graph):
    from gremlin_python.process.strategies import SeedStrategy
    seeded = g.with_strategies(SeedStrategy(seed=7))
    # the seed fixes the shuffle of a given input order; order() first so the input is fixed too
    first = execute(graph, seeded.V().values("name").order().order().by(Order.shuffle).bytecode)
    again = execute(graph, seeded.V().values("name").order().order().by(Order.shuffle).bytecode)
    assert first == again and sorted(first) == sorted(again)
    assert execute(graph, seeded.V().order().by(T.id).sample(3).id_().bytecode) == \
        execute(graph, seeded.V().order().by(T.id).sample(3).id_().bytecode)


def test_order_across_element_types(graph):
    # orderability: vertices before edges before vertex properties
    got = run(graph, g.V("1").union(__.out_e("knows").limit(1), __.properties("age"), __.identity())
              .order())
    assert [type(x).__name__ for x in got] == ["Vertex", "Edge", "VertexProperty"]
