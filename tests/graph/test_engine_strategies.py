"""Engine: withStrategies()/withoutStrategies() (expected results from TinkerPop's feature files
under gremlin-test's features/integrated/)."""
from __future__ import annotations

import logging
from collections import Counter

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.strategies import (
    AdjacentToIncidentStrategy, ConnectiveStrategy, EdgeLabelVerificationStrategy, ElementIdStrategy,
    MatchAlgorithmStrategy, PartitionStrategy, RepeatUnrollStrategy, ReservedKeysVerificationStrategy,
    SeedStrategy, SubgraphStrategy, VertexProgramStrategy,
)
from gremlin_python.process.traversal import Direction, Merge, Order, P, Scope, T, TraversalStrategy

from stylegraph.graph.errors import InvalidRequestError
from stylegraph.graph.graph import Graph
from stylegraph.graph.java_random import JavaRandom

from .engine_support import g, modern_graph_fixture, run

graph = modern_graph_fixture("module")

SUBGRAPH_A = SubgraphStrategy(vertices=__.has("name", P.within("josh", "lop", "ripple")))
# knows with weight 1.0, created with weight 0.4 out of marko, created with weight 1.0
SUBGRAPH_B = SubgraphStrategy(edges=__.or_(
    __.has("weight", 1.0).has_label("knows"),
    __.has("weight", 0.4).has_label("created").out_v().has("name", "marko"),
    __.has("weight", 1.0).has_label("created")))
SUBGRAPH_C = SubgraphStrategy(
    vertices=__.has("name", P.within("josh", "lop", "ripple")),
    edges=__.or_(__.has("weight", 0.4).has_label("created"), __.has("weight", 1.0).has_label("created")))


def ids(results: list) -> Counter:
    return Counter(x.id for x in results)


def test_subgraph_vertices_filter_v_e_and_adjacency(graph):
    s = g.with_strategies(SUBGRAPH_A)
    assert sorted(run(graph, s.V().values("name"))) == ["josh", "lop", "ripple"]
    assert ids(run(graph, s.E())) == Counter({"10": 1, "11": 1})  # josh-created->ripple, josh-created->lop
    assert ids(run(graph, s.V("4").out_e())) == Counter({"10": 1, "11": 1})
    assert run(graph, s.V("4").in_e()) == [] and run(graph, s.V("4").in_()) == []
    assert sorted(run(graph, s.V("4").both().values("name"))) == ["lop", "ripple"]
    assert len(run(graph, s.V("4").local(__.both_e().limit(1)))) == 1
    assert sorted(run(graph, s.E("11").both_v().values("name"))) == ["josh", "lop"]
    assert run(graph, s.E("12").both_v()) == []  # peter-created->lop: peter is outside


def test_subgraph_edges_rewrite_out_to_outE_inV(graph):
    s = g.with_strategies(SUBGRAPH_B)
    assert sorted(run(graph, s.V().values("name"))) == ["josh", "lop", "marko", "peter", "ripple", "vadas"]
    assert ids(run(graph, s.E())) == Counter({"8": 1, "9": 1, "10": 1})
    assert sorted(run(graph, s.V("1").out().values("name"))) == ["josh", "lop"]
    assert run(graph, s.V("1").out("knows").values("name")) == ["josh"]
    assert sorted(run(graph, s.V("4").both().values("name"))) == ["marko", "ripple"]
    assert ids(run(graph, s.E("8").out_v().out_e())) == Counter({"8": 1, "9": 1})
    # out() walks the edge, as TinkerPop's rewrite does: the edge is on the path
    assert [len(p) for p in run(graph, s.V("1").out("knows").path())] == [3]


def test_subgraph_vertices_and_edges_with_check_adjacent(graph):
    s = g.with_strategies(SUBGRAPH_C)
    assert ids(run(graph, s.E())) == Counter({"10": 1, "11": 1})
    assert sorted(run(graph, s.V("4").both().values("name"))) == ["lop", "ripple"]
    unchecked = SubgraphStrategy(vertices=__.has("name", P.within("josh", "lop", "ripple")),
                                 edges=__.has_label("created"), check_adjacent_vertices=False)
    # marko/peter-created->lop are edges of the subgraph when their ends are not checked
    assert ids(run(graph, g.with_strategies(unchecked).E())) == Counter({"9": 1, "10": 1, "11": 1, "12": 1})


def test_subgraph_criteria_see_the_whole_graph(graph):
    s = g.with_strategies(SubgraphStrategy(vertices=__.in_("knows").has("name", "marko")))
    assert sorted(run(graph, s.V().values("name"))) == ["josh", "vadas"]
    # map steps in the edge criterion (TinkerPop 3.8: g_withStrategiesXSubgraphStrategyXuseMapStepsInFilterX_E)
    mapped = SubgraphStrategy(edges=__.label().is_(P.eq("created")),
                              vertices=__.values("name").is_(P.within("lop", "josh")),
                              check_adjacent_vertices=True)
    assert ids(run(graph, g.with_strategies(mapped).E())) == Counter({"11": 1})


def test_subgraph_vertex_properties():
    graph = Graph(None)
    with graph.transaction():
        graph.add_vertex("person", "1", {"name": "marko", "age": 29})
    s = g.with_strategies(SubgraphStrategy(vertex_properties=__.has_key("name")))
    assert run(graph, s.V().values()) == ["marko"]
    assert [p.key for p in run(graph, s.V().properties())] == ["name"]
    assert run(graph, s.V().values("age")) == []
    assert run(graph, s.V().value_map()) == [{"name": ["marko"]}]
    assert run(graph, s.V().group().by("name").by(__.count())) == [{"marko": 1}]
    assert run(graph, s.V().group().by("age").by(__.count())) == [{}]  # by("age") reads nothing


def test_subgraph_needs_a_criterion(graph):
    with pytest.raises(InvalidRequestError, match="must be filtered by a vertex, edge, or vertex property"):
        run(graph, g.with_strategies(SubgraphStrategy()).V())


def _two_partitions() -> Graph:
    graph = Graph(None)
    with graph.transaction():
        alice = graph.add_vertex("person", None, {"_partition": "a", "name": "alice"})
        bob = graph.add_vertex("person", None, {"_partition": "b", "name": "bob"})
        graph.add_edge("knows", alice, bob, None, {"_partition": "a", "weight": 1.0})
        graph.add_edge("knows", bob, alice, None, {"_partition": "b", "weight": 2.0})
    return graph


def _partition(*read: str) -> object:
    return g.with_strategies(PartitionStrategy(partition_key="_partition", write_partition="a",
                                               read_partitions=list(read)))


def test_partition_reads_only_its_partitions():
    graph = _two_partitions()
    assert run(graph, _partition("a").V().values("name")) == ["alice"]
    assert sorted(run(graph, _partition("a", "b").V().values("name"))) == ["alice", "bob"]
    assert run(graph, _partition("c").V().values("name")) == []
    assert run(graph, _partition("a").V().both_e().values("weight")) == [1.0]
    assert run(graph, _partition("b").V().both_e().values("weight")) == [2.0]
    assert sorted(run(graph, _partition("a", "b").V().both_e().dedup().values("weight"))) == [1.0, 2.0]
    assert run(graph, _partition("a").V().both().values("name")) == []  # bob is in b
    assert sorted(run(graph, _partition("a", "b").V().both().dedup().values("name"))) == ["alice", "bob"]
    assert run(graph, _partition("a").V().out().values("name")) == []
    assert run(graph, _partition("b").V().in_().values("name")) == []


def test_partition_writes_into_the_write_partition():
    graph = Graph(None)
    assert len(run(graph, _partition("a").add_v("person").property("name", "alice").add_e("self"))) == 1
    assert len(run(graph, g.V().has("person", "name", "alice").has("_partition", "a"))) == 1
    assert len(run(graph, g.E().has("_partition", "a"))) == 1
    run(graph, _partition("a").inject(0).merge_v({T.label: "person", "name": "carol"}))
    assert len(run(graph, g.V().has("name", "carol").has("_partition", "a"))) == 1


def test_partition_merge_matches_in_read_partitions_only():
    graph = Graph(None)
    with graph.transaction():
        graph.add_vertex("person", None, {"_partition": "a", "name": "alice"})
        graph.add_vertex("person", None, {"_partition": "b", "name": "alice"})
    run(graph, _partition("a").merge_v({T.label: "person", "name": "alice"}).option(Merge.on_match, {"name": "bob"}))
    assert len(run(graph, g.V().has("person", "name", "bob").has("_partition", "a"))) == 1
    assert len(run(graph, g.V())) == 2
    only_b = Graph(None)
    with only_b.transaction():
        only_b.add_vertex("person", None, {"_partition": "b", "name": "alice"})
    run(only_b, _partition("a").merge_v({"name": "alice"}).option(Merge.on_create, {"age": 35}))
    assert len(run(only_b, g.V().has("name", "alice").has("age", 35).has("_partition", "a"))) == 1
    assert len(run(only_b, g.V())) == 2


def test_partition_merge_e():
    graph = Graph(None)
    with graph.transaction():
        graph.add_vertex("person", "1", {"_partition": "a", "name": "alice"})
        graph.add_vertex("person", "2", {"_partition": "a", "name": "bob"})
    run(graph, _partition("a").merge_e({T.label: "knows", Direction.OUT: "1", Direction.IN: "2"}))
    assert len(run(graph, g.E().has("knows", "_partition", "a"))) == 1


def test_partition_refuses_meta_properties_and_needs_a_key(graph):
    with pytest.raises(InvalidRequestError, match="include meta-properties"):
        run(graph, g.with_strategies(PartitionStrategy(partition_key="p", include_meta_properties=True)).V())
    with pytest.raises(InvalidRequestError, match="partitionKey cannot be null or empty"):
        run(graph, g.with_strategies(PartitionStrategy(write_partition="a")).V())


def test_edge_label_verification(graph, caplog):
    strict = EdgeLabelVerificationStrategy(throw_exception=True, log_warning=False)
    with pytest.raises(InvalidRequestError, match="contains a vertex step without any specified edge label"):
        run(graph, g.with_strategies(strict).V().out())
    assert len(run(graph, g.with_strategies(strict).V().out("knows"))) == 2
    lenient = EdgeLabelVerificationStrategy(throw_exception=False, log_warning=True)
    with caplog.at_level(logging.WARNING):
        assert len(run(graph, g.with_strategies(lenient).V().out())) == 6
    assert "without any specified edge label" in caplog.text


def test_reserved_keys_verification():
    graph = Graph(None)
    strict = ReservedKeysVerificationStrategy(throw_exception=True)
    with pytest.raises(InvalidRequestError, match="setting a property key to a reserved word: id"):
        run(graph, g.with_strategies(strict).add_v("person").property("id", 123).property("name", "marko"))
    custom = ReservedKeysVerificationStrategy(throw_exception=True, keys=["age"])
    with pytest.raises(InvalidRequestError, match="reserved word: age"):
        run(graph, g.with_strategies(custom).add_v("person").property("age", 29).property("name", "marko"))
    assert run(graph, g.V().count()) == [0]
    free = g.without_strategies(ReservedKeysVerificationStrategy)
    assert sorted(run(graph, free.add_v("person").property("id", 123).property("name", "marko").values()),
                  key=str) == [123, "marko"]


def test_standard_verification_refuses_a_reducing_barrier_in_repeat(graph):
    strict = g.with_strategies(TraversalStrategy(strategy_name="StandardVerificationStrategy"))
    with pytest.raises(InvalidRequestError, match="reducing barrier can not be repeat"):
        run(graph, strict.V().repeat(__.out().count()).times(2))
    assert len(run(graph, strict.V())) == 6


def test_connective_strategy_and_without_it(graph):
    t = lambda src: src.V().has("name", "marko").or_().where(__.in_("knows").has("name", "marko"))  # noqa: E731
    assert ids(run(graph, t(g.with_strategies(ConnectiveStrategy())))) == Counter({"1": 1, "2": 1, "4": 1})
    assert run(graph, t(g.without_strategies(ConnectiveStrategy))) == []


def test_optimisations_are_accepted_and_change_nothing(graph):
    assert run(graph, g.with_strategies(AdjacentToIncidentStrategy()).V().out().count()) == [6]
    assert len(run(graph, g.with_strategies(RepeatUnrollStrategy()).V().repeat(__.out()).times(2))) == 2
    greedy = MatchAlgorithmStrategy(
        match_algorithm="org.apache.tinkerpop.gremlin.process.traversal.step.map.MatchStep$GreedyMatchAlgorithm")
    assert len(run(graph, g.with_strategies(greedy).V().match(
        __.as_("a").out("knows").as_("b"), __.as_("a").out("created").as_("c")))) == 2
    with pytest.raises(InvalidRequestError, match="matchAlgorithm"):
        run(graph, g.with_strategies(MatchAlgorithmStrategy(match_algorithm="Nope")).V())
    with pytest.raises(InvalidRequestError, match="takes no configuration"):
        run(graph, g.with_strategies(TraversalStrategy(strategy_name="CountStrategy",
                                                       configuration={"x": 1})).V())


def test_vertex_program_restriction(graph):
    restriction = TraversalStrategy(strategy_name="VertexProgramRestrictionStrategy")
    assert len(run(graph, g.with_strategies(restriction).without_strategies(VertexProgramStrategy).V())) == 6
    with pytest.raises(InvalidRequestError, match="does not allow the use of a GraphComputer"):
        run(graph, g.with_strategies(restriction, VertexProgramStrategy()).V())


def test_element_id_strategy_keeps_ids_in_a_property():
    graph = Graph(None)
    s = g.with_strategies(ElementIdStrategy())
    assert run(graph, s.add_v("person").property(T.id, "x1").property("name", "alice").id_()) == ["x1"]
    assert run(graph, s.V("x1").values("name")) == ["alice"]
    assert run(graph, s.V().has_id("x1").values("name")) == ["alice"]
    assert run(graph, g.V().values("__id")) == ["x1"]
    made = run(graph, s.add_v("person").id_())[0]
    assert isinstance(made, str) and run(graph, g.V().has("__id", made).count()) == [1]
    assert len(run(graph, s.V())) == 2
    with pytest.raises(InvalidRequestError, match="idMaker"):
        run(graph, g.with_strategies(TraversalStrategy(strategy_name="ElementIdStrategy",
                                                       configuration={"idMaker": "x"})).V())


def test_seed_strategy_coin_draws_as_java_random(graph):
    # TinkerPop 3.8: g_withStrategiesXSeedStrategyX_V_order_byXnameX_coinX50X
    seeded = g.with_strategies(SeedStrategy(seed=999999)).V().order().by("name").coin(0.5)
    assert ids(run(graph, seeded)) == Counter({"4": 1})
    assert len(run(graph, g.V().coin(1.0))) == 6 and run(graph, g.V().coin(0.0)) == []


def test_java_random_matches_java_util_random():
    # new java.util.Random(42).nextDouble() twice, as printed by Java 17
    r = JavaRandom(42)
    assert (r.next_double(), r.next_double()) == (0.7275636800328681, 0.6832234717598454)


def test_without_strategies_removes_a_decoration(graph):
    s = g.with_strategies(SUBGRAPH_A).without_strategies(SubgraphStrategy)
    assert len(run(graph, s.V())) == 6


def test_seed_strategy_sample_draws_as_tinkerpop(graph):
    s = g.with_strategies(SeedStrategy(seed=999999))
    # TinkerPop 3.8: g_withStrategiesXSeedStrategyX_V_group_byXlabelX_byXbothE_weight_order_fold_sampleXlocal_5XXunfold
    local = s.V().group().by(T.label).by(__.both_e().values("weight").order().fold().sample(Scope.local, 5))
    assert run(graph, local) == [{"person": [0.5, 1.0, 0.4, 0.2, 1.0], "software": [0.2, 0.4, 0.4, 1.0]}]
    # g_withStrategiesXSeedStrategyX_V_order_byXlabel_descX_sampleX1X_byXageX: peter or marko
    assert ids(run(graph, s.V().order().by(T.label, Order.desc).sample(1).by("age"))) == Counter({"6": 1})
    assert len(run(graph, g.V().sample(3))) == 3 and len(run(graph, g.V().sample(10))) == 6
    assert run(graph, g.V().fold().sample(Scope.local, 2).count(Scope.local)) == [2]


def test_java_random_next_int():
    # new java.util.Random(42): nextInt(10) three times, then nextInt(16) (a power of two), as
    # printed by Java 17
    r = JavaRandom(42)
    assert [r.next_int(10) for _ in range(3)] == [0, 3, 8] and r.next_int(16) == 0


def test_weighted_sample_ends_when_only_weightless_traversers_remain(graph):
    weight = __.coalesce(__.values("age"), __.constant(0))
    assert sorted(x.id for x in run(graph, g.V().sample(5).by(weight))) == ["1", "2", "4", "6"]
    assert run(graph, g.V().sample(2).by(__.constant(0))) == []
