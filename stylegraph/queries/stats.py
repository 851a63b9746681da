"""Whole-graph statistics for ``/api/stats``: counts by label, models in use."""
from __future__ import annotations

from typing import Any

from gremlin_python.process.graph_traversal import GraphTraversalSource
from gremlin_python.process.traversal import T

from stylegraph.queries.similar import RECOMMENDED


def _label_counts(raw: dict) -> dict[str, int]:
    return {str(k): int(v) for k, v in sorted(raw.items(), key=lambda kv: str(kv[0]))}


def vertex_counts(g: GraphTraversalSource) -> dict[str, int]:
    """Number of vertices per label."""
    rows = g.V().group_count().by(T.label).to_list()
    return _label_counts(rows[0]) if rows else {}


def edge_counts(g: GraphTraversalSource) -> dict[str, int]:
    """Number of edges per label."""
    rows = g.E().group_count().by(T.label).to_list()
    return _label_counts(rows[0]) if rows else {}


def recommendation_models(g: GraphTraversalSource) -> dict[str, int]:
    """RECOMMENDED edge counts per ``model`` (GNN run name); empty when no model has run."""
    rows = g.E().has_label(RECOMMENDED).has("model").group_count().by("model").to_list()
    return _label_counts(rows[0]) if rows else {}


def graph_stats(graph: Any) -> dict[str, Any]:
    """Vertex and edge counts by label and the GNN model(s) behind RECOMMENDED edges
    (on a ProductGraph, or a Gremlin ``g``)."""
    from stylegraph.queries.interface import as_product_graph

    pg = as_product_graph(graph)
    models = pg.recommendation_models()
    return {
        "vertices": pg.vertex_counts(),
        "edges": pg.edge_counts(),
        "recommendation_models": models,
        # the model in use: the run that wrote the most RECOMMENDED edges
        "recommendation_model": max(models, key=lambda m: models[m]) if models else None,
    }
