"""The product-graph interface: every operation the product runs on its graph, in one class.

Components receive a :class:`ProductGraph` from :func:`stylegraph.queries.connect`
and call only its methods. Two implementations sit side by side:
:class:`~stylegraph.queries.gremlin.GremlinProductGraph` (functions of ``g``:
our engine, our Gremlin server, TinkerGraph, JanusGraph, Neptune) and
:class:`~stylegraph.queries.cypher.graph.CypherProductGraph` (Neo4j, official driver).

A backend implements the *primitives* (the abstract methods); the product's
composite operations (top-k with the RECOMMENDED fallback, the explorer's
neighbourhood walk, search ranking, model replacement, stats) are written once
here on top of them, so both backends answer them with the same logic.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

from stylegraph.product_schema import RECOMMENDED, SIMILAR
from stylegraph.queries import curation
from stylegraph.queries.explore import EDGE_LABELS, RELATED, Neighborhood
from stylegraph.queries.filters import ProductFilter
from stylegraph.queries.similar import NeighbourResult

#: how product code names an edge: (from id, label, to id); never by the backend's edge id
EdgeKey = tuple[str, str, str]
#: a vertex to upsert: (id, label, properties)
VertexSpec = tuple[str, str, Mapping[str, Any]]
#: an edge to upsert: (from id, to id, label, properties)
EdgeSpec = tuple[str, str, str, Mapping[str, Any]]


class NotSupportedOnBackend(NotImplementedError):
    """A product operation this backend does not implement yet (the app answers JSON 501)."""

    def __init__(self, feature: str, backend: str) -> None:
        self.feature = feature
        self.backend = {"cypher": "Neo4j"}.get(backend, backend or "this graph backend")
        super().__init__(f"{feature} is not supported on {self.backend} yet")


class ProductGraph(ABC):
    """The product graph on one backend (see docs/INTERFACES.md, "The product-graph interface")."""

    #: the backend family: "gremlin" or "cypher"
    language: str = ""

    # ---- products -------------------------------------------------------------------
    @abstractmethod
    def get_products(self, product_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The products among ``product_ids`` that exist, keyed by id (``id`` plus properties)."""

    def get_product(self, product_id: str) -> Optional[dict[str, Any]]:
        """One product as a dict, or None when it is not a product."""
        return self.get_products([product_id]).get(product_id)

    def product_exists(self, product_id: str) -> bool:
        """True when a product with this id exists."""
        return self.get_product(product_id) is not None

    # ---- neighbours -----------------------------------------------------------------
    @abstractmethod
    def top_neighbours(self, product_id: str, edge: str, k: int,
                       flt: ProductFilter | None = None) -> Optional[list[dict[str, Any]]]:
        """The ``k`` best ``edge`` neighbours passing ``flt`` (score desc, then id); None if unknown."""

    @abstractmethod
    def has_out_edge(self, product_id: str, label: str) -> bool:
        """True when ``product_id`` has at least one outgoing ``label`` edge."""

    def similar_products(self, product_id: str, k: int,
                         flt: ProductFilter | None = None) -> Optional[NeighbourResult]:
        """Top-k SIMILAR neighbours (None when the product is unknown)."""
        items = self.top_neighbours(product_id, SIMILAR, k, flt)
        if items is None:
            return None
        return NeighbourResult(product_id, SIMILAR, items)

    def recommended_products(self, product_id: str, k: int,
                             flt: ProductFilter | None = None) -> Optional[NeighbourResult]:
        """Top-k RECOMMENDED neighbours, falling back to SIMILAR.

        The fallback (``fallback=True``) is used when the product has no
        RECOMMENDED edge at all — no GNN model has run yet, or the product was
        added after the last ``gnn refine``. A product that has RECOMMENDED edges
        but none passing ``flt`` gets an empty list, not the fallback.
        """
        if self.has_out_edge(product_id, RECOMMENDED):
            items = self.top_neighbours(product_id, RECOMMENDED, k, flt)
            if items is None:
                return None
            models = {item.pop("model") for item in items if "model" in item}
            model = sorted(models)[0] if len(models) == 1 else (", ".join(sorted(models)) or None)
            return NeighbourResult(product_id, RECOMMENDED, items, fallback=False, model=model)
        result = self.similar_products(product_id, k, flt)
        if result is None:
            return None
        result.fallback = True
        return result

    # ---- the explorer ---------------------------------------------------------------
    @abstractmethod
    def level_edges(self, frontier: Sequence[str], edges: Sequence[str],
                    min_score: float) -> list[dict[str, Any]]:
        """Edges of one breadth-first level (see :func:`stylegraph.queries.explore.level_edges`)."""

    def neighborhood(self, product_id: str, depth: int = 1, limit: int = 50,
                     edges: Sequence[str] | None = None,
                     min_score: float = float("-inf")) -> Optional[Neighborhood]:
        """The products within ``depth`` hops of ``product_id`` (at most ``limit`` nodes).

        Returns None when ``product_id`` is not a product. Within a level, a
        node's best-scored edges are taken first, so when ``limit`` cuts the
        ball short it keeps the strongest neighbours. Every edge of the chosen
        kinds between two included nodes that was seen during the walk is returned.
        """
        edges = EDGE_LABELS if edges is None else edges
        for edge in edges:
            if edge not in EDGE_LABELS:
                raise ValueError(f"unknown edge label {edge!r}")
        root = self.get_products([product_id]).get(product_id)
        if root is None:
            return None
        levels: dict[str, int] = {product_id: 0}
        seen_edges: list[dict[str, Any]] = []
        frontier = [product_id]
        truncated = False
        for level in range(1, depth + 1):
            found = self.level_edges(frontier, edges, min_score)
            rank = {pid: i for i, pid in enumerate(frontier)}
            found.sort(key=lambda e: (rank.get(e["from"], 0), -e["score"], e["to"], e["type"]))
            next_frontier: list[str] = []
            for edge in found:
                target = edge["to"]
                if target not in levels:
                    if len(levels) >= limit:
                        truncated = True
                        continue
                    levels[target] = level
                    next_frontier.append(target)
                seen_edges.append(edge)
            frontier = next_frontier
            if not frontier:
                break
        products = self.get_products(levels)
        result = Neighborhood(root=product_id, truncated=truncated)
        for pid, level in levels.items():
            product = products.get(pid)
            if product is None:  # an edge to a non-product vertex: leave it out
                continue
            result.nodes.append({**product, "level": level})
        present = {n["id"] for n in result.nodes}
        unique: dict[tuple[str, str, str], dict[str, Any]] = {}
        for edge in seen_edges:
            if edge["from"] in present and edge["to"] in present:
                ends = (edge["from"], edge["to"])
                if edge["type"] == RELATED:  # undirected: seen from both ends, kept once
                    ends = tuple(sorted(ends))
                unique.setdefault((*ends, edge.get("kind", edge["type"])), edge)
        result.edges = list(unique.values())
        return result

    @abstractmethod
    def title_matches(self, text: str, limit: int) -> list[str]:
        """Ids (sorted) of up to ``limit`` products whose title contains every word of ``text``."""

    @abstractmethod
    def first_product_ids(self, limit: int) -> list[str]:
        """The ``limit`` smallest product ids."""

    def search_products(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """Products matching ``text``: the product with that exact id first, then title matches.

        With an empty ``text`` it returns up to ``limit`` products to start exploring from.
        Each result is the product dict of ``get_products`` (``id`` plus properties).
        Title matches are ordered with titles starting with ``text`` first, then by title.
        """
        if limit < 1:
            return []
        text = " ".join(text.split())
        if not text:
            products = self.get_products(self.first_product_ids(limit))
            return sorted(products.values(), key=lambda p: str(p["id"]))
        exact = self.get_products([text]).get(text)
        ids = [i for i in self.title_matches(text, limit) if i != text]
        found = self.get_products(ids)
        prefix = text.lower()

        def rank(product: dict[str, Any]) -> tuple[bool, str]:
            title = str(product.get("title") or "").lower()
            return (not title.startswith(prefix), title)

        results = sorted(found.values(), key=rank)
        if exact is not None:
            results.insert(0, exact)
        return results[:limit]

    # ---- stats, version -------------------------------------------------------------
    @abstractmethod
    def vertex_counts(self) -> dict[str, int]:
        """Number of vertices per label."""

    @abstractmethod
    def edge_counts(self) -> dict[str, int]:
        """Number of edges per label."""

    @abstractmethod
    def recommendation_models(self) -> dict[str, int]:
        """RECOMMENDED edge counts per ``model``."""

    def graph_stats(self) -> dict[str, Any]:
        """Vertex and edge counts by label and the GNN model(s) behind RECOMMENDED edges."""
        models = self.recommendation_models()
        return {
            "vertices": self.vertex_counts(),
            "edges": self.edge_counts(),
            "recommendation_models": models,
            # the model in use: the run that wrote the most RECOMMENDED edges
            "recommendation_model": max(models, key=lambda m: models[m]) if models else None,
        }

    @abstractmethod
    def get_version(self) -> int:
        """The graph's version stamp (0 before the first bump)."""

    @abstractmethod
    def bump_version(self) -> int:
        """Write a new version stamp (a nanosecond time) and return it."""

    @abstractmethod
    def ping(self) -> int:
        """A round trip touching the graph: 1 when it holds any vertex, else 0."""

    # ---- loading (loader, add-product) ----------------------------------------------
    @abstractmethod
    def merge_vertices(self, vertices: Sequence[VertexSpec]) -> int:
        """Upsert ``(id, label, properties)`` vertices in one batch; returns how many."""

    @abstractmethod
    def merge_edges(self, edges: Sequence[EdgeSpec]) -> int:
        """Upsert ``(from, to, label, properties)`` edges (identified by label and endpoints)."""

    @abstractmethod
    def vertex_properties(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """``{id: {"id", "label", property: value}}`` of the vertices that exist among ``ids``."""

    @abstractmethod
    def edge_properties(self, keys: Sequence[EdgeKey]) -> dict[EdgeKey, dict[str, Any]]:
        """``{(from, label, to): {property: value}}`` of the edges that exist among ``keys``."""

    @abstractmethod
    def drop_edges(self, keys: Sequence[EdgeKey]) -> int:
        """Drop the edges ``(from, label, to)`` (missing ones ignored); returns len(set(keys))."""

    @abstractmethod
    def existing_ids(self, ids: Sequence[str], label: str | None = None) -> set[str]:
        """The subset of ``ids`` that are vertices (of ``label`` when given)."""

    @abstractmethod
    def stale_out_edges(self, source_ids: Sequence[str], label: str,
                        keep: Mapping[str, Iterable[str]]) -> list[EdgeKey]:
        """``label`` out-edges of ``source_ids`` whose target is not in ``keep[from]``."""

    @abstractmethod
    def similar_neighbours(self, product_ids: Iterable[str],
                           label: str = "SIMILAR") -> dict[str, list[tuple[str, float]]]:
        """``{product: [(neighbour, score), ...]}`` best first; unknown products absent."""

    # ---- relations ------------------------------------------------------------------
    @abstractmethod
    def relation_kinds(self) -> list[str]:
        """Labels of the relation edges (all but SIMILAR/RECOMMENDED), sorted."""

    @abstractmethod
    def relation_weights(self, sources: Sequence[str], kind: str) -> dict[tuple[str, str], float | None]:
        """``{(a, b): weight}`` of the ``kind`` out-edges of ``sources``."""

    @abstractmethod
    def merge_relations(self, edges: Sequence[Any]) -> int:
        """Upsert ``RelationEdge`` s matched on (from, to, kind); returns how many."""

    @abstractmethod
    def relations_of(self, product_id: str, kinds: Iterable[str] | None = None,
                     limit: int = 10) -> list[tuple[str, str, float]]:
        """``(other, kind, weight)`` of a product's relations, heaviest first."""

    # ---- streamed export (GNN) ------------------------------------------------------
    @abstractmethod
    def iter_products(self, batch_size: int = 1000) -> Iterator[Any]:
        """Every product as a ``ProductRow``, streamed in batches."""

    @abstractmethod
    def iter_edges(self, label: str | Sequence[str] = "SIMILAR", batch_size: int = 1000) -> Iterator[Any]:
        """Every edge with ``label`` (one or several) as an ``EdgeRow``, streamed."""

    @abstractmethod
    def count_products(self) -> int:
        """How many products."""

    @abstractmethod
    def count_edges(self, label: str | Sequence[str] = "SIMILAR") -> int:
        """How many edges with ``label`` (one or several)."""

    # ---- RECOMMENDED (gnn refine) ---------------------------------------------------
    @abstractmethod
    def upsert_recommended(self, recs: Sequence[Any], model: str, batch_size: int = 200) -> int:
        """Create or update RECOMMENDED edges (``Recommendation`` s) of ``model``."""

    @abstractmethod
    def drop_stale_recommended(self, keep: dict[str, list[str]], model: str, batch_size: int = 200) -> None:
        """Drop RECOMMENDED edges of ``keep`` 's sources not listed, and every other model's."""

    def replace_recommended(self, recs: Sequence[Any], model: str, batch_size: int = 200,
                            sources: Iterable[str] | None = None) -> int:
        """Make ``recs`` the graph's ``RECOMMENDED`` edges, replacing the previous model's.

        ``sources`` (default: the sources of ``recs``) are the products whose
        recommendations this call owns; any of their edges not in ``recs`` is
        dropped, as is every edge of another model. Returns the number written.
        """
        written = self.upsert_recommended(recs, model, batch_size)
        keep: dict[str, list[str]] = {src: [] for src in (sources or ())}
        for rec in recs:
            keep.setdefault(rec.src, []).append(rec.dst)
        self.drop_stale_recommended(keep, model, batch_size)
        return written

    @abstractmethod
    def recommended_for(self, product_id: str, limit: int = 10) -> list[tuple[str, float, str]]:
        """``(dst, score, model)`` of a product's RECOMMENDED edges, best first."""

    @abstractmethod
    def count_recommended(self, model: str | None = None) -> int:
        """How many RECOMMENDED edges (of ``model`` when given)."""

    # ---- curation (issue 14): pins and bans as CURATED edges -------------------------
    # Not abstract: a backend without them raises NotSupportedOnBackend (the app's JSON 501).
    def write_curations(self, rules: Sequence[Any]) -> int:
        """Create or replace CURATED rules (``queries.curation.Curation``); the count written."""
        raise NotSupportedOnBackend("curation", self.language)

    def remove_curations(self, pairs: Sequence[tuple[str, str]]) -> int:
        """Drop the CURATED rules of these ``(product, item)`` pairs; the count removed."""
        raise NotSupportedOnBackend("curation", self.language)

    def list_curations(self, product_id: Optional[str] = None, limit: int = 1000) -> list[Any]:
        """The CURATED rules (of ``product_id`` when given)."""
        raise NotSupportedOnBackend("curation", self.language)

    def curations_of(self, product_id: str) -> list[Any]:
        """The rules curating ``product_id``'s lists, oldest first."""
        raise NotSupportedOnBackend("curation", self.language)

    def apply_curation(self, product_id: str, relation: str, k: int, flt: ProductFilter | None,
                       fetch: Any) -> Any:
        """``fetch(n)``'s NeighbourResult with ``product_id``'s pins and bans applied
        (see :func:`stylegraph.queries.curation.apply_curation`); written once on the primitives."""
        return curation.apply_rules(self.curations_of(product_id), relation, k, flt, fetch,
                           lambda ids: curation.product_summaries(self.get_products(ids)))

    def iter_training_curations(self, batch_size: int = 1000) -> list[tuple[str, str, str]]:
        """``(product, item, action)`` of every rule on the recommendations list (for the GNN)."""
        raise NotSupportedOnBackend("curation", self.language)

    # ---- explanations and analytics (issue 14) ---------------------------------------
    def explain(self, product_id: str, items: Iterable[dict[str, Any]], edge: str,
                model: Optional[str] = None) -> dict[str, list[dict[str, Any]]]:
        """``{item id: why}`` for served items (see :func:`stylegraph.queries.explain.explain`)."""
        raise NotSupportedOnBackend("explanations", self.language)

    def iter_scored_edges(self, label: str, batch_size: int = 1000) -> Iterator[tuple[str, str, float]]:
        """``(src, dst, score)`` of every ``label`` edge with a score (the analytics' edge stream)."""
        for e in self.iter_edges(label, batch_size):
            if e.score is not None:
                yield e.src, e.dst, float(e.score)

    # ---- housekeeping ---------------------------------------------------------------
    @abstractmethod
    def clear(self) -> None:
        """Remove every vertex and edge (tests, ``make demo`` re-runs)."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection behind this graph."""

    def __enter__(self) -> "ProductGraph":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

