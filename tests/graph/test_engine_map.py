"""Engine: map and flat-map steps, and their gremlinpython result types."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Column, Direction, P, Pop, T, WithOptions
from gremlin_python.structure.graph import Path, Property, VertexProperty

from stylegraph.graph.graph import Graph

from .engine_support import g, modern_graph_fixture, run, same_items

graph = modern_graph_fixture("module")


def test_adjacency_steps(graph):
    assert sorted(v.id for v in run(graph, g.V("1").out())) == ["2", "3", "4"]
    assert sorted(v.id for v in run(graph, g.V("1").out("knows"))) == ["2", "4"]
    assert sorted(v.id for v in run(graph, g.V("3").in_())) == ["1", "4", "6"]
    assert sorted(v.id for v in run(graph, g.V("4").both())) == ["1", "3", "5"]
    assert [e.id for e in run(graph, g.V("1").out_e("created"))] == ["9"]
    assert [e.id for e in run(graph, g.V("2").in_e())] == ["7"]
    assert sorted(e.id for e in run(graph, g.V("4").both_e())) == ["10", "11", "8"]
    assert run(graph, g.V("1").out("nope")) == []


def test_edge_vertex_steps(graph):
    assert [v.id for v in run(graph, g.E("7").out_v())] == ["1"]
    assert [v.id for v in run(graph, g.E("7").in_v())] == ["2"]
    assert [v.id for v in run(graph, g.E("7").both_v())] == ["1", "2"]
    assert sorted(v.id for v in run(graph, g.V("1").out_e().other_v())) == ["2", "3", "4"]
    assert [v.id for v in run(graph, g.V("2").in_e().other_v())] == ["1"]


def test_values_and_tokens(graph):
    assert run(graph, g.V("1").values("name", "age")) == ["marko", 29]
    assert run(graph, g.V("1").values()) == ["marko", 29]
    assert run(graph, g.E("8").values("weight")) == [1.0]
    assert run(graph, g.V("1").id_()) == ["1"]
    assert run(graph, g.V("1").label()) == ["person"]
    assert run(graph, g.V("1").properties("name").key()) == ["name"]
    assert run(graph, g.V("1").properties("name").value()) == ["marko"]
    assert run(graph, g.V("1").constant(7)) == [7]


def test_properties_results(graph):
    vps = run(graph, g.V("1").properties())
    assert all(isinstance(p, VertexProperty) for p in vps)
    assert [(p.key, p.value) for p in vps] == [("name", "marko"), ("age", 29)]
    assert vps[0].vertex.id == "1"
    props = run(graph, g.E("7").properties())
    assert isinstance(props[0], Property) and (props[0].key, props[0].value) == ("weight", 0.5)
    assert props[0].element.id == "7"


def test_value_map(graph):
    assert run(graph, g.V("1").value_map()) == [{"name": ["marko"], "age": [29]}]
    assert run(graph, g.V("1").value_map("name")) == [{"name": ["marko"]}]
    assert run(graph, g.V("1").value_map(True)) == \
        [{T.id: "1", T.label: "person", "name": ["marko"], "age": [29]}]
    assert run(graph, g.V("1").value_map().with_(WithOptions.tokens)) == \
        [{T.id: "1", T.label: "person", "name": ["marko"], "age": [29]}]
    assert run(graph, g.V("1").value_map().with_(WithOptions.tokens, WithOptions.labels)) == \
        [{T.label: "person", "name": ["marko"], "age": [29]}]
    assert run(graph, g.V("1").value_map().by(__.unfold())) == [{"name": "marko", "age": 29}]
    assert run(graph, g.E("7").value_map()) == [{"weight": 0.5}]


def test_element_map(graph):
    assert run(graph, g.V("1").element_map()) == \
        [{T.id: "1", T.label: "person", "name": "marko", "age": 29}]
    assert run(graph, g.V("1").element_map("age")) == [{T.id: "1", T.label: "person", "age": 29}]
    assert run(graph, g.E("7").element_map()) == [{
        T.id: "7", T.label: "knows",
        Direction.IN: {T.id: "2", T.label: "person"},
        Direction.OUT: {T.id: "1", T.label: "person"},
        "weight": 0.5}]


def test_project_by_cycles_and_omits_unproductive(graph):
    # Project.feature g_V_projectXa_bX_byXinE_countX_byXageX
    got = run(graph, g.V().project("a", "b").by(__.in_e().count()).by("age"))
    assert same_items(got, [{"a": 0, "b": 29}, {"a": 1, "b": 27}, {"a": 3}, {"a": 1, "b": 32},
                   {"a": 1}, {"a": 0, "b": 35}])
    assert run(graph, g.V("1").project("x", "y").by("name")) == [{"x": "marko", "y": "marko"}]
    assert run(graph, g.V("1").project("v")) == [{"v": run(graph, g.V("1"))[0]}]


def test_select_labels_and_pop(graph):
    got = run(graph, g.V("1").as_("a").out("knows").as_("b").select("a", "b").by("name"))
    assert same_items(got, [{"a": "marko", "b": "vadas"}, {"a": "marko", "b": "josh"}])
    t = g.V("1").as_("a").out("knows").as_("a")
    assert [v.id for v in run(graph, t.select(Pop.first, "a"))] == ["1", "1"]
    assert sorted(v.id for v in run(graph, g.V("1").as_("a").out("knows").as_("a").select(Pop.last, "a"))) == \
        ["2", "4"]
    got = run(graph, g.V("1").as_("a").out("knows").as_("a").select(Pop.all_, "a"))
    assert sorted([v.id for v in x] for x in got) == [["1", "2"], ["1", "4"]]
    got = run(graph, g.V("1").as_("a").select(Pop.mixed, "a"))
    assert [v.id for v in got] == ["1"]
    # unknown labels filter the traverser
    assert run(graph, g.V("1").select("nope")) == []


def test_select_from_map_and_columns(graph):
    assert run(graph, g.V("1").value_map().select("name")) == [["marko"]]
    got = run(graph, g.V().group_count().by(T.label).select(Column.keys))
    assert [sorted(x) for x in got] == [["person", "software"]]
    assert [sorted(x) for x in run(graph, g.V().group_count().by(T.label).select(Column.values))] == [[2, 4]]
    got = run(graph, g.V().group_count().by(T.label).unfold().select(Column.keys))
    assert sorted(got) == ["person", "software"]


def test_unfold_map_entries(graph):
    got = run(graph, g.V().group_count().by(T.label).unfold())
    assert same_items(got, [{"person": 4}, {"software": 2}])


def test_path_and_path_by(graph):
    got = run(graph, g.V("1").out().path())
    assert all(isinstance(p, Path) for p in got)
    assert sorted([v.id for v in p.objects] for p in got) == [["1", "2"], ["1", "3"], ["1", "4"]]
    got = run(graph, g.V("1").out("knows").values("name").path())
    assert sorted(p.objects[-1] for p in got) == ["josh", "vadas"]
    got = run(graph, g.V("1").out().path().by("name"))
    assert sorted(p.objects for p in got) == [["marko", "josh"], ["marko", "lop"], ["marko", "vadas"]]
    got = run(graph, g.V("1").as_("a").out("knows").as_("b").path())
    assert got[0].labels == [{"a"}, {"b"}]
    got = run(graph, g.V("1").out_e("knows").in_v().path().by("name").by("weight"))
    assert same_items([p.objects for p in got], [["marko", 0.5, "vadas"], ["marko", 1.0, "josh"]])


def test_flat_map_values_of_multi_properties():
    graph = Graph(None)
    with graph.transaction():
        v = graph.add_vertex("p", "x")
        graph.set_property(v, "tag", "a", "list")
        graph.set_property(v, "tag", "b", "list")
    assert run(graph, g.V("x").values("tag")) == ["a", "b"]
    assert run(graph, g.V("x").value_map()) == [{"tag": ["a", "b"]}]
    assert run(graph, g.V("x").properties("tag").count()) == [2]


def test_string_steps(graph):
    assert run(graph, g.V("1").values("name").to_upper()) == ["MARKO"]
    assert run(graph, g.inject("  a b ").trim()) == ["a b"]
    assert run(graph, g.inject("  a ").l_trim()) == ["a "]
    assert run(graph, g.inject(" a  ").r_trim()) == [" a"]
    assert sorted(run(graph, g.V().has_label("software").values("name").length())) == [3, 6]
    assert run(graph, g.inject("a,b,c").split(",")) == [["a", "b", "c"]]
    assert run(graph, g.inject("marko").substring(1, 3)) == ["ar"]
    assert run(graph, g.inject("marko").substring(-2)) == ["ko"]
    assert run(graph, g.inject("marko").replace("ar", "AR")) == ["mARko"]
    assert run(graph, g.inject("abc").reverse()) == ["cba"]
    assert run(graph, g.inject(None, "x").to_lower()) == [None, "x"]
    # AsString.feature: numbers, elements and concat
    ages = g.V().has_label("person").values("age").as_string().concat(" years old")
    assert sorted(run(graph, ages)) == ["27 years old", "29 years old", "32 years old", "35 years old"]
    assert run(graph, g.E("7").as_string()) == ["e[7][1-knows->2]"]
    assert run(graph, g.V("1").value_map("name").as_string()) == ["{name=[marko]}"]
    assert run(graph, g.V("1").values("name").concat(__.constant("!"))) == ["marko!"]


def test_string_step_on_a_non_string_is_an_error(graph):
    from stylegraph.graph.errors import GremlinError
    with pytest.raises(GremlinError, match="toUpper"):
        run(graph, g.V("1").values("age").to_upper())


def test_path_from_to_and_unproductive_by(graph):
    got = run(graph, g.V().as_("a").out().as_("b").out().as_("c").path().from_("b").to("c").by("name"))
    assert sorted(p.objects for p in got) == [["josh", "lop"], ["josh", "ripple"]]
    # Path.feature: an unproductive by() drops the traverser
    got = run(graph, g.V("1").out().path().by("age"))
    assert sorted(p.objects for p in got) == [[29, 27], [29, 32]]
    got = run(graph, g.V().as_("a").out().as_("b").out().as_("c").simple_path().by(T.label)
              .from_("b").to("c").path().by("name"))
    assert sorted(p.objects for p in got) == [["marko", "josh", "lop"], ["marko", "josh", "ripple"]]


@pytest.mark.insertion_order
def test_list_steps(graph):
    names = g.V().has_label("person").values("name").fold()
    assert run(graph, names.combine(["x"])) == [["marko", "vadas", "josh", "peter", "x"]]
    assert run(graph, g.inject([1, 2, 2]).merge([2, 3])) == [{1, 2, 3}]
    assert run(graph, g.inject([1, 2, 3]).difference([2])) == [{1, 3}]
    assert run(graph, g.inject([1, 2, 3]).intersect(__.constant([3, 2, 9]))) == [{2, 3}]
    assert run(graph, g.inject([1, 2]).disjunct([2, 3])) == [{1, 3}]
    assert run(graph, g.inject([1, 2]).product(["a"])) == [[[1, "a"], [2, "a"]]]
    assert run(graph, g.inject(["a", None, 1]).conjoin("-")) == ["a-1"]
    assert run(graph, g.inject([1, 2], [5, 6]).all_(P.gt(3))) == [[5, 6]]
    assert run(graph, g.inject([1, 2], [5, 6]).any_(P.lt(2))) == [[1, 2]]
    assert run(graph, g.inject(["a", "b"]).index()) == [[["a", 0], ["b", 1]]]
    assert run(graph, g.V("1").properties("name").element().id_()) == ["1"]
