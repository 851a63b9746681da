"""Side-effect steps on the modern graph: identity, sideEffect, aggregate,
store (aggregate local), group/groupCount into a side effect, cap, barrier."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Column, P, Scope, T

from .support import check_scenario, deviation, ids, raises_gremlin


def test_identity(g):
    assert g.V().identity().count().next() == 6
    assert ids(g.V("1").identity()) == ["1"]


def test_side_effect_does_not_change_the_stream(g):
    assert g.V("1").side_effect(__.out()).values("name").to_list() == ["marko"]
    assert g.V().side_effect(__.has("nope")).count().next() == 6


def test_side_effect_with_aggregate_inside(g):
    got = g.V("1").side_effect(__.out().aggregate("x")).cap("x").next()
    assert sorted(v.id for v in got) == ["2", "3", "4"]


def test_aggregate_cap(g):
    got = g.V().out("created").aggregate("x").cap("x").next()
    assert sorted(v.id for v in got) == ["3", "3", "3", "5"]


def test_aggregate_by(g):
    got = g.V().has_label("person").aggregate("x").by("age").cap("x").next()
    assert sorted(got) == [27, 29, 32, 35]


def test_aggregate_is_a_barrier(g):
    # every vertex is in x before the first traverser goes on
    assert g.V().aggregate("x").limit(1).select("x").count(Scope.local).next() == 6


def test_aggregate_then_without(g):
    # the classic "what else did my co-creators create" query
    got = (g.V("1").out("created").aggregate("x").in_("created").out("created")
           .where(P.without("x")).values("name").to_list())
    assert got == ["ripple"]


def test_store(g):
    got = g.V().has_label("person").store("x").by("name").cap("x").next()
    assert sorted(got) == ["josh", "marko", "peter", "vadas"]


def test_aggregate_local(g):
    got = g.V().has_label("software").aggregate(Scope.local, "x").by("name").cap("x").next()
    assert sorted(got) == ["lop", "ripple"]


def test_group_count_side_effect(g):
    assert g.V().group_count("m").by(T.label).cap("m").next() == {"person": 4, "software": 2}
    # the stream itself is untouched
    assert g.V().group_count("m").by(T.label).count().next() == 6


def test_group_side_effect(g):
    got = g.V().group("m").by(T.label).by("name").cap("m").next()
    assert {k: sorted(v) for k, v in got.items()} == {
        "person": ["josh", "marko", "peter", "vadas"], "software": ["lop", "ripple"]}


def test_cap_several(g):
    got = g.V().aggregate("a").by(T.label).group_count("b").by(T.label).cap("a", "b").next()
    assert sorted(got["a"]) == ["person"] * 4 + ["software"] * 2
    assert got["b"] == {"person": 4, "software": 2}


def test_side_effect_read_by_where(g):
    # vertices marko created software with, read back from an aggregate
    got = (g.V("1").aggregate("me").out("created").in_("created")
           .where(P.without("me")).values("name").to_list())
    assert sorted(got) == ["josh", "peter"]


def test_barrier_keeps_results(g):
    assert sorted(g.V().has_label("person").barrier().values("name").to_list()) == [
        "josh", "marko", "peter", "vadas"]


# ---------------------------------------------------------------- side effects shared across steps
def test_group_count_side_effect_accumulates_over_two_steps(g):
    got = g.V().group_count("m").by("name").out().group_count("m").by("name").cap("m").next()
    assert got == {"marko": 1, "vadas": 2, "lop": 4, "josh": 2, "ripple": 2, "peter": 1}


def test_group_count_side_effect_inside_side_effect(g):
    assert g.V().side_effect(__.group_count("m").by(T.label)).cap("m").next() == {"person": 4, "software": 2}
    got = g.V().side_effect(__.out().group_count("m").by("name")).cap("m").next()
    assert got == {"lop": 3, "vadas": 1, "josh": 1, "ripple": 1}


def test_group_count_side_effect_inside_local(g):
    got = g.V().local(__.group_count("m").by("name")).cap("m").next()
    assert got == {n: 1 for n in ("marko", "vadas", "lop", "josh", "ripple", "peter")}


def test_group_side_effect_inside_local(g):
    got = g.V().local(__.group("m").by(T.label).by("name")).cap("m").next()
    assert {k: sorted(v) for k, v in got.items()} == {
        "person": ["josh", "marko", "peter", "vadas"], "software": ["lop", "ripple"]}


def test_group_side_effect_accumulates_over_two_steps(g):
    got = g.V().group("m").by(T.label).by("name").out().group("m").by(T.label).by("name").cap("m").next()
    assert {k: sorted(v) for k, v in got.items()} == {
        "person": sorted(["marko", "vadas", "josh", "peter", "vadas", "josh"]),
        "software": sorted(["lop", "ripple", "lop", "ripple", "lop", "lop"])}


def test_aggregate_inside_local_accumulates(g):
    got = g.V().local(__.aggregate("x")).cap("x").next()
    assert sorted(v.id for v in got) == ["1", "2", "3", "4", "5", "6"]


# ---------------------------------------------------------------- GroupCount.feature scenarios
_NAMES12 = ["lop"] * 3 + ["peter"] + ["marko"] * 3 + ["ripple", "vadas"] + ["josh"] * 3

GROUP_COUNT_SCENARIOS = {
    "created_by_name": (lambda g: g.V().out("created").group_count().by("name"), [{"ripple": 1, "lop": 3}]),
    "by_age": (lambda g: g.V().group_count().by("age"), [{27: 1, 29: 1, 32: 1, 35: 1}]),
    "created_names": (lambda g: g.V().out("created").values("name").group_count(), [{"ripple": 1, "lop": 3}]),
    "side_effect_by_name_cap": (lambda g: g.V().out("created").group_count("a").by("name").cap("a"),
                                [{"ripple": 1, "lop": 3}]),
    "side_effect_names_cap": (lambda g: g.V().out("created").values("name").group_count("a").cap("a"),
                              [{"ripple": 1, "lop": 3}]),
    "inside_repeat": (lambda g: g.V().repeat(__.out().group_count("a").by("name")).times(2).cap("a"),
                      [{"ripple": 2, "lop": 4, "josh": 1, "vadas": 1}]),
    "barrier_where_select": (lambda g: g.V().both().group_count("a").by(T.label).as_("b").barrier()
                             .where(__.select("a").select("software").is_(P.gt(2))).select("b").values("name"),
                             _NAMES12),
    "union_values_sum": (lambda g: g.V().union(__.out("knows"), __.out("created").in_("created")).group_count()
                         .select(Column.values).unfold().sum_(),
                         [12]),
    "empty": (lambda g: g.V().has("no").group_count(), [{}]),
    "empty_side_effect": (lambda g: g.V().has("no").group_count("a").cap("a"), [{}]),
    "union_of_repeats_into_one_key": (lambda g: g.V().union(
        __.repeat(__.out()).times(2).group_count("m").by("lang"),
        __.repeat(__.in_()).times(2).group_count("m").by("name")).cap("m"),
        [{"marko": 2, "java": 2}]),
    "vertex_keys": (lambda g: g.V().out("created").group_count("x").cap("x"),
                    [{"5": 1, "3": 3}]),
    "by_both_e_count": (lambda g: g.V().group_count().by(__.both_e().count()), [{1: 3, 3: 3}]),
    "local_group_count_twice": (lambda g: g.V().both().local(__.group_count("a")).out().cap("a")
                                .select(Column.keys).unfold().both().local(__.group_count("a")).cap("a"),
                                [{"1": 6, "2": 2, "3": 6, "4": 6, "5": 2, "6": 2}]),
    "local_side_effect_select_count_local": (lambda g: g.V().local(__.group_count("a").select("a")
                                                                   .count(Scope.local)),
                                             [1, 2, 3, 4, 5, 6]),
}


def _vertex_keys_to_ids(results):
    out = []
    for r in results:
        if isinstance(r, dict):
            r = {(k.id if hasattr(k, "id") else k): v for k, v in r.items()}
        out.append(r)
    return out


@pytest.mark.parametrize("name", list(GROUP_COUNT_SCENARIOS))
def test_feature_group_count(g, name):
    traversal, expected = GROUP_COUNT_SCENARIOS[name]
    check_scenario(_vertex_keys_to_ids(traversal(g).to_list()), expected)


@deviation("groupCount() takes one by()", "tinkergraph")
def test_feature_group_count_takes_one_by(g):
    with raises_gremlin():
        g.V().out("created").group_count().by("name").by("age").to_list()
    # TinkerPop says "GroupCount step can only have one by modulator"; any clear message naming by() will do
    with raises_gremlin("by"):
        g.V().out("created").group_count("x").by("name").by("age").to_list()
    assert g.V().count().next() == 6


# ---------------------------------------------------------------- Aggregate.feature scenarios
# "next": the first result is the collection to compare (the feature's "iterated next")
_ALL6 = ["marko", "josh", "peter", "lop", "vadas", "ripple"]

AGGREGATE_SCENARIOS = {
    "names_cap": (lambda g: g.V().values("name").aggregate("x").cap("x"), _ALL6, "next"),
    "global_scope_cap": (lambda g: g.V().values("name").aggregate(Scope.global_, "x").cap("x"), _ALL6, "next"),
    "by_name_cap": (lambda g: g.V().aggregate("x").by("name").cap("x"), _ALL6, "next"),
    "out_aggregate_path": (lambda g: g.V().out().aggregate("a").path(),
                           [["1", "3"], ["1", "2"], ["1", "4"], ["4", "5"], ["4", "3"], ["6", "3"]], "list"),
    "cap_as_select": (lambda g: g.V().has_label("person").aggregate("x").by("age").cap("x").as_("y").select("y"),
                      [29, 27, 32, 35], "next"),
    "by_age_unproductive_filtered": (lambda g: g.V().aggregate("x").by("age").cap("x"), [29, 27, 32, 35], "next"),
    "local_by_age": (lambda g: g.V().aggregate(Scope.local, "x").by("age").cap("x"), [29, 27, 32, 35], "next"),
    "local_then_out_cap": (lambda g: g.V().aggregate(Scope.local, "a").by("name").out().cap("a"), _ALL6, "next"),
    "local_twice": (lambda g: g.V("1").aggregate(Scope.local, "a").by("name").out().aggregate(Scope.local, "a")
                    .by("name").values("name").cap("a"),
                    ["marko", "vadas", "lop", "josh"], "next"),
    "local_by_traversals": (lambda g: g.V().aggregate(Scope.local, "a").by(__.out_e("created").count()).out().out()
                            .aggregate(Scope.local, "a").by(__.in_e("created").values("weight").sum_()).cap("a"),
                            [1, 1, 0, 0, 0, 2, 1.0, 1.0], "next"),
    "by_filtering_traversal": (lambda g: g.V().aggregate("x").by(__.values("age").is_(P.gt(29))).cap("x"),
                               [32, 35], "next"),
    "by_out_order_first": (lambda g: g.V().aggregate("x").by(__.out().order().by("name")).cap("x"),
                           ["4", "3", "3"], "next"),
    "aggregate_before_filter": (lambda g: g.V().aggregate("a").has("person", "age", P.gte(30)).cap("a").unfold()
                                .values("name"),
                                _ALL6, "list"),
}


@pytest.mark.parametrize("name", list(AGGREGATE_SCENARIOS))
def test_feature_aggregate(g, name):
    traversal, expected, mode = AGGREGATE_SCENARIOS[name]
    got = traversal(g).next() if mode == "next" else traversal(g).to_list()
    check_scenario(list(got), expected)


@pytest.mark.parametrize("initial,op,expected", [
    (1, "sum_", 124), (123, "minus", 0), (2, "mult", 1753920), (876960, "div", 1),
    (1, "min_", 1), (100, "min_", 27), (1, "max_", 35), (100, "max_", 100),
])
def test_with_side_effect_reducer(g, initial, op, expected):
    from gremlin_python.process.traversal import Operator

    reducer = getattr(Operator, op)
    assert g.with_side_effect("a", initial, reducer).V().aggregate("a").by("age").cap("a").next() == expected
    assert g.with_side_effect("a", initial, reducer).V().aggregate(Scope.local, "a").by("age") \
        .cap("a").next() == expected


def test_with_side_effect_reducer_on_collections(g):
    from gremlin_python.process.traversal import Operator, Order

    got = g.with_side_effect("a", [1, 2, 3], Operator.addAll).V().aggregate("a").by("age").cap("a").next()
    assert sorted(got) == [1, 2, 3, 27, 29, 32, 35]
    got = g.with_side_effect("a", [1, 2, 3], Operator.assign).V().aggregate("a").by("age").cap("a").next()
    assert sorted(got) == [27, 29, 32, 35]
    got = g.with_side_effect("a", [1, 2, 3], Operator.assign).V().order().by("age", Order.asc) \
        .aggregate(Scope.local, "a").by("age").cap("a").next()
    assert list(got) == [35]
    assert g.with_side_effect("a", True, Operator.and_).V().constant(False).aggregate("a").cap("a").next() is False
    # a set as the initial value keeps set semantics
    got = g.with_side_effect("a", set()).V().both().values("name").aggregate(Scope.local, "a").cap("a").next()
    assert sorted(got) == ["josh", "lop", "marko", "peter", "ripple", "vadas"]
