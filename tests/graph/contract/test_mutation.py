"""Mutation steps, each test on a brand new modern graph: addV, addE (from/to),
mergeV/mergeE with options, property (with Cardinality), drop."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Cardinality, Direction, Merge, T
from gremlin_python.statics import long

from .support import ids, raises_gremlin


@pytest.fixture
def g(fresh_g):
    """Every mutation test gets its own modern graph."""
    return fresh_g


def counts(g):
    return g.V().count().next(), g.E().count().next()


# ---------------------------------------------------------------- addV
def test_add_v_with_id_and_properties(g):
    v = g.add_v("person").property(T.id, "100").property("name", "stephen").property("age", 40).next()
    assert (v.id, v.label) == ("100", "person")
    assert g.V("100").value_map().next() == {"name": ["stephen"], "age": [40]}
    assert counts(g) == (7, 6)


def test_add_v_generates_a_string_id(g):
    v = g.add_v("thing").next()
    assert isinstance(v.id, str) and v.id
    assert g.V(v.id).label().next() == "thing"


def test_add_v_default_label_is_vertex(g):
    v = g.add_v().next()
    assert v.label == "vertex"


def test_add_v_mid_traversal(g):
    got = g.V().has_label("software").add_v("copy").property("of", "sw").to_list()
    assert len(got) == 2
    assert g.V().has_label("copy").count().next() == 2


def test_add_v_duplicate_id_fails(g):
    with raises_gremlin():
        g.add_v("person").property(T.id, "1").iterate()
    assert counts(g) == (6, 6)
    assert g.V("1").values("name").next() == "marko"


# ---------------------------------------------------------------- addE
def test_add_e_to(g):
    e = g.V("1").add_e("likes").to(__.V("6")).property("w", 1).next()
    assert e.label == "likes" and e.outV.id == "1" and e.inV.id == "6"
    assert ids(g.V("1").out("likes")) == ["6"]
    assert g.V("1").out_e("likes").values("w").next() == 1
    assert counts(g) == (6, 7)


def test_add_e_from(g):
    e = g.V("6").add_e("likes").from_(__.V("2")).next()
    assert e.outV.id == "2" and e.inV.id == "6"
    assert ids(g.V("6").in_("likes")) == ["2"]


def test_add_e_from_to_at_start(g):
    e = g.add_e("likes").from_(__.V("2")).to(__.V("3")).property(T.id, "e100").next()
    assert e.id == "e100"
    assert g.E("e100").out_v().id_().next() == "2" and g.E("e100").in_v().id_().next() == "3"


def test_add_e_to_a_vertex_object(g):
    six = g.V("6").next()
    g.V("1").add_e("likes").to(six).iterate()
    assert ids(g.V("1").out("likes")) == ["6"]


def test_add_e_from_step_label(g):
    g.V("1").as_("a").V("5").add_e("likes").from_("a").iterate()
    assert ids(g.V("1").out("likes")) == ["5"]


def test_add_e_for_each_traverser(g):
    g.V().has_label("person").add_e("uses").to(__.V("3")).iterate()
    assert g.V("3").in_e("uses").count().next() == 4


def test_get_or_create_idiom(g):
    # fold/coalesce/unfold: the pre-mergeV upsert most Neptune code still uses
    def get_or_create():
        return g.V("zz").fold().coalesce(__.unfold(), __.add_v("p").property(T.id, "zz")).next()

    assert get_or_create().id == "zz"
    assert get_or_create().id == "zz"
    assert counts(g) == (7, 6)


# ---------------------------------------------------------------- mergeV
def test_merge_v_matches_existing(g):
    v = g.merge_v({T.label: "person", "name": "marko"}).next()
    assert v.id == "1"
    assert counts(g) == (6, 6)


def test_merge_v_creates_once(g):
    spec = {T.id: "200", T.label: "person", "name": "new"}
    assert g.merge_v(spec).next().id == "200"
    assert g.merge_v(spec).next().id == "200"
    assert counts(g) == (7, 6)
    assert g.V("200").element_map().next() == {T.id: "200", T.label: "person", "name": "new"}


def test_merge_v_on_create_on_match(g):
    def upsert():
        return (g.merge_v({T.label: "person", "name": "stephen"})
                .option(Merge.on_create, {T.label: "person", "name": "stephen", "age": 19})
                .option(Merge.on_match, {"age": 20}).next())

    v1 = upsert()
    assert g.V(v1.id).values("age").to_list() == [19]
    v2 = upsert()
    assert v2.id == v1.id
    assert g.V(v1.id).values("age").to_list() == [20]
    assert g.V().has("name", "stephen").count().next() == 1


def test_merge_v_on_match_overwrites_single(g):
    g.merge_v({T.label: "person", "name": "marko"}).option(Merge.on_match, {"age": 30}).iterate()
    assert g.V("1").values("age").to_list() == [30]


def test_merge_v_matching_several_updates_each(g):
    got = g.merge_v({T.label: "person"}).option(Merge.on_match, {"seen": True}).to_list()
    assert sorted(v.id for v in got) == ["1", "2", "4", "6"]
    assert g.V().has("seen", True).count().next() == 4
    assert counts(g) == (6, 6)


def test_merge_v_on_create_inherits_the_search_id(g):
    # MergeVertex.feature g_mergeV_onCreate_inheritance_new_1
    v = g.merge_v({T.id: "n1"}).option(Merge.on_create, {T.label: "person", "name": "mike"}).next()
    assert v.id == "n1"
    assert g.V("n1").element_map().next() == {T.id: "n1", T.label: "person", "name": "mike"}


def test_merge_v_from_injected_maps(g):
    rows = [{T.id: "a", T.label: "product", "p": 1}, {T.id: "b", T.label: "product", "p": 2}]
    got = g.inject(*rows).merge_v().to_list()
    assert sorted(v.id for v in got) == ["a", "b"]
    g.inject(*rows).merge_v().iterate()
    assert g.V().has_label("product").count().next() == 2


# ---------------------------------------------------------------- mergeE
def test_merge_e_matches_existing(g):
    e = g.merge_e({T.label: "knows", Direction.OUT: "1", Direction.IN: "2"}).next()
    assert e.id == "7"
    assert counts(g) == (6, 6)


def test_merge_e_creates_once(g):
    spec = {T.label: "likes", Direction.OUT: "2", Direction.IN: "6"}
    e1 = g.merge_e(spec).next()
    e2 = g.merge_e(spec).next()
    assert e1.id == e2.id
    assert (e1.outV.id, e1.inV.id, e1.label) == ("2", "6", "likes")
    assert counts(g) == (6, 7)


def test_merge_e_with_id(g):
    spec = {T.id: "SIMILAR:1:5", T.label: "SIMILAR", Direction.OUT: "1", Direction.IN: "5", "score": 0.9}
    assert g.merge_e(spec).next().id == "SIMILAR:1:5"
    assert g.merge_e(spec).next().id == "SIMILAR:1:5"
    assert g.E("SIMILAR:1:5").values("score").next() == 0.9
    assert counts(g) == (6, 7)


def test_merge_e_on_create_on_match(g):
    def upsert():
        return (g.merge_e({T.label: "likes", Direction.OUT: "1", Direction.IN: "3"})
                .option(Merge.on_create, {T.label: "likes", Direction.OUT: "1", Direction.IN: "3",
                                          "weight": 0.1})
                .option(Merge.on_match, {"weight": 0.9}).next())

    e1 = upsert()
    assert g.E(e1.id).values("weight").next() == 0.1
    e2 = upsert()
    assert e2.id == e1.id
    assert g.E(e1.id).values("weight").next() == 0.9
    assert g.V("1").out_e("likes").count().next() == 1


def test_merge_e_with_out_v_in_v_options(g):
    (g.V("1").as_("a").V("6").as_("b")
     .merge_e({T.label: "likes", Direction.OUT: Merge.out_v, Direction.IN: Merge.in_v})
     .option(Merge.out_v, __.select("a")).option(Merge.in_v, __.select("b")).iterate())
    assert ids(g.V("1").out("likes")) == ["6"]


def test_merge_e_from_to_aliases(g):
    e = g.merge_e({T.label: "knows", Direction.from_: "1", Direction.to: "4"}).next()
    assert e.id == "8"


# ---------------------------------------------------------------- property
def test_property_default_cardinality_on_vertex_replaces(g):
    # TinkerGraph's default vertex-property cardinality is single
    g.V("1").property("age", 31).iterate()
    assert g.V("1").values("age").to_list() == [31]


def test_property_single(g):
    g.V("1").property(Cardinality.single, "age", 30).iterate()
    assert g.V("1").values("age").to_list() == [30]


def test_property_list(g):
    g.V("1").property(Cardinality.list_, "tag", "a").property(Cardinality.list_, "tag", "b").iterate()
    g.V("1").property(Cardinality.list_, "tag", "a").iterate()
    assert sorted(g.V("1").values("tag").to_list()) == ["a", "a", "b"]
    assert g.V("1").properties("tag").count().next() == 3


def test_property_set(g):
    g.V("1").property(Cardinality.set_, "tag", "a").property(Cardinality.set_, "tag", "b").iterate()
    g.V("1").property(Cardinality.set_, "tag", "a").iterate()
    assert sorted(g.V("1").values("tag").to_list()) == ["a", "b"]


def test_property_single_after_list_replaces_all(g):
    g.V("1").property(Cardinality.list_, "tag", "a").property(Cardinality.list_, "tag", "b").iterate()
    g.V("1").property(Cardinality.single, "tag", "c").iterate()
    assert g.V("1").values("tag").to_list() == ["c"]


def test_edge_property(g):
    g.E("7").property("weight", 0.9).iterate()
    assert g.E("7").values("weight").next() == 0.9
    g.E("7").property("since", 2010).iterate()
    assert g.E("7").value_map().next() == {"weight": 0.9, "since": 2010}


def test_property_from_traversal(g):
    g.V("1").property("friends", __.out("knows").count()).iterate()
    assert g.V("1").values("friends").next() == 2


def test_property_values_round_trip(g):
    values = {"s": "text", "i": 7, "f": 1.25, "b": True, "neg": -3}
    t = g.V("2")
    for k, v in values.items():
        t = t.property(k, v)
    t.iterate()
    got = g.V("2").value_map(*values).next()
    assert {k: v[0] for k, v in got.items()} == values
    assert type(got["b"][0]) is bool and type(got["i"][0]) is not bool


def test_property_on_many_vertices(g):
    g.V().has_label("person").property("flag", True).iterate()
    assert g.V().has("flag", True).count().next() == 4


def test_property_long_and_unicode(g):
    g.V("3").property("big", long(2**40)).property("title", "zoë ☃").iterate()
    assert g.V("3").values("big").next() == 2**40
    assert g.V().has("title", "zoë ☃").id_().to_list() == ["3"]


# ---------------------------------------------------------------- drop
def test_drop_vertex_drops_its_edges(g):
    assert g.V("2").drop().to_list() == []
    assert counts(g) == (5, 5)
    assert g.E("7").to_list() == []
    assert ids(g.V("1").out()) == ["3", "4"]


def test_drop_edge(g):
    g.E("7").drop().iterate()
    assert counts(g) == (6, 5)
    assert ids(g.V("1").out("knows")) == ["4"]


def test_drop_vertex_property(g):
    g.V("1").properties("age").drop().iterate()
    assert g.V("1").value_map().next() == {"name": ["marko"]}


def test_drop_edge_property(g):
    g.E("8").properties("weight").drop().iterate()
    assert g.E("8").value_map().next() == {}


def test_drop_edges_through_navigation(g):
    g.V("1").out_e("knows").drop().iterate()
    assert counts(g) == (6, 4)
    assert ids(g.V("1").out()) == ["3"]


def test_drop_all(g):
    g.V().drop().iterate()
    assert counts(g) == (0, 0)


def test_drop_filtered(g):
    g.V().has_label("software").drop().iterate()
    assert counts(g) == (4, 2)
    assert ids(g.E()) == ["7", "8"]


def test_side_effect_write(g):
    got = g.V("1").side_effect(__.property("seen", True)).values("name").to_list()
    assert got == ["marko"]
    assert g.V("1").values("seen").next() is True
