"""Relation edges in the explorer's neighbourhood: their own edge type, undirected, weighted."""
from __future__ import annotations

from stylegraph.graph.connect import close, connect
from stylegraph.queries.connect import as_product_graph
from stylegraph.queries.relations import RelationEdge, merge_relations
from stylegraph.queries.bulk import merge_edges, merge_vertices
from stylegraph.webapp.explorer_style import EDGE_STYLES


def test_relations_are_their_own_edge_type():
    g = connect("memory:")
    try:
        merge_vertices(g, [(x, "product", {"title": x}) for x in ("A", "B", "C", "D")])
        merge_edges(g, [("A", "B", "SIMILAR", {"score": 0.9})])
        # stored C -> D and A -> C: seen from A's side and from D's side alike
        merge_relations(g, [RelationEdge("A", "C", "WORN_WITH", 3.0),
                            RelationEdge("C", "D", "BOUGHT_WITH", 1.0)])
        only_sim = as_product_graph(g).neighborhood("A", depth=2, edges=("SIMILAR", "RECOMMENDED"))
        assert {n["id"] for n in only_sim.nodes} == {"A", "B"}
        result = as_product_graph(g).neighborhood("A", depth=2, edges=("SIMILAR", "RECOMMENDED", "RELATED"))
        assert {n["id"] for n in result.nodes} == {"A", "B", "C", "D"}
        rel = {e["kind"]: e for e in result.edges if e["type"] == "RELATED"}
        assert set(rel) == {"WORN_WITH", "BOUGHT_WITH"}
        assert rel["WORN_WITH"]["score"] == 3.0
        # one edge per related pair, drawn undirected with a log width (the style config)
        assert len([e for e in result.edges if e["type"] == "RELATED"]) == 2
        assert EDGE_STYLES["RELATED"]["undirected"] and EDGE_STYLES["RELATED"]["logWidth"]
        assert not EDGE_STYLES["SIMILAR"].get("undirected")
        # min_score cuts scored edges, not co-occurrence weights
        cut = as_product_graph(g).neighborhood("A", depth=1, edges=("SIMILAR", "RELATED"), min_score=0.95)
        assert {e["type"] for e in cut.edges} == {"RELATED"}
    finally:
        close(g)
