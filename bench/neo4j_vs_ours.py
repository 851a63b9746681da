"""Neo4j (Cypher) next to our Gremlin server, through the product-graph interface, in one run.

The same product graph (``--vertices`` products, ``--degree`` SIMILAR out-edges
each) is loaded into each backend through ``ProductGraph.merge_vertices`` /
``merge_edges`` in batches of ``--batch`` (the loader's write path: chained
``mergeV``/``mergeE`` on ours, ``UNWIND ... MERGE`` on Neo4j); then what
``/api/products/<id>/similar`` runs, ``similar_products(id, k=10)`` with the
neighbours' properties, is timed from 16 concurrent clients (threads, one
connection each), unfiltered and with an in-stock + price-band filter.

* ours: ``stylegraph gremlin-server`` on a fresh SQLite file (durable writes), GraphBinary over a loopback WebSocket;
* Neo4j: engines/neo4j (Neo4j 5.26 community, the official test harness), Bolt on loopback.

Both JVM/Python servers run with the tests' flags (Neo4j: -Xmx512m, serial GC, C1 only)
on a shared 2-core box. Ratios are ours / Neo4j (> 1: ours higher, better for edges/s,
worse for latency). Needs ``make engines``.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from engines_side_by_side import (concurrent_latency, graph_size_parser, load_graph,  # noqa: E402
                                  our_gremlin_server)

from stylegraph.queries.connect import connect  # noqa: E402
from stylegraph.queries.filters import ProductFilter  # noqa: E402
from tests.engines import Neo4jProcess, missing_engines_reason  # noqa: E402

FILTERS = {"unfiltered": ProductFilter(), "in stock, 50-300": ProductFilter(in_stock=True, min_price=50.0,
                                                                           max_price=300.0)}


def _latency(open_graph: Callable[[], Any], n: int, clients: int, queries: int,
             flt: ProductFilter) -> dict[str, float]:
    def similar(graph: Any, pid: str) -> None:
        assert graph.similar_products(pid, 10, flt) is not None

    return concurrent_latency(open_graph, similar, n, clients, queries, warm_up=30,
                              close_client=lambda graph: graph.close())


def _measure(name: str, open_graph: Callable[[], Any], args: argparse.Namespace) -> dict[str, Any]:
    graph = open_graph()
    graph.clear()
    result: dict[str, Any] = {"load": load_graph(graph, args.vertices, args.degree, args.batch)}
    graph.close()
    for label, flt in FILTERS.items():
        result[label] = _latency(open_graph, args.vertices, args.clients, args.queries, flt)
    line = ", ".join(f"{label}: p50 {r['p50_ms']:.2f} ms p99 {r['p99_ms']:.2f} ms ({r['queries_per_s']:,.0f} q/s)"
                     for label, r in ((lb, result[lb]) for lb in FILTERS))
    print(f"  {name}: load {result['load']['vertices_per_s']:,.0f} products/s, "
          f"{result['load']['edges_per_s']:,.0f} edges/s; similar at {args.clients} clients: {line}", flush=True)
    return result


def _ours(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    with our_gremlin_server(work) as (url, _server):
        return _measure("ours (gremlin-server)", lambda: connect(url), args)


def _neo4j(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    engine = Neo4jProcess(work / "neo4j").start()
    try:
        return _measure("neo4j", lambda: engine.connect(schema=False), args)
    finally:
        engine.stop()


def main() -> None:
    """Run both backends one after the other and print the figures and the ratios."""
    parser = graph_size_parser(__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--queries", type=int, default=100, help="timed queries per client")
    args = parser.parse_args()
    reason = missing_engines_reason(Neo4jProcess.spec)
    if reason:
        sys.exit(f"neo4j_vs_ours: {reason}")
    print(f"{args.vertices:,} products, {args.vertices * args.degree:,} SIMILAR edges, batches of {args.batch}; "
          f"{args.clients} clients x {args.queries} similar_products(k=10) each")
    with tempfile.TemporaryDirectory(prefix="neo4j-bench-") as tmp:
        work = Path(tmp)
        ours, neo = _ours(args, work), _neo4j(args, work)
    print(f"ours / neo4j: load {ours['load']['vertices_per_s'] / neo['load']['vertices_per_s']:.2f}x products/s, "
          f"{ours['load']['edges_per_s'] / neo['load']['edges_per_s']:.2f}x edges/s; " + "; ".join(
              f"{label} p50 {ours[label]['p50_ms'] / neo[label]['p50_ms']:.2f}x, "
              f"p99 {ours[label]['p99_ms'] / neo[label]['p99_ms']:.2f}x" for label in FILTERS))


if __name__ == "__main__":
    main()
