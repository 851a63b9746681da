"""``stylegraph serve``: the app under waitress."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add the webapp's subcommands to the ``stylegraph`` parser."""
    parser = subparsers.add_parser(
        "serve",
        help="run the shop API and explorer under waitress",
        description="Run the shop API and explorer under waitress (a production WSGI server).",
    )
    parser.add_argument("--host", help="address to listen on (default: STYLEGRAPH_APP_HOST)")
    parser.add_argument("--port", type=int, help="port (default: STYLEGRAPH_APP_PORT)")
    parser.add_argument("--threads", type=int, help="worker threads (default: STYLEGRAPH_APP_THREADS)")
    parser.add_argument("--graph", metavar="URL", help="graph URL (default: STYLEGRAPH_GRAPH_URL)")
    parser.add_argument("--catalog", metavar="DIR", type=Path, help="catalog directory with the images")
    parser.add_argument("--data-dir", metavar="DIR", type=Path, help="data directory with embeddings/")
    parser.add_argument("--no-warm-up", action="store_true", help="do not load the visual-search model at start")
    parser.set_defaults(func=serve_command)
    from stylegraph.webapp.export_html import register_export  # the explorer's export-html

    register_export(subparsers)


def settings_from_args(args: argparse.Namespace) -> Any:
    """The process settings with the command-line overrides applied."""
    from stylegraph.settings import get_settings

    changes: dict[str, Any] = {}
    for arg, field in (
        ("host", "app_host"),
        ("port", "app_port"),
        ("threads", "app_threads"),
        ("graph", "graph_url"),
        ("catalog", "catalog_dir"),
        ("data_dir", "data_dir"),
    ):
        value = getattr(args, arg, None)
        if value is not None:
            changes[field] = value
    return get_settings().replace(**changes)


def serve_command(args: argparse.Namespace) -> int:
    """Check the graph, warm up visual search, then serve until interrupted."""
    from stylegraph.cli import CommandError
    from stylegraph.webapp import close_app, create_app, get_state
    from stylegraph.webapp.errors import ApiError
    from stylegraph.webapp.server import serve
    from stylegraph.queries.connect import display_url

    settings = settings_from_args(args)
    app = create_app(settings)
    state = get_state(app)
    try:
        state.g.get_version()
    except Exception as exc:  # noqa: BLE001 - reported to the user
        close_app(app)
        raise CommandError(f"cannot reach the graph at {display_url(settings.graph_url)}: {exc}") from exc
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
