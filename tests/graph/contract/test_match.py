"""match() on the modern graph (TinkerPop's Match.feature), on every backend."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Order, P, T

from .support import GREMLIN_ERRORS, check_scenario, unordered


def test_match_binds_start_and_end(g):
    got = g.V().match(__.as_("a").out().as_("b")).to_list()
    assert unordered([{k: v.id for k, v in row.items()} for row in got]) == unordered([
        {"a": "1", "b": "2"}, {"a": "1", "b": "4"}, {"a": "1", "b": "3"},
        {"a": "4", "b": "5"}, {"a": "4", "b": "3"}, {"a": "6", "b": "3"}])


def test_match_joins_patterns_in_any_order(g):
    # the second pattern's start variable is bound by the first one, whichever is written first
    one = g.V().match(__.as_("a").out("knows").as_("b"), __.as_("b").out("created").as_("c")) \
        .select("a", "c").by("name").to_list()
    two = g.V().match(__.as_("b").out("created").as_("c"), __.as_("a").out("knows").as_("b")) \
        .select("a", "c").by("name").to_list()
    expected = [{"a": "marko", "c": "ripple"}, {"a": "marko", "c": "lop"}]
    check_scenario(one, expected)
    check_scenario(two, expected)


def test_match_bound_end_variable_filters(g):
    # c is bound twice: both counts must be equal (as() before match() binds a and b)
    got = g.V().as_("a").out().as_("b").match(
        __.as_("a").out().count().as_("c"), __.as_("b").in_().count().as_("c")).select("a", "b", "c").to_list()
    assert unordered([(r["a"].id, r["b"].id, r["c"]) for r in got]) == unordered([("1", "3", 3)])


def test_match_where_and_not_patterns(g):
    got = g.V().match(__.as_("a").out("created").as_("b"),
                      __.as_("b").in_("created").as_("c")).where("a", P.neq("c")) \
        .select("a", "c").by("name").to_list()
    check_scenario(got, [{"a": "marko", "c": "josh"}, {"a": "marko", "c": "peter"},
                         {"a": "josh", "c": "marko"}, {"a": "josh", "c": "peter"},
                         {"a": "peter", "c": "marko"}, {"a": "peter", "c": "josh"}])
    got = g.V().match(__.as_("a").out().as_("b"), __.not_(__.as_("a").out("created").as_("b"))) \
        .select("a", "b").by("name").to_list()
    check_scenario(got, [{"a": "marko", "b": "vadas"}, {"a": "marko", "b": "josh"}])


def test_match_nested_and_or(g):
    got = g.V().match(
        __.as_("a").out("knows").as_("b"),
        __.and_(__.as_("a").out("created").as_("c"), __.as_("b").out("created").as_("c"),
                __.and_(__.as_("b").out("created").count().as_("d"),
                        __.as_("a").out("knows").count().as_("d")))).to_list()
    assert unordered([{k: getattr(v, "id", v) for k, v in r.items()} for r in got]) == \
        unordered([{"a": "1", "b": "4", "c": "3", "d": 2}])
    got = g.V().match(
        __.where("a", P.neq("c")),
        __.as_("a").out("created").as_("b"),
        __.or_(__.as_("a").out("knows").has("name", "vadas"),
               __.as_("a").in_("knows").and_().as_("a").has(T.label, "person")),
        __.as_("b").in_("created").as_("c"),
        __.as_("b").in_("created").count().is_(P.gt(1))).select("a", "b", "c").by(T.id).to_list()
    check_scenario(got, [{"a": "1", "b": "3", "c": "4"}, {"a": "1", "b": "3", "c": "6"},
                         {"a": "4", "b": "3", "c": "1"}, {"a": "4", "b": "3", "c": "6"}])


def test_match_barrier_in_pattern_is_per_traverser(g):
    got = g.V().match(__.as_("a").out_e("created").order().by("weight", Order.desc).limit(1).in_v().as_("b"),
                      __.as_("b").has("lang", "java")).select("a", "b").by("name").to_list()
    check_scenario(got, [{"a": "marko", "b": "lop"}, {"a": "josh", "b": "ripple"},
                         {"a": "peter", "b": "lop"}])


def test_match_start_is_the_incoming_object(g):
    got = g.V().value_map().match(__.as_("a").select("name").as_("b")).to_list()
    assert sorted(r["b"][0] for r in got) == ["josh", "lop", "marko", "peter", "ripple", "vadas"]


def test_match_pattern_without_variable_is_refused(g):
    # TinkerGraph's message is only in its stack trace (status 599), ours names the rule
    with pytest.raises(GREMLIN_ERRORS):
        g.V().match(__.out().as_("b")).to_list()
