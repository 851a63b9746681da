"""Engine: filter steps and predicates (expected results from TinkerPop's feature files)."""
from __future__ import annotations

import pytest

from typing import Any

from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import P, Scope, T, TextP

from stylegraph.graph.engine import execute
from stylegraph.graph.graph import Graph

from .engine_support import g, modern_graph_fixture, run

graph = modern_graph_fixture("module")


def names(graph: Graph, t: Any) -> list:
    return execute(graph, t.values("name").bytecode)


def test_has_key_value_and_label_forms(graph):
    assert sorted(names(graph, g.V().has("name", "marko"))) == sorted(["marko"])
    assert sorted(names(graph, g.V().has("person", "name", "marko"))) == sorted(["marko"])
    assert sorted(names(graph, g.V().has("software", "name", "marko"))) == sorted([])
    assert sorted(names(graph, g.V().has("age"))) == sorted(["marko", "vadas", "josh", "peter"])
    assert sorted(names(graph, g.V().has_not("age"))) == sorted(["lop", "ripple"])
    assert sorted(names(graph, g.V().has_label("software"))) == sorted(["lop", "ripple"])
    assert sorted(names(graph, g.V().has_label("software", "nope"))) == sorted(["lop", "ripple"])
    assert sorted(names(graph, g.V().has(T.label, "software"))) == sorted(["lop", "ripple"])
    assert sorted(names(graph, g.V().has(T.id, "4"))) == sorted(["josh"])


def test_has_with_comparison_predicates(graph):
    assert sorted(names(graph, g.V().has("age", P.gt(30)))) == sorted(["josh", "peter"])
    assert sorted(names(graph, g.V().has("age", P.gte(32)))) == sorted(["josh", "peter"])
    assert sorted(names(graph, g.V().has("age", P.lt(29)))) == sorted(["vadas"])
    assert sorted(names(graph, g.V().has("age", P.lte(29)))) == sorted(["marko", "vadas"])
    assert sorted(names(graph, g.V().has("age", P.neq(29)))) == sorted(["vadas", "josh", "peter"])
    assert sorted(names(graph, g.V().has("age", P.eq(29)))) == sorted(["marko"])
    # numbers compare across int/float
    assert sorted(names(graph, g.V().has("age", 29.0))) == sorted(["marko"])


def test_range_predicates(graph):
    assert sorted(names(graph, g.V().has("age", P.inside(27, 32)))) == sorted(["marko"])
    assert sorted(names(graph, g.V().has("age", P.between(27, 32)))) == sorted(["marko", "vadas"])
    assert sorted(names(graph, g.V().has("age", P.outside(28, 33)))) == sorted(["vadas", "peter"])
    assert sorted(names(graph, g.V().has("age", P.within(29, 35)))) == sorted(["marko", "peter"])
    assert sorted(names(graph, g.V().has("age", P.without(29, 35)))) == sorted(["vadas", "josh"])
    assert sorted(names(graph, g.V().has("age", P.within([27])))) == sorted(["vadas"])


def test_and_or_not_of_predicates(graph):
    assert sorted(names(graph, g.V().has("age", P.gt(27).and_(P.lt(35))))) == sorted(["marko", "josh"])
    assert sorted(names(graph, g.V().has("age", P.lt(28).or_(P.gt(34))))) == sorted(["vadas", "peter"])
    assert sorted(names(graph, g.V().has("age", P.not_(P.lt(30))))) == sorted(["josh", "peter"])


def test_text_predicates(graph):
    assert sorted(names(graph, g.V().has("name", TextP.containing("ar")))) == sorted(["marko"])
    assert sorted(names(graph, g.V().has("name", TextP.starting_with("jo")))) == sorted(["josh"])
    assert sorted(names(graph, g.V().has("name", TextP.ending_with("as")))) == sorted(["vadas"])
    assert sorted(names(graph, g.V().has("name", TextP.not_containing("o")))) == sorted(["vadas", "ripple", "peter"])
    assert sorted(names(graph, g.V().has("name", TextP.not_starting_with("p")))) == \
        sorted(["marko", "vadas", "lop", "josh", "ripple"])
    assert sorted(names(graph, g.V().has("name", TextP.not_ending_with("p")))) == \
        sorted(["marko", "vadas", "josh", "ripple", "peter"])
    # text predicates are simply false on non-strings
    assert sorted(names(graph, g.V().has("age", TextP.containing("2")))) == sorted([])


def test_incomparable_types_are_filtered_not_errors(graph):
    assert sorted(names(graph, g.V().has("name", P.gt(3)))) == sorted([])
    assert run(graph, g.inject(1, "a", 2.5, True).is_(P.gt(1))) == [2.5]


def test_booleans_are_not_numbers(graph):
    assert run(graph, g.inject(1, True, 1.0).is_(1)) == [1, 1.0]
    assert run(graph, g.inject(1, True).is_(True)) == [True]


def test_is(graph):
    assert sorted(run(graph, g.V().values("age").is_(P.lte(30)))) == [27, 29]
    assert run(graph, g.V().values("age").is_(32)) == [32]


def test_where_traversal_not_and_or(graph):
    assert sorted(names(graph, g.V().where(__.out("created")))) == sorted(["marko", "josh", "peter"])
    assert sorted(names(graph, g.V().not_(__.out("created")))) == sorted(["vadas", "lop", "ripple"])
    assert sorted(names(graph, g.V().filter_(__.in_("knows")))) == sorted(["vadas", "josh"])
    assert sorted(names(graph, g.V().and_(__.out("knows"), __.out("created")))) == sorted(["marko"])
    assert sorted(names(graph, g.V().or_(__.has("age", P.gt(34)), __.has("lang")))) == sorted(["lop", "ripple", "peter"])


def test_where_with_step_labels(graph):
    # Where.feature: g_VX1X_asXaX_outXcreatedX_inXcreatedX_whereXneqXaXX_name
    got = names(graph, g.V("1").as_("a").out("created").in_("created").where(P.neq("a")))
    assert sorted(got) == ["josh", "peter"]
    # g_V_asXaX_outXcreatedX_whereXasXaX_name_isXjoshXX_inXcreatedX_name
    got = run(graph, g.V().as_("a").out("created")
              .where(__.as_("a").values("name").is_("josh")).in_("created").values("name"))
    assert sorted(got) == ["josh", "josh", "marko", "peter"]
    # where(a, eq(b)) with by(): people older than the person they know
    got = run(graph, g.V().as_("a").out("knows").as_("b")
              .where("a", P.gt("b")).by("age").select("a", "b").by("name"))
    assert got == [{"a": "marko", "b": "vadas"}]


def test_where_traversal_with_start_and_end_labels(graph):
    # pairs (a, b) where a created something b created too, a != b
    got = run(graph, g.V().as_("a").out("created").in_("created").as_("b")
              .where(__.as_("a").out("knows").as_("b")).select("a", "b").by("name"))
    assert got == [{"a": "marko", "b": "josh"}]


@pytest.mark.insertion_order
def test_dedup(graph):
    assert run(graph, g.V().both().dedup().count()) == [6]
    assert names(graph, g.V().dedup().by(T.label)) == ["marko", "lop"]
    assert run(graph, g.V().values("age").fold().dedup(Scope.local).count(Scope.local)) == [4]
    assert run(graph, g.inject([1, 1, 2, "a"]).dedup(Scope.local)) == [{1, 2, "a"}]
    got = run(graph, g.V("1").out().as_("x").in_().as_("y").dedup("x").select("x").values("name"))
    assert got == ["vadas", "josh", "lop"]


@pytest.mark.insertion_order
def test_limit_range_skip_tail(graph):
    assert names(graph, g.V().limit(2)) == ["marko", "vadas"]
    assert names(graph, g.V().range_(1, 3)) == ["vadas", "lop"]
    assert names(graph, g.V().range_(4, -1)) == ["ripple", "peter"]
    assert names(graph, g.V().skip(4)) == ["ripple", "peter"]
    assert names(graph, g.V().tail(2)) == ["ripple", "peter"]
    assert names(graph, g.V().tail()) == ["peter"]
    assert run(graph, g.V().limit(0)) == []


@pytest.mark.insertion_order
def test_local_range_forms(graph):
    ages = g.V().values("age").fold()
    assert run(graph, ages.limit(Scope.local, 2)) == [[29, 27]]
    assert run(graph, g.V().values("age").fold().limit(Scope.local, 1)) == [29]
    assert run(graph, g.V().values("age").fold().range_(Scope.local, 1, 3)) == [[27, 32]]
    assert run(graph, g.V().values("age").fold().tail(Scope.local, 2)) == [[32, 35]]
    assert run(graph, g.V().values("age").fold().tail(Scope.local)) == [35]
    assert run(graph, g.V().values("age").fold().skip(Scope.local, 3)) == [[35]]
    assert run(graph, g.V("1").value_map().limit(Scope.local, 1)) == [{"name": ["marko"]}]


@pytest.mark.insertion_order
def test_limit_is_lazy_in_children(graph):
    # each traverser gets its own limit inside local()
    got = run(graph, g.V().has_label("person").local(__.out().limit(1)).values("name"))
    assert got == ["lop", "ripple", "lop"] or got == ["vadas", "ripple", "lop"]


def test_simple_and_cyclic_path(graph):
    # marko-both-both: 7 paths, 3 come back to marko
    assert run(graph, g.V("1").both().both().simple_path().count()) == [4]
    assert run(graph, g.V("1").both().both().cyclic_path().count()) == [3]
    got = run(graph, g.V("1").out("created").in_("created").simple_path().values("name"))
    assert sorted(got) == ["josh", "peter"]


def test_none_discards_everything(graph):
    assert run(graph, g.V().none()) == []


def test_client_side_elements_compare_by_id(graph):
    from gremlin_python.structure.graph import Vertex as GVertex
    assert [v.id for v in run(graph, g.V().is_(GVertex("2")))] == ["2"]
    assert sorted(v.id for v in run(graph, g.V().is_(P.within(GVertex("1"), GVertex("6"))))) == ["1", "6"]
    # an id string is not the vertex itself
    assert run(graph, g.V().is_("2")) == []
    assert [v.id for v in run(graph, g.V().has_id(GVertex("3")))] == ["3"]


def test_infix_and_or(graph):
    # and binds tighter than or: (created and knows) or in(knows)
    got = names(graph, g.V().where(__.out("created").and_().out("knows").or_().in_("knows")))
    assert sorted(got) == ["josh", "marko", "vadas"]
    # like TinkerPop's ConnectiveStrategy, the right operand runs to the end of the traversal
    got = run(graph, g.V().has_label("person").and_().has("age", P.gt(30)).values("name"))
    assert sorted(v.id for v in got) == ["4", "6"]


def test_where_start_labels_inside_and_or(graph):
    got = run(graph, g.V().as_("a").out().as_("b").where(__.and_(
        __.as_("a").out("knows").as_("b"),
        __.or_(__.as_("b").out("created").has("name", "ripple"),
               __.as_("b").in_("knows").count().is_(P.not_(P.eq(0)))))).select("a", "b").by(T.id))
    assert sorted(got, key=repr) == [{"a": "1", "b": "2"}, {"a": "1", "b": "4"}]


def test_where_by_modulators_cycle_over_labels(graph):
    got = run(graph, g.V().as_("a").out_e("created").as_("b").in_v().as_("c")
              .where("a", P.gt("b").or_(P.eq("b"))).by("age").by("weight").by("weight")
              .select("a", "c").by("name"))
    assert len(got) == 4 and {"a": "marko", "c": "lop"} in got


def test_dedup_of_properties_uses_property_equality(graph):
    # Dedup.feature: edge properties are equal by key and value, vertex properties by id
    assert run(graph, g.V().both_e().properties().dedup().count()) == [4]
    assert run(graph, g.V().both().properties().dedup().count()) == [12]


@pytest.mark.insertion_order
def test_dedup_by_unproductive_label_value_filters(graph):
    got = run(graph, g.V("1").as_("a").both().as_("b").dedup("a", "b").by("age").select("b").by("name"))
    assert got == ["vadas", "josh"]


def test_limit_inside_repeat_counts_per_loop(graph):
    assert names(graph, g.V("5").repeat(__.limit(1).in_()).times(2)) == ["marko"]
    got = run(graph, g.V("5").repeat(__.limit(1).in_().aggregate("x")).times(2).cap("x"))
    assert [v.id for v in got[0]] == ["4", "1"]
    # range(local) leaves a scalar as it is
    assert run(graph, g.V("1").values("age").range_(Scope.local, 20, 30)) == [29]
