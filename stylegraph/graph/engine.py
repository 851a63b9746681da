"""The embedded Gremlin engine's entry point: :func:`execute`.

``execute(graph, bytecode)`` compiles gremlinpython bytecode to a step list,
runs the optimisation passes, evaluates it inside one ``graph.transaction()``
(so a traversal that fails half-way leaves nothing behind) and returns the
results as gremlinpython structure types.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from gremlin_python.process.strategies import OptionsStrategy
from gremlin_python.process.traversal import Bytecode, Operator, TraversalStrategy

from stylegraph.graph.bytecode import compile_traversal, convert_arg
from stylegraph.graph.decoration import catalog
from stylegraph.graph.decoration.rewrite import by_modulators
from stylegraph.graph.dialect import DEFAULT as DEFAULT_DIALECT, Dialect
from stylegraph.graph.errors import GraphError, GremlinError, InvalidRequestError
from stylegraph.graph.bulking import apply_bulking
from stylegraph.graph.limits import Limits, SliceExpired
from stylegraph.graph.results import to_result
from stylegraph.graph.steps.base import Context, Traversal
from stylegraph.graph.strategies import apply_all, path_mode
from stylegraph.graph.traverser import SEED, Traverser

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
        #: withStrategies() passes by strategy name (a second one of a name replaces the first)
        self.passes: dict[str, catalog.Pass] = {}
        #: withoutStrategies(): the names removed
        self.without: set[str] = set()
        #: VertexProgramRestrictionStrategy: withComputer()/VertexProgramStrategy refused
        self.restrict_computer = False

    def ordered_passes(self) -> list[catalog.Pass]:
        """The passes to run: decorations first, verifications last (TinkerPop's order)."""
        ordered = sorted(self.passes.items(), key=lambda item: item[0] in catalog.VERIFICATIONS)
        return [strategy_pass for _, strategy_pass in ordered]


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
        elif name == "withoutStrategies":
            for strategy in args:
                _remove_strategy(_removed_name(strategy), opts)
        elif name == "withPath":
            continue
        elif name == "withComputer":
            _refuse_computer(opts, "withComputer(): OLAP is not supported by this engine")
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
    if name == "VertexProgramStrategy":
        _refuse_computer(opts, "withComputer(): OLAP (VertexProgramStrategy) is not supported")
    if name == "VertexProgramRestrictionStrategy":
        opts.restrict_computer = True
        return
    if name not in catalog.KNOWN:
        raise InvalidRequestError(f"withStrategies(): {name} is not supported")
    opts.without.discard(name)
    made = catalog.make_pass(name, _configuration(strategy, name))
    if made is not None:
        opts.passes[name] = made


def _configuration(strategy: TraversalStrategy, name: str) -> dict[str, Any]:
    """The strategy's configuration without the class name TinkerPop 3.7 drivers add
    under ``strategy``."""
    config = dict(strategy.configuration or {})
    marker = config.get("strategy")
    if isinstance(marker, str) and marker.rsplit(".", 1)[-1] == name:
        del config["strategy"]
    return config


def _refuse_computer(opts: SourceOptions, message: str) -> None:
    if opts.restrict_computer:
        raise InvalidRequestError("The TraversalSource does not allow the use of a GraphComputer")
    raise InvalidRequestError(message)


def _removed_name(strategy: Any) -> str:
    """The simple name of a withoutStrategies() argument (class, strategy, wire class or text)."""
    if isinstance(strategy, type):
        return strategy.__name__
    if isinstance(strategy, TraversalStrategy):
        return _strategy_name(strategy)
    name = getattr(strategy, "gremlin_type", strategy)
    if not isinstance(name, str):
        raise InvalidRequestError(f"withoutStrategies(): not a strategy class: {strategy!r}")
    return name.rsplit(".", 1)[-1]


def _remove_strategy(name: str, opts: SourceOptions) -> None:
    """withoutStrategies(name): undo what withStrategies() or the engine's defaults set up."""
    opts.without.add(name)
    opts.passes.pop(name, None)
    if name == "VertexProgramRestrictionStrategy":
        opts.restrict_computer = False
    elif name == "ReadOnlyStrategy":
        opts.read_only = False
    elif name == "ProductiveByStrategy":
        opts.productive_by = False
    elif name == "SeedStrategy":
        opts.seed = None


def prepare(bytecode: Bytecode) -> tuple[Traversal, SourceOptions]:
    """Compile and optimise ``bytecode`` (no graph access)."""
    if not isinstance(bytecode, Bytecode):
        raise InvalidRequestError(f"expected gremlinpython Bytecode, got {type(bytecode).__name__}")
    opts = parse_source(bytecode)
    traversal = compile_traversal(bytecode, root=True)
    apply_all(traversal, root=True, connectives="ConnectiveStrategy" not in opts.without)
    for strategy_pass in opts.ordered_passes():
        strategy_pass.apply(traversal)
    if opts.productive_by:
        for step in traversal.walk():
            for mod in by_modulators(step):
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
            limits: Optional[Limits] = None, dialect: Dialect = DEFAULT_DIALECT) -> list:
    """Evaluate ``bytecode`` against ``graph`` atomically and return its results.

    A traversal that writes runs in one ``graph.transaction()`` (one write at a
    time, readers unaffected); a read-only one under ``graph.read()``, on the
    graph as of the last commit, alongside other readers and a write.
    ``deadline`` is a ``time.monotonic()`` value (or pass ``limits``, which
    also carry a traverser budget and a cancel flag); an ``evaluationTimeout``
    given through ``with_()``/OptionsStrategy can only shorten it. Past the
    deadline the traversal is abandoned (and its writes undone) with a 598
    error; over the budget or cancelled, with a 597 error. ``dialect`` is the TinkerPop
    version whose semantics apply (``stylegraph.graph.dialect``).
    """
    with stream(graph, bytecode, deadline=deadline, limits=limits, dialect=dialect) as results:
        return list(results)


@contextmanager
def stream(graph: Any, bytecode: Bytecode, *, deadline: Optional[float] = None,
           limits: Optional[Limits] = None, dialect: Dialect = DEFAULT_DIALECT) -> Iterator[Iterator[Any]]:
    """``with stream(graph, bytecode) as results:`` the results of :func:`execute`, one at a time.

    A read-only traversal is evaluated lazily as ``results`` is consumed, under
    ``graph.read()`` for the whole block (so a server can send each batch as it
    is made, and nothing but the current batch is held); its errors (598, 597...)
    come out of the iteration. A traversal that writes is evaluated and committed
    when the block is entered, and ``results`` iterates over the committed answer.
    """
    limits = limits if limits is not None else Limits(deadline)
    with _gremlin_errors():
        traversal, ctx = _bind(graph, bytecode, limits, dialect)
        mutating = is_mutating(traversal)
    if mutating:
        with _gremlin_errors(), graph.transaction(limits.deadline):
            results = list(_results(traversal, ctx))
        yield iter(results)
        return
    with graph.read(limits.deadline):
        yield _guarded(_results(traversal, ctx))


def try_quick(graph: Any, bytecode: Bytecode, limits: Limits, *, slice_s: float,
              max_results: int, dialect: Dialect = DEFAULT_DIALECT) -> Optional[list]:
    """The results of a read-only traversal evaluated now, on the calling thread, if that is quick.

    None, with nothing left behind, when the traversal writes, it needs an index not
    built yet, the evaluation runs longer than ``slice_s`` seconds or makes more
    than ``max_results`` results:
    the caller then evaluates it with :func:`stream` (``limits`` can be reused).
    A Gremlin error raises as from :func:`execute`. The server answers short
    reads this way on its event loop, without handing them to a worker thread.
    """
    with _gremlin_errors():
        traversal, ctx = _bind(graph, bytecode, limits, dialect)
        if is_mutating(traversal):
            return None
    if not hasattr(graph, "no_index_builds"):
        return None
    limits.slice_end = time.monotonic() + slice_s
    with _gremlin_errors(), graph.read(), graph.no_index_builds():
        results = _results(traversal, ctx)
        try:
            out: list = []
            for value in results:
                if len(out) == max_results:
                    return None
                out.append(value)
            return out
        except SliceExpired:
            return None
        finally:
            results.close()
            limits.slice_end = None


def _bind(graph: Any, bytecode: Bytecode, limits: Limits,
          dialect: Dialect = DEFAULT_DIALECT) -> tuple[Traversal, Context]:
    traversal, opts = prepare(bytecode)
    if opts.timeout_ms is not None and opts.timeout_ms > 0:
        limits.shorten(opts.timeout_ms)
    ctx = Context(graph, seed=opts.seed, limits=limits)
    ctx.dialect = dialect
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
    ctx.limits.begin()
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
    ctx.limits.slice_end = None  # the evaluation is done: a slice bounds it, not its last check
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
