"""Benchmark: the GNN's graph export through ``g`` at 100k and 1M edges (linear, one traversal).

Builds an in-memory graph of ``edges / 10`` products with 10 SIMILAR edges
each (``bench/_graph_fill.py``), then times ``export_graph`` -- every product, every
SIMILAR edge and every relation edge, each one streamed traversal -- through an
embedded ``g``, and with ``--server`` also through our Gremlin server over
ws:// (GraphBinary, server-side batches). The old sort-and-skip pages took
0.25 s at 10k edges, 2.56 s at 40k and 9.64 s at 80k (quadratic).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DGLBACKEND", "pytorch")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEGREE = 10


def build(n_edges: int):
    """An in-memory ``Graph`` with ``n_edges`` SIMILAR edges (10 per product) and 10% as many
    WORN_WITH edges."""
    import random

    from _graph_fill import fill

    from stylegraph.graph.graph import Graph

    n = n_edges // DEGREE
    rng = random.Random(0)
    graph = Graph(None)
    fill(graph, ((f"P{i:07d}", "product", {"category": f"c{i % 7}", "price": float(i % 90)})
                     for i in range(n)), [])
    sims = ((f"SIMILAR:{i}:{j}", "SIMILAR", f"P{i:07d}", f"P{(i + j) % n:07d}", {"score": 0.5})
            for i in range(n) for j in range(1, DEGREE + 1))
    rels = ((f"WORN_WITH:{i}", "WORN_WITH", f"P{rng.randrange(n):07d}", f"P{rng.randrange(n):07d}",
             {"weight": 1.0}) for i in range(n_edges // 10))
    fill(graph, [], sims)
    fill(graph, [], rels)
    return graph


def main(argv: list[str] | None = None) -> int:
    """Print export times."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--edges", default="100000,1000000", help="comma-separated edge counts")
    p.add_argument("--server", action="store_true", help="also export through ws:// (slower)")
    args = p.parse_args(argv)
    from stylegraph.gnn.dataset import export_graph
    from stylegraph.graph.connect import EmbeddedConnection
    from stylegraph.graph.server import start_server
    from stylegraph.settings import Settings
    from gremlin_python.process.anonymous_traversal import traversal

    for n_edges in (int(x) for x in args.edges.split(",")):
        t0 = time.perf_counter()
        graph = build(n_edges)
        built = time.perf_counter() - t0
        g = traversal().with_remote(EmbeddedConnection(graph, "memory:"))
        t0 = time.perf_counter()
        exported = export_graph(g, progress=False)
        took = time.perf_counter() - t0
        rows = len(exported.edges) + len(exported.relations)
        print(f"{n_edges:>9,} SIMILAR edges (+{len(exported.relations):,} relations, "
              f"{len(exported.products):,} products; built in {built:.1f} s): "
              f"export through embedded g {took:.2f} s ({rows / took:,.0f} edges/s)", flush=True)
        if args.server:
            from stylegraph.graph.connect import close, connect

            handle = start_server(graph, "127.0.0.1", 0, Settings.from_env({}))
            ws = connect(handle.url)
            t0 = time.perf_counter()
            export_graph(ws, progress=False)
            took = time.perf_counter() - t0
            print(f"{'':>9}  export through ws:// (GraphBinary) {took:.2f} s "
                  f"({rows / took:,.0f} edges/s)", flush=True)
            close(ws)
            handle.stop()
        graph.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
