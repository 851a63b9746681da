"""Navigation on the modern graph: V/E starts, out/in/both, outE/inE/bothE,
outV/inV/bothV/otherV, and the structure types each backend hands back."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Direction, P, T
from gremlin_python.structure.graph import Edge, Vertex

from .support import check_scenario, idlist, ids


# ---------------------------------------------------------------- starts
def test_v_all_and_by_id(g):
    assert ids(g.V()) == ["1", "2", "3", "4", "5", "6"]
    assert ids(g.V("1", "2")) == ["1", "2"]
    assert ids(g.V("3")) == ["3"]


def test_e_all_and_by_id(g):
    assert ids(g.E()) == ["10", "11", "12", "7", "8", "9"]
    assert ids(g.E("7", "8")) == ["7", "8"]


def test_v_mid_traversal(g):
    # V() in the middle of a traversal starts again from the graph, per traverser
    assert g.V("1", "2").V().count().next() == 12
    assert ids(g.V("1").V("2")) == ["2"]


def test_vertex_structure(g):
    v = g.V("1").next()
    assert isinstance(v, Vertex)
    assert v.id == "1" and v.label == "person"


def test_edge_structure(g):
    e = g.E("9").next()
    assert isinstance(e, Edge)
    assert (e.id, e.label) == ("9", "created")
    assert e.outV.id == "1" and e.inV.id == "3"


# ---------------------------------------------------------------- vertex steps
def test_out(g):
    assert ids(g.V("1").out()) == ["2", "3", "4"]
    assert ids(g.V("1").out("knows")) == ["2", "4"]
    assert ids(g.V("1").out("knows", "created")) == ["2", "3", "4"]
    assert ids(g.V("2").out()) == []
    assert ids(g.V("1").out("nope")) == []


def test_in(g):
    assert ids(g.V("3").in_()) == ["1", "4", "6"]
    assert ids(g.V("3").in_("created")) == ["1", "4", "6"]
    assert ids(g.V("4").in_("knows")) == ["1"]
    assert ids(g.V("1").in_()) == []


def test_both(g):
    assert ids(g.V("4").both()) == ["1", "3", "5"]
    assert ids(g.V("4").both("knows")) == ["1"]
    assert ids(g.V("4").both("knows", "created")) == ["1", "3", "5"]


def test_out_out(g):
    assert ids(g.V().out().out()) == ["3", "5"]
    assert sorted(g.V("1").out().out().values("name").to_list()) == ["lop", "ripple"]


def test_out_e(g):
    assert ids(g.V("1").out_e()) == ["7", "8", "9"]
    assert ids(g.V("1").out_e("knows")) == ["7", "8"]
    assert ids(g.V("3").out_e()) == []


def test_in_e(g):
    assert ids(g.V("3").in_e()) == ["11", "12", "9"]
    assert ids(g.V("2").in_e("knows")) == ["7"]


def test_both_e(g):
    assert ids(g.V("4").both_e()) == ["10", "11", "8"]
    assert ids(g.V("4").both_e("created")) == ["10", "11"]


def test_out_v_in_v(g):
    assert ids(g.E("7").out_v()) == ["1"]
    assert ids(g.E("7").in_v()) == ["2"]
    assert ids(g.V("1").out_e("created").in_v()) == ["3"]
    assert ids(g.V("3").in_e().out_v()) == ["1", "4", "6"]


def test_both_v(g):
    # out vertex first, then in vertex
    assert idlist(g.E("7").both_v()) == ["1", "2"]
    assert ids(g.E().has_label("knows").both_v().dedup()) == ["1", "2", "4"]


def test_other_v(g):
    assert ids(g.V("1").out_e("knows").other_v()) == ["2", "4"]
    assert ids(g.V("3").in_e().other_v()) == ["1", "4", "6"]
    assert ids(g.V("4").both_e().other_v()) == ["1", "3", "5"]


def test_navigation_from_edges_back_to_vertices(g):
    assert sorted(g.V("1").out_e().in_v().values("name").to_list()) == ["josh", "lop", "vadas"]
    assert g.V("1").out_e().count().next() == 3
    assert g.V("4").in_e().out_v().values("name").to_list() == ["marko"]


def test_traversal_count_from_both(g):
    # every edge seen from both ends
    assert g.V().both_e().count().next() == 12
    assert g.V().both().count().next() == 12


def test_navigation_inside_anonymous_traversals(g):
    got = g.V().has_label("person").where(__.out("created").has("name", "ripple")).values("name").to_list()
    assert got == ["josh"]


# ---------------------------------------------------------------- Vertex.feature scenarios
VERTEX_SCENARIOS = {
    "v_null": (lambda g: g.V(None), []),
    "v_list_null": (lambda g: g.V([None]), []),
    "v_id_and_null": (lambda g: g.V("1", None), ["1"]),
    "v_list_of_ids": (lambda g: g.V(["1", "2", "3"]).values("name"), ["marko", "vadas", "lop"]),
    "v2_in": (lambda g: g.V("2").in_(), ["1"]),
    "v2_both_e": (lambda g: g.V("2").both_e(), ["7"]),
    "out_e_weight_out_v": (lambda g: g.V().out_e().has("weight", 1.0).out_v(), ["1", "4"]),
    "long_walk": (lambda g: g.V().out().out_e().in_v().in_e().in_v().both().values("name"),
                  ["marko"] * 3 + ["josh"] * 4 + ["peter"] * 3),
    "out_e_knows_both_v": (lambda g: g.V("1").out_e("knows").both_v().values("name"),
                           ["marko", "marko", "josh", "vadas"]),
    "both_e_weight_lt_other_v": (lambda g: g.V("4").both_e().has("weight", P.lt(1.0)).other_v(), ["3"]),
    "out_e_two_labels_in_v": (lambda g: g.V("1").out_e("knows", "created").in_v(), ["2", "4", "3"]),
    "out_out_out": (lambda g: g.V("1").out().out().out(), []),
    "to_direction": (lambda g: g.V("1").to(Direction.OUT, "knows"), ["2", "4"]),
    "mid_v_by_label": (lambda g: g.V().has_label("person").V().has_label("software").values("name"),
                       ["lop"] * 4 + ["ripple"] * 4),
    "inject_v_null": (lambda g: g.inject(1).V(None), []),
    "inject_v_id_null": (lambda g: g.inject(1).V("1", None), ["1"]),
    "v1_v_names": (lambda g: g.V("1").V().values("name"), ["marko", "vadas", "lop", "josh", "ripple", "peter"]),
    "out_knows_v_names": (lambda g: g.V().out("knows").V().values("name"),
                          ["marko", "vadas", "lop", "josh", "ripple", "peter"] * 2),
}


@pytest.mark.parametrize("name", list(VERTEX_SCENARIOS))
def test_feature_vertex(g, name):
    traversal, expected = VERTEX_SCENARIOS[name]
    check_scenario(traversal(g).to_list(), expected)


def test_feature_self_loops_are_seen_from_both_ends(empty_g):
    g = empty_g
    g.add_v("loops").property(T.id, "loop").iterate()
    g.V("loop").add_e("self").to(__.V("loop")).iterate()
    assert [e.id for e in g.V().has_label("loops").both_e("self").to_list()] == [g.E().id_().next()] * 2
    assert [v.id for v in g.V().has_label("loops").both("self").to_list()] == ["loop", "loop"]
    assert g.V("loop").out("self").id_().to_list() == ["loop"]
    assert g.V("loop").in_("self").id_().to_list() == ["loop"]


def test_feature_v_ids_after_drop(fresh_g):
    g = fresh_g
    assert g.V().has("software", "name", "lop").drop().to_list() == []
    assert g.V("1", "2", "3", "4").count().next() == 3
