"""Filter steps: has*, is, where, filter, not, and, or, simplePath, cyclicPath, coin,
none, identity.  (dedup/limit/range/skip/tail/sample are in range.py.)"""
from __future__ import annotations

import random
import uuid
from collections import deque
from typing import Any, Callable, Iterator

from gremlin_python.process.traversal import P, Pop, T

from stylegraph.graph.predicates import (
    compile_p, map_p_values, normalize, p_leaf_values,
)
from stylegraph.graph.steps.access import (
    ByModulator, EdgeProp, VertexProp, hkey, property_values,
)
from stylegraph.graph.steps.base import (
    NO_VALUE, FilterStep, Step, Traversal, expect_str, register,
)
from stylegraph.graph.steps.scope import scope_value
from stylegraph.graph.traverser import Traverser


def id_norm(value: Any) -> Any:
    """Ids are strings here: numbers given as ids compare as their text."""
    value = normalize(value)
    if (isinstance(value, int) and not isinstance(value, bool)) or isinstance(value, uuid.UUID):
        return str(value)
    return value


class HasContainer:
    """One ``has()`` condition: a key (str or T) and a predicate (None: key exists)."""

    __slots__ = ("key", "p", "pred")

    def __init__(self, key: Any, p: Any = None, exists: bool = False) -> None:
        self.key = key
        if key is T.id or key is T.id_:
            self.key = T.id
            p = map_p_values(p, id_norm) if not exists else None
        self.p = None if exists else p
        self.pred: Callable[[Any], bool] | None = None if exists else compile_p(p)

    def test(self, x: Any) -> bool:
        """Whether element (or property) ``x`` satisfies the condition."""
        key, pred = self.key, self.pred
        if key is T.id:
            ident = getattr(x, "id", None)
            return ident is not None and pred(ident)
        if key is T.label:
            if isinstance(x, VertexProp):
                return pred(x.key)
            label = getattr(x, "label", None)
            return label is not None and pred(label)
        if key is T.key:
            return isinstance(x, (VertexProp, EdgeProp)) and pred(x.key)
        if key is T.value:
            return isinstance(x, (VertexProp, EdgeProp)) and pred(x.value)
        if isinstance(x, (VertexProp, EdgeProp)):
            return False
        values = property_values(x, key)
        if pred is None:
            return bool(values)
        for v in values:
            if pred(v):
                return True
        return False

    def __repr__(self) -> str:
        return f"{self.key}={self.p!r}"


@register("has", "hasLabel", "hasId", "hasKey", "hasValue", "hasNot")
class HasStep(FilterStep):
    """has()/hasLabel()/hasId()/hasKey()/hasValue()/hasNot(): property conditions."""

    def setup(self, args: list[Any]) -> None:
        self.containers: list[HasContainer] = []
        self.negate = False
        name = self.name
        if name == "has":
            self._setup_has(args)
        elif name == "hasNot":
            if len(args) != 1:
                raise self.error("takes exactly one property key")
            self.containers.append(HasContainer(expect_str(self, args[0], "key"), exists=True))
            self.negate = True
        else:
            key = {"hasLabel": T.label, "hasId": T.id, "hasKey": T.key, "hasValue": T.value}[name]
            if not args:
                raise self.error("requires at least one value")
            if len(args) == 1 and isinstance(args[0], P):
                p = args[0]
            else:
                flat: list[Any] = []
                for a in args:
                    flat.extend(a if isinstance(a, (list, tuple, set)) else [a])
                if name in ("hasLabel", "hasKey"):
                    for a in flat:
                        expect_str(self, a, "label" if name == "hasLabel" else "key")
                p = P.eq(flat[0]) if len(flat) == 1 else P.within(flat)
            self.containers.append(HasContainer(key, p))

    def _setup_has(self, args: list[Any]) -> None:
        if len(args) == 1:
            key = args[0]
            if isinstance(key, T):
                raise self.error("has(T) needs a value")
            self.containers.append(HasContainer(expect_str(self, key, "key"), exists=True))
        elif len(args) == 2:
            key, value = args
            if not isinstance(key, (str, T)):
                raise self.error(f"key must be a string or T, got {key!r}")
            if isinstance(value, Traversal):
                self.containers.append(_TraversalContainer(key, value))
            else:
                self.containers.append(HasContainer(key, value))
        elif len(args) == 3:
            label, key, value = args
            label_p = label if isinstance(label, P) else expect_str(self, label, "label")
            self.containers.append(HasContainer(T.label, label_p))
            if not isinstance(key, (str, T)):
                raise self.error(f"key must be a string or T, got {key!r}")
            self.containers.append(HasContainer(key, value))
        else:
            raise self.error(f"takes 1 to 3 arguments, got {len(args)}")

    def test(self, t: Traverser) -> bool:
        x = t.obj
        for c in self.containers:
            if not c.test(x):
                return self.negate
        return not self.negate


class _TraversalContainer(HasContainer):
    """``has(key, traversal)``: the traversal applied to the property value must produce."""

    __slots__ = ("traversal",)

    def __init__(self, key: Any, traversal: Traversal) -> None:
        super().__init__(key, exists=True)
        self.traversal = traversal

    def test(self, x: Any) -> bool:
        values = property_values(x, self.key) if isinstance(self.key, str) else \
            [getattr(x, "id" if self.key is T.id else "label", None)]
        return any(self.traversal.test(Traverser(v)) for v in values if v is not None)


@register("is")
class IsStep(FilterStep):
    """is(value|P): the current object satisfies the predicate."""

    def setup(self, args: list[Any]) -> None:
        if len(args) != 1:
            raise self.error("takes exactly one value or predicate")
        self.pred = compile_p(args[0])

    def test(self, t: Traverser) -> bool:
        return self.pred(t.obj)


@register("where")
class WhereStep(FilterStep):
    """where(P) / where(label, P) / where(traversal)."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        self.traversal: Traversal | None = None
        self.start_key: str | None = None
        self.p: Any = None
        self.bys: list[ByModulator] = []
        if len(args) == 1 and isinstance(args[0], Traversal):
            self.traversal = args[0]
            self._setup_traversal(args[0])
        elif len(args) == 1 and isinstance(args[0], P):
            self.p = args[0]
        elif len(args) == 2 and isinstance(args[1], P):
            self.start_key = expect_str(self, args[0], "start label")
            self.p = args[1]
        else:
            raise self.error(f"expects a predicate, a label and a predicate, or a traversal; got {args!r}")
        if self.p is not None:
            for label in p_leaf_values(self.p):
                expect_str(self, label, "predicate value (a step label)")

    def _setup_traversal(self, tr: Traversal) -> None:
        steps = tr.steps
        self.start_select: str | None = None
        self.end_select: str | None = None
        if steps and steps[0].name == "identity" and steps[0].labels and len(steps[0].labels) == 1:
            self.start_select = next(iter(steps[0].labels))
            steps[0].labels = frozenset()
        if steps and steps[-1].labels and len(steps[-1].labels) == 1 and not (
                len(steps) == 1 and steps[0].name == "identity"):
            self.end_select = next(iter(steps[-1].labels))
            steps[-1].labels = frozenset()
        self.labels_needed = [x for x in (self.start_select, self.end_select) if x]

    def mod_by(self, args: list[Any]) -> None:
        self.bys.append(ByModulator(args, "where"))

    def children(self) -> list[Traversal]:
        out = [self.traversal] if self.traversal else []
        return out + [b.traversal for b in self.bys if b.traversal is not None]

    def _by(self, i: int) -> Callable[[Traverser], Any] | None:
        if not self.bys:
            return None
        return self.bys[i % len(self.bys)].fn

    def test(self, t: Traverser) -> bool:
        if self.traversal is not None:
            return self._test_traversal(t)
        ctx = self.ctx
        if self.start_key is not None:
            start = scope_value(t, self.start_key, Pop.last, ctx)
            if start is NO_VALUE:
                return False
        else:
            start = t.obj
        by0 = self._by(0)
        if by0 is not None:
            start = by0(t.replace(start))
            if start is NO_VALUE:
                return False
        by1 = self._by(1)
        missing = []

        def resolve(label: str) -> Any:
            value = scope_value(t, label, Pop.last, ctx)
            if value is NO_VALUE:
                missing.append(label)
                return None
            if by1 is not None:
                value = by1(t.replace(value))
                if value is NO_VALUE:
                    missing.append(label)
                    return None
            return value

        p = map_p_values(self.p, resolve)
        if missing:
            return False
        return compile_p(p)(start)

    def _test_traversal(self, t: Traverser) -> bool:
        tr = self.traversal
        assert tr is not None
        start_t = t
        if self.start_select:
            value = scope_value(t, self.start_select, Pop.last, self.ctx)
            if value is NO_VALUE:
                return False
            start_t = t.replace(value)
        if not self.end_select:
            return tr.test(start_t)
        target = scope_value(t, self.end_select, Pop.last, self.ctx)
        if target is NO_VALUE:
            return False
        for out in tr.run_one(start_t):
            if out.obj is target or out.obj == target:
                return True
        return False


@register("filter")
class FilterTraversalStep(FilterStep):
    """filter(traversal): keep traversers for which the traversal produces something."""

    def setup(self, args: list[Any]) -> None:
        if len(args) != 1 or not isinstance(args[0], Traversal):
            raise self.error(f"requires one traversal argument, got {args!r}")
        self.traversal = args[0]

    def children(self) -> list[Traversal]:
        return [self.traversal]

    def test(self, t: Traverser) -> bool:
        return self.traversal.test(t)


@register("not")
class NotStep(FilterTraversalStep):
    """not(traversal): keep traversers for which the traversal produces nothing."""

    def test(self, t: Traverser) -> bool:
        return not self.traversal.test(t)


@register("and", "or")
class ConnectiveStep(FilterStep):
    """and(t1, t2...) / or(t1, t2...)."""

    def setup(self, args: list[Any]) -> None:
        if not args or not all(isinstance(a, Traversal) for a in args):
            raise self.error(f"requires traversal arguments, got {args!r}")
        self.traversals: list[Traversal] = list(args)

    def children(self) -> list[Traversal]:
        return self.traversals

    def test(self, t: Traverser) -> bool:
        if self.name == "and":
            return all(tr.test(t) for tr in self.traversals)
        return any(tr.test(t) for tr in self.traversals)


@register("simplePath", "cyclicPath")
class PathFilterStep(FilterStep):
    """simplePath() / cyclicPath(): no repeated object on the path (or some)."""

    def test(self, t: Traverser) -> bool:
        seen: set[Any] = set()
        repeated = False
        for node in t.path_entries():
            k = hkey(node.obj)
            if k in seen:
                repeated = True
                break
            seen.add(k)
        return repeated if self.name == "cyclicPath" else not repeated


@register("none")
class NoneStep(Step):
    """none(): consume and discard everything (what gremlinpython's iterate() appends)."""

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        deque(it, maxlen=0)
        yield from ()


@register("identity")
class IdentityStep(Step):
    """identity(): pass traversers through (also holds leading as() labels)."""

    passthrough = True

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        return it




@register("coin")
class CoinStep(FilterStep):
    """coin(p): keep each traverser with probability p."""

    def setup(self, args: list[Any]) -> None:
        if len(args) != 1 or not isinstance(args[0], (int, float)) or isinstance(args[0], bool):
            raise self.error(f"requires a probability, got {args!r}")
        self.p = float(args[0])

    def test(self, t: Traverser) -> bool:
        return random.random() < self.p
