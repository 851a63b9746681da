"""Engine: branch steps -- union, coalesce, optional, choose/branch, local, repeat."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import P, Pick, T

from .engine_support import g, modern_graph_fixture, run, same_items

graph = modern_graph_fixture("module")


def test_union(graph):
    # Union.feature g_VX1X_unionXrepeatXoutX_timesX2X__outX_name
    got = run(graph, g.V("1").union(__.repeat(__.out()).times(2), __.out()).values("name"))
    assert sorted(got) == ["josh", "lop", "lop", "ripple", "vadas"]
    got = run(graph, g.V("4").union(__.in_().values("age"), __.out().values("lang")))
    assert got == [29, "java", "java"]
    assert run(graph, g.union(__.V("1"), __.V("2")).values("name")) == ["marko", "vadas"]


def test_coalesce(graph):
    got = run(graph, g.V().coalesce(__.out("knows"), __.out("created")).values("name"))
    assert same_items(got, ["vadas", "josh", "ripple", "lop", "lop"])
    got = run(graph, g.V("2").coalesce(__.values("nope"), __.constant("default")))
    assert got == ["default"]


def test_optional(graph):
    got = run(graph, g.V("2").optional(__.out()))
    assert [v.id for v in got] == ["2"]
    got = run(graph, g.V("1").optional(__.out("knows")))
    assert sorted(v.id for v in got) == ["2", "4"]


def test_choose_if_then_else(graph):
    got = run(graph, g.V().choose(__.has_label("person"), __.values("age"), __.values("lang")))
    assert same_items(got, [29, 27, "java", 32, "java", 35])
    got = run(graph, g.V().values("age").choose(P.gt(30), __.constant("old"), __.constant("young")))
    assert sorted(got) == ["old", "old", "young", "young"]
    # without a false branch the traverser passes through unchanged
    got = run(graph, g.V().choose(__.has("age", P.gt(30)), __.values("name")))
    assert sorted(x if isinstance(x, str) else x.id for x in got) == ["1", "2", "3", "5", "josh", "peter"]


def test_choose_with_options(graph):
    # TinkerPop 3.7: unmatched traversers are dropped when there is no Pick.none
    got = run(graph, g.V().choose(__.out().count()).option(2, __.values("name"))
              .option(3, __.values("age")))
    assert same_items(got, [29, "josh"])
    got = run(graph, g.V().has_label("person").choose(__.values("age"))
              .option(P.lt(30), __.constant("young")).option(P.gt(30), __.constant("old")))
    assert sorted(got) == ["old", "old", "young", "young"]
    got = run(graph, g.V().choose(T.label if False else __.label())
              .option("person", __.constant("p")).option(Pick.none, __.constant("other")))
    assert sorted(got) == ["other", "other", "p", "p", "p", "p"]


def test_branch_with_pick_any(graph):
    got = run(graph, g.V().has_label("person").branch(__.values("age"))
              .option(P.lt(30), __.constant("young")).option(P.gt(30), __.constant("old"))
              .option(Pick.none, __.constant("on the edge")))
    assert sorted(got) == ["old", "old", "young", "young"]
    got = run(graph, g.V("1").branch(__.label()).option("person", __.constant(1))
              .option(Pick.any_, __.constant(2)))
    assert got == [1, 2]


def test_local(graph):
    got = run(graph, g.V().has_label("person").local(__.out_e().count()))
    assert same_items(got, [3, 0, 2, 1])
    got = run(graph, g.V().has_label("person").local(__.out().values("name").fold()))
    assert sorted(map(sorted, got)) == [[], ["josh", "lop", "vadas"], ["lop"], ["lop", "ripple"]]


def test_repeat_times(graph):
    # Repeat.feature g_V_repeatXoutX_timesX2X_name
    got = run(graph, g.V().repeat(__.out()).times(2).values("name"))
    assert sorted(got) == ["lop", "ripple"]
    assert same_items(run(graph, g.V("1").repeat(__.out()).times(0).values("name")), ["vadas", "josh", "lop"])
    # times() before repeat(): checked first, so times(0) leaves the traverser as is
    assert run(graph, g.V("1").times(0).repeat(__.out()).values("name")) == ["marko"]


def test_repeat_until(graph):
    # g_V_repeatXoutX_untilXhasXname_rippleXX_name
    got = run(graph, g.V().repeat(__.out()).until(__.has("name", "ripple")).values("name"))
    assert got == ["ripple", "ripple"]
    # until() first: vertices already satisfying it never enter the loop
    got = run(graph, g.V().until(__.out_e().count().is_(0)).repeat(__.out()).values("name"))
    assert sorted(got) == ["lop"] * 5 + ["ripple"] * 3 + ["vadas"] * 2


def test_repeat_emit(graph):
    # Repeat.feature g_VX1X_repeatXoutX_timesX2X_emit_path -- emit after: loops 1 and 2
    got = run(graph, g.V("1").repeat(__.out()).times(2).emit().path().by("name"))
    assert sorted(p.objects for p in got) == sorted([
        ["marko", "vadas"], ["marko", "josh"], ["marko", "lop"],
        ["marko", "josh", "ripple"], ["marko", "josh", "lop"]])
    # emit before repeat also emits the start
    got = run(graph, g.V("1").emit().repeat(__.out()).times(2).values("name"))
    assert sorted(got) == ["josh", "lop", "lop", "marko", "ripple", "vadas"]
    # conditional emit
    got = run(graph, g.V("1").repeat(__.out()).times(2).emit(__.has_label("software")).values("name"))
    assert sorted(got) == ["lop", "lop", "ripple"]


def test_repeat_loops_and_simple_path(graph):
    got = run(graph, g.V("1").repeat(__.both().simple_path()).until(__.has("name", "ripple"))
              .path().by("name"))
    assert sorted(p.objects for p in got) == [["marko", "josh", "ripple"],
                                              ["marko", "lop", "josh", "ripple"]]
    got = run(graph, g.V("1").repeat(__.out()).until(__.loops().is_(2)).values("name"))
    assert sorted(got) == ["lop", "ripple"]


def test_repeat_without_body_is_an_error(graph):
    from stylegraph.graph.errors import GremlinError
    with pytest.raises(GremlinError, match="repeat"):
        run(graph, g.V().times(2))


def test_union_of_start_steps(graph):
    # Union.feature g_unionXinjectX1X_injectX2X
    assert run(graph, g.union(__.inject(1), __.inject(2))) == [1, 2]
    assert run(graph, g.union()) == []


@pytest.mark.insertion_order
def test_global_children_keep_state_across_traversers(graph):
    # union()/repeat() children are TinkerPop "global" children: one limit/dedup for all
    got = run(graph, g.V().union(__.out().limit(1), __.in_().limit(1)).values("name"))
    assert got == ["vadas", "marko"]
    # Dedup.feature: g_V_repeatXdedupX_timesX2X_count -> 0
    assert run(graph, g.V().repeat(__.dedup()).times(2).count()) == [0]
    # local() children start afresh for each traverser
    assert run(graph, g.V().local(__.out().limit(1)).count()) == [3]


def test_union_branch_with_barrier_sees_the_whole_stream(graph):
    # Union.feature g_VX1_2X_unionXoutE_count__inE_count__outE_weight_sumX
    got = run(graph, g.V("1", "2").union(__.out_e().count(), __.in_e().count(),
                                         __.out_e().values("weight").sum_()))
    assert got == [3, 1, pytest.approx(1.9)]
    got = run(graph, g.V("1", "2").local(__.union(__.out_e().count(), __.in_e().count())))
    assert got == [3, 0, 0, 1]


def test_choose_branch_with_barrier(graph):
    got = run(graph, g.V().choose(__.has_label("person"), __.values("age").sum_(), __.constant("s")))
    assert sorted(got, key=str) == [123, "s", "s"]
