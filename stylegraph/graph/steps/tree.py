"""tree() and tree('x'): the traversers' paths merged into a :class:`~stylegraph.graph.tree.Tree`;
by() modulators cycle over the path's objects, as for path()."""
from __future__ import annotations

from typing import Any, Iterator

from stylegraph.graph.steps.access import map_key
from stylegraph.graph.steps.base import NO_VALUE, Step, Traversal, expect_str, register
from stylegraph.graph.steps.map import _ByRing
from stylegraph.graph.traverser import Traverser
from stylegraph.graph.tree import Tree


@register("tree")
class TreeStep(Step):
    """tree(): a barrier giving one Tree of every path; tree('x'): the side effect ``x``
    (read by cap()/select()), filled before the traversers move on."""

    accepts = frozenset({"by"})

    @property
    def is_barrier(self) -> bool:
        """Both forms see the whole stream before anything moves on."""
        return True

    def setup(self, args: list[Any]) -> None:
        """An optional side-effect key."""
        if len(args) > 1:
            raise self.error(f"takes at most one side-effect key, got {args!r}")
        self.key = expect_str(self, args[0], "side-effect key") if args else None
        self.ring = _ByRing("tree")

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.ring.add(args)

    def children(self) -> list[Traversal]:
        """The by() traversals."""
        return self.ring.traversals()

    def _add(self, tree: Tree, t: Traverser) -> None:
        """Merge ``t``'s path into ``tree``; an object whose by() is unproductive is left out
        (``tree().by("age")`` over person-software paths holds just the ages)."""
        objects = []
        for i, node in enumerate(t.path_entries()):
            obj = self.ring.apply(i, t, node.obj)
            if obj is not NO_VALUE:
                objects.append(map_key(obj))
        tree.add_path(objects)

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        if self.key is None:
            tree = Tree()
            for t in it:
                self._add(tree, t)
            yield self.ctx.start(tree, self.labels)
            return
        effects = self.ctx.side_effects
        tree = effects.get(self.key)
        if not isinstance(tree, Tree):
            tree = effects[self.key] = Tree()
        held = list(it)
        for t in held:
            self._add(tree, t)
        yield from held
