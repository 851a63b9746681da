"""Helpers shared by the contract tests (kept out of conftest so tests can import them)."""
from __future__ import annotations

import contextlib
from typing import Any, Iterable, Iterator

from gremlin_python.driver.protocol import GremlinServerError

from stylegraph.graph.errors import GraphError

# what a refused traversal raises: over the wire the driver's GremlinServerError,
# in-process the engine's own GraphError subclasses
GREMLIN_ERRORS = (GremlinServerError, GraphError)


def ids(elements: Iterable[Any]) -> list[str]:
    """The sorted ids of vertices/edges (works for any backend's structure types)."""
    return sorted(e.id for e in elements)


def idlist(elements: Iterable[Any]) -> list[str]:
    """The ids of vertices/edges, in result order."""
    return [e.id for e in elements]


def srt(values: Iterable[Any]) -> list[Any]:
    return sorted(values, key=repr)


@contextlib.contextmanager
def raises_gremlin(*fragments: str) -> Iterator[list[BaseException]]:
    """Expect a Gremlin error whose message names every one of ``fragments``."""
    caught: list[BaseException] = []
    try:
        yield caught
    except GREMLIN_ERRORS as exc:
        caught.append(exc)
        text = str(exc).lower()
        missing = [f for f in fragments if f.lower() not in text]
        assert not missing, f"error message {str(exc)!r} does not name {missing}"
        return
    raise AssertionError(f"expected a Gremlin error naming {list(fragments)}, but the traversal succeeded")
