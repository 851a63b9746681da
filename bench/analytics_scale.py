"""Benchmark: `stylegraph analyze` at 100k products x 10 SIMILAR + 10 RECOMMENDED edges (target <= 5 min).

Builds an in-memory graph (``bench/_graph_fill.fill``) with planted style clusters
(200 clusters of 500 products; 90% of each product's SIMILAR edges stay in
its cluster), reads it back through the streamed export (``queries/export.py``)
over an embedded ``g``, runs the analysis (communities of both graphs,
PageRank, blind spots, coverage) and writes the report; prints each stage's
time and how well the planted clusters were recovered (purity). With
``--compare-networkx`` it also times networkx's own label propagation and
Louvain (``--louvain``) on the same SIMILAR graph (what made us write the scipy one).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEGREE = 10
CLUSTER = 500


def build(n: int, seed: int = 0):
    """An in-memory ``Graph`` of ``n`` products with planted clusters."""
    import numpy as np

    from _graph_fill import fill
    from stylegraph.graph.graph import Graph

    rng = np.random.default_rng(seed)
    planted = np.arange(n) // CLUSTER
    graph = Graph(None)
    fill(graph, ((f"P{i:07d}", "product", {"category": f"c{planted[i] % 13}", "title": f"product {i}",
                                                 "price": float(i % 90)}) for i in range(n)), [])
    n_clusters = planted.max() + 1

    def targets(i: int, inside: float) -> list[int]:
        out = set()
        while len(out) < DEGREE:
            c = planted[i] if rng.random() < inside else rng.integers(n_clusters)
            j = int(c * CLUSTER + rng.integers(min(CLUSTER, n - c * CLUSTER)))
            if j != i:
                out.add(j)
        return sorted(out)

    sims = ((None, "SIMILAR", f"P{i:07d}", f"P{j:07d}", {"score": float(0.5 + 0.5 * rng.random())})
            for i in range(n) for j in targets(i, 0.9))
    fill(graph, (), sims)
    # RECOMMENDED: a power-law choice of targets (popularity 1 / (rank + 20)), so there are
    # hubs and never-recommended products
    pop = 1.0 / (rng.permutation(n) + 20.0)
    p = pop / pop.sum()
    recs = ((None, "RECOMMENDED", f"P{i:07d}", f"P{j:07d}", {"score": 0.7, "model": "bench"})
            for i in range(n) for j in set(rng.choice(n, DEGREE, p=p).tolist()) - {i})
    fill(graph, (), recs)
    return graph, planted


def purity(found, planted) -> float:
    """Share of products whose found cluster's majority planted cluster is their own."""
    import numpy as np

    keys = found * (planted.max() + 1) + planted
    uniq, counts = np.unique(keys, return_counts=True)
    best = {}
    for key, c in zip(uniq.tolist(), counts.tolist()):
        f = key // (planted.max() + 1)
        best[f] = max(best.get(f, 0), c)
    return sum(best.values()) / len(planted)


def main(argv: list[str] | None = None) -> int:
    """Print the stage times at ``--products``."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--products", type=int, default=100_000)
    p.add_argument("--compare-networkx", action="store_true", help="also time networkx's label propagation")
    p.add_argument("--louvain", action="store_true", help="with --compare-networkx: also networkx's Louvain "
                   "(did not finish in 150 s at 100k products here)")
    args = p.parse_args(argv)
    from gremlin_python.process.anonymous_traversal import traversal

    from stylegraph.analytics.analyze import analyze
    from stylegraph.analytics.graphdata import SIMILAR, read_graph
    from stylegraph.analytics.report import write_report
    from stylegraph.graph.connect import EmbeddedConnection

    t0 = time.perf_counter()
    graph, planted = build(args.products)
    print(f"built {args.products:,} products, {len(graph.edges):,} edges in {time.perf_counter() - t0:.1f} s "
          "(setup, not timed below)", flush=True)
    g = traversal().with_remote(EmbeddedConnection(graph, "memory:"))
    start = time.perf_counter()
    data = read_graph(g)
    read_s = time.perf_counter() - start
    t0 = time.perf_counter()
    result = analyze(data)
    analyze_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        write_report(result, Path(out))
        report_s = time.perf_counter() - t0
        report_kb = (Path(out) / "report.html").stat().st_size / 1024
    total = time.perf_counter() - start
    print(f"read through the streamed export: {read_s:.1f} s")
    for stage, secs in result.timing_s.items():
        print(f"  {stage}: {secs:.2f} s")
    print(f"analyze: {analyze_s:.1f} s; report + csv: {report_s:.1f} s ({report_kb:,.0f} KiB)")
    sim = result.clusterings[SIMILAR]
    print(f"SIMILAR clusters: {sim.count:,} ({sim.method}), modularity {sim.modularity:.3f}, "
          f"purity vs planted {purity(sim.labels, planted[[int(i[1:]) for i in data.ids]]):.3f}")
    print(f"never recommended: {len(result.never_recommended()):,}; no close look-alike: "
          f"{len(result.no_lookalike()):,}")
    print(f"TOTAL {args.products:,} products analysed in {total:.1f} s "
          f"({'within' if total <= 300 else 'OVER'} the 5-minute target)", flush=True)
    if args.compare_networkx:
        import networkx as nx

        from stylegraph.analytics.algorithms import symmetric_adjacency

        e = data.edges[SIMILAR]
        nxg = nx.from_scipy_sparse_array(symmetric_adjacency(data.n, e.src, e.dst, e.score))
        runs = [("networkx label propagation", lambda: nx.community.label_propagation_communities(nxg))]
        if args.louvain:
            runs.append(("networkx Louvain", lambda: nx.community.louvain_communities(nxg, seed=0)))
        for name, fn in runs:
            t0 = time.perf_counter()
            found = list(fn())
            print(f"{name}: {len(found):,} communities in {time.perf_counter() - t0:.1f} s", flush=True)
    graph.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
