"""``stylegraph serve``: the app under waitress."""
from __future__ import annotations

import argparse
import logging
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
    from stylegraph.webapp.export_html import register_export  # the explorer's export-html

    register_export(subparsers)


def serve_command(args: argparse.Namespace) -> int:
    """Check the graph, warm up visual search, then serve until interrupted."""
    from stylegraph.queries.meta import get_version
    from stylegraph.webapp import close_app, create_app, get_state
    from stylegraph.webapp.errors import ApiError
    from stylegraph.webapp.server import serve

    settings = args.settings
    app = create_app(settings)
    state = get_state(app)
    try:
        get_version(state.g)
    except Exception as exc:  # noqa: BLE001 - reported to the user
        close_app(app)
        raise CommandError(f"cannot reach the graph at {settings.graph_url}: {exc}") from exc
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
