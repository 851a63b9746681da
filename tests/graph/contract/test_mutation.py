"""Mutation steps, each test on a brand new modern graph: addV, addE (from/to),
mergeV/mergeE with options, property (with Cardinality), drop."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Cardinality, CardinalityValue, Direction, Merge, P, Scope, T
from gremlin_python.statics import long

from .support import GREMLIN_ERRORS, ids, raises_gremlin


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


# ---------------------------------------------------------------- MergeVertex.feature scenarios
# (each on an empty graph with the feature's own initializer)
def _marko(g):
    g.add_v("person").property("name", "marko").property("age", 29).iterate()


def _marko_list_ages(g):
    (g.add_v("person").property("name", "marko").property(Cardinality.list_, "age", 29)
     .property(Cardinality.list_, "age", 31).property(Cardinality.list_, "age", 32).iterate())


def _n(t):
    return t.count().next()


PERSON_MARKO = {T.label: "person", "name": "marko"}
PERSON_STEPHEN = {T.label: "person", "name": "stephen"}


def test_feature_merge_v_empty_map_on_match_null(empty_g):
    g = empty_g
    _marko(g)
    assert len(g.merge_v({}).option(Merge.on_match, None).to_list()) == 1
    assert _n(g.V().has("person", "name", "marko").has("age", 29)) == 1
    assert len(g.V().merge_v({}).option(Merge.on_match, None).to_list()) == 1


def test_feature_merge_v_null_label_is_an_error(empty_g):
    g = empty_g
    _marko(g)
    with raises_gremlin():
        g.merge_v({T.label: None, "name": "marko"}).to_list()


def test_feature_merge_v_on_create_null(empty_g):
    g = empty_g
    _marko(g)
    assert len(g.merge_v(PERSON_STEPHEN).option(Merge.on_create, None).to_list()) == 1
    assert _n(g.V()) == 2 and _n(g.V().has("person", "name", "stephen")) == 1


def test_feature_merge_v_null_matches_everything(empty_g):
    g = empty_g
    _marko(g)
    assert len(g.merge_v(None).option(Merge.on_create, {}).to_list()) == 1
    assert len(g.merge_v(None).to_list()) == 1
    assert len(g.V().merge_v(None).to_list()) == 1
    assert _n(g.V()) == 1


def test_feature_merge_v_empty_map_creates_on_empty_graph(empty_g):
    g = empty_g
    assert len(g.merge_v({}).to_list()) == 1
    assert _n(g.V()) == 1
    assert len(g.inject(0).merge_v({}).to_list()) == 1
    assert _n(g.V()) == 1


def test_feature_merge_v_empty_map_two_exist(empty_g):
    g = empty_g
    g.add_v("person").property("name", "marko").property("age", 29) \
        .add_v("person").property("name", "vadas").property("age", 27).iterate()
    assert len(g.V().merge_v({}).to_list()) == 4
    assert _n(g.V()) == 2


def test_feature_merge_v_create_and_match(empty_g):
    g = empty_g
    _marko(g)
    assert len(g.merge_v(PERSON_STEPHEN).to_list()) == 1
    assert len(g.merge_v(PERSON_MARKO).to_list()) == 1
    assert len(g.inject(0).merge_v(PERSON_MARKO).to_list()) == 1
    assert _n(g.V()) == 2


def test_feature_merge_v_options(empty_g):
    g = empty_g
    _marko(g)
    g.merge_v(PERSON_STEPHEN).option(Merge.on_create, {**PERSON_STEPHEN, "age": 19}).iterate()
    g.merge_v(PERSON_MARKO).option(Merge.on_match, {"age": 19}).iterate()
    assert _n(g.V().has("person", "name", "stephen").has("age", 19)) == 1
    assert _n(g.V().has("person", "name", "marko").has("age", 19)) == 1


def test_feature_merge_v_options_after_inject(empty_g):
    g = empty_g
    _marko(g)
    g.inject(0).merge_v(PERSON_STEPHEN).option(Merge.on_create, {**PERSON_STEPHEN, "age": 19}).iterate()
    g.inject(0).merge_v(PERSON_MARKO).option(Merge.on_match, {"age": 19}).iterate()
    assert _n(g.V().has("age", 19)) == 2


def test_feature_merge_v_traversal_arguments(empty_g):
    g = empty_g
    _marko(g)
    (g.with_side_effect("c", PERSON_STEPHEN).with_side_effect("m", {**PERSON_STEPHEN, "age": 19})
     .merge_v(__.select("c")).option(Merge.on_create, __.select("m")).iterate())
    (g.with_side_effect("c", PERSON_MARKO).with_side_effect("m", {"age": 19})
     .merge_v(__.select("c")).option(Merge.on_match, __.select("m")).iterate())
    assert _n(g.V().has("person", "name", "stephen").has("age", 19)) == 1
    assert _n(g.V().has("person", "name", "marko").has("age", 19)) == 1


def test_feature_merge_v_identity_of_injected_maps(empty_g):
    g = empty_g
    _marko(g)
    assert len(g.inject(PERSON_MARKO, PERSON_STEPHEN).merge_v(__.identity()).to_list()) == 2
    assert len(g.inject(PERSON_MARKO, PERSON_STEPHEN).merge_v().to_list()) == 2
    assert _n(g.V()) == 2


def test_feature_merge_v_then_list_property(empty_g):
    g = empty_g
    g.add_v("person").property(Cardinality.list_, "name", "stephen").iterate()
    assert len(g.merge_v(PERSON_STEPHEN).property(Cardinality.list_, "name", "steve").to_list()) == 1
    assert _n(g.V()) == 1
    assert sorted(g.V().properties("name").value().to_list()) == ["stephen", "steve"]


def test_feature_merge_v_on_match_updates_every_match(empty_g):
    g = empty_g
    g.add_v("person").property("name", "vadas").property("age", 29) \
        .add_v("person").property("name", "vadas").property("age", 27).iterate()
    assert len(g.merge_v({T.label: "person", "name": "vadas"}).option(Merge.on_match, {"age": 35}).to_list()) == 2
    assert _n(g.V().has("age", 35)) == 2 and _n(g.V()) == 2


def test_feature_merge_v_inside_map(empty_g):
    g = empty_g
    g.add_v("person").property("name", "vadas").property("age", 29) \
        .add_v("person").property("name", "stephen").property("age", 27).iterate()
    assert len(g.V().map(__.merge_v({T.label: "person", "name": "josh"})).to_list()) == 2
    assert _n(g.V().has("person", "name", "josh")) == 1 and _n(g.V()) == 3


def test_feature_merge_v_on_match_traversal_with_drop(empty_g):
    g = empty_g
    _marko_list_ages(g)
    (g.with_side_effect("c", PERSON_MARKO).with_side_effect("m", {"age": 19})
     .merge_v(__.select("c")).option(Merge.on_match, __.side_effect(__.properties("age").drop()).select("m"))
     .iterate())
    assert g.V().has("person", "name", "marko").values("age").to_list() == [19]


def test_feature_merge_v_on_create_inheritance(empty_g):
    g = empty_g
    g.merge_v({T.id: "1"}).option(Merge.on_create, {T.label: "person", "name": "mike"}).iterate()
    assert _n(g.V()) == 1 and _n(g.V("1").has("person", "name", "mike")) == 1
    g.merge_v({T.id: "1"}).option(Merge.on_create, {T.label: "person", "name": "mike"}).iterate()
    assert _n(g.V()) == 1
    g.merge_v({T.label: "person", "name": "bob"}).option(Merge.on_create, {T.id: "2"}).iterate()
    assert _n(g.V("2").has("person", "name", "bob")) == 1


def test_feature_merge_v_on_create_cannot_override(empty_g):
    g = empty_g
    with raises_gremlin("cannot override"):
        g.merge_v({T.label: "a"}).option(Merge.on_create, {T.label: "b"}).to_list()
    with raises_gremlin("cannot override"):
        g.merge_v({T.id: "1"}).option(Merge.on_create, {T.id: "2"}).to_list()
    assert _n(g.V()) == 0


def test_feature_merge_v_hidden_keys_are_refused(empty_g):
    g = empty_g
    for spec in ({"~id": "1"}, {"~label": "vertex"}, {T.label: "~vertex"}):
        with raises_gremlin():
            g.merge_v(spec).to_list()
    with raises_gremlin("~id"):
        g.merge_v({}).option(Merge.on_create, {"~id": 1}).to_list()
    assert _n(g.V()) == 0


@pytest.mark.parametrize("value, ages", [
    (CardinalityValue.list_(33), [29, 31, 32, 33]),
    (CardinalityValue.set_(33), [29, 31, 32, 33]),
    (CardinalityValue.set_(31), [29, 31, 32]),
    (CardinalityValue.single(33), [33]),
], ids=["list", "set_new", "set_existing", "single"])
def test_feature_merge_v_on_match_cardinality_values(empty_g, value, ages):
    g = empty_g
    _marko_list_ages(g)
    assert len(g.merge_v({"name": "marko"}).option(Merge.on_match, {"age": value}).to_list()) == 1
    assert sorted(g.V().has("person", "name", "marko").values("age").to_list()) == ages


def test_feature_merge_v_on_match_with_default_cardinality(empty_g):
    g = empty_g
    _marko_list_ages(g)
    g.merge_v({"name": "marko"}).option(Merge.on_match, {"age": 33}, Cardinality.single).iterate()
    assert g.V().has("person", "name", "marko").values("age").to_list() == [33]


def test_feature_merge_v_on_create_cardinality_values(empty_g):
    g = empty_g
    g.merge_v({"name": "alice", T.label: "person"}).option(Merge.on_create, {"age": CardinalityValue.single(81)}) \
        .iterate()
    g.merge_v({"name": "bob", T.label: "person"}).option(Merge.on_create, {"age": 81}, Cardinality.set_).iterate()
    assert g.V().has("person", "name", "alice").values("age").to_list() == [81]
    assert g.V().has("person", "name", "bob").values("age").to_list() == [81]


def test_feature_merge_v_on_match_null_removes_the_property(empty_g):
    # TinkerGraph disallows null property values: setting one removes the property
    g = empty_g
    _marko(g)
    assert len(g.merge_v(PERSON_MARKO).option(Merge.on_match, {"age": None}).to_list()) == 1
    assert _n(g.V()) == 1 and _n(g.V().has("person", "name", "marko").has("age")) == 0


# ---------------------------------------------------------------- MergeEdge.feature scenarios
def _marko_vadas(g, *edges):
    """marko ("m") and vadas ("v"), then ``edges`` as (label, out id, in id, props)."""
    g.add_v("person").property(T.id, "m").property("name", "marko") \
        .add_v("person").property(T.id, "v").property("name", "vadas").iterate()
    for label, out_id, in_id, props in edges:
        t = g.V(out_id).add_e(label).to(__.V(in_id))
        for k, val in props.items():
            t = t.property(k, val)
        t.iterate()


KNOWS_M_V = {T.label: "knows", Direction.OUT: "m", Direction.IN: "v"}


def test_feature_add_e_without_from_to_is_a_self_edge(empty_g):
    g = empty_g
    g.add_v("person").property("name", "marko").property("age", 29).add_e("self").iterate()
    assert _n(g.E()) == 1 and _n(g.V().out("self")) == 1
    assert g.E().out_v().id_().next() == g.E().in_v().id_().next()


@pytest.mark.parametrize("on_match", [{}, None], ids=["empty", "null"])
def test_feature_merge_e_on_match_empty_or_null(empty_g, on_match):
    g = empty_g
    g.add_v("person").property("name", "marko").property("age", 29).add_e("self").iterate()
    assert len(g.V().merge_e({T.label: "self"}).option(Merge.on_match, on_match).to_list()) == 1
    assert (_n(g.E()), _n(g.E().properties()), _n(g.V())) == (1, 0, 1)


def test_feature_merge_e_out_v_in_v_from_select(empty_g):
    g = empty_g
    _marko_vadas(g)
    spec = {T.label: "self", Direction.OUT: Merge.out_v, Direction.IN: Merge.in_v}
    got = (g.V().as_("v").merge_e(spec).option(Merge.out_v, __.select("v"))
           .option(Merge.in_v, __.select("v")).to_list())
    assert len(got) == 2 and _n(g.E()) == 2
    assert sorted(x.outV.id for x in got) == ["m", "v"]


def test_feature_merge_e_on_create_null_still_creates(empty_g):
    g = empty_g
    g.add_v("person").property("name", "marko").iterate()
    spec = {T.label: "self", Direction.OUT: Merge.out_v, Direction.IN: Merge.in_v}
    got = (g.V().as_("v").merge_e(spec).option(Merge.on_create, None).option(Merge.out_v, __.select("v"))
           .option(Merge.in_v, __.select("v")).to_list())
    assert len(got) == 1 and _n(g.E()) == 1


def test_feature_merge_e_empty_map_matches_existing(empty_g):
    g = empty_g
    g.add_v("person").property("name", "marko").add_e("self").iterate()
    assert len(g.merge_e({}).to_list()) == 1
    assert _n(g.E()) == 1


@pytest.mark.parametrize("spec", [{}, None], ids=["empty", "null"])
def test_feature_merge_e_without_directions_is_an_error(empty_g, spec):
    g = empty_g
    g.add_v("person").property("name", "marko").iterate()
    with raises_gremlin("Out Vertex not specified"):
        g.merge_e(spec).to_list()
    with raises_gremlin("Out Vertex not specified"):
        g.V().merge_e(spec).to_list()
    assert _n(g.E()) == 0


def test_feature_merge_e_with_vertex_objects(empty_g):
    g = empty_g
    _marko_vadas(g)
    marko, vadas = g.V("m").next(), g.V("v").next()
    assert len(g.merge_e({T.label: "knows", Direction.OUT: marko, Direction.IN: vadas}).to_list()) == 1
    assert len(g.merge_e({T.label: "knows", Direction.from_: marko, Direction.to: vadas}).to_list()) == 1
    assert _n(g.V("m").out("knows").has_id("v")) == 1


def test_feature_merge_e_from_side_effect(empty_g):
    g = empty_g
    _marko_vadas(g)
    assert len(g.with_side_effect("a", KNOWS_M_V).merge_e(__.select("a")).to_list()) == 1
    assert _n(g.V("m").out("knows")) == 1


def test_feature_merge_e_extra_property_does_not_match(empty_g):
    g = empty_g
    _marko_vadas(g, ("knows", "m", "v", {}))
    assert len(g.merge_e({**KNOWS_M_V, "weight": 0.5}).to_list()) == 1
    assert _n(g.V("m").out_e("knows").has("weight", 0.5)) == 1
    assert _n(g.V("m").out("knows")) == 2


def test_feature_merge_e_missing_vertices(empty_g):
    g = empty_g
    # TinkerPop's text (TinkerGraph sends it in the message as well)
    with raises_gremlin("Vertex id could not be resolved from mergeE: 100"):
        g.merge_e({T.label: "knows", Direction.OUT: "100", Direction.IN: "101", "weight": 0.5}).to_list()
    with raises_gremlin("Vertex id could not be resolved from mergeE: 100"):
        (g.merge_e({T.label: "knows", Direction.OUT: "100", Direction.IN: "101"})
         .option(Merge.on_create, {T.label: "knows", Direction.OUT: "100", Direction.IN: "101", "created": "Y"})
         .option(Merge.on_match, {"created": "N"}).to_list())
    assert _n(g.E()) == 0


@pytest.mark.parametrize("initial", [{}, {"created": "Y"}], ids=["exists", "exists_updated"])
def test_feature_merge_e_on_match_sets_property(empty_g, initial):
    g = empty_g
    _marko_vadas(g, ("knows", "m", "v", initial))
    got = (g.merge_e(KNOWS_M_V).option(Merge.on_create, {**KNOWS_M_V, "created": "Y"})
           .option(Merge.on_match, {"created": "N"}).to_list())
    assert len(got) == 1 and _n(g.V()) == 2
    assert _n(g.E().has_label("knows").has("created", "Y")) == 0
    assert _n(g.E().has_label("knows").has("created", "N")) == 1


def test_feature_merge_e_label_only_from_a_vertex(empty_g):
    g = empty_g
    _marko_vadas(g, ("knows", "m", "v", {"created": "Y"}), ("knows", "m", "v", {}))
    got = (g.V().has("person", "name", "marko").merge_e({T.label: "knows"})
           .option(Merge.on_create, {**KNOWS_M_V, "created": "Y"}).option(Merge.on_match, {"created": "N"})
           .to_list())
    assert len(got) == 2 and _n(g.E()) == 2
    assert _n(g.E().has_label("knows").has("created", "N")) == 2


def test_feature_merge_e_from_injected_maps(empty_g):
    g = empty_g
    _marko_vadas(g)
    self_v = {T.label: "self", Direction.OUT: "v", Direction.IN: "v"}
    assert len(g.inject(KNOWS_M_V).merge_e().to_list()) == 1
    assert len(g.inject(KNOWS_M_V, self_v).merge_e().to_list()) == 2
    assert _n(g.E()) == 2 and _n(g.V("v").out("self").has_id("v")) == 1


@pytest.mark.parametrize("search, matched_end", [
    ({T.label: "knows", Direction.IN: "v"}, ("in", "v")),
    ({T.label: "knows", Direction.OUT: "v"}, ("out", "v")),
    ({Direction.OUT: "v"}, ("out", "v")),
], ids=["label_in", "label_out", "out_only"])
def test_feature_merge_e_partial_search(empty_g, search, matched_end):
    g = empty_g
    _marko_vadas(g, ("knows", "m", "v", {"created": "Y"}), ("knows", "v", "m", {"created": "Y"}))
    got = (g.merge_e(search).option(Merge.on_create, {**KNOWS_M_V, "created": "Y"})
           .option(Merge.on_match, {"created": "N"}).to_list())
    assert len(got) == 1 and _n(g.E()) == 2
    assert _n(g.E().has_label("knows").has("created", "Y")) == 1
    end, vid = matched_end
    n_edge = g.E().has_label("knows").has("created", "N")
    assert (n_edge.in_v() if end == "in" else n_edge.out_v()).id_().to_list() == [vid]


def test_feature_merge_e_map_overrides_the_traverser(empty_g):
    g = empty_g
    _marko_vadas(g)
    got = g.V().has("person", "name", "marko").merge_e(
        {T.label: "self", Direction.OUT: "v", Direction.IN: "v"}).to_list()
    assert len(got) == 1 and _n(g.E()) == 1
    assert g.E().has_label("self").both_v().id_().to_list() == ["v", "v"]


@pytest.mark.parametrize("exists", [True, False], ids=["exists", "new"])
def test_feature_merge_e_options_from_side_effects(empty_g, exists):
    g = empty_g
    _marko_vadas(g, *([("knows", "m", "v", {})] if exists else []))
    got = (g.with_side_effect("c", {**KNOWS_M_V, "created": "Y"}).with_side_effect("m", {"created": "N"})
           .merge_e(KNOWS_M_V).option(Merge.on_create, __.select("c")).option(Merge.on_match, __.select("m"))
           .to_list())
    assert len(got) == 1 and _n(g.E()) == 1
    assert _n(g.E().has("created", "N" if exists else "Y")) == 1


def test_feature_merge_e_on_match_traversal_with_drop(empty_g):
    g = empty_g
    _marko_vadas(g, ("knows", "m", "v", {"weight": 1.0}))
    (g.with_side_effect("c", {**KNOWS_M_V, "created": "Y"}).with_side_effect("m", {"created": "N"})
     .merge_e(KNOWS_M_V).option(Merge.on_create, __.select("c"))
     .option(Merge.on_match, __.side_effect(__.properties("weight").drop()).select("m")).iterate())
    assert _n(g.E().has_label("knows").has("created", "N")) == 1
    assert _n(g.E().has_label("knows").has("weight")) == 0


def test_feature_merge_e_out_v_in_v_options_as_maps(empty_g):
    g = empty_g
    _marko_vadas(g)
    spec = {Direction.OUT: Merge.out_v, Direction.IN: Merge.in_v, T.label: "knows"}
    got = g.merge_e(spec).option(Merge.out_v, {T.id: "m"}).option(Merge.in_v, {T.id: "v"}).to_list()
    assert len(got) == 1
    assert _n(g.V("m").out("knows").has_id("v")) == 1


# ---------------------------------------------------------------- AddVertex / AddEdge .feature scenarios
def test_feature_modern_graph_in_one_traversal(empty_g):
    # the features' own graph initializer: one traversal, step labels, addE from/to labels
    g = empty_g
    (g.add_v("person").property("name", "marko").property("age", 29).as_("marko")
     .add_v("person").property("name", "vadas").property("age", 27).as_("vadas")
     .add_v("software").property("name", "lop").property("lang", "java").as_("lop")
     .add_v("person").property("name", "josh").property("age", 32).as_("josh")
     .add_v("software").property("name", "ripple").property("lang", "java").as_("ripple")
     .add_v("person").property("name", "peter").property("age", 35).as_("peter")
     .add_e("knows").from_("marko").to("vadas").property("weight", 0.5)
     .add_e("knows").from_("marko").to("josh").property("weight", 1.0)
     .add_e("created").from_("marko").to("lop").property("weight", 0.4)
     .add_e("created").from_("josh").to("ripple").property("weight", 1.0)
     .add_e("created").from_("josh").to("lop").property("weight", 0.4)
     .add_e("created").from_("peter").to("lop").property("weight", 0.2).iterate())
    assert (_n(g.V()), _n(g.E())) == (6, 6)
    got = g.E().project("o", "l", "i", "w").by(__.out_v().values("name")).by(T.label) \
        .by(__.in_v().values("name")).by("weight").to_list()
    assert sorted((r["o"], r["l"], r["i"], r["w"]) for r in got) == sorted([
        ("marko", "knows", "vadas", 0.5), ("marko", "knows", "josh", 1.0), ("marko", "created", "lop", 0.4),
        ("josh", "created", "ripple", 1.0), ("josh", "created", "lop", 0.4), ("peter", "created", "lop", 0.2)])


def test_feature_add_v_property_from_select(g):
    assert len(g.V("1").as_("a").add_v("animal").property("age", __.select("a").by("age"))
               .property("name", "puppy").to_list()) == 1
    assert _n(g.V().has("animal", "age", 29)) == 1


def test_feature_add_v_per_traverser(g):
    assert len(g.V().add_v("animal").property("age", 0).to_list()) == 6
    assert _n(g.V().has("animal", "age", 0)) == 6


def test_feature_property_single_null_removes(g):
    assert len(g.V().has_label("person").property(Cardinality.single, "name", None).to_list()) == 4
    assert _n(g.V().properties("name")) == 2


def test_feature_add_v_single_twice(g):
    g.add_v("person").property(Cardinality.single, "name", "stephen") \
        .property(Cardinality.single, "name", "stephenm").iterate()
    assert _n(g.V().has("person", "name", "stephen")) == 0
    assert _n(g.V().has("person", "name", "stephenm")) == 1


def test_feature_add_v_property_from_side_effect(g):
    assert g.with_side_effect("a", "marko").add_v().property("name", __.select("a")).values("name") \
        .to_list() == ["marko"]
    assert _n(g.V().has("name", "marko")) == 2


def test_feature_add_e_to_step_label(g):
    assert len(g.V("1").as_("a").out("created").add_e("createdBy").to("a").property("weight", 2.0).to_list()) == 1
    assert _n(g.E()) == 7 and _n(g.V("1").both_e()) == 4
    assert _n(g.V("1").in_e().has("weight", 2.0)) == 1


def test_feature_edge_property_null_removes(g):
    assert len(g.V().out_e().property("weight", None).to_list()) == 6
    assert _n(g.E().properties("weight")) == 0


def test_feature_add_e_from_aggregate_unfold(g):
    got = (g.V().aggregate("x").as_("a").select("x").unfold().add_e("existsWith").to("a")
           .property("time", "now").to_list())
    assert len(got) == 36 and _n(g.E()) == 42
    for vid, both in (("1", 15), ("2", 13), ("3", 15), ("4", 15), ("5", 13), ("6", 13)):
        assert _n(g.V(vid).both_e()) == both
        assert _n(g.V(vid).in_e("existsWith")) == 6 and _n(g.V(vid).out_e("existsWith")) == 6
        assert _n(g.V(vid).both_e("existsWith").has("time", "now")) == 12


def test_feature_add_e_codeveloper(g):
    got = (g.V().as_("a").out("created").in_("created").where(P.neq("a")).as_("b")
           .add_e("codeveloper").from_("a").to("b").property("year", 2009).to_list())
    assert len(got) == 6 and _n(g.E()) == 12
    for vid, both in (("1", 7), ("2", 1), ("4", 7), ("6", 5)):
        assert _n(g.V(vid).both_e()) == both
    for vid in ("1", "4", "6"):
        assert _n(g.V(vid).in_e("codeveloper")) == 2 and _n(g.V(vid).out_e("codeveloper")) == 2
        assert _n(g.V(vid).both_e("codeveloper").has("year", 2009)) == 4


def test_feature_add_e_from_step_label_with_properties(g):
    got = (g.V().as_("a").in_("created").add_e("createdBy").from_("a").property("year", 2009)
           .property("acl", "public").to_list())
    assert len(got) == 4 and _n(g.E()) == 10
    for vid, both, in_cb, out_cb in (("1", 4, 1, 0), ("2", 1, 0, 0), ("3", 6, 0, 3), ("4", 5, 2, 0),
                                     ("5", 2, 0, 1), ("6", 2, 1, 0)):
        assert (_n(g.V(vid).both_e()), _n(g.V(vid).in_e("createdBy")), _n(g.V(vid).out_e("createdBy"))) == \
            (both, in_cb, out_cb), vid
    assert _n(g.E().has_label("createdBy").has("year", 2009).has("acl", "public")) == 4


# ---------------------------------------------------------------- Drop.feature scenarios
def test_feature_drop_vertices_takes_edges(empty_g):
    g = empty_g
    g.add_v().as_("a").add_v().as_("b").add_e("knows").to("a").iterate()
    assert (_n(g.V()), _n(g.E())) == (2, 1)
    assert g.V().drop().to_list() == []
    assert (_n(g.V()), _n(g.E())) == (0, 0)


def test_feature_drop_out_edges(empty_g):
    g = empty_g
    g.add_v().as_("a").add_v().as_("b").add_e("knows").to("a").iterate()
    assert g.V().out_e().drop().to_list() == []
    assert (_n(g.V()), _n(g.E())) == (2, 0)


def test_feature_drop_all_properties(empty_g):
    g = empty_g
    g.add_v().property("name", "bob").add_v().property("name", "alice").iterate()
    assert g.V().properties().drop().to_list() == []
    assert (_n(g.V()), _n(g.V().properties())) == (2, 0)


def test_feature_drop_edge_properties(g):
    assert g.E().properties("weight").drop().to_list() == []
    assert _n(g.E().properties()) == 0 and _n(g.E()) == 6


def test_drop_every_property_of_one_element(g):
    assert g.V("1").properties().drop().to_list() == []
    assert g.V("1").value_map().next() == {}
    assert g.E("7").properties().drop().to_list() == []
    assert g.E("7").value_map().next() == {}
    assert counts(g) == (6, 6)


def test_feature_add_e_property_before_from_to(empty_g):
    g = empty_g
    g.add_v("person").property(T.id, "m").property("name", "marko").as_("a") \
        .add_v("person").property(T.id, "v").property("name", "vadas").as_("b") \
        .add_e("knows").property("weight", 1).from_("a").to("b").iterate()
    assert g.V("m").out_e("knows").values("weight").to_list() == [1]
    assert _n(g.V("m").out("knows").has_id("v")) == 1


def test_feature_merge_on_match_traversal_mid_traversal(empty_g):
    g = empty_g
    _marko_vadas(g, ("knows", "m", "v", {"weight": 1}))
    # mid-traversal, a traversal onMatch runs on the incoming traverser: an element is refused
    with pytest.raises(GREMLIN_ERRORS):
        g.V().merge_e(KNOWS_M_V).option(Merge.on_match, __.side_effect(__.property("weight", 0)).constant({})) \
            .to_list()
    with pytest.raises(GREMLIN_ERRORS):
        g.V().has("name", "marko").merge_v({}).option(Merge.on_match, __.constant({"age": 3}).identity()).to_list()
    # incoming lists: the merge map and the options are picked out of it
    got = g.inject([{T.label: "person", "name": "alice"}, {"age": 30}, {"age": 31}]) \
        .merge_v(__.limit(Scope.local, 1)).option(Merge.on_create, __.range_(Scope.local, 1, 2)) \
        .option(Merge.on_match, __.tail(Scope.local)).values("age").to_list()
    assert got == [30]
    got = g.inject([{T.label: "person", "name": "alice"}, {"age": 30}, {"age": 31}]) \
        .merge_v(__.limit(Scope.local, 1)).option(Merge.on_create, __.range_(Scope.local, 1, 2)) \
        .option(Merge.on_match, __.tail(Scope.local)).values("age").to_list()
    assert got == [31]


def test_feature_merge_v_hidden_label_is_refused(empty_g):
    with pytest.raises(GREMLIN_ERRORS):
        empty_g.merge_v({"name": "x"}).option(Merge.on_create, {T.label: "~vertex"}).to_list()
