"""TinkerPop's Tree: a map of each object to the Tree of the objects that followed it on
the paths (``tree()``). It is a ``dict`` (so ``count(local)``, ``select(keys)`` and the
other map steps treat it as a map) whose values are Trees; results and serializers keep
the type, so a driver receives a Tree (GraphBinary 0x2b, GraphSON ``g:Tree``)."""
from __future__ import annotations

from typing import Any, Iterable


class Tree(dict):
    """A nested map: key -> Tree."""

    def add_path(self, objects: Iterable[Any]) -> None:
        """Merge one path (its objects, oldest first) into the tree."""
        node = self
        for obj in objects:
            child = node.get(obj)
            if child is None:
                child = node[obj] = Tree()
            node = child

    def add_tree(self, other: "Tree") -> None:
        """Merge another tree into this one."""
        for key, child in other.items():
            mine = self.get(key)
            if mine is None:
                mine = self[key] = Tree()
            mine.add_tree(child)
