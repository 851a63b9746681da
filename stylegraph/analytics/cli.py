"""``stylegraph analyze``: style clusters, hubs, blind spots and coverage as a report."""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from stylegraph.analytics.algorithms import METHODS
from stylegraph.cli_flags import setting_flag


def register(subparsers: Any) -> None:
    """Add ``analyze`` to the ``stylegraph`` parser."""
    parser = subparsers.add_parser(
        "analyze",
        help="style clusters, hubs, blind spots and coverage: report.html + clusters.csv",
        description="Read the whole product graph (streamed export) and write DIR/report.html "
                    "(pictures and charts), DIR/clusters.csv (product_id,cluster of the SIMILAR "
                    "graph), DIR/clusters-RECOMMENDED.csv and DIR/summary.json.",
    )
    setting_flag(parser, "graph_url", "--graph", metavar="URL")
    parser.add_argument("--out", metavar="DIR", type=Path, required=True, help="output directory")
    setting_flag(parser, "catalog_dir", "--catalog", metavar="DIR")
    parser.add_argument("--method", choices=METHODS, default="auto",
                        help="community detection (auto: networkx Louvain on small graphs, "
                             "scipy label propagation on large ones)")
    parser.add_argument("--lookalike-min", type=float, default=None,
                        help="best SIMILAR score under which a product has no close look-alike "
                             "(default: the 5th percentile)")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(func=analyze_command)


def analyze_command(args: argparse.Namespace) -> int:
    """Run the analysis and write the report."""
    from stylegraph.analytics.analyze import analyze
    from stylegraph.analytics.graphdata import read_graph
    from stylegraph.analytics.report import write_report
    from stylegraph.commands import CommandError
    from stylegraph.queries.connect import close, connect, display_url
    settings = args.settings
    url = settings.graph_url
    try:
        g = connect(url, settings=settings)
    except Exception as exc:  # noqa: BLE001 - reported to the user
        raise CommandError(f"cannot open the graph at {display_url(url)}: {exc}") from None
    try:
        t0 = time.perf_counter()
        graph = read_graph(g)
        read_s = time.perf_counter() - t0
    finally:
        close(g)
    if graph.n == 0:
        raise CommandError("the graph holds no products: load a catalog first")
    analysis = analyze(graph, method=args.method, seed=args.seed, lookalike_min=args.lookalike_min)
    analysis.timing_s["read"] = read_s
    paths = write_report(analysis, args.out, settings.catalog_dir)
    counts = ", ".join(f"{c.count:,} {label} clusters ({c.method})" for label, c in analysis.clusterings.items())
    print(f"analyzed {graph.n:,} products: {counts}; wrote {paths['report']} and {paths['clusters']}")
    return 0
