"""Filter steps: has*, is, filter, not, and, or, simplePath, cyclicPath, coin, none,
identity.  (where() is in where.py; dedup/limit/range/skip/tail/sample in range.py.)"""
from __future__ import annotations

import uuid
from collections import deque
from typing import Any, Callable, Iterator

from gremlin_python.process.traversal import P, T

from stylegraph.graph.dialect import TP38
from stylegraph.graph.predicates import compare, compile_p, map_p_values, normalize
from stylegraph.graph.steps.access import ByModulator, EdgeProp, VertexProp, hkey, property_values
from stylegraph.graph.steps.base import (
    NO_VALUE, Context, FilterStep, Step, Traversal, TraversalArgStep, expect_str, register,
)
from stylegraph.graph.traverser import Traverser, sub_path


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
        """Validate and store this step's arguments."""
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
                    # a null label or key matches nothing (TinkerPop): hasLabel(null, "person") is hasLabel("person")
                    flat = [expect_str(self, a, "label" if name == "hasLabel" else "key") for a in flat if a is not None]
                    if not flat:
                        self.containers.append(_NothingContainer())
                        return
                p = P.eq(flat[0]) if len(flat) == 1 else P.within(flat)
            self.containers.append(HasContainer(key, p))

    def _setup_has(self, args: list[Any]) -> None:
        if args and args[0] is None or (len(args) == 3 and args[1] is None):
            # has(null) / has(null, value): a null key matches nothing
            self.containers.append(_NothingContainer())
            return
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
        """Whether traverser ``t`` passes."""
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
        """Whether traverser ``t`` passes."""
        values = property_values(x, self.key) if isinstance(self.key, str) else \
            [getattr(x, "id" if self.key is T.id else "label", None)]
        return any(self.traversal.test(Traverser(v)) for v in values if v is not None)


class _NothingContainer(HasContainer):
    """The condition of has(null ...): never true."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("", exists=True)

    def test(self, x: Any) -> bool:
        """Whether traverser ``t`` passes."""
        return False


_ORDER_OPS = frozenset({"lt", "lte", "gt", "gte"})


@register("is")
class IsStep(FilterStep):
    """is(value|P): the current object satisfies the predicate."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if len(args) != 1:
            raise self.error("takes exactly one value or predicate")
        self.pred = compile_p(args[0])
        self.arg = args[0]

    def errs(self, x: Any) -> bool:
        """Whether the predicate is TinkerPop 3.7's ternary ERROR for ``x``: an order comparison
        (lt/lte/gt/gte) of values that are not comparable, such as a number and NaN."""
        arg = self.arg
        return (isinstance(arg, P) and arg.operator in _ORDER_OPS and arg.other is None
                and compare(x, arg.value) is None)

    def test(self, t: Traverser) -> bool:
        """Whether traverser ``t`` passes."""
        return self.pred(t.obj)


@register("filter")
class FilterTraversalStep(TraversalArgStep, FilterStep):
    """filter(traversal): keep traversers for which the traversal produces something."""

    def test(self, t: Traverser) -> bool:
        """Whether traverser ``t`` passes."""
        return self.traversal.test(t)


@register("not")
class NotStep(FilterTraversalStep):
    """not(traversal): keep traversers for which the traversal produces nothing.

    Under TinkerPop 3.7's ternary logic ``not(is(P.gt(NaN)))`` is still ERROR, which filters:
    a child that is one is() whose comparison errs keeps nothing (3.8 is binary: it passes)."""

    def test(self, t: Traverser) -> bool:
        """Whether traverser ``t`` passes."""
        steps = self.traversal.steps
        if (self.ctx.dialect < TP38 and len(steps) == 1 and isinstance(steps[0], IsStep)
                and steps[0].errs(t.obj)):
            return False
        return not self.traversal.test(t)


@register("and", "or")
class ConnectiveStep(FilterStep):
    """and(t1, t2...) / or(t1, t2...)."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if not all(isinstance(a, Traversal) for a in args):
            raise self.error(f"requires traversal arguments, got {args!r}")
        # no arguments: the infix form a.and().b, rewritten by the connective strategy
        self.traversals: list[Traversal] = list(args)

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return self.traversals

    def test(self, t: Traverser) -> bool:
        """Whether traverser ``t`` passes."""
        if not self.traversals:
            # the infix marker left by withoutStrategies(ConnectiveStrategy): TinkerPop's
            # AndStep with no operands passes everything, its OrStep nothing
            return self.name == "and"
        if self.name == "and":
            return all(tr.test(t) for tr in self.traversals)
        return any(tr.test(t) for tr in self.traversals)


@register("simplePath", "cyclicPath")
class PathFilterStep(FilterStep):
    """simplePath() / cyclicPath(): no repeated object on the path (or some), optionally
    on the from()/to() segment and comparing by() values."""

    accepts = frozenset({"by", "from", "to"})

    def setup(self, args: list[Any]) -> None:
        """No arguments; from()/to()/by() modulators may follow."""
        if args:
            raise self.error(f"takes no arguments, got {args!r}")
        self.from_label: str | None = None
        self.to_label: str | None = None
        self.bys: list[ByModulator] = []

    def mod_from(self, args: list[Any]) -> None:
        """from(label): the segment starts at this label."""
        self.from_label = expect_str(self, args[0] if len(args) == 1 else None, "from() label")

    def mod_to(self, args: list[Any]) -> None:
        """to(label): the segment ends at this label."""
        self.to_label = expect_str(self, args[0] if len(args) == 1 else None, "to() label")

    def mod_by(self, args: list[Any]) -> None:
        """by(): compare path objects by this value (cycling)."""
        self.bys.append(ByModulator(args, self.name))

    def children(self) -> list[Traversal]:
        """The by() traversals."""
        return [b.traversal for b in self.bys if b.traversal is not None]

    def test(self, t: Traverser) -> bool:
        """Whether traverser ``t`` passes."""
        seen: set[Any] = set()
        repeated = False
        bys = self.bys
        for i, node in enumerate(sub_path(t.path_entries(), self.from_label, self.to_label)):
            obj = node.obj
            if bys:
                obj = bys[i % len(bys)].fn(t.replace(obj))
                if obj is NO_VALUE:
                    return False  # an unproductive by() filters the traverser out
            k = hkey(obj)
            if k in seen:
                repeated = True
                break
            seen.add(k)
        return repeated if self.name == "cyclicPath" else not repeated


@register("none", "discard")
class NoneStep(Step):
    """discard() (TinkerPop 3.8) / none() (3.7): consume and discard everything (what the drivers'
    iterate() appends). none(P) is 3.8's list filter: keep lists none of whose items satisfy P."""

    def setup(self, args: list[Any]) -> None:
        """No arguments, or (none only) one predicate."""
        self.pred: Callable[[Any], bool] | None = None
        if args:
            if self.name != "none" or len(args) != 1:
                raise self.error(f"takes {'one predicate or ' if self.name == 'none' else ''}no arguments, "
                                 f"got {args!r}")
            self.pred = compile_p(args[0])

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        pred = self.pred
        if pred is None:
            deque(it, maxlen=0)
            return
        for t in it:
            x = t.obj
            if isinstance(x, (list, tuple, set, frozenset)) and not any(pred(v) for v in x):
                yield t


@register("identity")
class IdentityStep(Step):
    """identity(): pass traversers through (also holds leading as() labels)."""

    passthrough = True

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        return it




@register("coin")
class CoinStep(FilterStep):
    """coin(p): keep each traverser with probability p."""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        if len(args) != 1 or not isinstance(args[0], (int, float)) or isinstance(args[0], bool):
            raise self.error(f"requires a probability, got {args!r}")
        self.p = float(args[0])

    def bind(self, ctx: Context) -> None:
        """Attach the context; take this step's generator (SeedStrategy: its own)."""
        super().bind(ctx)
        self._rng = ctx.seeded_random()

    def test(self, t: Traverser) -> bool:
        """Whether a traverser of bulk 1 passes."""
        return self.p >= self._rng.random()

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Keep each unit of bulk with probability p (TinkerPop's CoinStep: one draw per
        unit below a bulk of 100, else the rounded expected bulk)."""
        draw, p = self._rng.random, self.p
        for t in it:
            bulk = t.bulk
            if bulk == 1:
                if p >= draw():
                    yield t
                continue
            kept = sum(1 for _ in range(bulk) if p >= draw()) if bulk < 100 else int(p * bulk + 0.5)
            if kept:
                yield t.with_bulk(kept)
