"""Refusals and failures, the same on every backend: unknown steps, lambdas,
wrong argument types, unknown ids, and atomicity of a failing write.

After every refusal the same ``g`` (same connection) must keep working."""
from __future__ import annotations

import pytest
from gremlin_python.driver.protocol import GremlinServerError
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Direction, T

from .support import deviation, ids, raises_gremlin


def still_works(g, vertices=6, edges=6):
    assert g.V().count().next() == vertices
    assert g.E().count().next() == edges
    assert g.V("1").values("name").next() == "marko"


# ---------------------------------------------------------------- unknown steps
def test_unknown_step_is_named(g):
    t = g.V()
    t.bytecode.add_step("fooBar", 1)
    with raises_gremlin("fooBar") as caught:
        t.to_list()
    exc = caught[0]
    if isinstance(exc, GremlinServerError):
        # TinkerPop Gremlin Server: 599, the request could not be read
        assert exc.status_code in (498, 499, 597, 599), exc.status_code
    still_works(g)


def test_unknown_step_inside_anonymous_traversal(g):
    inner = __.out()
    inner.bytecode.add_step("noSuchStep")
    with raises_gremlin("noSuchStep"):
        g.V().where(inner).to_list()
    still_works(g)


def test_unknown_source_step(g):
    t = g.V()
    t.bytecode.source_instructions.append(["withNoSuchThing", 1])
    with raises_gremlin("withNoSuchThing"):
        t.to_list()
    still_works(g)


def test_several_errors_in_a_row_do_not_poison_the_connection(g):
    for i in range(5):
        t = g.V()
        t.bytecode.add_step(f"bogus{i}")
        with raises_gremlin(f"bogus{i}"):
            t.to_list()
        assert g.V().count().next() == 6


# ---------------------------------------------------------------- lambdas
@deviation("Lambdas are refused", "tinkergraph")
def test_lambda_is_refused(g):
    with raises_gremlin("lambda"):
        g.V().filter_(lambda: "it.get().value('name') == 'marko'").to_list()
    still_works(g)


@deviation("Lambdas are refused", "tinkergraph")
def test_lambda_in_by_is_refused(g):
    with raises_gremlin("lambda"):
        g.V().order().by(lambda: "a, b -> a <=> b").to_list()
    still_works(g)


# ---------------------------------------------------------------- wrong argument types
def test_limit_with_a_string(g):
    with raises_gremlin("limit"):
        g.V().limit("two").to_list()
    still_works(g)


def test_range_with_strings(g):
    with raises_gremlin("range"):
        g.V().range_("a", "b").to_list()
    still_works(g)


def test_out_with_a_number(g):
    with raises_gremlin("out"):
        g.V().out(42).to_list()
    still_works(g)


def test_times_with_a_string(g):
    with raises_gremlin("times"):
        g.V().repeat(__.out()).times("x").to_list()
    still_works(g)


def test_merge_v_with_a_non_map(g):
    with raises_gremlin("mergeV"):
        g.merge_v("x").to_list()
    still_works(g)


# ---------------------------------------------------------------- timeouts
def test_evaluation_timeout(g):
    # a traversal past its evaluationTimeout is abandoned (598 on the wire), and g goes on
    with raises_gremlin("timeout") as caught:
        # until(loops()) rather than times(10**8): TinkerGraph's RepeatUnrollStrategy would
        # unroll a constant times() into 10**8 steps before evaluation (and the timeout) starts
        (g.with_("evaluationTimeout", 100).inject(1).repeat(__.constant(1))
         .until(__.loops().is_(10**8)).count().next())
    exc = caught[0]
    if isinstance(exc, GremlinServerError):
        assert exc.status_code == 598, exc.status_code
    still_works(g)


# ---------------------------------------------------------------- unknown ids
def test_unknown_vertex_id(g):
    with pytest.raises(StopIteration):
        g.V("nope").next()
    assert g.V("nope").to_list() == []
    assert g.V("nope").out().to_list() == []
    assert g.V("nope").count().next() == 0
    assert ids(g.V("1", "nope")) == ["1"]
    still_works(g)


def test_unknown_edge_id(g):
    with pytest.raises(StopIteration):
        g.E("nope").next()
    assert g.E("nope").to_list() == []
    assert ids(g.E("7", "nope")) == ["7"]


def test_merge_e_to_a_missing_vertex(fresh_g):
    g = fresh_g
    with raises_gremlin("nope"):
        g.merge_e({T.label: "likes", Direction.OUT: "1", Direction.IN: "nope"}).to_list()
    still_works(g)
    assert g.V("1").out_e("likes").to_list() == []


def test_add_e_to_a_missing_vertex(fresh_g):
    g = fresh_g
    with raises_gremlin():
        g.V("1").add_e("likes").to(__.V("nope")).to_list()
    still_works(g)


def test_drop_of_unknown_id_is_a_no_op(fresh_g):
    g = fresh_g
    assert g.V("nope").drop().to_list() == []
    still_works(g)


# ---------------------------------------------------------------- atomicity
@deviation("A failed traversal changes nothing", "tinkergraph")
def test_failed_add_v_leaves_nothing(fresh_g):
    g = fresh_g
    with raises_gremlin():
        g.add_v("temp").property(T.id, "t1").add_v("temp").property(T.id, "1").iterate()
    assert g.V("t1").to_list() == []
    still_works(g)


@deviation("A failed traversal changes nothing", "tinkergraph")
def test_failed_traversal_undoes_a_drop(fresh_g):
    g = fresh_g
    with raises_gremlin():
        g.V("2").side_effect(__.drop()).add_v("x").property(T.id, "3").iterate()
    assert ids(g.V("2")) == ["2"]
    assert ids(g.V("1").out_e("knows")) == ["7", "8"]
    still_works(g)


@deviation("A failed traversal changes nothing", "tinkergraph")
def test_failed_traversal_undoes_property_writes(fresh_g):
    g = fresh_g
    with raises_gremlin():
        (g.V("1").property("age", 99).property("extra", "x")
         .add_v("x").property(T.id, "2").iterate())
    assert g.V("1").value_map().next() == {"name": ["marko"], "age": [29]}
    still_works(g)


@deviation("A failed traversal changes nothing", "tinkergraph")
def test_failed_merge_e_undoes_the_vertex_added_before(fresh_g):
    g = fresh_g
    with raises_gremlin("nope"):
        (g.add_v("t").property(T.id, "t2")
         .merge_e({T.label: "x", Direction.OUT: "t2", Direction.IN: "nope"}).iterate())
    assert g.V("t2").to_list() == []
    still_works(g)


@deviation("A failed traversal changes nothing", "tinkergraph")
def test_failed_batch_of_upserts_leaves_nothing(fresh_g):
    g = fresh_g
    rows = [{T.id: "a", T.label: "p"}, {T.id: "b", T.label: "p"}]
    with raises_gremlin():
        g.inject(*rows).merge_v().add_e("self").to(__.V("nope")).iterate()
    assert g.V("a", "b").to_list() == []
    still_works(g)


def test_unknown_step_after_a_write_writes_nothing(fresh_g):
    g = fresh_g
    t = g.add_v("t").property(T.id, "t3")
    t.bytecode.add_step("fooBar")
    with raises_gremlin("fooBar"):
        t.iterate()
    assert g.V("t3").to_list() == []
    still_works(g)


# ---------------------------------------------------------------- hidden keys (TinkerPop reserves "~")
def test_hidden_label_and_key_are_refused(fresh_g):
    g = fresh_g
    with raises_gremlin("~x"):
        g.add_v("~x").iterate()
    with raises_gremlin("~k"):
        g.add_v("thing").property("~k", 1).iterate()
    with raises_gremlin("~k"):
        g.V("1").property("~k", 1).iterate()
    with raises_gremlin("~e"):
        g.V("1").add_e("~e").to(__.V("2")).iterate()
    still_works(g)
    assert g.V().has_label("thing").to_list() == []
