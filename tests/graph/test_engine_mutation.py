"""Engine: addV/addE/property/drop/mergeV/mergeE, cardinality, atomic rollback."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import CardinalityValue, Cardinality, Direction, Merge, T
from gremlin_python.structure.graph import Vertex as GVertex

from stylegraph.graph.engine import execute
from stylegraph.graph.errors import GremlinError
from stylegraph.graph.graph import Graph

from .engine_support import g, modern_graph_fixture, run

graph = modern_graph_fixture()


def test_add_v_with_id_and_properties(graph):
    got = run(graph, g.add_v("product").property(T.id, "p1").property("price", 9.5)
              .property("name", "shirt"))
    assert got[0].id == "p1" and got[0].label == "product"
    v = graph.vertex("p1")
    assert v.properties == {"price": [9.5], "name": ["shirt"]}
    # generated ids are uuid strings
    gen = run(graph, g.add_v())[0]
    assert gen.label == "vertex" and len(gen.id) == 36


def test_add_v_property_traversal_is_evaluated_on_the_input(graph):
    run(graph, g.V("1").as_("m").add_v("copy").property(T.id, "c1")
        .property("name", __.select("m").values("name")))
    assert graph.vertex("c1").properties["name"] == ["marko"]


def test_add_v_duplicate_id_fails(graph):
    with pytest.raises(GremlinError, match="already exists"):
        run(graph, g.add_v("person").property(T.id, "1"))


def test_add_e_forms(graph):
    # from a step label, to a traversal
    e = run(graph, g.V("1").as_("a").V("6").add_e("knows").from_("a").property("weight", 0.1))[0]
    assert (e.outV.id, e.inV.id, e.label) == ("1", "6", "knows")
    # from/to traversals from the start
    e = run(graph, g.add_e("likes").from_(__.V("2")).to(__.V("5")).property(T.id, "e1"))[0]
    assert (e.id, e.outV.id, e.inV.id) == ("e1", "2", "5")
    assert graph.edge("e1").in_v is graph.vertex("5")
    # implicit from: the current vertex; to: a client-side Vertex
    e = run(graph, g.V("3").add_e("rel").to(GVertex("4")))[0]
    assert (e.outV.id, e.inV.id) == ("3", "4")
    assert run(graph, g.V("2").out("likes").values("name")) == ["ripple"]


def test_add_e_to_missing_vertex_fails(graph):
    with pytest.raises(GremlinError, match="to"):
        run(graph, g.V("1").add_e("x").to(GVertex("404")))


def test_property_cardinalities(graph):
    run(graph, g.V("1").property("age", 30))
    assert graph.vertex("1").properties["age"] == [30]
    run(graph, g.V("1").property(Cardinality.list_, "tag", "a").property(Cardinality.list_, "tag", "a"))
    assert graph.vertex("1").properties["tag"] == ["a", "a"]
    run(graph, g.V("1").property(Cardinality.set_, "k", "x").property(Cardinality.set_, "k", "x")
        .property(Cardinality.set_, "k", "y"))
    assert graph.vertex("1").properties["k"] == ["x", "y"]
    run(graph, g.V("1").property(Cardinality.single, "k", "z"))
    assert graph.vertex("1").properties["k"] == ["z"]
    run(graph, g.E("7").property("weight", 0.9))
    assert graph.edge("7").properties["weight"] == 0.9
    run(graph, g.V("1").property({"a": 1, "b": 2}))
    assert run(graph, g.V("1").values("a", "b")) == [1, 2]


def test_drop(graph):
    run(graph, g.V("1").properties("age").drop())
    assert "age" not in graph.vertex("1").properties
    run(graph, g.E("7").properties("weight").drop())
    assert graph.edge("7").properties == {}
    assert run(graph, g.E("8").drop()) == []
    assert graph.edge("8") is None
    run(graph, g.V("1").drop())
    assert graph.vertex("1") is None and graph.edge("7") is None and graph.edge("9") is None
    assert run(graph, g.V().count()) == [5]
    run(graph, g.V().drop().iterate() if False else g.V().drop())
    assert run(graph, g.V().count()) == [0] and run(graph, g.E().count()) == [0]


def test_iterate_bytecode_with_none_step(graph):
    t = g.add_v("x").property(T.id, "it1")
    t.bytecode.add_step("none")
    assert execute(graph, t.bytecode) == []
    assert graph.vertex("it1") is not None


def test_merge_v_create_then_match(graph):
    m = {T.label: "product", T.id: "p9", "sku": "A"}
    first = run(graph, g.merge_v(m).option(Merge.on_create, {"price": 1.0})
                .option(Merge.on_match, {"price": 2.0}))
    assert first[0].id == "p9" and graph.vertex("p9").properties == {"sku": ["A"], "price": [1.0]}
    again = run(graph, g.merge_v(m).option(Merge.on_create, {"price": 1.0})
                .option(Merge.on_match, {"price": 2.0}))
    assert again[0].id == "p9" and graph.vertex("p9").properties["price"] == [2.0]
    assert run(graph, g.V().has_label("product").count()) == [1]


def test_merge_v_matches_by_properties(graph):
    got = run(graph, g.merge_v({T.label: "person", "name": "marko"}))
    assert [v.id for v in got] == ["1"]
    got = run(graph, g.merge_v({"lang": "java"}))
    assert sorted(v.id for v in got) == ["3", "5"]


def test_merge_v_on_create_cannot_override_the_match_map(graph):
    with pytest.raises(GremlinError, match="onCreate"):
        run(graph, g.merge_v({T.id: "z1", "a": 1}).option(Merge.on_create, {"a": 2}))


def test_merge_v_cardinality_values(graph):
    run(graph, g.merge_v({T.id: "1"}).option(Merge.on_match, {"tag": CardinalityValue.list_("t")}))
    run(graph, g.merge_v({T.id: "1"}).option(Merge.on_match, {"tag": CardinalityValue.list_("u")}))
    assert graph.vertex("1").properties["tag"] == ["t", "u"]


def test_merge_v_from_injected_maps(graph):
    rows = [{T.id: "n1", T.label: "product", "name": "a"}, {T.id: "n2", T.label: "product", "name": "b"}]
    got = run(graph, g.inject(rows).unfold().merge_v())
    assert [v.id for v in got] == ["n1", "n2"]


def test_merge_e_create_match_and_on_match(graph):
    m = {T.label: "SIMILAR", Direction.OUT: "1", Direction.IN: "5", "score": 0.7}
    e = run(graph, g.merge_e(m))[0]
    assert (e.label, e.outV.id, e.inV.id) == ("SIMILAR", "1", "5")
    assert run(graph, g.merge_e(m))[0].id == e.id
    assert run(graph, g.E().has_label("SIMILAR").count()) == [1]
    run(graph, g.merge_e({T.label: "SIMILAR", Direction.OUT: "1", Direction.IN: "5"})
        .option(Merge.on_match, {"score": 0.9}))
    assert graph.edge(e.id).properties["score"] == 0.9
    # an existing edge matches by endpoints and label
    assert [x.id for x in run(graph, g.merge_e({T.label: "knows", Direction.OUT: "1", Direction.IN: "2"}))] == ["7"]


def test_merge_e_with_id_and_on_create(graph):
    m = {T.id: "SIMILAR:2:3", T.label: "SIMILAR", Direction.OUT: "2", Direction.IN: "3"}
    run(graph, g.merge_e(m).option(Merge.on_create, {"score": 0.3}))
    assert graph.edge("SIMILAR:2:3").properties == {"score": 0.3}


def test_merge_e_with_merge_out_v_in_v_options(graph):
    m = {T.label: "rel", Direction.OUT: Merge.out_v, Direction.IN: Merge.in_v}
    e = run(graph, g.merge_e(m).option(Merge.out_v, {"name": "vadas"}).option(Merge.in_v, __.V("6")))[0]
    assert (e.outV.id, e.inV.id) == ("2", "6")


def test_merge_e_missing_vertex_is_an_error(graph):
    with pytest.raises(GremlinError, match="Vertex id could not be resolved from mergeE: nope"):
        run(graph, g.merge_e({T.label: "SIMILAR", Direction.OUT: "1", Direction.IN: "nope"}))


def test_bulk_merge_e_from_injected_rows(graph):
    rows = [{T.label: "SIMILAR", Direction.OUT: str(i % 6 + 1), Direction.IN: str((i + 1) % 6 + 1),
             "score": i / 10} for i in range(6)]
    got = run(graph, g.inject(rows).unfold().as_("r").merge_e(__.select("r")).count())
    assert got == [6]
    assert run(graph, g.E().has_label("SIMILAR").count()) == [6]
    assert run(graph, g.inject(rows).unfold().merge_e().count()) == [6]
    assert run(graph, g.E().has_label("SIMILAR").count()) == [6]


def test_failed_traversal_leaves_graph_unchanged(graph):
    before = (len(graph.vertices), len(graph.edges), graph.version)
    bad = (g.add_v("x").property(T.id, "new1").add_v("x").property(T.id, "new2")
           .V("2").property("age", 99).add_e("k").to(GVertex("404")))
    with pytest.raises(GremlinError):
        run(graph, bad)
    assert (len(graph.vertices), len(graph.edges), graph.version) == before
    assert graph.vertex("new1") is None and graph.vertex("2").properties["age"] == [27]


def test_long_chain_of_add_e_in_one_request(graph):
    t = g.inject(0)
    for i in range(300):
        t = t.add_e("chain").from_(__.V(str(i % 6 + 1))).to(__.V(str((i + 2) % 6 + 1))).property("i", i)
    assert execute(graph, t.count().bytecode) == [1]
    assert run(graph, g.E().has_label("chain").count()) == [300]


# ---- MergeEdge.feature / MergeVertex.feature semantics ---------------------------------------
def test_merge_e_on_create_supplies_id_and_directions(graph):
    # g_mergeE_with_eid_specified_and_inheritance_2: onCreate inherits from the merge map
    got = run(graph, g.merge_e({T.id: "201"})
              .option(Merge.on_create, {Direction.OUT: "1", Direction.IN: "2", T.label: "knows"}))
    assert got[0].id == "201" and (got[0].outV.id, got[0].inV.id) == ("1", "2")


def test_merge_e_on_create_cannot_override_direction_or_label(graph):
    m = {Direction.OUT: "1", Direction.IN: "2", T.label: "likes"}
    with pytest.raises(GremlinError, match="cannot override values from merge"):
        run(graph, g.merge_e(m).option(Merge.on_create, {Direction.OUT: "2"}))
    with pytest.raises(GremlinError, match="cannot override values from merge"):
        run(graph, g.merge_e(m).option(Merge.on_create, {T.label: "other"}))


def test_merge_e_without_out_vertex_cannot_create():
    graph = Graph(None)
    with graph.transaction():
        graph.add_vertex("person", "a")
    with pytest.raises(GremlinError, match="Out Vertex not specified"):
        run(graph, g.merge_e({}))
    with pytest.raises(GremlinError, match="Out Vertex not specified"):
        run(graph, g.merge_e(None))


def test_merge_e_empty_map_matches_every_edge(graph):
    assert len(run(graph, g.merge_e({}))) == 6


def test_merge_e_on_match_traversal_runs_on_the_matched_edge(graph):
    m = {T.label: "knows", Direction.OUT: "1", Direction.IN: "2"}
    run(graph, g.with_side_effect("m", {"created": "N"}).merge_e(m)
        .option(Merge.on_match, __.side_effect(__.properties("weight").drop()).select("m")))
    assert graph.edge("7").properties == {"created": "N"}


def test_merge_e_out_v_option_from_step_labels(graph):
    m = {T.label: "knows", Direction.OUT: Merge.out_v, Direction.IN: Merge.in_v}
    got = run(graph, g.V("6").as_("x").V("5").as_("y").merge_e(m)
              .option(Merge.out_v, __.select("x")).option(Merge.in_v, __.select("y")))
    assert (got[0].outV.id, got[0].inV.id) == ("6", "5")


def test_merge_v_null_and_empty_maps(graph):
    assert len(run(graph, g.merge_v(None))) == 6
    assert len(run(graph, g.V().limit(2).merge_v({}))) == 12
    empty = Graph(None)
    got = run(empty, g.merge_v({}))
    assert len(got) == 1 and got[0].label == "vertex"


def test_merge_v_label_must_be_a_string(graph):
    with pytest.raises(GremlinError, match="label"):
        run(graph, g.merge_v({T.label: None, "name": "marko"}))


def test_drop_every_property(graph):
    assert run(graph, g.V().properties().drop()) == []
    assert run(graph, g.V().properties().count()) == [0] and run(graph, g.V().count()) == [6]


def test_hidden_labels_and_keys_are_refused(graph):
    with pytest.raises(GremlinError, match="~x"):
        run(graph, g.add_v("~x"))
    with pytest.raises(GremlinError, match="~k"):
        run(graph, g.V("1").property("~k", 1))
    with pytest.raises(GremlinError, match="~id"):
        run(graph, g.merge_v({"~id": "9"}))
    assert len(graph.vertices) == 6 and "~k" not in graph.vertex("1").properties


def test_bulk_merge_e_through_identity_creates_matches_and_validates(graph):
    # the batched-upsert shape of the loader benchmark: inject(maps).unfold().mergeE(identity())
    rows = [{T.id: f"B:{i}", T.label: "SIMILAR", Direction.OUT: "1", Direction.IN: str(i), "score": i / 10}
            for i in (2, 3, 4)]
    assert run(graph, g.inject(rows).unfold().merge_e(__.identity()).id_()) == ["B:2", "B:3", "B:4"]
    assert graph.edge("B:3").properties == {"score": 0.3}
    assert run(graph, g.inject(rows).unfold().merge_e(__.identity()).count()) == [3]
    assert run(graph, g.E().has_label("SIMILAR").count()) == [3]
    # every incoming map is validated, not just the first of a batch
    bad = rows[:1] + [{T.id: "B:9", T.label: "~hidden", Direction.OUT: "1", Direction.IN: "2"}]
    with pytest.raises(GremlinError, match="Label can not be a hidden key: ~hidden"):
        run(graph, g.inject(bad).unfold().merge_e(__.identity()))
    # a map unfolded into entries reaches identity() one entry at a time
    got = run(graph, g.inject({T.id: "B:2", "score": 0.2}).unfold().merge_e(__.identity()).id_())
    assert got == ["B:2", "B:2"]


def test_chained_merge_e_with_on_create_and_on_match(graph):
    # the loader's shape: mergeE(search).option(onCreate, props).option(onMatch, props), chained
    def batch(score):
        t = g
        for i in (2, 3):
            props = {"score": score}
            t = (t.merge_e({T.id: f"C:{i}", T.label: "SIMILAR", Direction.OUT: "1", Direction.IN: str(i)})
                 .option(Merge.on_create, props).option(Merge.on_match, props))
        return t
    run(graph, batch(0.5))
    assert [graph.edge(f"C:{i}").properties for i in (2, 3)] == [{"score": 0.5}] * 2
    run(graph, batch(0.7))
    assert [graph.edge(f"C:{i}").properties for i in (2, 3)] == [{"score": 0.7}] * 2
    assert run(graph, g.E().has_label("SIMILAR").count()) == [2]


def test_convert_arg_copies_maps_and_lists_and_compiles_nested_traversals():
    from stylegraph.graph.bytecode import convert_arg
    from stylegraph.graph.steps.base import Traversal

    m = {T.id: "x", Direction.OUT: "1", "score": 0.1}
    got = convert_arg(m, "inject")
    assert got == m and got is not m
    items = ["a", 1, T.id]
    got = convert_arg(items, "inject")
    assert got == items and got is not items
    nested = convert_arg([{"t": __.out().bytecode}], "inject")
    assert isinstance(nested[0]["t"], Traversal)
