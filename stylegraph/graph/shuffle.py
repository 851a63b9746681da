"""Shuffled iteration: a test mode that exposes code and tests relying on iteration order.

TinkerPop's ``TinkerShuffleGraph`` trick: with ``STYLEGRAPH_SHUFFLE_ITERATION=<seed>`` in the
environment (or ``Graph(shuffle_seed=...)``), a graph hands out its vertices, edges, label
and property index buckets and each vertex's adjacency in a random order, different on
every read, instead of insertion order. Gremlin promises no order without ``order()``, so
a traversal or test whose answer changes under it depends on an order nobody promised.
Off by default (insertion order, and no cost beyond one ``None`` check per read).
"""
from __future__ import annotations

import os
import random
from typing import TypeVar

ENV_VAR = "STYLEGRAPH_SHUFFLE_ITERATION"
T = TypeVar("T")


def seed_from_env(env: dict[str, str] | None = None) -> int | None:
    """The seed ``STYLEGRAPH_SHUFFLE_ITERATION`` asks for, or None (mode off). ValueError if not an integer."""
    raw = (os.environ if env is None else env).get(ENV_VAR, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{ENV_VAR} must be an integer seed, got {raw!r}") from None


class Shuffler:
    """Shuffles lists in place with its own seeded generator (one per graph)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(seed)

    def __call__(self, items: list[T]) -> list[T]:
        """``items``, shuffled in place."""
        self._rng.shuffle(items)
        return items
