"""Traversers and their (optional) paths.

A :class:`Traverser` is the unit of work flowing through a compiled step list:
the current object plus, when the traversal needs it, its history.  Traversers
are treated as immutable values: a step that produces a new object creates a
new traverser with :meth:`Traverser.split`; filters pass the same object on.

Paths are persistent linked lists of :class:`PathNode` so that extending a path
is O(1) and never copies.  Three tracking modes exist (see :data:`PATH_NONE`,
:data:`PATH_LABELED`, :data:`PATH_FULL`): most traversals track nothing,
traversals that only ``select()`` labelled steps keep just the labelled
entries, and only ``path()``/``simplePath()``/``cyclicPath()`` need them all.
"""
from __future__ import annotations

from typing import Any, Optional

PATH_NONE = 0
PATH_LABELED = 1
PATH_FULL = 2

_EMPTY: frozenset[str] = frozenset()


class PathNode:
    """One entry of a path: an object, the step labels it carries, its predecessor."""

    __slots__ = ("prev", "obj", "labels")

    def __init__(self, prev: Optional["PathNode"], obj: Any, labels: frozenset[str]) -> None:
        self.prev = prev
        self.obj = obj
        self.labels = labels

    def entries(self) -> list["PathNode"]:
        """All nodes of the path ending here, oldest first."""
        out: list[PathNode] = []
        node: Optional[PathNode] = self
        while node is not None:
            out.append(node)
            node = node.prev
        out.reverse()
        return out


class Traverser:
    """The current object of a traversal plus path, loop counter, sack and bulk.

    ``bulk`` is how many equal traversers this one stands for (TinkerPop's
    traverser bulking): 1 except inside a bulked segment (see
    ``stylegraph.graph.bulking``), where equal traversers are merged and
    the steps that count (``count()``, ``dedup()``, the results) honour it.
    """

    __slots__ = ("obj", "path", "loops", "sack", "bulk")

    def __init__(self, obj: Any, path: Optional[PathNode] = None, loops: int = 0,
                 sack: Any = None, bulk: int = 1) -> None:
        self.obj = obj
        self.path = path
        self.loops = loops
        self.sack = sack
        self.bulk = bulk

    def split(self, obj: Any, labels: frozenset[str], mode: int) -> "Traverser":
        """A traverser on ``obj`` that continues this one's path (per ``mode``)."""
        if mode == PATH_NONE:
            return Traverser(obj, None, self.loops, self.sack, self.bulk)
        if mode == PATH_FULL or labels:
            return Traverser(obj, PathNode(self.path, obj, labels), self.loops, self.sack, self.bulk)
        return Traverser(obj, self.path, self.loops, self.sack, self.bulk)

    def replace(self, obj: Any) -> "Traverser":
        """Same path, loops, sack and bulk, different object (no path entry added)."""
        return Traverser(obj, self.path, self.loops, self.sack, self.bulk)

    def with_bulk(self, bulk: int) -> "Traverser":
        """A copy standing for ``bulk`` traversers."""
        return Traverser(self.obj, self.path, self.loops, self.sack, bulk)

    def with_labels(self, labels: frozenset[str], mode: int) -> "Traverser":
        """This traverser with ``labels`` added to the last entry of its path."""
        if mode == PATH_NONE or not labels:
            return self
        node = self.path
        if node is None or (mode == PATH_LABELED and node.obj is not self.obj):
            new = PathNode(node, self.obj, labels)
        else:
            new = PathNode(node.prev, node.obj, node.labels | labels)
        return Traverser(self.obj, new, self.loops, self.sack, self.bulk)

    def with_loops(self, loops: int) -> "Traverser":
        """A copy with a different loop counter."""
        return Traverser(self.obj, self.path, loops, self.sack, self.bulk)

    def with_sack(self, sack: Any) -> "Traverser":
        """A copy with a different sack value."""
        return Traverser(self.obj, self.path, self.loops, sack, self.bulk)

    def path_entries(self) -> list[PathNode]:
        """The path nodes, oldest first (empty when the path is not tracked)."""
        return self.path.entries() if self.path is not None else []

    def __repr__(self) -> str:
        return f"Traverser({self.obj!r})"


def new_traverser(obj: Any, labels: frozenset[str], mode: int, sack: Any = None) -> Traverser:
    """A fresh traverser (start steps, reducing barriers) with a one-entry path."""
    if mode == PATH_FULL or (mode == PATH_LABELED and labels):
        return Traverser(obj, PathNode(None, obj, labels), 0, sack)
    return Traverser(obj, None, 0, sack)


EMPTY_LABELS = _EMPTY


def sub_path(nodes: list[PathNode], from_label: Optional[str], to_label: Optional[str]) -> list[PathNode]:
    """The part of a path from the first node labelled ``from_label`` up to and including
    the next node labelled ``to_label`` (None: the start / the end), as Path.subPath does."""
    if from_label is None and to_label is None:
        return nodes
    out: list[PathNode] = []
    collecting = from_label is None
    for node in nodes:
        if not collecting and from_label in node.labels:
            collecting = True
        if collecting:
            out.append(node)
            if to_label is not None and to_label in node.labels:
                break
    return out


class _Seed:
    """The object of the one traverser fed to a traversal's start: "no object yet"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<start>"


#: what start steps (V, inject, addV, union of starts...) receive; never a result
SEED = _Seed()
