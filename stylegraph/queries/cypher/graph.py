"""``CypherProductGraph``: the product-graph interface's reads on Neo4j (writes: ``writes.py``).

Every statement is constant text; every value (ids, labels, filters, limits)
travels as a parameter. Relationship types that come from data are matched with
``type(r) = $label``; the fixed ones (SIMILAR, RECOMMENDED) are spelled in the
query. Each call is one managed transaction (``driver.execute_query``), which
the driver retries on transient failures and leader switches.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence

from stylegraph.queries.cypher.writes import CypherWrites
from stylegraph.queries.explore import RELATED
from stylegraph.queries.explore_search import MAX_WORDS, spellings
from stylegraph.queries.filters import ProductFilter
from stylegraph.queries.interface import EdgeKey
from stylegraph.queries.products import normalize_element_map
from stylegraph.queries.relations import DERIVED_LABELS, WEIGHT
from stylegraph.queries.similar import EDGE_LABELS, neighbour_item

_FILTER = (
    "($in_stock IS NULL OR n.in_stock = $in_stock) AND ($min_price IS NULL OR n.price >= $min_price) "
    "AND ($max_price IS NULL OR n.price <= $max_price) AND ($category IS NULL OR n.category = $category)"
)
# one statement per fixed edge type, so the planner expands on a known type
_TOP = {
    edge: (
        "MATCH (p:product {id: $id}) "
        f"OPTIONAL MATCH (p)-[r:{edge}]->(n:product) WHERE {_FILTER} "
        "WITH p, r, n ORDER BY r.score DESC, n.id ASC "
        "RETURN p.id AS id, [x IN collect(CASE WHEN r IS NULL THEN null ELSE "
        "{score: r.score, model: coalesce(r.model, ''), product: properties(n)} END) | x][..$k] AS items"
    )
    for edge in EDGE_LABELS
}
_LABEL = "[l IN labels(n) WHERE l <> 'Vertex'][0]"


def product_dict(props: Mapping[str, Any]) -> dict[str, Any]:
    """A product node's properties as the Gremlin side returns them (``id``, ``label``, ...)."""
    return normalize_element_map({**props, "label": "product"})


class CypherProductGraph(CypherWrites):
    """The product graph in a Neo4j database (see ``stylegraph.queries.cypher``)."""

    language = "cypher"

    def get_products(self, product_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """See :meth:`ProductGraph.get_products`."""
        ids = list(dict.fromkeys(product_ids))
        if not ids:
            return {}
        rows = self._read("MATCH (n:product) WHERE n.id IN $ids RETURN properties(n) AS p", ids=ids)
        return {r["p"]["id"]: product_dict(r["p"]) for r in rows}

    def top_neighbours(self, product_id: str, edge: str, k: int,
                       flt: ProductFilter | None = None) -> Optional[list[dict[str, Any]]]:
        """See :meth:`ProductGraph.top_neighbours`."""
        if edge not in _TOP:
            raise ValueError(f"unknown edge label {edge!r}")
        flt = flt or ProductFilter()
        rows = self._read(
            _TOP[edge], id=product_id, k=int(k),
            in_stock=None if flt.in_stock is None else bool(flt.in_stock),
            min_price=None if flt.min_price is None else float(flt.min_price),
            max_price=None if flt.max_price is None else float(flt.max_price),
            category=flt.category,
        )
        if not rows:
            return None
        return [neighbour_item({**item, "product": product_dict(item["product"])}) for item in rows[0]["items"]]

    def has_out_edge(self, product_id: str, label: str) -> bool:
        """See :meth:`ProductGraph.has_out_edge`."""
        rows = self._read("MATCH (p:Vertex {id: $id}) RETURN COUNT { (p)-[r]->() WHERE type(r) = $label } > 0 AS x",
                          id=product_id, label=label)
        return bool(rows and rows[0]["x"])

    def level_edges(self, frontier: Sequence[str], edges: Sequence[str],
                    min_score: float) -> list[dict[str, Any]]:
        """See :meth:`ProductGraph.level_edges`."""
        if not frontier:
            return []
        out: list[dict[str, Any]] = []
        if RELATED in edges:
            rows = self._read(
                "MATCH (v:product)-[e]-(o:Vertex) WHERE v.id IN $ids AND NOT type(e) IN $derived "
                "RETURN v.id AS f, o.id AS t, type(e) AS kind, coalesce(e.weight, 1.0) AS w",
                ids=list(frontier), derived=list(DERIVED_LABELS))
            out += [{"from": r["f"], "to": r["t"], "type": RELATED, "kind": r["kind"], "score": float(r["w"])}
                    for r in rows]
        labels = [e for e in edges if e != RELATED]
        if labels:
            rows = self._read(
                "MATCH (v:product)-[e]->(o:Vertex) WHERE v.id IN $ids AND type(e) IN $labels "
                "AND ($min IS NULL OR e.score >= $min) RETURN v.id AS f, o.id AS t, type(e) AS type, e.score AS s",
                ids=list(frontier), labels=labels,
                min=None if min_score == float("-inf") else float(min_score))
            out += [{"from": r["f"], "to": r["t"], "type": r["type"], "score": float(r["s"])} for r in rows]
        return out

    def title_matches(self, text: str, limit: int) -> list[str]:
        """See :meth:`ProductGraph.title_matches` (the same spellings as the Gremlin side)."""
        words = [spellings(w) for w in text.split()[:MAX_WORDS]]
        if not words:
            return []
        rows = self._read(
            "MATCH (n:product) WHERE n.title IS :: STRING "
            "AND all(w IN $words WHERE any(s IN w WHERE n.title CONTAINS s)) "
            "RETURN n.id AS id ORDER BY id LIMIT $limit", words=words, limit=int(limit))
        return [str(r["id"]) for r in rows]

    def first_product_ids(self, limit: int) -> list[str]:
        """See :meth:`ProductGraph.first_product_ids`."""
        rows = self._read("MATCH (n:product) RETURN n.id AS id ORDER BY id LIMIT $limit", limit=int(limit))
        return [str(r["id"]) for r in rows]

    def vertex_counts(self) -> dict[str, int]:
        """See :meth:`ProductGraph.vertex_counts`."""
        rows = self._read(f"MATCH (n:Vertex) RETURN {_LABEL} AS label, count(*) AS c")
        return {str(r["label"]): int(r["c"]) for r in sorted(rows, key=lambda r: str(r["label"]))}

    def edge_counts(self) -> dict[str, int]:
        """See :meth:`ProductGraph.edge_counts`."""
        rows = self._read("MATCH (:Vertex)-[r]->(:Vertex) RETURN type(r) AS label, count(*) AS c")
        return {str(r["label"]): int(r["c"]) for r in sorted(rows, key=lambda r: str(r["label"]))}

    def recommendation_models(self) -> dict[str, int]:
        """See :meth:`ProductGraph.recommendation_models`."""
        rows = self._read("MATCH (:Vertex)-[r:RECOMMENDED]->(:Vertex) WHERE r.model IS NOT NULL "
                          "RETURN r.model AS model, count(*) AS c")
        return {str(r["model"]): int(r["c"]) for r in sorted(rows, key=lambda r: str(r["model"]))}

    def get_version(self) -> int:
        """See :meth:`ProductGraph.get_version`."""
        from stylegraph.queries.meta import META_ID

        rows = self._read("MATCH (m:Vertex {id: $id}) RETURN m.version AS v", id=META_ID)
        return int(rows[0]["v"]) if rows and rows[0]["v"] is not None else 0

    def ping(self) -> int:
        """See :meth:`ProductGraph.ping`."""
        rows = self._read("RETURN EXISTS { MATCH (n:Vertex) } AS x")
        return int(bool(rows[0]["x"]))

    def vertex_properties(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """See :meth:`ProductGraph.vertex_properties`."""
        if not ids:
            return {}
        rows = self._read(f"MATCH (n:Vertex) WHERE n.id IN $ids RETURN {_LABEL} AS label, properties(n) AS p",
                          ids=list(ids))
        return {str(r["p"]["id"]): {**r["p"], "label": r["label"]} for r in rows}

    def edge_properties(self, keys: Sequence[EdgeKey]) -> dict[EdgeKey, dict[str, Any]]:
        """See :meth:`ProductGraph.edge_properties`."""
        if not keys:
            return {}
        rows = self._read(
            "UNWIND $keys AS k MATCH (a:Vertex {id: k[0]})-[r]->(b:Vertex {id: k[2]}) WHERE type(r) = k[1] "
            "RETURN k AS k, properties(r) AS p", keys=[list(k) for k in dict.fromkeys(keys)])
        return {(str(r["k"][0]), str(r["k"][1]), str(r["k"][2])): dict(r["p"]) for r in rows}

    def existing_ids(self, ids: Sequence[str], label: str | None = None) -> set[str]:
        """See :meth:`ProductGraph.existing_ids`."""
        if not ids:
            return set()
        rows = self._read("MATCH (n:Vertex) WHERE n.id IN $ids AND ($label IS NULL OR $label IN labels(n)) "
                          "RETURN n.id AS id", ids=list(ids), label=label)
        return {str(r["id"]) for r in rows}

    def stale_out_edges(self, source_ids: Sequence[str], label: str,
                        keep: Mapping[str, Iterable[str]]) -> list[EdgeKey]:
        """See :meth:`ProductGraph.stale_out_edges`."""
        if not source_ids:
            return []
        rows = self._read("MATCH (a:Vertex)-[r]->(b:Vertex) WHERE a.id IN $ids AND type(r) = $label "
                          "RETURN a.id AS a, collect(b.id) AS bs", ids=list(source_ids), label=label)
        stale: list[EdgeKey] = []
        for row in rows:
            kept = set(keep.get(str(row["a"]), ()))
            stale += [(str(row["a"]), label, str(b)) for b in row["bs"] if str(b) not in kept]
        return stale

    def similar_neighbours(self, product_ids: Iterable[str],
                           label: str = "SIMILAR") -> dict[str, list[tuple[str, float]]]:
        """See :meth:`ProductGraph.similar_neighbours`."""
        ids = list(product_ids)
        if not ids:
            return {}
        rows = self._read(
            "MATCH (a:product) WHERE a.id IN $ids "
            "RETURN a.id AS a, COLLECT { MATCH (a)-[r]->(b:Vertex) WHERE type(r) = $label "
            "RETURN [b.id, r.score] } AS es", ids=ids, label=label)
        return {str(r["a"]): sorted(((str(b), float(s)) for b, s in r["es"]), key=lambda x: (-x[1], x[0]))
                for r in rows}

    def relation_kinds(self) -> list[str]:
        """See :meth:`ProductGraph.relation_kinds`."""
        rows = self._read("MATCH (:Vertex)-[r]->(:Vertex) WHERE NOT type(r) IN $derived "
                          "RETURN DISTINCT type(r) AS t", derived=list(DERIVED_LABELS))
        return sorted(str(r["t"]) for r in rows)

    def relation_weights(self, sources: Sequence[str], kind: str) -> dict[tuple[str, str], float | None]:
        """See :meth:`ProductGraph.relation_weights`."""
        if not sources:
            return {}
        rows = self._read("MATCH (a:Vertex)-[r]->(b:Vertex) WHERE a.id IN $ids AND type(r) = $kind "
                          f"RETURN a.id AS a, b.id AS b, r.{WEIGHT} AS w", ids=list(sources), kind=kind)
        return {(str(r["a"]), str(r["b"])): (None if r["w"] is None else float(r["w"])) for r in rows}

    def relations_of(self, product_id: str, kinds: Iterable[str] | None = None,
                     limit: int = 10) -> list[tuple[str, str, float]]:
        """See :meth:`ProductGraph.relations_of`."""
        labels = list(kinds) if kinds is not None else None
        rows = self._read(
            "MATCH (p:Vertex {id: $id})-[r]-(o:Vertex) "
            "WHERE CASE WHEN $kinds IS NULL OR size($kinds) = 0 THEN NOT type(r) IN $derived "
            "ELSE type(r) IN $kinds END "
            f"RETURN o.id AS o, type(r) AS kind, coalesce(r.{WEIGHT}, 0.0) AS w",
            id=product_id, kinds=labels, derived=list(DERIVED_LABELS))
        out = [(str(r["o"]), str(r["kind"]), float(r["w"])) for r in rows]
        return sorted(out, key=lambda x: (-x[2], x[0]))[:limit]

    def recommended_for(self, product_id: str, limit: int = 10) -> list[tuple[str, float, str]]:
        """See :meth:`ProductGraph.recommended_for`."""
        rows = self._read("MATCH (a:Vertex {id: $id})-[r:RECOMMENDED]->(b:Vertex) "
                          "RETURN b.id AS b, r.score AS s, r.model AS m ORDER BY s DESC LIMIT $limit",
                          id=product_id, limit=int(limit))
        return [(str(r["b"]), float(r["s"]), str(r["m"])) for r in rows]

    # ---- curation: CURATED relationships (same data model as queries/curation.py) ---------
    def write_curations(self, rules: Sequence[Any]) -> int:
        """See :meth:`ProductGraph.write_curations` (an endpoint that is not a vertex is an error)."""
        from stylegraph.queries.curation import now_iso

        if not rules:
            return 0
        rows = [{"out": r.product, "in": r.item, "label": "CURATED",
                 "props": {"action": r.action, "relation": r.relation, "by": r.by, "at": r.at or now_iso(),
                           "scope": r.scope, "note": r.note}} for r in rules]
        self._merge_rels(rows)
        return len(rules)

    def remove_curations(self, pairs: Sequence[tuple[str, str]]) -> int:
        """See :meth:`ProductGraph.remove_curations`."""
        if not pairs:
            return 0
        rows = self._write("UNWIND $pairs AS p MATCH (:Vertex {id: p[0]})-[r:CURATED]->(:Vertex {id: p[1]}) "
                           "DELETE r RETURN count(*) AS n", pairs=[list(p) for p in pairs])
        return int(rows[0]["n"]) if rows else 0

    _CURATION = ("RETURN a.id AS product, b.id AS item, coalesce(r.action, '') AS action, "
                 "coalesce(r.relation, '') AS relation, coalesce(r.by, '') AS by, coalesce(r.at, '') AS at, "
                 "coalesce(r.scope, '') AS scope, coalesce(r.note, '') AS note")

    def curations_of(self, product_id: str) -> list[Any]:
        """See :meth:`ProductGraph.curations_of`."""
        from stylegraph.queries.curation import _rows_to_rules

        return _rows_to_rules(self._read("MATCH (a:Vertex {id: $id})-[r:CURATED]->(b:Vertex) "
                                         + self._CURATION + " ORDER BY at ASC", id=product_id))

    def list_curations(self, product_id: Optional[str] = None, limit: int = 1000) -> list[Any]:
        """See :meth:`ProductGraph.list_curations`."""
        from stylegraph.queries.curation import _rows_to_rules

        return _rows_to_rules(self._read(
            "MATCH (a:Vertex)-[r:CURATED]->(b:Vertex) WHERE $id IS NULL OR a.id = $id "
            + self._CURATION + " ORDER BY at DESC LIMIT $limit", id=product_id or None, limit=int(limit)))

    def iter_training_curations(self, batch_size: int = 1000) -> list[tuple[str, str, str]]:
        """See :meth:`ProductGraph.iter_training_curations`."""
        query = ("MATCH (a:Vertex)-[r:CURATED]->(b:Vertex) WHERE r.relation IN ['recommendations', 'both'] "
                 "RETURN a.id AS product, b.id AS item, r.action AS action")
        return [(str(r["product"]), str(r["item"]), str(r["action"])) for r in self._stream(query, batch_size)]

    # ---- explanations (queries/explain.py's reasons, read in Cypher) ----------------------
    _SIDE = {
        direction: (
            "MATCH (p:product) WHERE p.id IN $ids "
            "CALL { WITH p MATCH " + pattern + " WITH o, s ORDER BY s.score DESC LIMIT $max "
            "RETURN collect([o.id, s.score]) AS sim } "
            "CALL { WITH p MATCH (p)-[r]-(o:Vertex) WHERE NOT type(r) IN $derived "
            f"WITH o, r, coalesce(r.{WEIGHT}, 1.0) AS w ORDER BY w DESC LIMIT $max "
            "RETURN collect([o.id, type(r), w]) AS rel } "
            "RETURN properties(p) AS props, sim, rel"
        )
        for direction, pattern in (("out", "(p)-[s:SIMILAR]->(o:Vertex)"), ("in", "(p)<-[s:SIMILAR]-(o:Vertex)"))
    }

    def _explain_side(self, ids: Sequence[str], direction: str) -> dict[str, dict[str, Any]]:
        from stylegraph.queries.explain import ATTRIBUTES, MAX_EDGES

        rows = self._read(self._SIDE[direction], ids=list(ids), max=MAX_EDGES, derived=list(DERIVED_LABELS))
        out: dict[str, dict[str, Any]] = {}
        for r in rows:
            props = product_dict({k: v for k, v in r["props"].items() if k == "id" or k in ATTRIBUTES})
            out[str(props["id"])] = {
                "props": props,
                "similar": {str(o): float(s) for o, s in r["sim"]},
                "relations": {str(o): (str(kind), float(w)) for o, kind, w in r["rel"]},
            }
        return out

    def explain(self, product_id: str, items: Iterable[dict[str, Any]], edge: str,
                model: Optional[str] = None) -> dict[str, list[dict[str, Any]]]:
        """See :meth:`ProductGraph.explain`."""
        from stylegraph.queries.explain import explain_with

        return explain_with(self._explain_side, product_id, items, edge, model)

    def iter_scored_edges(self, label: str, batch_size: int = 1000) -> Any:
        """See :meth:`ProductGraph.iter_scored_edges`."""
        query = ("MATCH (a:Vertex)-[r]->(b:Vertex) WHERE type(r) = $label AND r.score IS NOT NULL "
                 "RETURN a.id AS src, b.id AS dst, r.score AS score")
        for r in self._stream(query, batch_size, label=label):
            yield str(r["src"]), str(r["dst"]), float(r["score"])

    def count_recommended(self, model: str | None = None) -> int:
        """See :meth:`ProductGraph.count_recommended`."""
        rows = self._read("MATCH (:Vertex)-[r:RECOMMENDED]->(:Vertex) WHERE $model IS NULL OR r.model = $model "
                          "RETURN count(r) AS c", model=model)
        return int(rows[0]["c"])
