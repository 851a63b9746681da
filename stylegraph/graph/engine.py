"""The embedded Gremlin engine's entry point: :func:`execute`.

``execute(graph, bytecode)`` compiles gremlinpython bytecode to a step list,
runs the optimisation passes, evaluates it inside one ``graph.transaction()``
(so a traversal that fails half-way leaves nothing behind) and returns the
results as gremlinpython structure types.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Optional

from gremlin_python.process.strategies import OptionsStrategy
from gremlin_python.process.traversal import Bytecode, Operator, TraversalStrategy

from stylegraph.graph.bytecode import compile_traversal, convert_arg
from stylegraph.graph.errors import GraphError, GremlinError, InvalidRequestError
from stylegraph.graph.bulking import apply_bulking
from stylegraph.graph.limits import Limits
from stylegraph.graph.results import to_result
from stylegraph.graph.steps.access import ByModulator
from stylegraph.graph.steps.base import Context, Traversal
from stylegraph.graph.strategies import apply_all, path_mode
from stylegraph.graph.traverser import SEED, Traverser

#: strategies that change nothing observable here, accepted and ignored
_IGNORED_STRATEGIES = frozenset({
    "EdgeLabelVerificationStrategy", "ReservedKeysVerificationStrategy",
    "LambdaRestrictionStrategy", "HaltedTraverserStrategy",
})


_MUTATING_STEPS = frozenset({"addV", "addE", "property", "drop", "mergeV", "mergeE", "read"})


class SourceOptions:
    """What the source instructions (with*, withStrategies) ask for."""

    def __init__(self) -> None:
        self.side_effects: dict[str, Any] = {}
        #: withSideEffect(key, value, reducer): how values are added to the side effect
        self.reducers: dict[str, Operator] = {}
        self.sack: Any = None
        #: withSack(value, operator): how barrier() merges the sacks of equal traversers
        self.sack_merge: Optional[Operator] = None
        #: withBulk(false): equal traversers merged by barrier() continue as one
        self.bulk = True
        self.timeout_ms: Optional[float] = None
        self.read_only = False
        self.productive_by = False
        self.seed: Any = None


def _strategy_name(strategy: Any) -> str:
    name = getattr(strategy, "strategy_name", None) or type(strategy).__name__
    fqcn = getattr(strategy, "fqcn", None)
    if fqcn and not name:
        name = fqcn.rsplit(".", 1)[-1]
    return name


def parse_source(bc: Bytecode) -> SourceOptions:
    """Read withSideEffect / withSack / withStrategies (OptionsStrategy) instructions."""
    opts = SourceOptions()
    for inst in bc.source_instructions:
        name, args = inst[0], list(inst[1:])
        if name == "withSideEffect":
            if not 2 <= len(args) <= 3 or not isinstance(args[0], str):
                raise InvalidRequestError("withSideEffect(key, value[, reducer]) expected")
            if len(args) == 3:
                if not isinstance(args[2], Operator):
                    raise InvalidRequestError(
                        f"withSideEffect(): the reducer must be an Operator, got {args[2]!r}")
                opts.reducers[args[0]] = args[2]
            opts.side_effects[args[0]] = convert_arg(args[1], "withSideEffect")
        elif name == "withSack":
            if not args or len(args) > 2 or (len(args) == 2 and not isinstance(args[1], Operator)):
                raise InvalidRequestError("withSack(initialValue[, Operator]) expected")
            opts.sack = convert_arg(args[0], "withSack")
            opts.sack_merge = args[1] if len(args) == 2 else None
        elif name == "withStrategies":
            for strategy in args:
                _apply_strategy(strategy, opts)
        elif name == "withBulk":
            if len(args) != 1 or not isinstance(args[0], bool):
                raise InvalidRequestError("withBulk(true|false) expected")
            opts.bulk = args[0]
        elif name in ("withoutStrategies", "withPath"):
            continue
        elif name == "withComputer":
            raise InvalidRequestError("withComputer(): OLAP is not supported by this engine")
        else:
            raise InvalidRequestError(f"unsupported source instruction {name}()")
    return opts


def _apply_strategy(strategy: Any, opts: SourceOptions) -> None:
    if not isinstance(strategy, TraversalStrategy):
        raise InvalidRequestError(f"withStrategies(): not a strategy: {strategy!r}")
    name = _strategy_name(strategy)
    if isinstance(strategy, OptionsStrategy) or name == "OptionsStrategy":
        config = strategy.configuration or {}
        timeout = config.get("evaluationTimeout", config.get("scriptEvaluationTimeout"))
        if timeout is not None:
            if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout < 0:
                raise InvalidRequestError(f"evaluationTimeout must be a number of ms, got {timeout!r}")
            opts.timeout_ms = float(timeout)
        return
    if name == "SeedStrategy":
        opts.seed = (strategy.configuration or {}).get("seed")
        return
    if name == "ReadOnlyStrategy":
        opts.read_only = True
        return
    if name == "ProductiveByStrategy":
        opts.productive_by = True
        return
    if name in _IGNORED_STRATEGIES:
        return
    if name == "VertexProgramStrategy":
        raise InvalidRequestError("withComputer(): OLAP (VertexProgramStrategy) is not supported")
    raise InvalidRequestError(f"withStrategies(): {name} is not supported")


def _by_modulators(step: Any) -> list[ByModulator]:
    """The by() modulators a step holds (directly, in lists, or in a grouping helper)."""
    found: list[ByModulator] = []

    def visit(value: Any, depth: int) -> None:
        if isinstance(value, ByModulator):
            found.append(value)
        elif isinstance(value, (list, tuple)) and depth < 2:
            for item in value:
                visit(item, depth + 1)
        elif depth == 0 and hasattr(value, "key_by"):  # group()/groupCount()'s Grouping
            visit(value.key_by, 1)
            visit(getattr(value, "value_by", None), 1)
        elif depth == 0 and isinstance(getattr(value, "bys", None), list):  # project/select/path's ring
            visit(value.bys, 1)

    for attr in _attrs(step):
        visit(attr, 0)
    return found


def _attrs(obj: Any) -> list[Any]:
    names = list(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        names.extend(getattr(cls, "__slots__", ()))
    return [getattr(obj, n, None) for n in dict.fromkeys(names)]


def prepare(bytecode: Bytecode) -> tuple[Traversal, SourceOptions]:
    """Compile and optimise ``bytecode`` (no graph access)."""
    if not isinstance(bytecode, Bytecode):
        raise InvalidRequestError(f"expected gremlinpython Bytecode, got {type(bytecode).__name__}")
    opts = parse_source(bytecode)
    traversal = compile_traversal(bytecode, root=True)
    apply_all(traversal, root=True)
    if opts.productive_by:
        for step in traversal.walk():
            for mod in _by_modulators(step):
                mod.make_productive()
    if opts.read_only:
        for step in traversal.walk():
            if step.name in _MUTATING_STEPS:
                raise InvalidRequestError(
                    f"ReadOnlyStrategy: The provided traversal has a mutating step and thus is not read only ({step.name}())")
    return traversal, opts


def is_mutating(traversal: Traversal) -> bool:
    """Whether any step of ``traversal`` (nested ones included) writes to the graph."""
    return any(step.name in _MUTATING_STEPS for step in traversal.walk())


def execute(graph: Any, bytecode: Bytecode, *, deadline: Optional[float] = None,
            limits: Optional[Limits] = None) -> list:
    """Evaluate ``bytecode`` against ``graph`` atomically and return its results.

    A traversal that writes runs in one ``graph.transaction()`` (the write
    lock); a read-only one under ``graph.read()``, alongside other readers.
    ``deadline`` is a ``time.monotonic()`` value (or pass ``limits``, which
    also carry a traverser budget and a cancel flag); an ``evaluationTimeout``
    given through ``with_()``/OptionsStrategy can only shorten it. Past the
    deadline the traversal is abandoned (and its writes undone) with a 598
    error; over the budget or cancelled, with a 597 error.
    """
    with stream(graph, bytecode, deadline=deadline, limits=limits) as results:
        return list(results)


@contextmanager
def stream(graph: Any, bytecode: Bytecode, *, deadline: Optional[float] = None,
           limits: Optional[Limits] = None) -> Iterator[Iterator[Any]]:
    """``with stream(graph, bytecode) as results:`` the results of :func:`execute`, one at a time.

    A read-only traversal is evaluated lazily as ``results`` is consumed, under
    ``graph.read()`` for the whole block (so a server can send each batch as it
    is made, and nothing but the current batch is held); its errors (598, 597...)
    come out of the iteration. A traversal that writes is evaluated and committed
    when the block is entered, and ``results`` iterates over the committed answer.
    """
    limits = limits if limits is not None else Limits(deadline)
    with _gremlin_errors():
        traversal, ctx = _bind(graph, bytecode, limits)
        mutating = is_mutating(traversal)
    if mutating:
        with _gremlin_errors(), graph.transaction(limits.deadline):
            results = list(_results(traversal, ctx))
        yield iter(results)
        return
    with graph.read(limits.deadline):
        yield _guarded(_results(traversal, ctx))


def _bind(graph: Any, bytecode: Bytecode, limits: Limits) -> tuple[Traversal, Context]:
    traversal, opts = prepare(bytecode)
    if opts.timeout_ms is not None and opts.timeout_ms > 0:
        limits.shorten(opts.timeout_ms)
    ctx = Context(graph, seed=opts.seed, limits=limits)
    ctx.side_effects.update(opts.side_effects)
    ctx.reducers.update(opts.reducers)
    ctx.sack_init = opts.sack
    ctx.sack_merge = opts.sack_merge
    ctx.bulk = opts.bulk
    ctx.path_mode = path_mode(traversal)
    apply_bulking(traversal, sack=opts.sack is not None)
    traversal.bind(ctx)
    return traversal, ctx


def _results(traversal: Traversal, ctx: Context) -> Iterator[Any]:
    """The result objects, one per traverser of each bulk; each counts against the budget."""
    ctx.check_deadline()
    tick = ctx.tick
    seed = Traverser(SEED, None, 0, ctx.sack_value())
    for t in traversal.run(iter((seed,))):
        if t.obj is SEED:
            continue
        value = to_result(t.obj)
        for _ in range(t.bulk):
            tick()
            yield value
    ctx.check_deadline()


def _guarded(results: Iterator[Any]) -> Iterator[Any]:
    with _gremlin_errors():
        yield from results


@contextmanager
def _gremlin_errors() -> Iterator[None]:
    """Let GraphErrors through; turn anything else into a GremlinError (never a crash)."""
    try:
        yield
    except GraphError:
        raise
    except RecursionError as exc:
        raise GremlinError("traversal nested too deeply to evaluate") from exc
    except Exception as exc:  # an engine bug must still come back as a Gremlin error, not a crash
        raise GremlinError(f"evaluation failed: {type(exc).__name__}: {exc}") from exc
