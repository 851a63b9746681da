"""What every ``stylegraph`` subcommand shares: the user-facing error and a graph session."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator


class CommandError(Exception):
    """A user-facing failure: printed without a traceback, exit code 1."""


@contextmanager
def graph_session(url: str, settings: Any = None) -> Iterator[Any]:
    """The :class:`~stylegraph.queries.interface.ProductGraph` at ``url`` (opened with
    ``settings``; Gremlin or Neo4j by the URL's scheme), closed on exit.

    Failing to open it is a :class:`CommandError` naming the URL (password masked).
    """
    from stylegraph.queries.connect import close, connect, display_url

    try:
        g = connect(url, settings=settings)
    except Exception as exc:  # any backend's connection failure is a user-facing error
        raise CommandError(f"cannot open graph {display_url(url)}: {exc}") from None
    try:
        yield g
    finally:
        close(g)
