"""List steps of TinkerPop 3.7.1 -- combine, merge, difference, intersect, disjunct,
conjoin, product, all(P), any(P) -- plus index() and element().

The incoming object must be a list (or set); the argument is a list or a
traversal whose first result is one.  Set-like results (merge, difference,
intersect, disjunct) are sets, as in TinkerPop.
"""
from __future__ import annotations

from typing import Any

from gremlin_python.process.traversal import WithOptions
from gremlin_python.structure.graph import Path

from stylegraph.graph.predicates import compile_p
from stylegraph.graph.steps.access import EdgeProp, VertexProp, distinct, hkey
from stylegraph.graph.steps.base import NO_VALUE, FilterStep, MapStep, Traversal, register
from stylegraph.graph.steps.java_names import java_type_name
from stylegraph.graph.steps.string import java_str
from stylegraph.graph.traverser import Traverser


def list_items(x: Any) -> list[Any] | None:
    """The items of a list, set or path (TinkerPop's Iterable), else None (maps are not)."""
    if isinstance(x, Path):
        return list(x.objects)
    if isinstance(x, dict) or not isinstance(x, (list, tuple, set, frozenset)):
        return None
    return list(x)


class _ListStep(MapStep):
    """A map from the incoming list and an argument list to a new collection.

    Errors carry TinkerPop's wording (its feature suite checks it)."""

    def setup(self, args: list[Any]) -> None:
        """One list (or traversal giving one); merge() also takes a map."""
        if len(args) != 1:
            raise self.error(f"takes one list or traversal argument, got {args!r}")
        self.arg = args[0]
        if self.arg is None:
            raise self.error(f"Argument provided for {self.name} step can't be null")
        if not isinstance(self.arg, (Traversal, list, tuple, set, frozenset)) and not (
                self.name == "merge" and isinstance(self.arg, dict)):
            raise self.error(f"{self.name} step can only take an array or an Iterable as an argument, "
                             f"encountered: {java_type_name(self.arg)}")

    def children(self) -> list[Traversal]:
        """The traversal argument, if any."""
        return [self.arg] if isinstance(self.arg, Traversal) else []

    def _argument(self, t: Traverser) -> Any:
        """The argument for ``t``: the literal, or the traversal's first result (which must be iterable)."""
        if not isinstance(self.arg, Traversal):
            return self.arg
        right = self.arg.first(t)
        if isinstance(right, Path):
            return list(right.objects)
        if right is NO_VALUE or right is None:
            raise self.error(f"traversal argument for {self.name} step must yield an iterable type, not null",
                             code=597)
        if not isinstance(right, (list, tuple, set, frozenset, dict)):
            raise self.error(f"traversal argument for {self.name} step must yield an iterable type, "
                             f"encountered: {java_type_name(right)}", code=597)
        return right

    def _lists(self, t: Traverser) -> tuple[list[Any], list[Any]]:
        left = _incoming_list(self, t.obj)
        right = self._argument(t)
        if isinstance(right, dict) and isinstance(self.arg, Traversal):
            # a Java Map is not Iterable: ListFunction.convertTraversalToIterable's message
            raise self.error(f"traversal argument for {self.name} step must yield an iterable type, "
                             f"encountered: {java_type_name(right)}", code=597)
        if isinstance(right, dict):
            raise self.error(f"step type mismatch: expected argument to be Iterable but got Map "
                             f"(the incoming list is {java_str(left)})", code=597)
        return list(left), list(right)

    def combine(self, left: list[Any], right: list[Any]) -> Any:
        """The result for the two lists."""
        raise NotImplementedError

    def map(self, t: Traverser) -> Any:
        """Combine the incoming list with the argument (merge(): a map with a map, too)."""
        if self.name == "merge" and isinstance(t.obj, dict):
            right = self.arg.first(t) if isinstance(self.arg, Traversal) else self.arg
            right = None if right is NO_VALUE else right
            if not isinstance(right, dict):
                raise self.error(f"merge step expected provided argument to evaluate to a Map, "
                                 f"encountered: {java_type_name(right)}", code=597)
            return {**t.obj, **right}
        left, right = self._lists(t)
        return self.combine(left, right)


def _incoming_list(step: MapStep, x: Any) -> Any:
    """``x`` when it is a list or set (a path: its objects), else TinkerPop's error for the step."""
    if isinstance(x, Path):
        return list(x.objects)
    if x is None:
        raise step.error(f"Incoming traverser for {step.name} step can't be null", code=597)
    if isinstance(x, dict) or not isinstance(x, (list, tuple, set, frozenset)):
        raise step.error(f"{step.name} step can only take an array or an Iterable type for incoming "
                         f"traversers, encountered: {java_type_name(x)}", code=597)
    return x


@register("combine", "merge", "difference", "intersect", "disjunct", "product")
class SetOperationStep(_ListStep):
    """combine (concatenate), merge (union; of two maps: the second's entries win),
    difference, intersect, disjunct, product."""

    def map(self, t: Traverser) -> Any:
        """Combine the incoming list (merge: or map) with the argument."""
        if self.name == "merge" and isinstance(t.obj, dict):
            other = self.arg.first(t) if isinstance(self.arg, Traversal) else self.arg
            if not isinstance(other, dict):
                raise self.error(f"merge step expected provided argument to evaluate to a Map, "
                                 f"encountered: {java_type_name(None if other is NO_VALUE else other)}", code=597)
            return {**t.obj, **other}
        return super().map(t)

    def combine(self, left: list[Any], right: list[Any]) -> Any:
        """The named list/set operation."""
        name = self.name
        if name == "combine":
            return left + right
        if name == "product":
            return [[a, b] for a in left for b in right]
        right_keys = {hkey(x) for x in right}
        left_keys = {hkey(x) for x in left}
        if name == "merge":
            return distinct(left + right)
        if name == "difference":
            return distinct(x for x in left if hkey(x) not in right_keys)
        if name == "intersect":
            return distinct(x for x in left if hkey(x) in right_keys)
        return distinct([x for x in left if hkey(x) not in right_keys]
                        + [x for x in right if hkey(x) not in left_keys])


@register("conjoin")
class ConjoinStep(MapStep):
    """conjoin(delimiter): the list's items (nulls skipped) joined into one string."""

    def setup(self, args: list[Any]) -> None:
        """One delimiter string."""
        if len(args) != 1 or not isinstance(args[0], str):
            raise self.error(f"takes one delimiter string, got {args!r}")
        self.delimiter = args[0]

    def map(self, t: Traverser) -> Any:
        """The joined string."""
        x = _incoming_list(self, t.obj)
        return self.delimiter.join(java_str(v) for v in x if v is not None)


@register("all", "any")
class ListPredicateStep(FilterStep):
    """all(P) / any(P): keep lists whose items all / any satisfy the predicate."""

    def setup(self, args: list[Any]) -> None:
        """One predicate."""
        if len(args) != 1:
            raise self.error("takes one predicate")
        self.pred = compile_p(args[0])

    def test(self, t: Traverser) -> bool:
        """Whether the list passes."""
        x = list_items(t.obj)
        if x is None:
            return False
        if self.name == "all":
            return all(self.pred(v) for v in x)
        return any(self.pred(v) for v in x)


@register("index")
class IndexStep(MapStep):
    """index(): each item of a list paired with its position ([item, i] pairs, or a map
    {i: item} with with(WithOptions.indexer, WithOptions.map))."""

    accepts = frozenset({"with"})

    def setup(self, args: list[Any]) -> None:
        """No arguments."""
        if args:
            raise self.error(f"takes no arguments, got {args!r}")
        self.as_map = False

    def mod_with(self, args: list[Any]) -> None:
        """with(WithOptions.indexer, WithOptions.list|map)."""
        if len(args) != 2 or args[0] != WithOptions.indexer or args[1] not in (0, 1):
            raise self.error(f"unsupported with() option {args!r}")
        self.as_map = args[1] == WithOptions.map

    def map(self, t: Traverser) -> Any:
        """The indexed collection."""
        items = list_items(t.obj)
        if items is None:
            items = [t.obj]
        if self.as_map:
            return {i: v for i, v in enumerate(items)}
        return [[v, i] for i, v in enumerate(items)]


@register("element")
class ElementStep(MapStep):
    """element(): the element a property belongs to."""

    def map(self, t: Traverser) -> Any:
        """The owning element."""
        x = t.obj
        if isinstance(x, (VertexProp, EdgeProp)):
            return x.element
        raise self.error(f"requires a property, got {java_str(x)!r}", code=597)
