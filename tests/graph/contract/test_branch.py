"""Branch steps on the modern graph: coalesce, optional, union, choose (with
option and Pick), repeat with times/until/emit (before and after), local."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Order, P, Pick, T
from gremlin_python.statics import long

from .support import check_scenario, ids, m


# ---------------------------------------------------------------- coalesce / optional / union
def test_coalesce(g):
    # a multiset: TinkerGraph does not keep order()'s order through coalesce()
    got = g.V().order().by(T.id).coalesce(__.values("lang"), __.values("age")).to_list()
    assert sorted(got, key=str) == sorted([29, 27, "java", 32, "java", 35], key=str)


def test_coalesce_falls_through_to_constant(g):
    got = g.V().has_label("person").coalesce(__.values("lang"), __.constant("none")).to_list()
    assert got == ["none"] * 4


def test_coalesce_first_productive_branch_only(g):
    # Coalesce.feature: g_VX1X_coalesceXoutXknowsX_outXcreatedXX_valuesXnameX
    assert sorted(g.V("1").coalesce(__.out("knows"), __.out("created")).values("name").to_list()) == [
        "josh", "vadas"]
    assert g.V("1").coalesce(__.out("likes"), __.out("created")).values("name").to_list() == ["lop"]


def test_optional(g):
    assert ids(g.V("2").optional(__.out())) == ["2"]
    assert ids(g.V("1").optional(__.out("knows"))) == ["2", "4"]


def test_union(g):
    got = g.V("4").union(__.in_().values("name"), __.out().values("name")).to_list()
    assert sorted(got) == ["lop", "marko", "ripple"]
    assert g.V("1").union(__.out(), __.in_()).count().next() == 3
    assert g.V("1").union(__.constant(1), __.constant(2)).to_list() == [1, 2]


def test_union_as_start_of_anonymous(g):
    got = g.V("1").union(__.identity(), __.out("knows")).values("name").to_list()
    assert sorted(got) == ["josh", "marko", "vadas"]


# ---------------------------------------------------------------- choose
def test_choose_if_then_else(g):
    got = (g.V().has_label("person").project("n", "c").by("name")
           .by(__.choose(__.values("age").is_(P.gt(30)), __.constant("old"), __.constant("young")))
           .to_list())
    assert {m["n"]: m["c"] for m in got} == {
        "marko": "young", "vadas": "young", "josh": "old", "peter": "old"}


def test_choose_with_predicate(g):
    got = g.V().has_label("person").choose(__.has("age", P.gt(30)), __.values("name"), __.values("age"))
    assert sorted(got.to_list(), key=str) == [27, 29, "josh", "peter"]


def test_choose_without_false_branch_passes_through(g):
    # Choose.feature g_V_chooseXhasLabelXpersonX_and_outXcreatedX_outXknowsX_name
    got = g.V().choose(__.has_label("person").and_(__.out("created")), __.out("knows")).values("name")
    assert sorted(got.to_list()) == ["josh", "lop", "ripple", "vadas", "vadas"]


def test_choose_options(g):
    got = (g.V().has_label("person").choose(__.values("name"))
           .option("marko", __.values("age"))
           .option("josh", __.constant("J"))
           .option(Pick.none, __.constant(0)).to_list())
    assert sorted(got, key=str) == [0, 0, 29, "J"]


def test_choose_options_by_label(g):
    got = (g.V().choose(__.label())
           .option("person", __.out("knows").values("name"))
           .option("software", __.constant("sw")).to_list())
    assert sorted(got) == ["josh", "sw", "sw", "vadas"]


def test_choose_without_matching_option_drops(g):
    # TinkerPop 3.7 (TinkerGraph 3.7.5): no matching option and no Pick.none -> the
    # traverser is dropped (3.8's Choose.feature g_V_chooseXout_countX_optionX2L_nameX_optionX3L_ageX
    # lets it pass through instead)
    got = (g.V().choose(__.out().count())
           .option(long(2), __.values("name"))
           .option(long(3), __.values("age")).to_list())
    assert sorted(got, key=str) == [29, "josh"]


# ---------------------------------------------------------------- repeat
def test_repeat_times(g):
    assert ids(g.V("1").repeat(__.out()).times(2)) == ["3", "5"]
    assert sorted(g.V().repeat(__.out()).times(2).values("name").to_list()) == ["lop", "ripple"]


def test_repeat_times_path(g):
    # Repeat.feature: g_V_repeatXoutX_timesX2X_path_byXnameX
    got = g.V("1").repeat(__.out()).times(2).path().by("name").to_list()
    assert sorted(list(p.objects) for p in got) == [
        ["marko", "josh", "lop"], ["marko", "josh", "ripple"]]


def test_repeat_until(g):
    got = g.V("1").repeat(__.out()).until(__.out_e().count().is_(0))
    assert ids(got) == ["2", "3", "3", "5"]


def test_repeat_until_has(g):
    got = g.V("1").repeat(__.out()).until(__.has("name", "ripple")).path().by("name").to_list()
    assert [list(p.objects) for p in got] == [["marko", "josh", "ripple"]]


def test_until_before_repeat(g):
    # until() first: checked before each iteration (a while loop)
    assert ids(g.V("1").until(__.has_label("software")).repeat(__.out())) == ["3", "3", "5"]
    assert ids(g.V("3").until(__.has_label("software")).repeat(__.out())) == ["3"]


def test_repeat_emit_after(g):
    assert ids(g.V("1").repeat(__.out()).times(2).emit()) == ["2", "3", "3", "4", "5"]


def test_repeat_emit_before(g):
    assert ids(g.V("1").emit().repeat(__.out()).times(2)) == ["1", "2", "3", "3", "4", "5"]


def test_repeat_emit_with_predicate(g):
    # emitted: persons met on the way; the last iteration's traversers always leave the loop
    got = g.V("1").repeat(__.out()).times(2).emit(__.has_label("person")).values("name").to_list()
    assert sorted(got) == ["josh", "lop", "ripple", "vadas"]


def test_repeat_both_times_dedup(g):
    assert g.V("1").repeat(__.both()).times(2).dedup().count().next() == 5


# ---------------------------------------------------------------- local
def test_local_limit(g):
    # one out-edge per person, versus one edge overall
    assert g.V().has_label("person").local(__.out_e().limit(1)).count().next() == 3
    assert g.V().has_label("person").out_e().limit(1).count().next() == 1


def test_local_order_limit(g):
    # each person's heaviest out-edge
    got = (g.V().has_label("person").local(__.out_e().order().by("weight", Order.desc).limit(1))
           .in_v().values("name").to_list())
    assert sorted(got) == ["josh", "lop", "ripple"]


def test_local_fold(g):
    got = g.V().has_label("person").local(__.out().values("name").fold()).to_list()
    assert sorted(sorted(x) for x in got) == [[], ["josh", "lop", "vadas"], ["lop"], ["lop", "ripple"]]


def test_local_count(g):
    got = (g.V().has_label("person").project("n", "c").by("name")
           .by(__.local(__.both_e().count())).to_list())
    assert {m["n"]: m["c"] for m in got} == {"marko": 3, "vadas": 1, "josh": 3, "peter": 1}


# ---------------------------------------------------------------- Repeat.feature scenarios
def _paths(t):
    return sorted([x.id if hasattr(x, "id") else x for x in p.objects] for p in t.to_list())


def test_feature_repeat_out_times2_emit_path(g):
    assert _paths(g.V().repeat(__.out()).times(2).emit().path()) == sorted([
        ["1", "3"], ["1", "2"], ["1", "4"], ["1", "4", "5"], ["1", "4", "3"],
        ["4", "5"], ["4", "3"], ["6", "3"]])


def test_feature_repeat_out_then_repeat_in(g):
    got = g.V().repeat(__.out()).times(2).repeat(__.in_()).times(2).values("name").to_list()
    assert got == ["marko", "marko"]


def test_feature_repeat_out_e_in_v_path_by_name_by_label(g):
    got = g.V().repeat(__.out_e().in_v()).times(2).path().by("name").by(T.label)
    assert _paths(got) == [["marko", "knows", "josh", "created", "lop"],
                           ["marko", "knows", "josh", "created", "ripple"]]


def test_feature_times_before_repeat(g):
    assert sorted(g.V("1").times(2).repeat(__.out()).values("name").to_list()) == ["lop", "ripple"]


def test_feature_emit_times_repeat_path(g):
    expected = sorted([
        ["1"], ["1", "3"], ["1", "2"], ["1", "4"], ["1", "4", "5"], ["1", "4", "3"], ["2"], ["3"],
        ["4"], ["4", "5"], ["4", "3"], ["5"], ["6"], ["6", "3"]])
    assert _paths(g.V().emit().times(2).repeat(__.out()).path()) == expected
    assert _paths(g.V().emit().repeat(__.out()).times(2).path()) == expected


def test_feature_emit_predicate_before_repeat(g):
    got = g.V("1").emit(__.has(T.label, "person")).repeat(__.out()).values("name").to_list()
    assert sorted(got) == ["josh", "marko", "vadas"]


def test_feature_group_count_side_effect_inside_repeat(g):
    got = g.V().repeat(__.group_count("m").by("name").out()).times(2).cap("m").next()
    assert got == {"ripple": 2, "peter": 1, "vadas": 2, "josh": 2, "lop": 4, "marko": 1}


def test_feature_group_count_by_loops_inside_repeat(g):
    got = g.V("1").repeat(__.group_count("m").by(__.loops()).out()).times(3).cap("m").next()
    assert got == {0: 1, 1: 3, 2: 2}


def test_feature_repeat_both_times10_select_count(g):
    got = g.V().repeat(__.both()).times(10).as_("a").out().as_("b").select("a", "b").count().next()
    assert got == 43958


def test_feature_repeat_simple_path_until_path_by_name_by_label(g):
    got = (g.V().has("name", "marko").repeat(__.out_e().in_v().simple_path())
           .until(__.has("name", "ripple")).path().by("name").by(T.label))
    assert _paths(got) == [["marko", "knows", "josh", "created", "ripple"]]


def test_feature_nested_repeat_with_order_limit(g):
    got = (g.V().repeat(__.out().repeat(__.out().order().by("name", Order.desc)).times(1)).times(1)
           .limit(1).path().by("name").to_list())
    assert [list(p.objects) for p in got] == [["marko", "josh", "ripple"]]


def test_feature_until_with_nested_repeat_emit(g):
    got = (g.V().repeat(__.out("knows")).until(__.repeat(__.out("created")).emit(__.has("name", "lop")))
           .path().by("name"))
    assert _paths(got) == [["marko", "josh"]]


def test_feature_repeat_of_repeat_emit(g):
    got = g.V().repeat(__.repeat(__.out("created")).until(__.has("name", "ripple"))).emit().values("lang")
    assert got.to_list() == ["java"]
    got = (g.V().until(__.constant(True)).repeat(__.repeat(__.out("created")).until(__.has("name", "ripple")))
           .emit().values("lang"))
    assert got.to_list() == ["java", "java"]


# ---------------------------------------------------------------- Local.feature scenarios
LOCAL_SCENARIOS = {
    "select_inside_local": (lambda g: g.V().has(T.label, "person").as_("a").local(__.out("created").as_("b"))
                            .select("a", "b").by("name").by(T.id),
                            [m(a="marko", b="3"), m(a="josh", b="5"), m(a="josh", b="3"), m(a="peter", b="3")],
                            "unordered"),
    "out_e_count": (lambda g: g.V().local(__.out_e().count()), [3, 0, 0, 2, 0, 1], "unordered"),
    "out_e_knows_limit1": (lambda g: g.V("1").local(__.out_e("knows").limit(1)).in_v().values("name"),
                           (1, ["vadas", "josh"]), "of"),
    "both_e_created_limit1_other_v": (lambda g: g.V().local(__.both_e("created").limit(1)).other_v()
                                      .values("name"),
                                      (5, ["marko", "lop", "ripple", "josh", "peter"]), "of"),
    "v4_both_e_created_limit1": (lambda g: g.V("4").local(__.both_e("created").limit(1)),
                                 (1, ["11", "10"]), "of"),
    "v4_both_e_two_labels_limit1": (lambda g: g.V("4").local(__.both_e("knows", "created").limit(1)),
                                    (1, ["8", "11", "10"]), "of"),
    "v4_both_e_limit1_other_v": (lambda g: g.V("4").local(__.both_e().limit(1)).other_v().values("name"),
                                 (1, ["marko", "ripple", "lop"]), "of"),
    "v4_both_e_limit2_other_v": (lambda g: g.V("4").local(__.both_e().limit(2)).other_v().values("name"),
                                 (2, ["marko", "ripple", "lop"]), "of"),
    "in_e_knows_limit2_out_v": (lambda g: g.V().local(__.in_e("knows").limit(2)).out_v().values("name"),
                                ["marko", "marko"], "unordered"),
}


@pytest.mark.parametrize("name", list(LOCAL_SCENARIOS))
def test_feature_local(g, name):
    traversal, expected, mode = LOCAL_SCENARIOS[name]
    check_scenario(traversal(g).to_list(), expected, mode)


# ---------------------------------------------------------------- Union.feature scenarios
_SIX_NAMES = ["marko", "vadas", "lop", "josh", "ripple", "peter"]

UNION_SCENARIOS = {
    "start_empty": (lambda g: g.union(), []),
    "start_v_names": (lambda g: g.union(__.V().values("name")), _SIX_NAMES),
    "start_two_v": (lambda g: g.union(__.V("2"), __.V("4")).values("name"), ["vadas", "josh"]),
    "start_by_label": (lambda g: g.union(__.V().has_label("software"), __.V().has_label("person")).values("name"),
                       _SIX_NAMES),
    "start_path": (lambda g: g.union(__.V().out().out(), __.V().has_label("software")).path(),
                   [["1", "4", "5"], ["1", "4", "3"], ["3"], ["5"]]),
    "start_path_by_name": (lambda g: g.union(__.V().out().out(), __.V().has_label("software")).path().by("name"),
                           [["marko", "josh", "ripple"], ["marko", "josh", "lop"], ["lop"], ["ripple"]]),
    "nested_start_path": (lambda g: g.union(__.union(__.V().out().out()), __.V().has_label("software")).path()
                          .by("name"),
                          [["marko", "josh", "ripple"], ["marko", "josh", "lop"], ["lop"], ["ripple"]]),
    "start_inject": (lambda g: g.union(__.inject(1), __.inject(2)), [1, 2]),
    "constants": (lambda g: g.V("2").union(__.constant(1), __.constant(2), __.constant(3)), [1, 2, 3]),
    "out_in_names": (lambda g: g.V().union(__.out(), __.in_()).values("name"),
                     ["lop", "vadas", "josh", "marko", "marko", "josh", "peter", "ripple", "lop", "marko", "josh",
                      "lop"]),
    "repeat_and_out": (lambda g: g.V("1").union(__.repeat(__.out()).times(2), __.out()).values("name"),
                       ["ripple", "lop", "lop", "vadas", "josh"]),
    "choose_union_in_label": (lambda g: g.V().choose(__.label().is_("person"),
                                                     __.union(__.out().values("lang"), __.out().values("name")),
                                                     __.in_().label()).group_count(),
                              [{"java": 4, "ripple": 1, "person": 4, "vadas": 1, "josh": 1, "lop": 3}]),
    "repeat_union_label_group_count": (lambda g: g.V().union(
        __.repeat(__.union(__.out("created"), __.in_("created"))).times(2),
        __.repeat(__.union(__.in_("created"), __.out("created"))).times(2)).label().group_count(),
        [{"software": 12, "person": 20}]),
    "barriers_inside_union_are_global": (lambda g: g.V("1", "2").union(
        __.out_e().count(), __.in_e().count(), __.out_e().values("weight").sum_()),
        [3, 1.9, 1]),
    "barriers_inside_local_union": (lambda g: g.V("1", "2").local(__.union(
        __.out_e().count(), __.in_e().count(), __.out_e().values("weight").sum_())),
        [3, 0, 1.9, 0, 1]),
    "local_union_count": (lambda g: g.V("1", "2").local(__.union(__.count())), [1, 1]),
}


def _round(xs):
    return [round(x, 9) if isinstance(x, float) else x for x in xs]


@pytest.mark.parametrize("name", list(UNION_SCENARIOS))
def test_feature_union(g, name):
    traversal, expected = UNION_SCENARIOS[name]
    check_scenario(_round(traversal(g).to_list()), expected)


def test_feature_union_of_add_v(empty_g):
    got = empty_g.union(__.add_v("person").property("name", "alice"), __.add_v("person").property("name", "bob"),
                        __.add_v("person").property("name", "chris")).values("name").to_list()
    assert sorted(got) == ["alice", "bob", "chris"]


# ---------------------------------------------------------------- Coalesce.feature / Optional.feature scenarios
COALESCE_OPTIONAL_SCENARIOS = {
    "coalesce_nothing": (lambda g: g.V().coalesce(__.out("foo"), __.out("bar")), []),
    "coalesce_created_first": (lambda g: g.V("1").coalesce(__.out("created"), __.out("knows")).values("name"),
                               ["lop"]),
    "coalesce_three_group_count": (lambda g: g.V().coalesce(__.out("likes"), __.out("knows"), __.out("created"))
                                   .group_count().by("name"),
                                   [{"ripple": 1, "vadas": 1, "josh": 1, "lop": 2}]),
    "coalesce_edges_path": (lambda g: g.V().coalesce(__.out_e("knows"), __.out_e("created")).other_v().path()
                            .by("name").by(T.label),
                            [["marko", "knows", "vadas"], ["marko", "knows", "josh"], ["josh", "created", "ripple"],
                             ["josh", "created", "lop"], ["peter", "created", "lop"]]),
    "order_then_coalesce": (lambda g: g.V().out("created").order().by("name")
                            .coalesce(__.values("name"), __.constant("x")),
                            ["lop", "lop", "lop", "ripple"]),
    "optional_out_knows_none": (lambda g: g.V("2").optional(__.out("knows")), ["2"]),
    "optional_in_knows": (lambda g: g.V("2").optional(__.in_("knows")), ["1"]),
    "nested_optional_path": (lambda g: g.V().has_label("person").optional(__.out("knows")
                                                                          .optional(__.out("created"))).path(),
                             [["1", "2"], ["1", "4", "5"], ["1", "4", "3"], ["2"], ["4"], ["6"]]),
    "optional_out_optional_out_path": (lambda g: g.V().optional(__.out().optional(__.out())).path(),
                                       [["1", "3"], ["1", "2"], ["1", "4", "5"], ["1", "4", "3"], ["2"], ["3"],
                                        ["4", "5"], ["4", "3"], ["5"], ["6", "3"]]),
}


@pytest.mark.parametrize("name", list(COALESCE_OPTIONAL_SCENARIOS))
def test_feature_coalesce_optional(g, name):
    traversal, expected = COALESCE_OPTIONAL_SCENARIOS[name]
    check_scenario(traversal(g).to_list(), expected)


def test_feature_optional_add_v(fresh_g):
    assert fresh_g.V("1").optional(__.add_v("dog")).label().to_list() == ["dog"]
    assert fresh_g.V().count().next() == 7
