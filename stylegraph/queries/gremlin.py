"""The product-graph interface on Gremlin: every method is one of the functions of ``g``
in ``stylegraph.queries`` (one code path for our engine, our Gremlin server, Apache
TinkerPop Gremlin Server, JanusGraph and Amazon Neptune)."""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

from gremlin_python.process.graph_traversal import GraphTraversalSource

from stylegraph.queries import bulk, explore, explore_search, export, meta, products
from stylegraph.queries import recommended, relations, similar, stats
from stylegraph.queries.filters import ProductFilter
from stylegraph.queries.interface import EdgeKey, EdgeSpec, ProductGraph, VertexSpec


class GremlinProductGraph(ProductGraph):
    """The product graph behind a gremlinpython traversal source ``g``."""

    language = "gremlin"

    def __init__(self, g: GraphTraversalSource) -> None:
        self.g = g

    def get_products(self, product_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """See :meth:`ProductGraph.get_products`."""
        return products.get_products(self.g, product_ids)

    def top_neighbours(self, product_id: str, edge: str, k: int,
                       flt: ProductFilter | None = None) -> Optional[list[dict[str, Any]]]:
        """See :meth:`ProductGraph.top_neighbours`."""
        return similar.top_neighbours(self.g, product_id, edge, k, flt)

    def has_out_edge(self, product_id: str, label: str) -> bool:
        """See :meth:`ProductGraph.has_out_edge`."""
        return similar.has_out_edge(self.g, product_id, label)

    def level_edges(self, frontier: Sequence[str], edges: Sequence[str],
                    min_score: float) -> list[dict[str, Any]]:
        """See :meth:`ProductGraph.level_edges`."""
        return explore.level_edges(self.g, frontier, edges, min_score)

    def title_matches(self, text: str, limit: int) -> list[str]:
        """See :meth:`ProductGraph.title_matches`."""
        return explore_search.title_matches(self.g, text, limit)

    def first_product_ids(self, limit: int) -> list[str]:
        """See :meth:`ProductGraph.first_product_ids`."""
        return explore_search.first_product_ids(self.g, limit)

    def vertex_counts(self) -> dict[str, int]:
        """See :meth:`ProductGraph.vertex_counts`."""
        return stats.vertex_counts(self.g)

    def edge_counts(self) -> dict[str, int]:
        """See :meth:`ProductGraph.edge_counts`."""
        return stats.edge_counts(self.g)

    def recommendation_models(self) -> dict[str, int]:
        """See :meth:`ProductGraph.recommendation_models`."""
        return stats.recommendation_models(self.g)

    def get_version(self) -> int:
        """See :meth:`ProductGraph.get_version`."""
        return meta.get_version(self.g)

    def bump_version(self) -> int:
        """See :meth:`ProductGraph.bump_version`."""
        return meta.bump_version(self.g)

    def ping(self) -> int:
        """See :meth:`ProductGraph.ping`."""
        return meta.ping(self.g)

    def merge_vertices(self, vertices: Sequence[VertexSpec]) -> int:
        """See :meth:`ProductGraph.merge_vertices`."""
        return bulk.merge_vertices(self.g, vertices)

    def merge_edges(self, edges: Sequence[EdgeSpec]) -> int:
        """See :meth:`ProductGraph.merge_edges`."""
        return bulk.merge_edges(self.g, edges)

    def vertex_properties(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """See :meth:`ProductGraph.vertex_properties`."""
        return bulk.vertex_properties(self.g, ids)

    def edge_properties(self, keys: Sequence[EdgeKey]) -> dict[EdgeKey, dict[str, Any]]:
        """See :meth:`ProductGraph.edge_properties`."""
        return bulk.edge_properties(self.g, keys)

    def drop_edges(self, keys: Sequence[EdgeKey]) -> int:
        """See :meth:`ProductGraph.drop_edges`."""
        return bulk.drop_edges(self.g, keys)

    def existing_ids(self, ids: Sequence[str], label: str | None = None) -> set[str]:
        """See :meth:`ProductGraph.existing_ids`."""
        return bulk.existing_ids(self.g, ids, label)

    def stale_out_edges(self, source_ids: Sequence[str], label: str,
                        keep: Mapping[str, Iterable[str]]) -> list[EdgeKey]:
        """See :meth:`ProductGraph.stale_out_edges`."""
        return bulk.stale_out_edges(self.g, source_ids, label, keep)

    def similar_neighbours(self, product_ids: Iterable[str],
                           label: str = "SIMILAR") -> dict[str, list[tuple[str, float]]]:
        """See :meth:`ProductGraph.similar_neighbours`."""
        return bulk.similar_neighbours(self.g, product_ids, label)

    def relation_kinds(self) -> list[str]:
        """See :meth:`ProductGraph.relation_kinds`."""
        return relations.relation_kinds(self.g)

    def relation_weights(self, sources: Sequence[str], kind: str) -> dict[tuple[str, str], float | None]:
        """See :meth:`ProductGraph.relation_weights`."""
        return relations.relation_weights(self.g, sources, kind)

    def merge_relations(self, edges: Sequence[Any]) -> int:
        """See :meth:`ProductGraph.merge_relations`."""
        return relations.merge_relations(self.g, edges)

    def relations_of(self, product_id: str, kinds: Iterable[str] | None = None,
                     limit: int = 10) -> list[tuple[str, str, float]]:
        """See :meth:`ProductGraph.relations_of`."""
        return relations.relations_of(self.g, product_id, kinds, limit)

    def iter_products(self, batch_size: int = export.DEFAULT_BATCH_SIZE) -> Iterator[Any]:
        """See :meth:`ProductGraph.iter_products`."""
        return export.iter_products(self.g, batch_size)

    def iter_edges(self, label: str | Sequence[str] = "SIMILAR",
                   batch_size: int = export.DEFAULT_BATCH_SIZE) -> Iterator[Any]:
        """See :meth:`ProductGraph.iter_edges`."""
        return export.iter_edges(self.g, label, batch_size)

    def count_products(self) -> int:
        """See :meth:`ProductGraph.count_products`."""
        return export.count_products(self.g)

    def count_edges(self, label: str | Sequence[str] = "SIMILAR") -> int:
        """See :meth:`ProductGraph.count_edges`."""
        return export.count_edges(self.g, label)

    def upsert_recommended(self, recs: Sequence[Any], model: str,
                           batch_size: int = recommended.DEFAULT_BATCH_SIZE) -> int:
        """See :meth:`ProductGraph.upsert_recommended`."""
        return recommended.upsert_recommended(self.g, recs, model, batch_size)

    def drop_stale_recommended(self, keep: dict[str, list[str]], model: str,
                               batch_size: int = recommended.DEFAULT_BATCH_SIZE) -> None:
        """See :meth:`ProductGraph.drop_stale_recommended`."""
        recommended.drop_stale_recommended(self.g, keep, model, batch_size)

    def recommended_for(self, product_id: str, limit: int = 10) -> list[tuple[str, float, str]]:
        """See :meth:`ProductGraph.recommended_for`."""
        return recommended.recommended_for(self.g, product_id, limit)

    def count_recommended(self, model: str | None = None) -> int:
        """See :meth:`ProductGraph.count_recommended`."""
        return recommended.count_recommended(self.g, model)

    # ---- curation, explanations, analytics (issue 14's functions of g) -------------------
    def write_curations(self, rules: Sequence[Any]) -> int:
        """See :meth:`ProductGraph.write_curations`."""
        from stylegraph.queries import curation

        return curation.write_curations(self.g, rules)

    def remove_curations(self, pairs: Sequence[tuple[str, str]]) -> int:
        """See :meth:`ProductGraph.remove_curations`."""
        from stylegraph.queries import curation

        return curation.remove_curations(self.g, pairs)

    def list_curations(self, product_id: Optional[str] = None, limit: int = 1000) -> list[Any]:
        """See :meth:`ProductGraph.list_curations`."""
        from stylegraph.queries import curation

        return curation.list_curations(self.g, product_id, limit)

    def curations_of(self, product_id: str) -> list[Any]:
        """See :meth:`ProductGraph.curations_of`."""
        from stylegraph.queries import curation

        return curation.curations_of(self.g, product_id)

    def apply_curation(self, product_id: str, relation: str, k: int, flt: ProductFilter | None,
                       fetch: Any) -> Any:
        """See :meth:`ProductGraph.apply_curation`."""
        from stylegraph.queries import curation

        return curation.apply_curation(self.g, product_id, relation, k, flt, fetch)

    def iter_training_curations(self, batch_size: int = 1000) -> list[tuple[str, str, str]]:
        """See :meth:`ProductGraph.iter_training_curations`."""
        from stylegraph.queries import curation

        return curation.iter_training_curations(self.g, batch_size)

    def explain(self, product_id: str, items: Any, edge: str,
                model: Optional[str] = None) -> dict[str, list[dict[str, Any]]]:
        """See :meth:`ProductGraph.explain`."""
        from stylegraph.queries import explain

        return explain.explain(self.g, product_id, items, edge, model)

    def iter_scored_edges(self, label: str, batch_size: int = 1000) -> Any:
        """See :meth:`ProductGraph.iter_scored_edges`."""
        return export.iter_scored_edges(self.g, label, batch_size)

    def clear(self) -> None:
        """See :meth:`ProductGraph.clear`."""
        self.g.V().drop().iterate()

    def close(self) -> None:
        """Close ``g``'s connection (an embedded graph closes with its last user)."""
        from stylegraph.graph.connect import close

        close(self.g)
