"""Whole-graph statistics for ``/api/stats``: counts by label, models in use."""
from __future__ import annotations

from gremlin_python.process.graph_traversal import GraphTraversalSource
from gremlin_python.process.traversal import T

from stylegraph.product_schema import RECOMMENDED


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
