"""``stylegraph gremlin-server``: serve the embedded graph over TinkerPop's WebSocket protocol."""
from __future__ import annotations

import argparse
import os

from stylegraph.cli_flags import setting_flag
from stylegraph.commands import CommandError
from stylegraph.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the graph component's subcommands to the ``stylegraph`` parser."""
    parser = subparsers.add_parser(
        "gremlin-server",
        help="serve the graph on ws://HOST:PORT/gremlin (TinkerPop WebSocket protocol)",
        description="Serve the graph store to any TinkerPop driver (gremlinpython, Java, JS, .NET) "
                    "with GraphBinary v1 and GraphSON v3. Stops gracefully on SIGTERM/SIGINT.",
    )
    setting_flag(parser, "gremlin_host", "--host")
    setting_flag(parser, "gremlin_port", "--port")
    parser.add_argument("--db", default=None, metavar="PATH",
                        help="SQLite graph file (default: the path of STYLEGRAPH_GRAPH_URL when it is "
                             "embedded://, else DATA_DIR/graph.db); ':memory:' for a throwaway graph")
    parser.add_argument("--grace", type=float, default=5.0, metavar="SECONDS",
                        help="how long in-flight requests may finish on shutdown (default %(default)s)")
    parser.set_defaults(func=run_gremlin_server)

    ping = subparsers.add_parser(
        "graph-ping",
        help="check that the graph answers (optionally waiting for it to come up)",
        description="Send one traversal to the graph; with --wait, retry until it answers "
                    "(for start-up ordering, e.g. docker-compose's loader).",
    )
    setting_flag(ping, "graph_url", "--graph", metavar="URL")
    ping.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                      help="keep retrying for this long (default: one try)")
    ping.set_defaults(func=run_graph_ping)


def default_db_path(settings: Settings) -> str:
    """The graph file the server opens when ``--db`` is not given."""
    from stylegraph.graph.connect import parse_url

    url = parse_url(settings.graph_url)
    if url.scheme == "embedded":
        return url.path
    return str((settings.data_dir / "graph.db").resolve())


def run_gremlin_server(args: argparse.Namespace) -> int:
    """Run the server until SIGTERM/SIGINT; the graph is closed (all on disk) before returning."""
    from stylegraph.graph.errors import GraphError
    from stylegraph.graph.server import serve_forever

    settings: Settings = args.settings
    db = args.db or default_db_path(settings)
    path = None if db == ":memory:" else os.path.abspath(db)
    if path is not None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    host, port = settings.gremlin_host, settings.gremlin_port
    try:
        return serve_forever(path, settings=settings, grace_s=args.grace)
    except GraphError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"cannot serve on {host}:{port}: {exc}") from exc
    except ValueError as exc:  # bad TLS / user settings
        raise CommandError(str(exc)) from exc


def run_graph_ping(args: argparse.Namespace) -> int:
    """Connect and count one vertex; retry until ``--wait`` seconds have passed."""
    import time

    from stylegraph.commands import CommandError
    from stylegraph.queries.connect import close, connect, display_url

    url = args.settings.graph_url
    deadline = time.monotonic() + args.wait
    while True:
        g = None
        try:
            g = connect(url, settings=args.settings)
            g.ping()
            print(f"graph at {display_url(url)} answers")
            return 0
        except Exception as exc:  # any failure to reach the graph counts as "not up yet"
            if time.monotonic() >= deadline:
                raise CommandError(f"the graph at {display_url(url)} does not answer: {exc}") from None
            time.sleep(1.0)
        finally:
            if g is not None:
                try:
                    close(g)
                except Exception:  # closing a half-open connection may fail too; nothing to keep
                    pass
