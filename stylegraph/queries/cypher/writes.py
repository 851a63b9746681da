"""The Cypher product graph's driver plumbing, writes and streamed export.

Loads are ``UNWIND $rows`` batches: one statement and one managed write
transaction per batch. Vertices merge on ``(:Vertex {id})`` (the uniqueness
constraint's index) and get their own label on creation; relationships merge
on their endpoints and type, so a re-run updates the same relationship.
"""
from __future__ import annotations

import time
from typing import Any, Iterator, Sequence

from stylegraph.product_schema import MODEL, SCORE, WEIGHT
from stylegraph.queries.export import EdgeRow, ProductRow, product_row
from stylegraph.queries.interface import EdgeKey, EdgeSpec, ProductGraph, VertexSpec

CLEAR_BATCH = 5000


class _Missing(Exception):
    """Inside a write transaction: fewer rows matched than were sent (rolls it back)."""


class CypherWrites(ProductGraph):
    """Driver plumbing and the write half of :class:`CypherProductGraph`."""

    def __init__(self, driver: Any, database: str | None = None, url: str = "") -> None:
        self.driver = driver
        self.database = database
        self.url = url

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r}, database={self.database!r})"

    def _read(self, query: str, **params: Any) -> list[Any]:
        """Records of ``query`` in a managed read transaction (retried on transient errors)."""
        import neo4j

        return self.driver.execute_query(query, params, routing_=neo4j.RoutingControl.READ,
                                         database_=self.database).records

    def _write(self, query: str, **params: Any) -> list[Any]:
        """Records of ``query`` in a managed write transaction (retried on transient errors)."""
        import neo4j

        return self.driver.execute_query(query, params, routing_=neo4j.RoutingControl.WRITE,
                                         database_=self.database).records

    def _write_all(self, query: str, expected: int, what: str, **params: Any) -> None:
        """Run a write ``query`` returning ``count(*) AS n`` in one managed transaction; roll it
        back (ValueError) unless ``n == expected``, i.e. when a row's endpoint does not exist."""

        def work(tx: Any) -> int:
            n = int(tx.run(query, params).single()["n"])
            if n != expected:
                raise _Missing(n)
            return n

        with self.driver.session(database=self.database) as session:
            try:
                session.execute_write(work)
            except _Missing as exc:
                raise ValueError(f"cannot add {what}: {expected - exc.args[0]} of {expected} have an endpoint "
                                 "that is not a vertex; nothing was written") from None

    def _stream(self, query: str, batch_size: int, **params: Any) -> Iterator[Any]:
        """Records of a read ``query`` fetched from the server ``batch_size`` at a time."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        import neo4j

        with self.driver.session(database=self.database, fetch_size=batch_size,
                                 default_access_mode=neo4j.READ_ACCESS) as session:
            yield from session.run(query, params)

    # ---- vertices and edges ---------------------------------------------------------
    def merge_vertices(self, vertices: Sequence[VertexSpec]) -> int:
        """See :meth:`ProductGraph.merge_vertices`."""
        if not vertices:
            return 0
        rows = [{"id": vid, "label": label, "props": dict(props)} for vid, label, props in vertices]
        self._write("UNWIND $rows AS row MERGE (n:Vertex {id: row.id}) "
                    "ON CREATE SET n:$(row.label) SET n += row.props", rows=rows)
        return len(vertices)

    def merge_edges(self, edges: Sequence[EdgeSpec]) -> int:
        """See :meth:`ProductGraph.merge_edges` (an edge whose endpoint is missing is an error)."""
        if not edges:
            return 0
        rows = [{"out": a, "in": b, "label": label, "props": dict(props)} for a, b, label, props in edges]
        self._merge_rels(rows)
        return len(edges)

    def _merge_rels(self, rows: list[dict[str, Any]]) -> None:
        self._write_all("UNWIND $rows AS row MATCH (a:Vertex {id: row.out}) MATCH (b:Vertex {id: row.in}) "
                        "MERGE (a)-[r:$(row.label)]->(b) SET r += row.props RETURN count(*) AS n",
                        len(rows), "edges", rows=rows)

    def drop_edges(self, keys: Sequence[EdgeKey]) -> int:
        """See :meth:`ProductGraph.drop_edges`."""
        if not keys:
            return 0
        unique = list(dict.fromkeys(keys))
        self._write("UNWIND $keys AS k MATCH (a:Vertex {id: k[0]})-[r]->(b:Vertex {id: k[2]}) "
                    "WHERE type(r) = k[1] DELETE r", keys=[list(k) for k in unique])
        return len(unique)

    def merge_relations(self, edges: Sequence[Any]) -> int:
        """See :meth:`ProductGraph.merge_relations`."""
        if not edges:
            return 0
        self._merge_rels([{"out": e.a, "in": e.b, "label": e.kind, "props": {WEIGHT: float(e.weight)}}
                          for e in edges])
        return len(edges)

    # ---- version --------------------------------------------------------------------
    def bump_version(self) -> int:
        """See :meth:`ProductGraph.bump_version`."""
        from stylegraph.queries.meta import META_ID

        stamp = time.time_ns()
        self._write("MERGE (m:Vertex {id: $id}) ON CREATE SET m:meta SET m.version = $stamp",
                    id=META_ID, stamp=stamp)
        return stamp

    # ---- RECOMMENDED ----------------------------------------------------------------
    def upsert_recommended(self, recs: Sequence[Any], model: str, batch_size: int = 200) -> int:
        """See :meth:`ProductGraph.upsert_recommended`."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        recs = list(recs)
        for start in range(0, len(recs), batch_size):
            rows = [{"out": r.src, "in": r.dst, "props": {SCORE: float(r.score), MODEL: model}}
                    for r in recs[start:start + batch_size]]
            self._write_all("UNWIND $rows AS row MATCH (a:Vertex {id: row.out}) MATCH (b:Vertex {id: row.in}) "
                            "MERGE (a)-[r:RECOMMENDED]->(b) SET r += row.props RETURN count(*) AS n",
                            len(rows), "RECOMMENDED edges", rows=rows)
        return len(recs)

    def drop_stale_recommended(self, keep: dict[str, list[str]], model: str, batch_size: int = 200) -> None:
        """See :meth:`ProductGraph.drop_stale_recommended`."""
        sources = sorted(keep)
        for start in range(0, len(sources), batch_size):
            rows = [{"src": s, "dsts": sorted(set(keep[s]))} for s in sources[start:start + batch_size]]
            self._write("UNWIND $rows AS row MATCH (a:Vertex {id: row.src})-[r:RECOMMENDED]->(b:Vertex) "
                        "WHERE NOT b.id IN row.dsts DELETE r", rows=rows)
        self._write("MATCH (:Vertex)-[r:RECOMMENDED]->(:Vertex) WHERE r.model IS NULL OR r.model <> $model "
                    "DELETE r", model=model)

    # ---- streamed export ------------------------------------------------------------
    def iter_products(self, batch_size: int = 1000) -> Iterator[ProductRow]:
        """See :meth:`ProductGraph.iter_products`: one query, fetched ``batch_size`` rows at a time."""
        for record in self._stream("MATCH (n:product) RETURN properties(n) AS p", batch_size):
            yield product_row({**record["p"], "label": "product"})

    def iter_edges(self, label: str | Sequence[str] = "SIMILAR", batch_size: int = 1000) -> Iterator[EdgeRow]:
        """See :meth:`ProductGraph.iter_edges`."""
        labels = [label] if isinstance(label, str) else list(label)
        if not labels:
            return
        query = ("MATCH (a:Vertex)-[r]->(b:Vertex) WHERE type(r) IN $labels "
                 f"RETURN a.id AS src, b.id AS dst, type(r) AS label, r.{SCORE} AS score, r.{WEIGHT} AS weight")
        for r in self._stream(query, batch_size, labels=labels):
            yield EdgeRow(src=str(r["src"]), dst=str(r["dst"]), label=str(r["label"]),
                          score=None if r["score"] is None else float(r["score"]),
                          weight=None if r["weight"] is None else float(r["weight"]))

    def count_products(self) -> int:
        """See :meth:`ProductGraph.count_products`."""
        return int(self._read("MATCH (n:product) RETURN count(n) AS c")[0]["c"])

    def count_edges(self, label: str | Sequence[str] = "SIMILAR") -> int:
        """See :meth:`ProductGraph.count_edges`."""
        labels = [label] if isinstance(label, str) else list(label)
        if not labels:
            return 0
        return int(self._read("MATCH (:Vertex)-[r]->(:Vertex) WHERE type(r) IN $labels RETURN count(r) AS c",
                              labels=labels)[0]["c"])

    # ---- housekeeping ---------------------------------------------------------------
    def clear(self) -> None:
        """See :meth:`ProductGraph.clear` (only the product graph's ``Vertex`` nodes, in batches)."""
        while int(self._write("MATCH (n:Vertex) WITH n LIMIT $n DETACH DELETE n RETURN count(*) AS c",
                              n=CLEAR_BATCH)[0]["c"]):
            pass

    def close(self) -> None:
        """Close the driver (its connection pool)."""
        self.driver.close()
