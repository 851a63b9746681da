"""Compile gremlinpython ``Bytecode`` into a :class:`~stylegraph.graph.steps.base.Traversal`.

Each step instruction becomes a registered step object.  Modulators (``by``,
``as``, ``option``, ``from``, ``to``, ``with``, ``times``, ``until``, ``emit``)
are handed to the step before them; ``until``/``emit``/``times`` written before
``repeat`` open a repeat step that the following ``repeat`` fills in.  Nested
anonymous bytecode is compiled recursively.  Lambdas, unknown steps and
unusable arguments raise :class:`~stylegraph.graph.errors.InvalidRequestError`.
"""
from __future__ import annotations

import types
from typing import Any

from gremlin_python.process.traversal import (
    Barrier, Binding, Bytecode, Cardinality, Column, Direction, Merge, Operator, Order, Pick, Pop, Scope, T,
    TraversalStrategy,
)
from gremlin_python.statics import long

from stylegraph.graph.errors import InvalidRequestError
from stylegraph.graph.steps import STEPS, Step, Traversal
from stylegraph.graph.steps.branch import RepeatStep
from stylegraph.graph.steps.call import CallStep
from stylegraph.graph.steps.filter import IdentityStep
from stylegraph.graph.steps.mutation import CARDINALITY_NAMES, AddEdgeStep, CardValue, PropertyStep
from stylegraph.graph.steps.start import InjectStep

MODULATORS = frozenset({"by", "option", "from", "to", "with", "times", "until", "emit"})
_REPEAT_MODULATORS = frozenset({"times", "until", "emit"})
_PLAIN = frozenset({str, int, float, bool, type(None)})
#: argument types that convert_arg returns unchanged: scalars and gremlinpython's enums
_ATOMIC = _PLAIN | frozenset({long, T, Direction, Merge, Cardinality, Column, Order, Pick, Pop, Scope,
                              Barrier, Operator})
_LAMBDA_TYPES = (types.FunctionType, types.LambdaType, types.BuiltinFunctionType, types.MethodType)


def is_cardinality_value(bc: Any) -> bool:
    """True for gremlinpython's CardinalityValue (a Bytecode holding one source instruction)."""
    return isinstance(bc, Bytecode) and not bc.step_instructions and \
        len(bc.source_instructions) == 1 and bc.source_instructions[0][0] == "CardinalityValueTraversal"


def convert_arg(arg: Any, step: str) -> Any:
    """Turn one instruction argument into what steps expect (child traversals compiled)."""
    kind = type(arg)
    if kind in _ATOMIC:
        return arg
    if kind is dict:
        return _convert_dict(arg, step)
    if kind is list:
        return _convert_list(arg, step)
    if isinstance(arg, Bytecode):
        if is_cardinality_value(arg):
            _, card, value = arg.source_instructions[0]
            return CardValue(CARDINALITY_NAMES[card], convert_arg(value, step))
        if arg.source_instructions:
            raise InvalidRequestError(
                f"{step}(): child traversals must be anonymous (use __), not spawned from g")
        return compile_traversal(arg, root=False)
    if isinstance(arg, Binding):
        return convert_arg(arg.value, step)
    if isinstance(arg, dict):
        return {convert_arg(k, step): convert_arg(v, step) for k, v in arg.items()}
    if isinstance(arg, list):
        return [convert_arg(v, step) for v in arg]
    if isinstance(arg, tuple):
        return tuple(convert_arg(v, step) for v in arg)
    if isinstance(arg, set):
        return {convert_arg(v, step) for v in arg}
    if isinstance(arg, _LAMBDA_TYPES) or (callable(arg) and not isinstance(arg, type)
                                          and hasattr(arg, "__code__")):
        raise InvalidRequestError(f"{step}(): lambdas are not supported (Neptune-compatible engine)")
    if isinstance(arg, TraversalStrategy):
        raise InvalidRequestError(f"{step}(): a traversal strategy is not a valid step argument")
    if isinstance(arg, type):
        raise InvalidRequestError(f"{step}(): unsupported argument {arg!r}")
    return arg


def _convert_dict(arg: dict[Any, Any], step: str) -> dict[Any, Any]:
    """A converted copy of a map; a plain copy when every key and value is atomic.

    ``dict(arg)`` reuses the stored hashes, so keys such as ``T.id`` (whose
    ``__hash__`` is Python code in aenum) are not hashed again.
    """
    for key, value in arg.items():
        if type(key) not in _ATOMIC or type(value) not in _ATOMIC:
            return {convert_arg(k, step): convert_arg(v, step) for k, v in arg.items()}
    return dict(arg)


def _convert_list(arg: list[Any], step: str) -> list[Any]:
    """A converted copy of a list; a plain copy when every item is atomic."""
    for value in arg:
        if type(value) not in _ATOMIC:
            return [convert_arg(v, step) for v in arg]
    return list(arg)


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise InvalidRequestError(f"malformed step instruction name {name!r}")
    return name


def compile_traversal(bc: Bytecode, root: bool = True) -> Traversal:
    """Compile the step instructions of ``bc`` (source instructions are the engine's job)."""
    steps: list[Step] = []
    for inst in bc.step_instructions:
        if not inst:
            raise InvalidRequestError("empty step instruction")
        name = _check_name(inst[0])
        args = [a if type(a) in _ATOMIC else convert_arg(a, name) for a in inst[1:]]
        if name == "as":
            _add_labels(steps, args)
        elif name in MODULATORS and not (name == "to" and args and isinstance(args[0], Direction)):
            _modulate(steps, name, args)
        elif name == "repeat" and steps and isinstance(steps[-1], RepeatStep) and steps[-1].body is None:
            steps[-1].set_body(args)
        else:
            cls = STEPS.get(name)
            if cls is None:
                raise InvalidRequestError(f"unsupported step {name}()")
            steps.append(cls(name, args))
    if root and steps and isinstance(steps[0], CallStep):
        steps[0].is_start = True
    if steps and isinstance(steps[0], InjectStep):
        if root:
            steps[0].is_start = True
        else:
            steps[0].child_start = True
    return Traversal(steps)


def _add_labels(steps: list[Step], args: list[Any]) -> None:
    if not args:
        raise InvalidRequestError("as() requires at least one label")
    for label in args:
        if not isinstance(label, str):
            raise InvalidRequestError(f"as(): labels must be strings, got {label!r}")
    if not steps:
        steps.append(IdentityStep("identity", []))
    steps[-1].labels = steps[-1].labels | frozenset(args)


def _modulate(steps: list[Step], name: str, args: list[Any]) -> None:
    prev = steps[-1] if steps else None
    if name in _REPEAT_MODULATORS and not isinstance(prev, RepeatStep):
        prev = RepeatStep("repeat", [])
        steps.append(prev)
    if prev is None:
        raise InvalidRequestError(f"{name}() must follow a step it can modulate")
    if name in ("from", "to") and isinstance(prev, PropertyStep):
        # addE(...).property(...).from(...): property() belongs to addE() (TinkerPop folds it
        # in as it is added), so from()/to() modulate the addE() before it
        i = len(steps) - 1
        while i > 0 and isinstance(steps[i], PropertyStep) and not steps[i].labels:
            i -= 1
        if isinstance(steps[i], AddEdgeStep) and not steps[i].labels:
            prev = steps[i]
    prev.modulate(name, args)
