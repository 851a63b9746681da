"""``stylegraph load-relations``: outfits, baskets or transactions -> weighted relation edges."""
from __future__ import annotations

import argparse
from pathlib import Path

from stylegraph.settings import get_settings


def cmd_load_relations(args: argparse.Namespace) -> int:
    """``stylegraph load-relations``."""
    from stylegraph.cli import CommandError
    from stylegraph.queries.connect import close, connect, display_url
    from stylegraph.loader.relations import (RelationsError, load_parsed, parse_relations,
                                             write_relations_csv)
    from stylegraph.queries.relations import check_kind

    try:
        kind = check_kind(args.kind)
        parsed = parse_relations(args.file, args.format, args.window, args.max_group)
    except (RelationsError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    if args.csv_out:
        print(f"wrote {write_relations_csv(args.csv_out, parsed, kind)}")
    url = args.graph or get_settings().graph_url
    try:
        g = connect(url)
    except Exception as exc:  # any backend's connection failure is a user-facing error
        raise CommandError(f"cannot open graph {display_url(url)}: {exc}") from None
    try:
        stats = load_parsed(g, parsed, kind, batch_size=args.batch_size,
                            progress=not args.no_progress)
    except RelationsError as exc:
        raise CommandError(str(exc)) from None
    finally:
        close(g)
    print(stats.summary())
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``load-relations`` to the ``stylegraph`` parser."""
    from stylegraph.loader.relations import DEFAULT_MAX_GROUP, FORMATS

    p = subparsers.add_parser(
        "load-relations", help="load outfits / baskets / transactions as weighted relation edges")
    p.add_argument("--file", type=Path, required=True, help="CSV file with a header line")
    p.add_argument("--format", choices=FORMATS, required=True,
                   help="groups: group_id,product_id | pairs: product_a,product_b[,weight] | "
                        "transactions: customer_id,timestamp,product_id")
    p.add_argument("--kind", required=True, help="edge label, e.g. WORN_WITH or BOUGHT_WITH")
    p.add_argument("--graph", help="graph URL (settings: graph_url)")
    p.add_argument("--window", default=None,
                   help="transactions: one basket per customer and calendar day (default 'day') "
                        "or per window such as 30m, 2h, 3d")
    p.add_argument("--max-group", type=int, default=DEFAULT_MAX_GROUP,
                   help=f"groups/baskets with more products are skipped (default {DEFAULT_MAX_GROUP})")
    p.add_argument("--csv-out", type=Path,
                   help="also write relations_<KIND>.csv (Neptune bulk-load edges) into this directory")
    p.add_argument("--batch-size", type=int, default=200, help="edges per mergeE traversal")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_load_relations)
