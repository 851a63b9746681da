"""Traverser bulking: same answers as without it (and as TinkerGraph), in little time and memory."""
from __future__ import annotations

import time
import tracemalloc

import pytest
from gremlin_python.process.graph_traversal import __

from stylegraph.graph.bulking import MergeStep
from stylegraph.graph.connect import close
from stylegraph.graph.engine import prepare
from stylegraph.graph.fixtures import load_grateful_like, load_grateful_like_g
from stylegraph.graph.graph import Graph
from stylegraph.graph.bulking import apply_bulking
from tests.graph.engine_support import g, run


@pytest.fixture(scope="module")
def grateful() -> Graph:
    return load_grateful_like(Graph(None))


# (bulked traversal, the same walks counted without bulking: path() keeps walks apart)
SAME_COUNTS = [
    (g.V().repeat(__.out()).times(1).count(), g.V().repeat(__.out()).times(1).path().count()),
    (g.V().repeat(__.out()).times(2).count(), g.V().repeat(__.out()).times(2).path().count()),
    (g.V().out().out().count(), g.V().out().out().path().count()),
    (g.V().both().has_label("song").out().count(), g.V().both().has_label("song").out().path().count()),
    (g.V().repeat(__.in_()).emit().times(2).count(), g.V().repeat(__.in_()).emit().times(2).path().count()),
    (g.V().out_e().in_v().out().count(), g.V().out_e().in_v().out().path().count()),
    (g.V().repeat(__.out()).times(2).dedup().count(), g.V().repeat(__.out()).times(2).dedup().path().count()),
]


@pytest.mark.parametrize("bulked,plain", SAME_COUNTS, ids=range(len(SAME_COUNTS)))
def test_bulking_gives_the_unbulked_count(grateful: Graph, bulked, plain) -> None:
    got, want = run(grateful, bulked), run(grateful, plain)
    assert got == want and want[0] > 0


def _plan(t) -> list:
    traversal, _ = prepare(t.bytecode)
    apply_bulking(traversal)
    return traversal.steps


def test_merging_steps_go_only_where_a_consumer_takes_the_bulk() -> None:
    assert any(isinstance(s, MergeStep) for s in _plan(g.V().out().out().count()))
    assert any(isinstance(s, MergeStep) for s in _plan(g.V().out().dedup()))
    assert any(isinstance(s, MergeStep) for s in _plan(g.V().out().out().group_count()))
    assert any(isinstance(s, MergeStep) for s in _plan(g.V().out().out().group("a").by("name")
                                                        .by(__.count()).cap("a")))
    # no consumer, a by() child, a label, a side-effect group passing traversers on: nothing is merged
    for t in (g.V().out().out(), g.V().out().out().fold(), g.V().out().out().group().by("name"),
              g.V().out().out().group("a").by("name").by(__.count()).out(),
              g.V().out().as_("a").out().count(), g.V().out().where(__.out()).count()):
        assert not any(isinstance(s, MergeStep) for s in _plan(t)), t


def test_bulked_group_counts_equal_the_unbulked_ones(grateful: Graph) -> None:
    """SideEffectCap.feature's walk (group by a key, count), bulked, against the same counts made
    with a step label (never bulked)."""
    got = run(grateful, g.V().repeat(__.both("followedBy")).times(2).group("a").by(__.id_())
              .by(__.count()).cap("a"))
    want = run(grateful, g.V().repeat(__.both("followedBy")).times(2).as_("x").group_count().by(__.id_()))
    assert got == want and sum(want[0].values()) > len(want[0]) > 0
    assert run(grateful, g.V().repeat(__.both("followedBy")).times(2).group_count().by(__.id_())) == want


def test_results_of_a_bulked_dedup_are_the_distinct_elements(grateful: Graph) -> None:
    got = run(grateful, g.V().repeat(__.out()).times(2).dedup().id_())
    want = run(grateful, g.V().repeat(__.out()).times(2).path().map(__.unfold().tail()).dedup().id_())
    assert sorted(got) == sorted(want) and len(got) == len(set(got))


def test_counting_tens_of_billions_of_walks_is_fast_and_small(grateful: Graph) -> None:
    tracemalloc.start()
    try:
        started = time.monotonic()
        (n,) = run(grateful, g.V().repeat(__.out()).times(8).count())
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n > 10 ** 10  # every walk counted: one traverser per walk would be terabytes
    assert elapsed < 30
    assert peak < 32 * 1024 * 1024


def test_bulked_counts_match_tinkergraph(tinkergraph_server, grateful: Graph) -> None:
    tg = tinkergraph_server.connect("scratch")
    try:
        tg.V().drop().iterate()
        load_grateful_like_g(tg)
        assert (tg.V().count().next(), tg.E().count().next()) == (808, 8049)
        for t in (lambda s: s.V().repeat(__.out()).times(8).count(),
                  lambda s: s.V().out().in_().out().count(),
                  lambda s: s.V().repeat(__.both()).times(3).dedup().count(),
                  lambda s: s.V().repeat(__.out()).emit().times(4).count()):
            assert run(grateful, t(g)) == [t(tg).next()]
    finally:
        tg.V().drop().iterate()
        close(tg)
