"""Barrier / reducing steps on the modern graph: count, sum, mean, min, max,
fold, order (global and Scope.local), group, groupCount, barrier."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Column, Order, P, Scope, T

from .support import idlist


# ---------------------------------------------------------------- count
def test_count(g):
    assert g.V().count().next() == 6
    assert g.E().count().next() == 6
    assert g.V().has("nope").count().next() == 0
    assert g.V("1").out().count().next() == 3


def test_count_local(g):
    assert g.inject([1, 2, 3]).count(Scope.local).next() == 3
    assert g.V("1").out().fold().count(Scope.local).next() == 3
    assert g.V().has_label("person").value_map().count(Scope.local).to_list() == [2, 2, 2, 2]


# ---------------------------------------------------------------- sum / mean / min / max
def test_sum(g):
    assert g.V().values("age").sum_().next() == 123
    assert g.E().values("weight").sum_().next() == pytest.approx(3.5)
    assert g.inject([1, 2, 3]).sum_(Scope.local).next() == 6


def test_sum_of_nothing_is_empty(g):
    # Sum.feature g_V_foo_sum / g_V_foo_fold_sumXlocalX
    assert g.V().values("foo").sum_().to_list() == []
    assert g.V().values("foo").fold().sum_(Scope.local).to_list() == []


def test_mean(g):
    assert g.V().values("age").mean().next() == pytest.approx(30.75)
    assert g.inject([1, 2, 3, 4]).mean(Scope.local).next() == pytest.approx(2.5)
    assert g.V().values("foo").mean().to_list() == []


def test_min_max_numbers(g):
    assert g.V().values("age").min_().next() == 27
    assert g.V().values("age").max_().next() == 35
    assert g.inject([3, 1, 2]).min_(Scope.local).next() == 1
    assert g.inject([3, 1, 2]).max_(Scope.local).next() == 3


def test_min_max_strings(g):
    assert g.V().values("name").min_().next() == "josh"
    assert g.V().values("name").max_().next() == "vadas"


def test_min_max_of_nothing_is_empty(g):
    assert g.V().values("foo").min_().to_list() == []
    assert g.V().values("foo").max_().to_list() == []


def test_reducers_per_group(g):
    # Sum.feature: g_V_hasLabelXsoftwareX_group_byXnameX_byXbothE_weight_sumX
    got = g.V().has_label("software").group().by("name").by(__.both_e().values("weight").sum_()).next()
    assert got == {"ripple": pytest.approx(1.0), "lop": pytest.approx(1.0)}


def test_sum_max_of_mixed_numbers(g):
    assert g.inject(1, 2.5).sum_().next() == pytest.approx(3.5)
    assert g.inject(1, 2.5, 2).max_().next() == pytest.approx(2.5)
    assert g.inject(1, 2.5, 2).min_().next() == 1


# ---------------------------------------------------------------- fold
def test_fold(g):
    got = g.V("1").out().values("name").fold().next()
    assert isinstance(got, list) and sorted(got) == ["josh", "lop", "vadas"]
    assert g.V().has("nope").fold().next() == []
    assert g.V().fold().count(Scope.local).next() == 6


# ---------------------------------------------------------------- order
def test_order_values(g):
    assert g.V().values("name").order().to_list() == ["josh", "lop", "marko", "peter", "ripple", "vadas"]
    assert g.V().values("age").order().by(Order.desc).to_list() == [35, 32, 29, 27]


def test_order_by_key(g):
    assert g.V().has_label("person").order().by("age").values("name").to_list() == [
        "vadas", "marko", "josh", "peter"]
    assert g.V().has_label("person").order().by("age", Order.desc).values("name").to_list() == [
        "peter", "josh", "marko", "vadas"]
    assert g.V().order().by("name", Order.asc).values("name").to_list()[0] == "josh"


def test_order_by_traversal_then_key(g):
    got = (g.V().has_label("person").order().by(__.out_e().count(), Order.desc).by("name")
           .values("name").to_list())
    assert got == ["marko", "josh", "peter", "vadas"]


def test_order_by_t_id(g):
    assert idlist(g.V().order().by(T.id, Order.desc)) == ["6", "5", "4", "3", "2", "1"]


def test_order_edges_by_weight(g):
    got = g.V("1").out_e().order().by("weight", Order.desc).in_v().values("name").to_list()
    assert got == ["josh", "vadas", "lop"]


def test_order_local_list(g):
    assert g.inject([3, 1, 2]).order(Scope.local).next() == [1, 2, 3]
    assert g.V().values("age").fold().order(Scope.local).by(Order.desc).next() == [35, 32, 29, 27]


def test_order_local_map(g):
    got = g.V().out().group_count().by("name").order(Scope.local).by(Column.values, Order.desc).next()
    assert list(got.items())[0] == ("lop", 3)
    assert dict(got) == {"lop": 3, "vadas": 1, "josh": 1, "ripple": 1}
    by_key = g.V().out().group_count().by("name").order(Scope.local).by(Column.keys).next()
    assert list(by_key) == ["josh", "lop", "ripple", "vadas"]


# ---------------------------------------------------------------- group / groupCount
def test_group_by_label_by_name(g):
    got = g.V().group().by(T.label).by("name").next()
    assert {k: sorted(v) for k, v in got.items()} == {
        "person": ["josh", "marko", "peter", "vadas"], "software": ["lop", "ripple"]}


def test_group_by_label_default_values_are_elements(g):
    got = g.V().group().by(T.label).next()
    assert {k: sorted(v.id for v in vs) for k, vs in got.items()} == {
        "person": ["1", "2", "4", "6"], "software": ["3", "5"]}


def test_group_by_count(g):
    assert g.V().group().by(T.label).by(__.count()).next() == {"person": 4, "software": 2}


def test_group_count(g):
    assert g.V().group_count().by(T.label).next() == {"person": 4, "software": 2}
    assert g.V().out().group_count().by("name").next() == {"lop": 3, "vadas": 1, "josh": 1, "ripple": 1}
    assert g.V().values("lang").group_count().next() == {"java": 2}


def test_group_count_with_element_keys(g):
    got = g.V().out().group_count().next()
    assert {v.id: n for v, n in got.items()} == {"3": 3, "2": 1, "4": 1, "5": 1}


def test_group_by_traversal_key(g):
    got = g.V().group().by(__.out_e().count()).by("name").next()
    assert {k: sorted(v) for k, v in got.items()} == {
        3: ["marko"], 0: ["lop", "ripple", "vadas"], 2: ["josh"], 1: ["peter"]}


def test_group_count_of_nothing(g):
    assert g.V().has("nope").group_count().next() == {}
    assert g.V().has("nope").group().by(T.label).next() == {}


# ---------------------------------------------------------------- barrier
def test_barrier(g):
    assert g.V().barrier().count().next() == 6
    assert ids_sorted(g.V("1").out().barrier().in_()) == ["1", "1", "1", "4", "6"]
    assert g.V().out().barrier(2).values("age").is_(P.gt(0)).count().next() == 2


def ids_sorted(t):
    return sorted(x.id for x in t)


# ---------------------------------------------------------------- unproductive by() (TinkerPop 3.6+)
def test_order_by_missing_key_filters(g):
    assert g.V().order().by("age").values("name").to_list() == ["vadas", "marko", "josh", "peter"]
    assert g.V().order().by("age", Order.desc).values("name").to_list() == [
        "peter", "josh", "marko", "vadas"]


def test_group_by_missing_key_filters(g):
    assert g.V().group().by("age").by("name").next() == {
        29: ["marko"], 27: ["vadas"], 32: ["josh"], 35: ["peter"]}


def test_order_shuffle(g):
    assert sorted(v.id for v in g.V().order().by(Order.shuffle).to_list()) == ["1", "2", "3", "4", "5", "6"]


def test_group_by_reducer(g):
    assert g.V().has_label("person").group().by(T.label).by(__.values("age").sum_()).next() == {"person": 123}
    assert g.V().group().by(T.label).by(__.values("name").order().fold()).next() == {
        "person": ["josh", "marko", "peter", "vadas"], "software": ["lop", "ripple"]}


def test_project_then_order_by_select(g):
    # Project.feature g_V_outXcreatedX_projectXa_bX_byXnameX_byXinXcreatedX_countX_order_byXselectXbX__descX_selectXaX
    got = (g.V().out("created").project("a", "b").by("name").by(__.in_("created").count())
           .order().by(__.select("b"), Order.desc).select("a").to_list())
    assert got == ["lop", "lop", "lop", "ripple"]
