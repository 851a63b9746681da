"""The ``stylegraph`` console script: one command, a subcommand per job.

Each component registers its own subcommands from its ``cli`` module
(``register(subparsers)``); command functions import heavy libraries
(torch, dgl) lazily so ``stylegraph --help`` stays fast.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Sequence

# components whose cli module has register(subparsers); missing ones are skipped
COMPONENTS = (
    "stylegraph.graph.cli",
    "stylegraph.loader.cli",
    "stylegraph.loader.relations_cli",
    "stylegraph.gnn.cli",
    "stylegraph.webapp.cli",
    "stylegraph.inspect.cli",
)


class CommandError(Exception):
    """A user-facing failure: printed without a traceback, exit code 1."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every component's subcommands."""
    parser = argparse.ArgumentParser(prog="stylegraph", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMPONENTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
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
        result = args.func(args)
    except CommandError as exc:
        print(f"stylegraph {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return int(result or 0)


if __name__ == "__main__":
    # run the imported module's main so CommandError is the class components raise
    from stylegraph import cli as _cli

    sys.exit(_cli.main())
