"""Map steps on the modern graph: values/valueMap/elementMap/properties,
id/label/key/value, constant, project, select/as/by with Pop, path, unfold,
Column.keys/values, inject."""
from __future__ import annotations

from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Column, Direction, Order, P, Pop, T, WithOptions
from gremlin_python.statics import long
from gremlin_python.structure.graph import Path

from .support import idlist, ids


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
