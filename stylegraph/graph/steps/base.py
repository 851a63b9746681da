"""Step and Traversal base classes, the step registry and the execution context.

A step is a small class registered under its Gremlin name with
:func:`register`.  The compiler (``stylegraph.graph.bytecode``) instantiates it
with the instruction's arguments (nested anonymous traversals already compiled
to :class:`Traversal`) and hands it the modulators that follow it (``by``,
``with``, ``option``, ``from``, ``to``...).  At run time a step maps an iterator
of traversers to an iterator of traversers (:meth:`Step.apply`): the pipeline is
a chain of generators, so traversals are lazy and barriers are explicit.
"""
from __future__ import annotations

import random
import time
from typing import Any, Callable, ClassVar, Iterable, Iterator, Optional

from stylegraph.graph.dialect import DEFAULT as DEFAULT_DIALECT, TP38, Dialect
from stylegraph.graph.errors import GremlinError, InvalidRequestError
from stylegraph.graph.java_random import JavaRandom
from stylegraph.graph.limits import Limits
from stylegraph.graph.traverser import (
    EMPTY_LABELS, PATH_NONE, Traverser, new_traverser,
)

STEPS: dict[str, type["Step"]] = {}

#: Returned by value functions when a ``by()``/child traversal produces nothing.
NO_VALUE: Any = object()

_CHECK_EVERY = 512
#: longest run of chained generators before the pipeline materialises a segment
_SEGMENT = 100


def register(*names: str) -> Callable[[type["Step"]], type["Step"]]:
    """Class decorator registering a step class under one or more Gremlin names."""

    def deco(cls: type[Step]) -> type[Step]:
        for name in names:
            STEPS[name] = cls
        return cls

    return deco


class Context:
    """Per-execution state shared by every step: graph, side effects, limits, path mode."""

    __slots__ = ("graph", "side_effects", "reducers", "limits", "path_mode", "sack_init", "sack_merge",
                 "bulk", "_seed", "_rng", "_ticks", "traversers", "dialect")

    def __init__(self, graph: Any, deadline: Optional[float] = None, seed: Any = None,
                 limits: Optional[Limits] = None) -> None:
        self.graph = graph
        self._seed = seed
        self._rng: Optional[random.Random] = None
        self.side_effects: dict[str, Any] = {}
        self.limits = limits if limits is not None else Limits(deadline)
        #: side-effect key -> the Operator withSideEffect(key, value, reducer) gave
        self.reducers: dict[str, Any] = {}
        self.path_mode = PATH_NONE
        self.sack_init: Any = None
        #: withSack(value, operator): the operator that merges the sacks of equal traversers
        self.sack_merge: Any = None
        #: False under withBulk(false): merged traversers are not multiplied back
        self.bulk = True
        self._ticks = 0
        #: traversers made so far (counted in blocks of _CHECK_EVERY), for the budget
        self.traversers = 0
        #: the TinkerPop version whose semantics apply (``stylegraph.graph.dialect``)
        self.dialect: Dialect = DEFAULT_DIALECT

    @property
    def tp38(self) -> bool:
        """True when the client expects TinkerPop 3.8's semantics where 3.7's differ
        (``dialect``: the server reads it from the driver's User-Agent, ``graph/dialect.py``)."""
        return self.dialect >= TP38

    @property
    def deadline(self) -> Optional[float]:
        """The evaluation's deadline (``time.monotonic()``), or None."""
        return self.limits.deadline

    @property
    def random(self) -> random.Random:
        """Randomness of coin()/sample()/order().by(shuffle), seeded by SeedStrategy."""
        if self._rng is None:
            self._rng = random.Random(self._seed)
        return self._rng

    def seeded_random(self) -> Any:
        """A step's own generator: under SeedStrategy a fresh ``java.util.Random(seed)``
        (what TinkerPop gives each random-aware step), else the shared :attr:`random`."""
        if isinstance(self._seed, int) and not isinstance(self._seed, bool):
            return JavaRandom(self._seed)
        return self.random

    def tick(self) -> None:
        """Count one traverser made; every few hundred, check the limits (where a long
        traversal also backs off for other requests, see ``Limits``)."""
        self._ticks += 1
        if self._ticks >= _CHECK_EVERY:
            self._ticks = 0
            self.traversers += _CHECK_EVERY
            self.check_deadline()

    def check_deadline(self) -> None:
        """Raise if the deadline has passed (598), the request was cancelled or is over budget."""
        self.limits.check(self.traversers + self._ticks)

    def sack_value(self) -> Any:
        """A fresh initial sack value (withSack)."""
        init = self.sack_init
        if isinstance(init, (list, dict, set)):
            return type(init)(init)
        return init

    def start(self, obj: Any, labels: frozenset[str] = EMPTY_LABELS) -> Traverser:
        """A new traverser for a start/reducing step."""
        return new_traverser(obj, labels, self.path_mode, self.sack_value())


class Traversal:
    """A compiled step list; also the form nested anonymous traversals take."""

    __slots__ = ("steps", "ctx", "stateful", "_has_barrier")

    def __init__(self, steps: list["Step"]) -> None:
        self.steps = steps
        self.ctx: Optional[Context] = None
        #: steps holding state across traversers (dedup sets, limit counters...)
        self.stateful: list[Step] = []
        self._has_barrier: Optional[bool] = None

    def bind(self, ctx: Context) -> None:
        """Attach the execution context to every step (recursively)."""
        self.ctx = ctx
        for step in self.steps:
            step.bind(ctx)
        self.stateful = [s for s in self.steps if s.stateful]
        self._has_barrier = None
        self.reset()

    @property
    def has_barrier(self) -> bool:
        """True when a barrier step occurs anywhere inside (TinkerPop's BranchStep test)."""
        if self._has_barrier is None:
            self._has_barrier = any(s.is_barrier for s in self.walk())
        return self._has_barrier

    def reset(self) -> None:
        """Forget per-invocation state (a local child starts afresh for each traverser)."""
        for step in self.stateful:
            step.reset()

    def run(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Feed ``it`` through the steps and return the output iterator.

        Steps are chained generators; a very long chain (e.g. 10,000 chained
        ``addE()`` in one request) is cut into segments whose output is
        materialised, so that the generator nesting stays shallow.
        """
        steps = self.steps
        if len(steps) <= _SEGMENT:
            for step in steps:
                it = step.process(it)
            return it
        for start in range(0, len(steps), _SEGMENT):
            for step in steps[start:start + _SEGMENT]:
                it = step.process(it)
            if start + _SEGMENT < len(steps):
                it = iter(list(it))
        return it

    def run_one(self, t: Traverser) -> Iterator[Traverser]:
        """Run a local child for one traverser: its state starts afresh (like TinkerPop's
        local children: by(), where(), local(), coalesce()...)."""
        if self.stateful:
            self.reset()
        return self.run(iter((t,)))

    def run_shared(self, t: Traverser) -> Iterator[Traverser]:
        """Run a global child for one traverser, keeping its state across traversers
        (union/choose/optional branches and repeat bodies, as in TinkerPop)."""
        return self.run(iter((t,)))

    def first(self, t: Traverser) -> Any:
        """The first object the traversal produces for ``t``, else :data:`NO_VALUE`."""
        if self.stateful:
            self.reset()
        steps = self.steps
        if len(steps) == 1:
            # one map/flatMap step: call it directly, skipping the generator chain
            step = steps[0]
            if step.passthrough:
                return t.obj
            apply = type(step).apply
            if apply is MapStep.apply:
                return step.map(t)  # type: ignore[attr-defined]
            if apply is FlatMapStep.apply:
                for obj in step.flat_map(t):  # type: ignore[attr-defined]
                    return obj
                return NO_VALUE
        for out in self.run(iter((t,))):
            return out.obj
        return NO_VALUE

    def objects(self, t: Traverser) -> Iterator[Any]:
        """All objects produced for ``t``."""
        return (out.obj for out in self.run_one(t))

    def test(self, t: Traverser) -> bool:
        """True when the traversal produces at least one result for ``t``."""
        for _ in self.run_one(t):
            return True
        return False

    def walk(self) -> list["Step"]:
        """Every step of this traversal and of its nested traversals (parents first)."""
        out: list[Step] = []
        stack: list[Traversal] = [self]
        while stack:
            tr = stack.pop()
            for step in tr.steps:
                out.append(step)
                kids = step.children()
                if kids:
                    stack.extend(reversed(kids))
        return out

    def __repr__(self) -> str:
        return "[" + ", ".join(repr(s) for s in self.steps) + "]"


class Step:
    """Base class of every step.  Subclasses implement :meth:`apply`."""

    #: True when the step puts new objects on the path itself (map/flatMap steps).
    extends_path: ClassVar[bool] = False
    #: True for identity(): the output is the input
    passthrough: ClassVar[bool] = False
    #: True when the step keeps state across traversers and implements reset()
    stateful: ClassVar[bool] = False
    #: modulators this step accepts (``by``, ``with``, ``option``, ``from``, ``to``...)
    accepts: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, name: str, args: list[Any]) -> None:
        self.name = name
        self.labels: frozenset[str] = EMPTY_LABELS
        self.ctx: Context = None  # type: ignore[assignment]  # set by bind()
        self.setup(args)

    # ---------------------------------------------------------- construction
    def setup(self, args: list[Any]) -> None:
        """Validate and store the step's arguments (default: none allowed)."""
        if args:
            raise self.error(f"takes no arguments, got {args!r}")

    def modulate(self, modulator: str, args: list[Any]) -> None:
        """Apply a modulator (``by``, ``with``, ``option``...) following the step."""
        if modulator not in self.accepts:
            raise InvalidRequestError(f"{modulator}() cannot modulate {self.name}()")
        getattr(self, "mod_" + modulator)(args)

    def children(self) -> list[Traversal]:
        """Nested traversals (for strategies, binding and path analysis)."""
        return []

    @property
    def is_barrier(self) -> bool:
        """True when the step must see its whole input before emitting (count, order...)."""
        return False

    def reset(self) -> None:
        """Forget state kept across traversers (only called when ``stateful`` is set)."""
        raise NotImplementedError(f"step {self.name} is stateful but has no reset()")

    def bind(self, ctx: Context) -> None:
        """Attach the execution context to this step and its children."""
        self.ctx = ctx
        for child in self.children():
            child.bind(ctx)

    def error(self, message: str, code: int = 499) -> GremlinError:
        """An error naming this step."""
        if code == 499:
            return InvalidRequestError(f"{self.name}(): {message}")
        return GremlinError(f"{self.name}(): {message}", code=code)

    # --------------------------------------------------------------- running
    def process(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Run the step, then attach its ``as()`` labels to the outputs' paths."""
        out = self.apply(it)
        if self.labels and not self.extends_path and self.ctx.path_mode != PATH_NONE:
            labels, mode = self.labels, self.ctx.path_mode
            return (t.with_labels(labels, mode) for t in out)
        return out

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Map input traversers to output traversers."""
        raise NotImplementedError(f"step {self.name} has no apply()")

    def __repr__(self) -> str:
        return f"{self.name}()" + (f"@{sorted(self.labels)}" if self.labels else "")


class TraversalArgStep(Step):
    """A step taking exactly one nested traversal argument, kept as ``self.traversal``.

    Combine it with a step kind: ``class FilterTraversalStep(TraversalArgStep, FilterStep)``.
    """

    #: added to the error message after "requires one traversal argument"
    arg_note: ClassVar[str] = ""

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's one traversal argument."""
        if len(args) != 1 or not isinstance(args[0], Traversal):
            raise self.error(f"requires one traversal argument{self.arg_note}, got {args!r}")
        self.traversal: Traversal = args[0]

    def children(self) -> list[Traversal]:
        """The nested traversal of this step."""
        return [self.traversal]


class MapStep(Step):
    """One output per input: subclasses implement :meth:`map`."""

    extends_path = True

    def map(self, t: Traverser) -> Any:
        """The new object for traverser ``t`` (or :data:`NO_VALUE` to drop it)."""
        raise NotImplementedError

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        fn, labels, mode = self.map, self.labels, self.ctx.path_mode
        for t in it:
            obj = fn(t)
            if obj is not NO_VALUE:
                yield t.split(obj, labels, mode)


class FlatMapStep(Step):
    """Zero or more outputs per input: subclasses implement :meth:`flat_map`."""

    extends_path = True

    def flat_map(self, t: Traverser) -> Iterable[Any]:
        """The objects traverser ``t`` expands to."""
        raise NotImplementedError

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        fn, labels, mode, tick = self.flat_map, self.labels, self.ctx.path_mode, self.ctx.tick
        if mode == PATH_NONE:
            for t in it:
                loops, sack, bulk = t.loops, t.sack, t.bulk
                for obj in fn(t):
                    tick()
                    yield Traverser(obj, None, loops, sack, bulk)
        else:
            for t in it:
                for obj in fn(t):
                    tick()
                    yield t.split(obj, labels, mode)


class FilterStep(Step):
    """Keeps the inputs for which :meth:`test` is true."""

    def test(self, t: Traverser) -> bool:
        """Whether traverser ``t`` passes."""
        raise NotImplementedError

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        return filter(self.test, it)


class SideEffectStep(Step):
    """Passes every input on after calling :meth:`side_effect` on it."""

    def side_effect(self, t: Traverser) -> None:
        """Do something with ``t``."""
        raise NotImplementedError

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        fn = self.side_effect
        for t in it:
            fn(t)
            yield t


def expect_str(step: Step, value: Any, what: str = "argument") -> str:
    """``value`` if it is a string, else a 499 error naming the step."""
    if not isinstance(value, str):
        raise step.error(f"{what} must be a string, got {type(value).__name__} {value!r}")
    return value


def expect_int(step: Step, value: Any, what: str = "argument") -> int:
    """``value`` if it is an integer (not a bool), else a 499 error."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise step.error(f"{what} must be an integer, got {type(value).__name__} {value!r}")
    return value


def child_list(*items: Any) -> list[Traversal]:
    """The Traversal instances among ``items`` (skipping None/other values)."""
    out: list[Traversal] = []
    for item in items:
        if isinstance(item, Traversal):
            out.append(item)
        elif isinstance(item, (list, tuple)):
            out.extend(child_list(*item))
    return out
