"""Helpers shared by the contract tests (kept out of conftest so tests can import them)."""
from __future__ import annotations

import contextlib
from typing import Any, Iterable, Iterator

import pytest
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


def norm(x: Any) -> Any:
    """A result in a comparable form: elements -> their id, maps -> sorted item tuples,
    lists/sets -> lists, paths -> lists of their objects, floats rounded to 12 places (a sum
    of doubles depends on the order of its terms, which Gremlin does not promise)."""
    from gremlin_python.structure.graph import Element, Path

    if isinstance(x, Element):
        return x.id
    if isinstance(x, Path):
        return [norm(o) for o in x.objects]
    if isinstance(x, dict):
        return tuple(sorted(((repr(k), norm(v)) for k, v in x.items()), key=repr))
    if isinstance(x, (list, tuple)):
        return [norm(o) for o in x]
    if isinstance(x, (set, frozenset)):
        return sorted((norm(o) for o in x), key=repr)
    if type(x) is float:
        return round(x, 12)
    return x


def unordered(results: Iterable[Any]) -> list[Any]:
    """Results normalised and sorted, for "the result should be unordered"."""
    return sorted((norm(r) for r in results), key=repr)


def m(**kw: Any) -> dict[str, Any]:
    """A map literal for expected results (string keys)."""
    return dict(kw)


def check_scenario(got: list[Any], expected: Any, mode: str = "unordered") -> None:
    """Compare results the way TinkerPop's feature files do.

    ``unordered``: same multiset; ``ordered``: same sequence; ``count``: ``expected``
    results; ``of``: ``expected`` is ``(count, allowed)`` -- that many results, each allowed.
    """
    if mode == "unordered":
        assert unordered(got) == unordered(expected)
    elif mode == "ordered":
        assert [norm(x) for x in got] == [norm(x) for x in expected]
    elif mode == "count":
        assert len(got) == expected, f"{len(got)} results: {got!r}"
    elif mode == "of":
        count, allowed = expected
        allowed_n = [norm(a) for a in allowed]
        assert len(got) == count, f"{len(got)} results: {got!r}"
        assert all(norm(x) in allowed_n for x in got), got
    else:  # pragma: no cover
        raise ValueError(mode)


# our engine's backends (everything in the contract suite but TinkerGraph itself)
OURS = ("embedded", "ws-graphbinary", "ws-graphson")


def deviation(entry: str, *backends: str):
    """Mark a scenario as a listed deviation (the docs/DEVIATIONS.md entry ``entry``):
    a strict xfail on ``backends`` (default: ours), applied by the contract conftest."""
    return pytest.mark.deviation(entry=entry, backends=backends or OURS)
