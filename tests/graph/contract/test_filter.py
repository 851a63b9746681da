"""Filter steps on the modern graph: has*, is, where, filter, not/and/or, dedup,
limit/range/skip/tail, simplePath/cyclicPath, P and TextP predicates.

Expected results follow TinkerPop's gremlin-test features (filter/*.feature)."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import P, Scope, T, TextP

from .support import ids


# ---------------------------------------------------------------- has family
def test_has_key_value(g):
    assert ids(g.V().has("name", "marko")) == ["1"]


def test_has_label_key_value(g):
    assert ids(g.V().has("person", "name", "marko")) == ["1"]
    assert ids(g.V().has("software", "name", "marko")) == []


def test_has_key_only(g):
    assert ids(g.V().has("age")) == ["1", "2", "4", "6"]


def test_has_t_label_and_t_id(g):
    assert ids(g.V().has(T.label, "software")) == ["3", "5"]
    assert ids(g.V().has(T.id, "4")) == ["4"]


def test_has_on_edges(g):
    assert ids(g.E().has("weight", 1.0)) == ["10", "8"]
    assert ids(g.E().has("weight", P.lt(0.4))) == ["12"]


def test_has_label(g):
    assert ids(g.V().has_label("software")) == ["3", "5"]
    assert ids(g.V().has_label("person", "software")) == ["1", "2", "3", "4", "5", "6"]
    assert ids(g.E().has_label("knows")) == ["7", "8"]
    assert ids(g.V().has_label("nope")) == []


def test_has_id(g):
    assert ids(g.V().has_id("1", "2")) == ["1", "2"]
    assert ids(g.V().has_id(P.within("1", "3"))) == ["1", "3"]
    assert ids(g.E().has_id("7")) == ["7"]
    assert ids(g.V().out().has_id("2")) == ["2"]


def test_has_key_on_properties(g):
    assert g.V("1").properties().has_key("age").value().to_list() == [29]
    assert sorted(g.V().properties().has_key("lang").value().to_list()) == ["java", "java"]


def test_has_not(g):
    assert ids(g.V().has_not("age")) == ["3", "5"]
    assert ids(g.V().has_not("name")) == []


@pytest.mark.parametrize(
    "pred, expected",
    [
        (P.eq(29), ["1"]),
        (P.neq(29), ["2", "4", "6"]),
        (P.lt(29), ["2"]),
        (P.lte(29), ["1", "2"]),
        (P.gt(29), ["4", "6"]),
        (P.gte(32), ["4", "6"]),
        (P.inside(27, 32), ["1"]),
        (P.outside(27, 32), ["6"]),
        (P.between(27, 32), ["1", "2"]),
        (P.within(29, 35), ["1", "6"]),
        (P.within([29, 35]), ["1", "6"]),
        (P.without(29, 35), ["2", "4"]),
        (P.gt(27).and_(P.lt(35)), ["1", "4"]),
        (P.lt(28).or_(P.gt(33)), ["2", "6"]),
        (P.not_(P.within(27, 29)), ["4", "6"]),
    ],
    ids=["eq", "neq", "lt", "lte", "gt", "gte", "inside", "outside", "between",
         "within", "within_list", "without", "and", "or", "not"],
)
def test_p_predicates(g, pred, expected):
    assert ids(g.V().has("age", pred)) == expected


@pytest.mark.parametrize(
    "pred, expected",
    [
        (TextP.starting_with("ma"), ["marko"]),
        (TextP.ending_with("as"), ["vadas"]),
        (TextP.containing("o"), ["josh", "lop", "marko"]),
        (TextP.not_starting_with("m"), ["josh", "lop", "peter", "ripple", "vadas"]),
        (TextP.not_ending_with("o"), ["josh", "lop", "peter", "ripple", "vadas"]),
        (TextP.not_containing("o"), ["peter", "ripple", "vadas"]),
        (TextP.containing("a").and_(TextP.ending_with("s")), ["vadas"]),
    ],
    ids=["startingWith", "endingWith", "containing", "notStartingWith",
         "notEndingWith", "notContaining", "and"],
)
def test_textp_predicates(g, pred, expected):
    assert sorted(g.V().has("name", pred).values("name").to_list()) == expected


def test_textp_is_case_sensitive(g):
    assert g.V().has("name", TextP.starting_with("MA")).to_list() == []


def test_textp_on_non_strings_is_false(g):
    assert g.V().has("age", TextP.containing("2")).to_list() == []


# ---------------------------------------------------------------- is / where / filter
def test_is(g):
    assert sorted(g.V().values("age").is_(P.gt(30)).to_list()) == [32, 35]
    assert g.V().values("age").is_(27).to_list() == [27]
    assert sorted(g.V().values("age").is_(P.inside(30, 34)).to_list()) == [32]


def test_where_predicate_against_step_label(g):
    # Where.feature: g_VX1X_asXaX_outXcreatedX_inXcreatedX_whereXneqXaXX_name
    got = g.V("1").as_("a").out("created").in_("created").where(P.neq("a")).values("name").to_list()
    assert sorted(got) == ["josh", "peter"]


def test_where_traversal(g):
    assert ids(g.V().where(__.out("created"))) == ["1", "4", "6"]
    assert ids(g.V().where(__.not_(__.out("created")))) == ["2", "3", "5"]


def test_where_by(g):
    # people older than marko
    got = (g.V("1").as_("a").V().has_label("person").where(P.gt("a")).by("age")
           .values("name").to_list())
    assert sorted(got) == ["josh", "peter"]


def test_filter_traversal(g):
    assert sorted(g.V().filter_(__.has("age", P.gt(30))).values("name").to_list()) == ["josh", "peter"]
    assert ids(g.V().filter_(__.out_e("knows"))) == ["1"]


def test_not(g):
    assert ids(g.V().not_(__.has_label("person"))) == ["3", "5"]
    assert ids(g.V().not_(__.out())) == ["2", "3", "5"]


def test_and(g):
    assert ids(g.V().and_(__.has("age", P.gt(27)), __.out_e("knows"))) == ["1"]
    assert ids(g.V().and_(__.out_e(), __.has("age", P.gt(30)))) == ["4", "6"]


def test_or(g):
    assert ids(g.V().or_(__.has("age", P.gt(32)), __.has("lang"))) == ["3", "5", "6"]
    assert ids(g.V().or_(__.out_e("knows"), __.in_e("created").count().is_(P.gt(1)))) == ["1", "3"]


# ---------------------------------------------------------------- dedup
def test_dedup(g):
    assert ids(g.V().out().dedup()) == ["2", "3", "4", "5"]
    assert g.V().both().dedup().count().next() == 6
    assert sorted(g.V().values("lang").dedup().to_list()) == ["java"]


def test_dedup_by(g):
    assert g.V().dedup().by(T.label).count().next() == 2
    assert sorted(g.V().dedup().by(T.label).label().to_list()) == ["person", "software"]


def test_dedup_local(g):
    got = g.inject([1, 1, 2, 3, 3]).dedup(Scope.local).next()
    assert sorted(got) == [1, 2, 3]


def test_dedup_local_is_a_set(g):
    # DedupLocalStep returns a LinkedHashSet: a Set on the wire (python set), as in TinkerPop
    got = g.V().values("lang").fold().dedup(Scope.local).next()
    assert isinstance(got, set) and got == {"java"}, f"dedup(local) gave {type(got).__name__} {got!r}"


# ---------------------------------------------------------------- limit / range / skip / tail
NAMES_SORTED = ["josh", "lop", "marko", "peter", "ripple", "vadas"]


def test_limit(g):
    assert g.V().limit(2).count().next() == 2
    assert g.V().values("name").order().limit(2).to_list() == NAMES_SORTED[:2]
    assert g.V().limit(0).to_list() == []
    assert g.V().limit(100).count().next() == 6


def test_range(g):
    assert g.V().values("name").order().range_(1, 3).to_list() == NAMES_SORTED[1:3]
    assert g.V().values("name").order().range_(4, -1).to_list() == NAMES_SORTED[4:]


def test_skip(g):
    assert g.V().values("name").order().skip(4).to_list() == NAMES_SORTED[4:]
    assert g.V().skip(10).to_list() == []


def test_tail(g):
    assert g.V().values("name").order().tail(2).to_list() == NAMES_SORTED[-2:]
    assert g.V().values("name").order().tail().to_list() == ["vadas"]


def test_limit_range_tail_local(g):
    assert g.inject([1, 2, 3, 4]).limit(Scope.local, 2).next() == [1, 2]
    assert g.inject([1, 2, 3, 4]).range_(Scope.local, 1, 3).next() == [2, 3]
    assert g.inject([1, 2, 3, 4]).tail(Scope.local, 2).next() == [3, 4]
    assert g.inject([1, 2, 3, 4]).skip(Scope.local, 3).next() == [4]
    # a single-element local range unwraps (RangeLocalStep)
    assert g.inject([1, 2, 3, 4]).tail(Scope.local, 1).next() == 4
    assert g.inject([1, 2, 3, 4]).limit(Scope.local, 1).next() == 1


# ---------------------------------------------------------------- paths
def test_simple_path(g):
    # SimplePath.feature: g_VX1X_bothXcreatedX_bothXcreatedX_simplePath ... generalised
    assert ids(g.V("1").both().both().simple_path()) == ["3", "4", "5", "6"]


def test_cyclic_path(g):
    assert ids(g.V("1").both().both().cyclic_path()) == ["1", "1", "1"]
    got = g.V("1").out_e("created").in_v().in_e("created").out_v().cyclic_path().path().to_list()
    assert len(got) == 1 and [o.id for o in got[0].objects] == ["1", "9", "3", "9", "1"]


def test_simple_path_in_repeat(g):
    got = (g.V("1").repeat(__.both().simple_path()).until(__.has_id("5"))
           .path().by("name").to_list())
    assert sorted(list(p.objects) for p in got) == [
        ["marko", "josh", "ripple"], ["marko", "lop", "josh", "ripple"]]


# ---------------------------------------------------------------- comparison semantics
def test_p_on_strings(g):
    assert sorted(g.V().has("name", P.gt("m")).values("name").to_list()) == [
        "marko", "peter", "ripple", "vadas"]
    assert sorted(g.V().has("name", P.between("j", "m")).values("name").to_list()) == ["josh", "lop"]


def test_incomparable_types_filter_quietly(g):
    # TinkerPop 3.6+: comparing a number with a string is false, not an error
    assert g.V().has("age", P.gt("a")).to_list() == []
    assert g.V().values("name").is_(P.lt(30)).to_list() == []


def test_within_empty(g):
    assert g.V().has("name", P.within([])).to_list() == []
    assert g.V().has("name", P.without([])).count().next() == 6


def test_where_between_two_labels_by(g):
    got = (g.V().as_("a").out("knows").as_("b").where("a", P.gt("b")).by("age")
           .select("a", "b").by("name").to_list())
    assert got == [{"a": "marko", "b": "vadas"}]


def test_has_on_edges_then_in_v(g):
    assert ids(g.V("1").out_e().has("weight", P.gt(0.4)).in_v()) == ["2", "4"]
    assert ids(g.E().has("knows", "weight", 1.0)) == ["8"]
