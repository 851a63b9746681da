"""Side-effect steps on the modern graph: identity, sideEffect, aggregate,
store (aggregate local), group/groupCount into a side effect, cap, barrier."""
from __future__ import annotations

from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import P, Scope, T

from .support import ids


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
