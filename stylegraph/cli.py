"""The ``stylegraph`` console script: one command, a subcommand per job.

Each component registers its own subcommands from its ``cli`` module
(``register(subparsers)``); command functions import heavy libraries
(torch, dgl) lazily so ``stylegraph --help`` stays fast. Before a command
runs, ``args.settings`` holds the process settings with the command's
setting flags applied.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from stylegraph.analytics import cli as analytics_cli
from stylegraph.commands import CommandError
from stylegraph.gnn import cli as gnn_cli
from stylegraph.graph import cli as graph_cli
from stylegraph.inspect import cli as inspect_cli
from stylegraph.loader import cli as loader_cli
from stylegraph.loader import relations_cli
from stylegraph.settings import SettingsError
from stylegraph.cli_flags import settings_from_args
from stylegraph.webapp import cli as webapp_cli

COMPONENTS = (graph_cli, loader_cli, relations_cli, gnn_cli, webapp_cli, analytics_cli, inspect_cli)

__all__ = ["CommandError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every component's subcommands."""
    parser = argparse.ArgumentParser(prog="stylegraph", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for component in COMPONENTS:
        component.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``stylegraph`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        # third-party chatter (faiss's CPU-feature probing, gremlinpython's connection notes)
        for noisy in ("faiss", "faiss.loader", "gremlinpython"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        args.settings = settings_from_args(args)
        result = args.func(args)
    except (CommandError, SettingsError) as exc:
        print(f"stylegraph {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
