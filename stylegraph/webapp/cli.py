"""``stylegraph serve`` (the app under waitress) and ``stylegraph export-html``."""
from __future__ import annotations

import argparse
import logging
import traceback
from pathlib import Path
from typing import Any

from stylegraph.commands import CommandError
from stylegraph.cli_flags import setting_flag

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add the webapp's subcommands to the ``stylegraph`` parser."""
    parser = subparsers.add_parser(
        "serve",
        help="run the shop API and explorer under waitress",
        description="Run the shop API and explorer under waitress (a production WSGI server).",
    )
    setting_flag(parser, "app_host", "--host")
    setting_flag(parser, "app_port", "--port")
    setting_flag(parser, "app_threads", "--threads")
    setting_flag(parser, "graph_url", "--graph", metavar="URL")
    setting_flag(parser, "catalog_dir", "--catalog", metavar="DIR")
    setting_flag(parser, "data_dir", "--data-dir", metavar="DIR")
    parser.add_argument("--no-warm-up", action="store_true", help="do not load the visual-search model at start")
    parser.set_defaults(func=serve_command)
    register_export(subparsers)


def serve_command(args: argparse.Namespace) -> int:
    """Check the graph, warm up visual search, then serve until interrupted."""
    from stylegraph.webapp import close_app, create_app, get_state
    from stylegraph.webapp.errors import ApiError
    from stylegraph.webapp.server import serve
    from stylegraph.queries.connect import display_url

    settings = args.settings
    app = create_app(settings)
    state = get_state(app)
    try:
        state.g.get_version()
    except Exception as exc:  # noqa: BLE001 - reported to the user
        close_app(app)
        # the failed driver connection lives on in the traceback's frames; freed now, its
        # event loop closes in order (a later garbage-collection pass tears it down noisily)
        traceback.clear_frames(exc.__traceback__)
        raise CommandError(f"cannot reach the graph at {display_url(settings.graph_url)}: {exc}") from None
    if not args.no_warm_up:
        try:
            state.search.warm_up()
        except (ApiError, ImportError, OSError) as exc:
            log.warning("visual search not ready (%s); the other endpoints work", exc)
    base = f"http://{settings.app_host}:{settings.app_port}"
    print(f"stylegraph: shop API on {base}/api/stats (OpenAPI: {base}/api/openapi.json)", flush=True)
    if "explorer" in app.blueprints:
        print(f"stylegraph: explorer on {base}/explore", flush=True)
    try:
        serve(app, settings.app_host, settings.app_port, settings.app_threads)
    finally:
        close_app(app)
    return 0


def export_command(args: argparse.Namespace) -> int:
    """``stylegraph export-html``: write one product's neighbourhood as a standalone page."""
    from stylegraph.commands import graph_session
    from stylegraph.webapp.export_html import ExportError, export_neighborhood

    settings = args.settings
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise CommandError(f"--out must name an .html file, got {args.out!r}")
    if not out.parent.exists():
        raise CommandError(f"directory {out.parent} does not exist")
    edges = ("SIMILAR", "RECOMMENDED") if args.edge == "both" else (args.edge,)
    with graph_session(settings.graph_url, settings) as g:
        try:
            result = export_neighborhood(
                g, args.id, settings.catalog_dir, depth=args.depth, limit=args.limit, edges=edges,
                min_score=args.min_score, link_base=args.link_images,
            )
        except ExportError as exc:
            raise CommandError(str(exc)) from None
    out.write_text(result.html, encoding="utf-8")
    print(
        f"wrote {out} ({len(result.html) // 1024} KiB): {result.nodes} products, "
        f"{result.edges} edges, {result.images_inlined} photos inlined"
    )
    return 0


def register_export(subparsers: Any) -> None:
    """Add the ``export-html`` subcommand to the ``stylegraph`` subparsers."""
    parser = subparsers.add_parser(
        "export-html",
        help="write a product's neighbourhood as a standalone HTML page (works offline)",
        description="Write one product's neighbourhood as a standalone HTML page "
        "(vis-network and photos inlined: it opens offline).",
    )
    parser.add_argument("--id", required=True, help="product id at the centre of the page")
    parser.add_argument("--depth", type=int, choices=(1, 2, 3), default=2, help="hops from the product (default 2)")
    parser.add_argument("--out", required=True, help="the .html file to write")
    setting_flag(parser, "graph_url", "--graph", metavar="URL")
    setting_flag(parser, "catalog_dir", "--catalog", metavar="DIR")
    parser.add_argument("--limit", type=int, default=100, help="at most this many products (default 100)")
    parser.add_argument("--edge", choices=("both", "SIMILAR", "RECOMMENDED"), default="both",
                        help="which edges to follow (default both)")
    parser.add_argument("--min-score", type=float, default=None, help="leave out edges scored below this")
    parser.add_argument("--link-images", metavar="BASE_URL", default=None,
                        help="link photos at this shop URL instead of inlining them")
    parser.set_defaults(func=export_command)
