"""Map steps on the modern graph: values/valueMap/elementMap/properties,
id/label/key/value, constant, project, select/as/by with Pop, path, unfold,
Column.keys/values, inject."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Column, Direction, Order, P, Pop, Scope, T, WithOptions
from gremlin_python.statics import long
from gremlin_python.structure.graph import Path

from .support import check_scenario, deviation, idlist, ids, m


# ---------------------------------------------------------------- values / maps
def test_values(g):
    assert g.V("1").values("name").to_list() == ["marko"]
    assert sorted(g.V("1").values().to_list(), key=str) == [29, "marko"]
    assert sorted(g.V("1").values("name", "age").to_list(), key=str) == [29, "marko"]
    assert g.V("3").values("age").to_list() == []
    assert g.E("7").values("weight").to_list() == [0.5]


def test_value_types_survive(g):
    age = g.V("1").values("age").next()
    weight = g.E("8").values("weight").next()
    assert type(age) is not bool and isinstance(age, int) and age == 29
    assert isinstance(weight, float) and weight == 1.0


def test_value_map(g):
    assert g.V("1").value_map().next() == {"name": ["marko"], "age": [29]}
    assert g.V("1").value_map("name").next() == {"name": ["marko"]}
    assert g.V("3").value_map().next() == {"name": ["lop"], "lang": ["java"]}
    assert g.E("7").value_map().next() == {"weight": 0.5}


def test_value_map_with_tokens(g):
    expected = {T.id: "1", T.label: "person", "name": ["marko"], "age": [29]}
    assert g.V("1").value_map(True).next() == expected
    assert g.V("1").value_map().with_(WithOptions.tokens).next() == expected


def test_element_map_vertex(g):
    assert g.V("1").element_map().next() == {T.id: "1", T.label: "person", "name": "marko", "age": 29}
    assert g.V("1").element_map("name").next() == {T.id: "1", T.label: "person", "name": "marko"}


def test_element_map_edge(g):
    got = g.E("7").element_map().next()
    assert got == {
        T.id: "7", T.label: "knows",
        Direction.OUT: {T.id: "1", T.label: "person"},
        Direction.IN: {T.id: "2", T.label: "person"},
        "weight": 0.5,
    }


def test_properties(g):
    props = g.V("1").properties().to_list()
    assert sorted((p.label, p.value) for p in props) == [("age", 29), ("name", "marko")]
    assert g.V("1").properties("name").value().to_list() == ["marko"]
    assert g.V("1").properties("nope").to_list() == []


def test_edge_properties(g):
    props = g.E("7").properties().to_list()
    assert [(p.key, p.value) for p in props] == [("weight", 0.5)]


def test_key_and_value(g):
    assert sorted(g.V("1").properties().key().to_list()) == ["age", "name"]
    assert sorted(g.V("1").properties().value().to_list(), key=str) == [29, "marko"]
    assert g.E("7").properties().key().to_list() == ["weight"]


def test_id_and_label(g):
    assert g.V("1").id_().to_list() == ["1"]
    assert sorted(g.V().has_label("software").id_().to_list()) == ["3", "5"]
    assert g.E("7").id_().next() == "7"
    assert sorted(g.V().label().dedup().to_list()) == ["person", "software"]
    assert g.E("9").label().next() == "created"


def test_constant(g):
    assert g.V().has_label("software").constant("x").to_list() == ["x", "x"]
    assert g.V("1").constant(5).next() == 5


def test_vertex_property_label_is_its_key(g):
    assert sorted(g.V("1").properties().label().to_list()) == ["age", "name"]


def test_start_from_a_vertex_object(g):
    v = g.V("1").next()
    assert ids(g.V(v).out("knows")) == ["2", "4"]


# ---------------------------------------------------------------- project / select / as / by
def test_project(g):
    got = g.V("1").project("a", "b").by("name").by(__.out().count()).next()
    assert got == {"a": "marko", "b": 3}


def test_project_every_person(g):
    got = (g.V().has_label("person").project("name", "knows")
           .by("name").by(__.out("knows").count()).to_list())
    assert sorted(got, key=lambda m: m["name"]) == [
        {"name": "josh", "knows": 0}, {"name": "marko", "knows": 2},
        {"name": "peter", "knows": 0}, {"name": "vadas", "knows": 0},
    ]


def test_project_unproductive_by_omits_the_key(g):
    # Project.feature g_V_projectXa_bX_byXinE_countX_byXageX
    got = g.V().project("a", "b").by(__.in_e().count()).by("age").to_list()
    assert sorted(got, key=lambda m: (m["a"], m.get("b", 0))) == [
        {"a": 0, "b": 29}, {"a": 0, "b": 35}, {"a": 1}, {"a": 1, "b": 27}, {"a": 1, "b": 32}, {"a": 3}]


def test_project_select_from_value_map(g):
    # Project.feature g_V_valueMap_projectXxX_byXselectXnameXX
    got = g.V().value_map().project("x").by(__.select("name")).to_list()
    assert sorted(m["x"] for m in got) == [["josh"], ["lop"], ["marko"], ["peter"], ["ripple"], ["vadas"]]


def test_value_map_by_unfold(g):
    assert g.V("1").value_map().by(__.unfold()).next() == {"name": "marko", "age": 29}


def test_top_edges_with_neighbour_element_maps(g):
    # the product's hot query: a vertex's top-k out-edges by score with the neighbours' element maps
    got = (g.V("1").out_e().order().by("weight", Order.desc).limit(2)
           .project("w", "v").by("weight").by(__.in_v().element_map()).to_list())
    assert got == [
        {"w": 1.0, "v": {T.id: "4", T.label: "person", "name": "josh", "age": 32}},
        {"w": 0.5, "v": {T.id: "2", T.label: "person", "name": "vadas", "age": 27}},
    ]


def test_project_by_t_tokens(g):
    assert g.V("3").project("i", "l").by(T.id).by(T.label).next() == {"i": "3", "l": "software"}


def test_select_as_by(g):
    got = g.V("1").as_("a").out("knows").as_("b").select("a", "b").by("name").to_list()
    assert sorted(got, key=lambda m: m["b"]) == [{"a": "marko", "b": "josh"}, {"a": "marko", "b": "vadas"}]


def test_select_one_label(g):
    assert ids(g.V("1").as_("a").out().select("a")) == ["1", "1", "1"]
    assert g.V("1").as_("a").out("created").select("a").by("name").to_list() == ["marko"]


def test_select_by_traversal(g):
    got = g.V("1").as_("a").out("knows").as_("b").select("a", "b").by(__.values("age")).to_list()
    assert sorted(got, key=lambda m: m["b"]) == [{"a": 29, "b": 27}, {"a": 29, "b": 32}]


def test_select_pop(g):
    t = lambda: g.V("1").as_("x").out("knows").as_("x")  # noqa: E731
    assert ids(t().select(Pop.first, "x")) == ["1", "1"]
    assert ids(t().select(Pop.last, "x")) == ["2", "4"]
    alls = t().select(Pop.all_, "x").to_list()
    assert sorted([v.id for v in lst] for lst in alls) == [["1", "2"], ["1", "4"]]


def test_select_map_key(g):
    assert g.V("1").project("n").by("name").select("n").next() == "marko"


def test_select_missing_label_filters(g):
    assert g.V("1").as_("a").select("b").to_list() == []


def test_as_with_two_labels(g):
    got = g.V("1").as_("a", "b").select("a", "b").next()
    assert got["a"].id == "1" and got["b"].id == "1"


def test_select_last_inside_repeat(g):
    got = (g.V("1").as_("x").repeat(__.out().as_("x")).times(2)
           .select(Pop.last, "x").by("name").to_list())
    assert sorted(got) == ["lop", "ripple"]
    firsts = g.V("1").as_("x").repeat(__.out().as_("x")).times(2).select(Pop.first, "x").to_list()
    assert [v.id for v in firsts] == ["1", "1"]


# ---------------------------------------------------------------- path
def test_path(g):
    paths = g.V("1").out("knows").path().to_list()
    assert all(isinstance(p, Path) for p in paths)
    assert sorted([o.id for o in p.objects] for p in paths) == [["1", "2"], ["1", "4"]]


def test_path_by(g):
    got = g.V("1").out("knows").path().by("name").to_list()
    assert sorted(list(p.objects) for p in got) == [["marko", "josh"], ["marko", "vadas"]]


def test_path_by_round_robin(g):
    got = g.V("1").out_e("created").in_v().path().by("name").by("weight").to_list()
    assert [list(p.objects) for p in got] == [["marko", 0.4, "lop"]]


def test_path_labels(g):
    p = g.V("1").as_("a").out("created").as_("b").path().next()
    assert [o.id for o in p.objects] == ["1", "3"]
    assert [set(ls) for ls in p.labels] == [{"a"}, {"b"}]
    assert p["b"].id == "3"


# ---------------------------------------------------------------- fold / unfold / Column
def test_unfold(g):
    assert g.inject([1, 2, 3]).unfold().to_list() == [1, 2, 3]
    assert sorted(g.V("1").out().fold().unfold().id_().to_list()) == ["2", "3", "4"]


def test_unfold_map_entries(g):
    got = g.V().group_count().by(T.label).unfold().to_list()
    # a Map.Entry reads back as a one-entry dict in gremlinpython
    assert sorted((k, v) for e in got for k, v in e.items()) == [("person", 4), ("software", 2)]


def test_column_keys_values(g):
    m = lambda: g.V().group_count().by(T.label)  # noqa: E731
    assert set(m().select(Column.keys).next()) == {"person", "software"}
    assert sorted(m().select(Column.values).next()) == [2, 4]
    assert sorted(m().unfold().select(Column.keys).to_list()) == ["person", "software"]


def test_column_keys_is_a_set(g):
    # Column.keys applies Map.keySet(): a Set on the wire (python set), as in TinkerPop
    got = g.V().group_count().by(T.label).select(Column.keys).next()
    assert isinstance(got, set), f"select(keys) gave {type(got).__name__} {got!r}, TinkerPop gives a Set"


def test_order_map_entries_by_column(g):
    got = (g.V().out().group_count().by("name").unfold()
           .order().by(Column.values, Order.desc).by(Column.keys).limit(2).to_list())
    assert [next(iter(e.items())) for e in got] == [("lop", 3), ("josh", 1)]


# ---------------------------------------------------------------- inject
def test_inject(g):
    assert g.inject(1, 2, 3).to_list() == [1, 2, 3]
    assert g.inject("a").to_list() == ["a"]
    assert g.inject(1, 2, 3).is_(P.gt(1)).to_list() == [2, 3]
    assert g.inject({"k": 1}).select("k").to_list() == [1]


def test_inject_mid_traversal(g):
    assert sorted(g.V("1").values("name").inject("x").to_list()) == ["marko", "x"]


def test_inject_large_results_stream_in_batches(g):
    # more results than one response batch (batchSize 64 by default)
    assert g.inject(*range(1000)).to_list() == list(range(1000))
    assert g.inject(*range(300)).fold().next() == list(range(300))


def test_inject_long_and_unicode(g):
    got = g.inject(long(2**40), long(-5), 1.5e300, "zoë ☃").to_list()
    assert got == [2**40, -5, 1.5e300, "zoë ☃"]


def test_inject_types_round_trip(g):
    values = [1, 2.5, "s", True, None, [1, "a"], {"a": 1}]
    assert g.inject(*values).to_list() == values
    assert idlist(g.inject(1).V("2")) == ["2"]


# ---------------------------------------------------------------- Select.feature scenarios
_ALL_NAMES = ["marko", "vadas", "lop", "josh", "ripple", "peter"]
_OUT_PAIRS = [m(a="marko", b="lop"), m(a="marko", b="vadas"), m(a="marko", b="josh"),
              m(a="josh", b="ripple"), m(a="josh", b="lop"), m(a="peter", b="lop")]

SELECT_SCENARIOS = {
    "a_b": (lambda g: g.V("1").as_("a").out("knows").as_("b").select("a", "b"),
            [m(a="1", b="2"), m(a="1", b="4")]),
    "a_b_by_name": (lambda g: g.V("1").as_("a").out("knows").as_("b").select("a", "b").by("name"),
                    [m(a="marko", b="vadas"), m(a="marko", b="josh")]),
    "a": (lambda g: g.V("1").as_("a").out("knows").as_("b").select("a"), ["1", "1"]),
    "a_by_name": (lambda g: g.V("1").as_("a").out("knows").as_("b").select("a").by("name"), ["marko", "marko"]),
    "all_out_pairs": (lambda g: g.V().as_("a").out().as_("b").select("a", "b").by("name"), _OUT_PAIRS),
    "through_aggregate": (lambda g: g.V().as_("a").out().aggregate("x").as_("b").select("a", "b").by("name"),
                          _OUT_PAIRS),
    "through_order_by_identity": (lambda g: g.V().as_("a").values("name").order().as_("b").select("a", "b")
                                  .by("name").by(),
                                  [m(a=n, b=n) for n in _ALL_NAMES]),
    "has_traversal": (lambda g: g.V().has("name", __.is_("marko")).as_("a").select("a"), ["1"]),
    "group_count_as_select": (lambda g: g.V().label().group_count().as_("x").select("x"),
                              [{"software": 2, "person": 4}]),
    "map_group_count_select": (lambda g: g.V().has_label("person").as_("p").map(__.both_e().label().group_count())
                               .as_("r").select("p", "r"),
                               [m(p="1", r={"created": 1, "knows": 2}), m(p="2", r={"knows": 1}),
                                m(p="4", r={"created": 2, "knows": 1}), m(p="6", r={"created": 1})]),
    "choose_as_then_select": (lambda g: g.V().choose(__.out_e().count().is_(long(0)), __.as_("a"), __.as_("b"))
                              .choose(__.select("a"), __.select("a"), __.select("b")),
                              ["1", "2", "3", "4", "5", "6"]),
    "here_out_select": (lambda g: g.V("1").as_("here").out().select("here"), ["1", "1", "1"]),
    "v4_here_out_select": (lambda g: g.V("4").as_("here").out().select("here"), ["4", "4"]),
    "out_here_has_select_name": (lambda g: g.V("4").out().as_("here").has("lang", "java").select("here")
                                 .values("name"),
                                 ["ripple", "lop"]),
    "edge_here": (lambda g: g.V("1").out_e().as_("here").in_v().has("name", "vadas").select("here"), ["7"]),
    "edge_has_here": (lambda g: g.V("1").out_e("knows").has("weight", 1.0).as_("here").in_v()
                      .has("name", "josh").select("here"),
                      ["8"]),
    "edge_here_fake": (lambda g: g.V("1").out_e("knows").as_("here").has("weight", 1.0).as_("fake").in_v()
                       .has("name", "josh").select("here"),
                       ["8"]),
    "here_out_name_select": (lambda g: g.V().as_("here").out().values("name").select("here"),
                             ["1", "1", "1", "4", "4", "6"]),
    "union_as_project": (lambda g: g.V().out("created").union(
        __.as_("project").in_("created").has("name", "marko").select("project"),
        __.as_("project").in_("created").in_("knows").has("name", "marko").select("project"))
        .group_count().by("name"),
        [{"ripple": 1, "lop": 6}]),
    "until_repeat_in_as_select_tail_local": (lambda g: g.V().until(__.out().out()).repeat(__.in_().as_("a"))
                                             .select("a").by(__.tail(Scope.local).values("name")),
                                             ["marko"] * 5),
    "group_count_keys_unfold": (lambda g: g.V().out_e().values("weight").group_count().select(Column.keys)
                                .unfold(),
                                [0.5, 1.0, 0.4, 0.2]),
    "three_labels_one_step": (lambda g: g.V().has_label("software").as_("name").as_("language").as_("creators")
                              .select("name", "language", "creators").by("name").by("lang")
                              .by(__.in_("created").values("name").fold().order(Scope.local)),
                              [m(name="lop", language="java", creators=["josh", "marko", "peter"]),
                               m(name="ripple", language="java", creators=["josh"])]),
    "group_count_unfold_keys": (lambda g: g.V().out_e().values("weight").group_count().unfold()
                                .select(Column.keys).unfold(),
                                [0.5, 1.0, 0.4, 0.2]),
    "group_count_unfold_values": (lambda g: g.V().out_e().values("weight").group_count().unfold()
                                  .select(Column.values).unfold(),
                                  [1, 2, 2, 1]),
    "until_repeat_two_labels": (lambda g: g.V().until(__.out().out()).repeat(__.in_().as_("a").in_().as_("b"))
                                .select("a", "b").by("name"),
                                [m(a="josh", b="marko")] * 2),
    "group_count_values_unfold": (lambda g: g.V().out_e().values("weight").group_count().select(Column.values)
                                  .unfold(),
                                  [1, 2, 2, 1]),
    "where_then_select": (lambda g: g.V().as_("a").where(__.out("knows")).select("a"), ["1"]),
    "local_select": (lambda g: g.V().as_("a").out("knows").as_("b").local(__.select("a", "b").by("name")),
                     [m(a="marko", b="vadas"), m(a="marko", b="josh")]),
    "by_identity_name_age": (lambda g: g.V().as_("a").has("name", "marko").as_("b").as_("c")
                             .select("a", "b", "c").by().by("name").by("age"),
                             [m(a="1", b="marko", c=29)]),
    "group_count_twice": (lambda g: g.V().out_e().values("weight").group_count().select(Column.values).unfold()
                          .group_count().select(Column.values).unfold(),
                          [2, 2]),
    "select_by_select_traversal": (lambda g: g.V().as_("a").group("m").by().by(__.both_e().count()).barrier()
                                   .select("m").select(__.select("a")),
                                   [3, 1, 3, 3, 1, 1]),
    "missing_a": (lambda g: g.V().select("a"), []),
    "missing_a_count": (lambda g: g.V().select("a").count(), [0]),
    "missing_a_b": (lambda g: g.V().select("a", "b"), []),
    "value_map_missing_a": (lambda g: g.V().value_map().select("a"), []),
    "value_map_missing_a_b": (lambda g: g.V().value_map().select("a", "b"), []),
    "first_missing": (lambda g: g.V().select(Pop.first, "a"), []),
    "last_missing_a_b": (lambda g: g.V().select(Pop.last, "a", "b"), []),
    "all_missing": (lambda g: g.V().select(Pop.all_, "a"), []),
    "value_map_all_missing_a_b": (lambda g: g.V().value_map().select(Pop.all_, "a", "b"), []),
    "barrier_then_as": (lambda g: g.V().has("person", "name", "marko").barrier().as_("a").out("knows")
                        .select("a"),
                        ["1", "1"]),
    "element_map_as_union_select": (lambda g: g.V().has("person", "name", "marko").element_map("name").as_("a")
                                    .union(__.identity(), __.identity()).select("a").select("name"),
                                    ["marko", "marko"]),
    "count_as_union_select": (lambda g: g.V().has("person", "name", "marko").count().as_("a")
                              .union(__.identity(), __.identity()).select("a"),
                              [1, 1]),
    "path_as_union_select_unfold": (lambda g: g.V().has("person", "name", "marko").path().as_("a")
                                    .union(__.identity(), __.identity()).select("a").unfold(),
                                    ["1", "1"]),
    "property_by_key": (lambda g: g.E("11").properties("weight").as_("a").select("a").by(T.key), ["weight"]),
    "property_by_value": (lambda g: g.E("11").properties("weight").as_("a").select("a").by(T.value), [0.4]),
    "select_by_age_unproductive": (lambda g: g.V().as_("a").select("a").by("age"), [29, 27, 32, 35]),
    "two_labels_by_age_by_name": (lambda g: g.V().as_("a", "n").select("a", "n").by("age").by("name"),
                                  [m(a=29, n="marko"), m(a=27, n="vadas"), m(a=32, n="josh"),
                                   m(a=35, n="peter")]),
    "aggregate_local_select_label": (lambda g: g.V().as_("label").aggregate(Scope.local, "x").barrier()
                                     .select("x").select("label"),
                                     ["1", "2", "3", "4", "5", "6"]),
    "name_as_first": (lambda g: g.V().values("name").as_("a").select(Pop.first, "a"), _ALL_NAMES),
    "name_as_last": (lambda g: g.V().values("name").as_("a").select(Pop.last, "a"), _ALL_NAMES),
    "name_as_all": (lambda g: g.V().values("name").as_("a").select(Pop.all_, "a"), [[n] for n in _ALL_NAMES]),
}


@pytest.mark.parametrize("name", list(SELECT_SCENARIOS))
def test_feature_select(g, name):
    traversal, expected = SELECT_SCENARIOS[name]
    check_scenario(traversal(g).to_list(), expected)


def test_feature_group_side_effect_value_traversal_keeps_first(g):
    # Select.feature g_VX1X_groupXaX_byXconstantXaXX_byXnameX_selectXaX_selectXaX: a value
    # traversal that is not a reducing barrier keeps the first value (no implicit fold)
    got = (g.V("1").group("a").by(__.constant("a")).by(__.values("name")).barrier()
           .select("a").select("a").to_list())
    assert got == ["marko"]


def test_feature_path_select_keys(g):
    got = g.V().as_("a", "b").out().as_("c").path().select(Column.keys).to_list()
    assert len(got) == 6
    assert [set(s) for s in got[0]] == [{"a", "b"}, {"c"}]


# ---------------------------------------------------------------- Path.feature scenarios
PATH_SCENARIOS = {
    "values_path": (lambda g: g.V("1").values("name").path(), [["1", "marko"]]),
    "by_age_by_name": (lambda g: g.V("1").out().path().by("age").by("name"),
                       [[29, "lop"], [29, "vadas"], [29, "josh"]]),
    "repeat_path_by_identity_name_lang": (lambda g: g.V().repeat(__.out()).times(2).path().by().by("name")
                                          .by("lang"),
                                          [["1", "josh", "java"], ["1", "josh", "java"]]),
    "out_out_by_name_by_age": (lambda g: g.V().out().out().path().by("name").by("age"),
                               [["marko", 32, "ripple"], ["marko", 32, "lop"]]),
    "labels_on_filters_do_not_extend_path": (lambda g: g.V().as_("a").has("name", "marko").as_("b")
                                             .has("age", 29).as_("c").path(),
                                             [["1"]]),
    "edges_in_path": (lambda g: g.V("1").out_e("created").in_v().in_e().out_v().path(),
                      [["1", "9", "3", "9", "1"], ["1", "9", "3", "11", "4"], ["1", "9", "3", "12", "6"]]),
    "path_from_to": (lambda g: g.V().as_("a").out().as_("b").out().as_("c").path().from_("b").to("c").by("name"),
                     [["josh", "ripple"], ["josh", "lop"]]),
    "by_age_unproductive_filters": (lambda g: g.V("1").out().path().by("age"), [[29, 27], [29, 32]]),
    "inject_nulls_path": (lambda g: g.inject(1, None, None).path(), [[1], [None], [None]]),
    "inject_nulls_path_dedup": (lambda g: g.inject(1, None, None).path().dedup(), [[1], [None]]),
}


@pytest.mark.parametrize("name", list(PATH_SCENARIOS))
def test_feature_path(g, name):
    traversal, expected = PATH_SCENARIOS[name]
    check_scenario(traversal(g).to_list(), expected)


# ---------------------------------------------------------------- ValueMap / ElementMap .feature scenarios
_ALL_VM = [{"name": ["marko"], "age": [29]}, {"name": ["josh"], "age": [32]}, {"name": ["peter"], "age": [35]},
           {"name": ["vadas"], "age": [27]}, {"name": ["lop"], "lang": ["java"]},
           {"name": ["ripple"], "lang": ["java"]}]
_IDS = {"marko": "1", "vadas": "2", "lop": "3", "josh": "4", "ripple": "5", "peter": "6"}
_LABELS = {"marko": "person", "vadas": "person", "lop": "software", "josh": "person", "ripple": "software",
           "peter": "person"}


def _tokens(vm):
    n = vm["name"] if isinstance(vm["name"], str) else vm["name"][0]
    return {T.id: _IDS[n], T.label: _LABELS[n], **vm}


_NAME_AGE = [{k: v for k, v in vm.items() if k in ("name", "age")} for vm in _ALL_VM]

VALUE_MAP_SCENARIOS = {
    "value_map": (lambda g: g.V().value_map(), _ALL_VM),
    "value_map_true": (lambda g: g.V().value_map(True), [_tokens(vm) for vm in _ALL_VM]),
    "with_tokens": (lambda g: g.V().value_map().with_(WithOptions.tokens), [_tokens(vm) for vm in _ALL_VM]),
    "name_age": (lambda g: g.V().value_map("name", "age"), _NAME_AGE),
    "true_name_age": (lambda g: g.V().value_map(True, "name", "age"), [_tokens(vm) for vm in _NAME_AGE]),
    "name_age_with_tokens": (lambda g: g.V().value_map("name", "age").with_(WithOptions.tokens),
                             [_tokens(vm) for vm in _NAME_AGE]),
    "labels_by_unfold": (lambda g: g.V().value_map("name", "age").with_(WithOptions.tokens, WithOptions.labels)
                         .by(__.unfold()),
                         [{T.label: _LABELS[vm["name"][0]], **{k: v[0] for k, v in vm.items()}} for vm in _NAME_AGE]),
    "ids_by_unfold": (lambda g: g.V().value_map("name", "age").with_(WithOptions.tokens, WithOptions.ids)
                      .by(__.unfold()),
                      [{T.id: _IDS[vm["name"][0]], **{k: v[0] for k, v in vm.items()}} for vm in _NAME_AGE]),
    "created_value_map": (lambda g: g.V("1").out("created").value_map(), [{"name": ["lop"], "lang": ["java"]}]),
    "filter_value_map_true": (lambda g: g.V().has_label("person").filter_(__.out_e("created")).value_map(True),
                              [_tokens(vm) for vm in _ALL_VM if vm["name"][0] in ("marko", "josh", "peter")]),
    "name_age_null": (lambda g: g.V().value_map("name", "age", None), _NAME_AGE),
    "element_map": (lambda g: g.V().element_map(),
                    [_tokens({k: v[0] for k, v in vm.items()}) for vm in _ALL_VM]),
    "element_map_name_age": (lambda g: g.V().element_map("name", "age"),
                             [_tokens({k: v[0] for k, v in vm.items()}) for vm in _NAME_AGE]),
    "element_map_name_age_null": (lambda g: g.V().element_map("name", "age", None),
                                  [_tokens({k: v[0] for k, v in vm.items()}) for vm in _NAME_AGE]),
    "edge_element_map": (lambda g: g.E("11").element_map(),
                         [{T.id: "11", T.label: "created", "weight": 0.4,
                           Direction.OUT: {T.id: "4", T.label: "person"},
                           Direction.IN: {T.id: "3", T.label: "software"}}]),
}


@pytest.mark.parametrize("name", list(VALUE_MAP_SCENARIOS))
def test_feature_value_map(g, name):
    traversal, expected = VALUE_MAP_SCENARIOS[name]
    check_scenario(traversal(g).to_list(), expected)


@deviation("local() over bulked traversers", "tinkergraph")
def test_local_reducer_sees_every_traverser(g):
    # one answer per traverser: v[3] arrives three times (three created edges end there);
    # TinkerGraph bulks the three into one traverser and local(count()) answers once for it
    assert sorted(g.E().in_v().local(__.out().count()).to_list()) == [0, 0, 0, 0, 0, 2]
