"""Barrier / reducing steps on the modern graph: count, sum, mean, min, max,
fold, order (global and Scope.local), group, groupCount, barrier."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Column, Order, P, Scope, T

from .support import check_scenario, deviation, idlist, m


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


# ---------------------------------------------------------------- Order.feature scenarios
ORDER_SCENARIOS = {
    "name_order": (lambda g: g.V().values("name").order(),
                   ["josh", "lop", "marko", "peter", "ripple", "vadas"], "ordered"),
    "order_by_name_asc": (lambda g: g.V().order().by("name", Order.asc).values("name"),
                          ["josh", "lop", "marko", "peter", "ripple", "vadas"], "ordered"),
    "out_e_by_weight_desc": (lambda g: g.V().out_e().order().by("weight", Order.desc).values("weight"),
                             [1.0, 1.0, 0.5, 0.4, 0.4, 0.2], "ordered"),
    "shuffle_select": (lambda g: g.V().as_("a").out("created").as_("b").order().by(Order.shuffle)
                       .select("a", "b"),
                       [m(a="1", b="3"), m(a="6", b="3"), m(a="4", b="5"), m(a="4", b="3")], "unordered"),
    "both_person_by_age_desc_limit5": (lambda g: g.V().both().has_label("person").order().by("age", Order.desc)
                                       .limit(5).values("name"),
                                       ["peter", "josh", "josh", "josh", "marko"], "ordered"),
    "properties_by_key_desc": (lambda g: g.V().properties().order().by(T.key, Order.desc).key(),
                               ["name"] * 6 + ["lang"] * 2 + ["age"] * 4, "ordered"),
    "group_by_name_order_desc_fold": (lambda g: g.V().group().by(T.label)
                                      .by(__.values("name").order().by(Order.desc).fold()),
                                      [{"software": ["ripple", "lop"], "person": ["vadas", "peter", "marko", "josh"]}],
                                      "ordered"),
    "fold_order_local_by_age_persons": (lambda g: g.V().has_label("person").fold().order(Scope.local).by("age"),
                                        [["2", "1", "4", "6"]], "ordered"),
    "both_person_by_age_desc": (lambda g: g.V().both().has_label("person").order().by("age", Order.desc)
                                .values("name"),
                                ["peter", "josh", "josh", "josh", "marko", "marko", "marko", "vadas"], "ordered"),
    # ties (three vertices without out-edges) broken by id: their order is otherwise unpromised
    "by_out_e_count_desc": (lambda g: g.V().order().by(__.out_e().count(), Order.desc).by(T.id),
                            ["1", "4", "6", "2", "3", "5"], "ordered"),
    "persons_by_age": (lambda g: g.V().has_label("person").order().by("age"), ["2", "1", "4", "6"], "ordered"),
    "all_by_age": (lambda g: g.V().order().by("age"), ["2", "1", "4", "6"], "ordered"),
    "fold_order_local_by_age": (lambda g: g.V().fold().order(Scope.local).by("age"),
                                [["2", "1", "4", "6"]], "ordered"),
    "fold_order_local_by_age_desc": (lambda g: g.V().fold().order(Scope.local).by("age", Order.desc),
                                     [["6", "4", "1", "2"]], "ordered"),
    "or_then_by_age": (lambda g: g.V().or_(__.has_label("person"), __.has("software", "name", "lop"))
                       .order().by("age"),
                       ["2", "1", "4", "6"], "ordered"),
}


@pytest.mark.parametrize("name", list(ORDER_SCENARIOS))
def test_feature_order(g, name):
    traversal, expected, mode = ORDER_SCENARIOS[name]
    check_scenario(traversal(g).to_list(), expected, mode)


def test_feature_order_local_map_by_values(g):
    # Order.feature g_V_hasLabelXpersonX_group_byXnameX_byXoutE_weight_sumX_orderXlocalX_byXvaluesX
    got = (g.V().has_label("person").group().by("name").by(__.out_e().values("weight").sum_())
           .order(Scope.local).by(Column.values).next())
    assert [(k, round(v, 6)) for k, v in got.items()] == [("peter", 0.2), ("josh", 1.4), ("marko", 1.9)]


def test_feature_unfold_order_by_values_desc(g):
    got = (g.V().has_label("person").group().by("name").by(__.out_e().values("weight").sum_())
           .unfold().order().by(Column.values, Order.desc).to_list())
    assert [[(k, round(v, 6)) for k, v in e.items()] for e in got] == [
        [("marko", 1.9)], [("josh", 1.4)], [("peter", 0.2)]]


def test_feature_order_by_select_of_local_sum(g):
    # Order.feature g_V_asXvX_mapXbothE_weight_foldX_sumXlocalX_asXsX_selectXv_sX_order_byXselectXsX_descX
    got = (g.V().as_("v").map(__.both_e().values("weight").fold()).sum_(Scope.local).as_("s")
           .select("v", "s").order().by(__.select("s"), Order.desc).to_list())
    assert [round(r["s"], 6) for r in got] == [2.4, 1.9, 1.0, 1.0, 0.5, 0.2]
    assert [r["v"].id for r in got][:2] == ["4", "1"] and [r["v"].id for r in got][4:] == ["2", "6"]


# ---------------------------------------------------------------- Group.feature scenarios
class _V:
    """A vertex key in an expected map (normalises like a result vertex: ``v[id]``)."""

    def __init__(self, id):
        self.id = id

    def __repr__(self):
        return f"v[{self.id}]"


GROUP_SCENARIOS = {
    "by_name": (lambda g: g.V().group().by("name"),
                [{"ripple": ["5"], "peter": ["6"], "vadas": ["2"], "josh": ["4"], "lop": ["3"], "marko": ["1"]}]),
    "by_age": (lambda g: g.V().group().by("age"), [{35: ["6"], 27: ["2"], 32: ["4"], 29: ["1"]}]),
    "by_name_by_age": (lambda g: g.V().group().by("name").by("age"),
                       [{"ripple": [], "peter": [35], "vadas": [27], "josh": [32], "lop": [], "marko": [29]}]),
    "by_name_by_identity": (lambda g: g.V().group().by("name").by(),
                            [{"ripple": ["5"], "peter": ["6"], "vadas": ["2"], "josh": ["4"], "lop": ["3"],
                              "marko": ["1"]}]),
    "by_lang_by_count": (lambda g: g.V().has("lang").group().by("lang").by(__.count()), [{"java": 2}]),
    "select_person_unfold": (lambda g: g.V().out().group().by(T.label).select("person").unfold().out("created")
                             .values("name").limit(2),
                             ["ripple", "lop"]),
    "nested_group_side_effect_in_value": (lambda g: g.V().group().by(T.label).by(
        __.both_e().group("a").by(T.label).by(__.values("weight").sum_()).values("weight").sum_()),
        [{"software": 2.0, "person": 5.0}]),
    "select_path_label_sum": (lambda g: g.V().has_label("person").as_("p").out("created").group().by("name")
                              .by(__.select("p").values("age").sum_()),
                              [{"ripple": 32, "lop": 96}]),
    "by_label_step_count": (lambda g: g.V().group().by(__.label()).by(__.label().count()),
                            [{"software": 2, "person": 4}]),
    "value_out_order_fold": (lambda g: g.V().has("person", "name", P.within("vadas", "peter")).group().by()
                             .by(__.out().order().fold()),
                             # TinkerGraph 3.7: a key whose values never reach the collecting
                             # barrier (order) is left out; by(out().fold()) keeps it as []
                             [{_V("6"): ["3"]}]),
    "value_out_fold": (lambda g: g.V().has("person", "name", P.within("vadas", "peter")).group().by()
                       .by(__.out().fold()),
                       [{_V("2"): [], _V("6"): ["3"]}]),
    "value_out_order_unproductive_filters": (lambda g: g.V().has("person", "name", P.within("vadas", "peter"))
                                             .group().by().by(__.out().order()),
                                             [{_V("6"): "3"}]),
    "value_out_order_count": (lambda g: g.V().has("person", "name", P.within("vadas", "peter")).group().by()
                              .by(__.out().order().count()),
                              [{_V("6"): 1}]),
    "value_out_order_fold_count_local": (lambda g: g.V().has("person", "name", P.within("vadas", "peter"))
                                         .group().by().by(__.out().order().fold().count(Scope.local)),
                                         [{_V("6"): 1}]),
    "values_unfold_order_local": (lambda g: g.V().group().by().by(__.out().label().fold()).select(Column.values)
                                  .unfold().order(Scope.local),
                                  [["person", "person", "software"], [], [], ["software", "software"], [],
                                   ["software"]]),
    "values_dedup_fold": (lambda g: g.V().group().by().by(__.out().label().dedup().fold()).select(Column.values)
                          .unfold().order(Scope.local),
                          [["person", "software"], ["software"], ["software"]]),
    "values_limit0_fold": (lambda g: g.V().group().by().by(__.out().label().limit(0).fold()).select(Column.values)
                           .unfold(),
                           []),
    "values_limit10_fold": (lambda g: g.V().group().by().by(__.out().label().limit(10).fold())
                            .select(Column.values).unfold().order(Scope.local),
                            [["person", "person", "software"], ["software", "software"], ["software"]]),
    "values_tail10_fold": (lambda g: g.V().group().by().by(__.out().label().tail(10).fold())
                           .select(Column.values).unfold().order(Scope.local),
                           [["person", "person", "software"], ["software", "software"], ["software"]]),
    "local_side_effect_select_count_local": (lambda g: g.V().local(__.group("a").by("name").by().select("a")
                                                                   .count(Scope.local)),
                                             [1, 2, 3, 4, 5, 6]),
    "by_values_by_both_count": (lambda g: g.V().group().by(__.values("name")).by(__.both().count()),
                                [{"marko": 3, "vadas": 1, "lop": 3, "josh": 3, "ripple": 1, "peter": 1}]),
}


GROUP_DEVIATIONS = {
    "values_limit10_fold": deviation("TinkerGraph fails group() by(... limit(n).fold())", "tinkergraph"),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=GROUP_DEVIATIONS.get(n, ())) for n in GROUP_SCENARIOS])
def test_feature_group(g, name):
    traversal, expected = GROUP_SCENARIOS[name]
    check_scenario(traversal(g).to_list(), expected)


def test_feature_group_by_out_e_count_by_name(g):
    got = g.V().order().by("name").group().by(__.out_e().count()).by("name").next()
    assert {k: sorted(v) for k, v in got.items()} == {0: ["lop", "ripple", "vadas"], 1: ["peter"],
                                                      2: ["josh"], 3: ["marko"]}


def test_feature_group_side_effect_seeded_by_with_side_effect(g):
    got = (g.with_side_effect("a", {"marko": ["666"], "noone": ["blah"]}).V()
           .group("a").by("name").by(__.out_e().label().fold()).cap("a").unfold()
           .group().by(Column.keys).by(__.select(Column.values).order(Scope.local).by(Order.asc)).next())
    assert got == {"ripple": [], "peter": ["created"], "noone": ["blah"], "vadas": [],
                   "josh": ["created", "created"], "lop": [], "marko": ["666", "created", "knows", "knows"]}
