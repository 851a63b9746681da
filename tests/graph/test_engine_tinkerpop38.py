"""Engine: TinkerPop 3.8 semantics for a 3.8 client (``graph/dialect.py``), 3.7's otherwise, and the
steps added with them (tree(), fail(), property() with a traversal key). Expected values are the
feature files' (gremlin-test 3.8.1 / 3.7.5) for TinkerPop's modern graph."""
from __future__ import annotations

import json
import struct
import uuid

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Column, Direction, Merge, P, Pick, Scope, T
from gremlin_python.statics import long

from stylegraph.graph.errors import GremlinError
from stylegraph.graph.fixtures import modern_graph
from stylegraph.graph.dialect import TP38, from_user_agent
from stylegraph.graph.pick import UNPRODUCTIVE
from stylegraph.graph.server.serializers import GraphBinarySerializer, GraphSONSerializer
from stylegraph.graph.server.protocol import Response
from stylegraph.graph.tree import Tree

from .engine_support import g, modern_graph_fixture, run, same_items

graph = modern_graph_fixture("module")


def run38(graph, t) -> list:
    """Results for a client speaking TinkerPop 3.8."""
    return run(graph, t, dialect=TP38)


def test_from_user_agent() -> None:
    assert from_user_agent("NotAvailable Gremlin-Java.3.8.1 17.0.2 Linux.6.1 amd64") == (3, 8)
    assert from_user_agent("Gremlin-Python.3.7.7 3.11.4 Linux.6.1 x86_64") == (3, 7)
    assert from_user_agent(None) == (3, 7)
    assert from_user_agent("curl/8.0") == (3, 7)


def test_range_local_keeps_lists_in_38(graph) -> None:
    # Range.feature / Tail.feature: 3.8 always gives a list, 3.7 unwraps one element
    assert run38(graph, g.inject([1, 2], [3, 4, 5]).limit(Scope.local, 1)) == [[1], [3]]
    assert run(graph, g.inject([1, 2], [3, 4, 5]).limit(Scope.local, 1)) == [1, 3]
    assert run38(graph, g.inject([1, 2, 3], [4, 5, 6]).tail(Scope.local, 1)) == [[3], [6]]
    assert run38(graph, g.V().fold().range_(Scope.local, 6, 7)) == [[]]
    assert run(graph, g.V().fold().range_(Scope.local, 6, 7)) == []


def test_group_value_traversal_for_every_key_in_38(graph) -> None:
    t = g.V().has("person", "name", P.within("vadas", "peter")).group().by("name").by(__.out().order().count())
    assert run38(graph, t) == [{"vadas": 0, "peter": 1}]
    assert run(graph, t) == [{"peter": 1}]  # 3.7: the collecting barrier drops vadas
    t = g.V().group().by().by(__.out().label().limit(0).fold()).select(Column.values).unfold()
    assert run38(graph, t) == [[]] * 6


def test_choose_38_routing(graph) -> None:
    # Choose.feature (3.8): choose(T.label); unmatched traversers pass through
    got = run38(graph, g.V().choose(T.label).option("person", __.out("knows").values("name"))
                .option("bleep", __.constant("bleep")))
    assert same_items([x if isinstance(x, str) else x.id for x in got], ["vadas", "josh", "3", "5"])
    got = run38(graph, g.V().choose(__.out().count()).option(2, __.values("name")).option(3, __.values("age")))
    assert same_items([x.id if hasattr(x, "id") else x for x in got], [29, "2", "3", "josh", "5", "6"])
    assert len(run(graph, g.V().choose(__.out().count()).option(2, __.values("name"))
                   .option(3, __.values("age")))) == 2  # 3.7: unmatched dropped
    # Pick.unproductive: the choice traversal (age) gives nothing for software
    got = run38(graph, g.V().choose(__.values("age")).option(P.between(26, 30), __.values("name"))
                .option(Pick.none, __.values("name")).option(UNPRODUCTIVE, __.label()))
    assert same_items(got, ["marko", "vadas", "software", "josh", "software", "peter"])


def test_repeat_breadth_first_in_38(graph) -> None:
    # Repeat.feature: dedup() state spans the loops; aggregate() sees every loop
    assert run38(graph, g.V().repeat(__.dedup().both()).times(2)) == []
    assert len(run38(graph, g.V().repeat(__.aggregate("x")).times(2).select("x").limit(1).unfold())) == 12
    with pytest.raises(GremlinError, match="The parent of inject\\(\\)-step can not be repeat\\(\\)-step"):
        run38(graph, g.V().repeat(__.inject("y")).times(2))


def test_tree(graph) -> None:
    # Tree.feature
    (tree,) = run38(graph, g.V("1").out().out().tree().by("name"))
    assert isinstance(tree, Tree) and tree == {"marko": {"josh": {"lop": {}, "ripple": {}}}}
    assert run(graph, g.V().out().tree().by("age")) == [{29: {27: {}, 32: {}}, 32: {}, 35: {}}]
    assert run(graph, g.V("1").out().out().tree("a").by(T.label).both().both().cap("a")) == [
        {"person": {"person": {"software": {}}}}]
    assert run(graph, g.V().out().tree("a").select("a").count(Scope.local)) == [3] * 6
    assert run(graph, g.V().out().out().out().tree()) == [{}]


@pytest.mark.insertion_order
def test_tree_side_effect_grows_per_local_run(graph) -> None:
    # Tree.feature g_V_out_order_byXnameX_localXtreeXaX_selectXaX_countXlocalXX (@InsertionOrderingRequired)
    assert run(graph, g.V().out().local(__.tree("a").select("a").count(Scope.local))) == [1, 1, 1, 2, 2, 3]


def test_tree_on_the_wire() -> None:
    """GraphBinary 0x2b ({length}{key, fully qualified}{Tree as a value}...) and GraphSON g:Tree."""
    tree = Tree({"marko": Tree({"josh": Tree()})})
    rid = uuid.uuid4()
    frame = GraphBinarySerializer().write_response(Response(rid, 200, "", [tree]))
    body = (bytes([0x2B, 0x00]) + struct.pack(">i", 1) + bytes([0x03, 0x00]) + struct.pack(">i", 5) + b"marko"
            + struct.pack(">i", 1) + bytes([0x03, 0x00]) + struct.pack(">i", 4) + b"josh" + struct.pack(">i", 0))
    assert body in frame
    text = GraphSONSerializer(text_frames=True).write_response(Response(rid, 200, "", [tree]))
    data = json.loads(text)["result"]["data"]["@value"][0]
    assert data == {"@type": "g:Tree", "@value": [{"key": "marko", "value": {
        "@type": "g:Tree", "@value": [{"key": "josh", "value": {"@type": "g:Tree", "@value": []}}]}}]}


def test_fail_step(graph) -> None:
    with pytest.raises(GremlinError, match="msg") as err:
        run(graph, g.V().fail("msg"))
    assert err.value.code == 595


def test_p_chain_from_java() -> None:
    from stylegraph.graph.server.wire_types import make_predicate
    pred = make_predicate(P, "and", [P.gt(18), P.lt(30), P.lt(35)], paired=True)
    assert run(modern_graph(), g.V().has("age", pred).values("name")) == ["marko", "vadas"]


def test_property_with_traversal_key() -> None:
    graph = modern_graph()
    run(graph, g.V("1").property(__.values("name"), __.label()))
    assert run(graph, g.V("1").values("marko")) == ["person"]
    assert run(graph, g.add_v().property("name", "m").with_("key", "value").values("name", "key")) == ["m"]


def test_cyclic_path_by_unproductive_filters(graph) -> None:
    # CyclicPath.feature g_VX1X_both_both_cyclicPath_byXageX: marko-lop-marko has no age for lop
    assert [v.id for v in run(graph, g.V("1").both().both().cyclic_path().by("age"))] == ["1", "1"]


def test_group_count_side_effect_stays_long(graph) -> None:
    # GroupCount.feature: two groupCount("a") steps add up as Longs (d[6].l)
    (counts,) = run(graph, g.V().both().local(__.group_count("a")).out().cap("a").select(Column.keys).unfold()
                    .both().local(__.group_count("a")).cap("a"))
    assert {k.id: v for k, v in counts.items()} == {"1": 6, "2": 2, "3": 6, "4": 6, "5": 2, "6": 2}
    assert all(type(v) is long for v in counts.values())


def test_merge_e_on_match_from_an_incoming_vertex() -> None:
    # MergeEdge.feature: 3.7 refuses an incoming element with an onMatch traversal, 3.8 runs it
    # from the matched edge
    graph = modern_graph()
    t = g.V("1", "2").merge_e({T.label: "knows", Direction.OUT: "1", Direction.IN: "2"}).option(
        Merge.on_match, __.side_effect(__.property("weight", 0)).constant({}))
    with pytest.raises(GremlinError, match="cannot be an Element"):
        run(graph, t)
    assert len(run38(graph, t)) == 2
    assert run(graph, g.E("7").values("weight")) == [0]


def test_read_graphml_and_graphson(tmp_path) -> None:
    from stylegraph.graph.graph import Graph
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "g.xml").write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="labelV" for="node" attr.name="labelV" '
        'attr.type="string"/><key id="age" for="node" attr.name="age" attr.type="int"/><key id="labelE" '
        'for="edge" attr.name="labelE" attr.type="string"/><graph><node id="1"><data key="labelV">person</data>'
        '<data key="age">29</data></node><node id="2"/><edge id="7" source="1" target="2"><data key="labelE">'
        'knows</data></edge></graph></graphml>')
    (tmp_path / "data" / "g.json").write_text(
        '{"id":{"@type":"g:Int32","@value":1},"label":"person","outE":{"knows":[{"id":{"@type":"g:Int32",'
        '"@value":7},"inV":{"@type":"g:Int32","@value":2}}]},"properties":{"name":[{"id":{"@type":"g:Int64",'
        '"@value":0},"value":"marko"}]}}\n{"id":{"@type":"g:Int32","@value":2},"label":"person"}\n')
    graph = Graph(None)
    with pytest.raises(GremlinError, match="no io directory"):
        run(graph, g.io("data/g.xml").read())
    graph.io_dir = tmp_path
    assert run(graph, g.io("data/g.xml").read()) == []
    assert run(graph, g.V("1").values("age")) == [29] and run(graph, g.E("7").label()) == ["knows"]
    run(graph, g.V().drop())
    run(graph, g.io("data/g.json").with_("~tinkerpop.io.reader", "graphson").read())
    assert run(graph, g.V("1").out("knows").id_()) == ["2"] and run(graph, g.V("1").values("name")) == ["marko"]
    with pytest.raises(GremlinError, match="inside the server's io directory"):
        run(graph, g.io("../outside.json").read())
    with pytest.raises(GremlinError, match="gryo"):
        run(graph, g.io("data/g.kryo").read())


def test_graphbinary_big_decimal_is_a_decimal() -> None:
    import io
    from decimal import Decimal

    from gremlin_python.statics import BigDecimal
    from gremlin_python.structure.io import graphbinaryV1 as gb

    from stylegraph.graph.server.wire_types import GRAPHBINARY_REQUEST_TYPES, RequestGraphBinaryReader
    buff = gb.BigDecimalIO.dictify(BigDecimal(1, 5), None, bytearray())
    value = RequestGraphBinaryReader(GRAPHBINARY_REQUEST_TYPES).read_object(io.BytesIO(bytes(buff)))
    assert value == Decimal("0.5") and isinstance(value, Decimal)
