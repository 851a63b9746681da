"""Helpers shared by the strategy passes: every nested traversal, criteria compiled to
steps, the by() modulators of a step."""
from __future__ import annotations

from typing import Any

from gremlin_python.process.traversal import Bytecode

from stylegraph.graph.bytecode import compile_traversal
from stylegraph.graph.errors import InvalidRequestError
from stylegraph.graph.steps.access import ByModulator
from stylegraph.graph.steps.base import Step, Traversal
from stylegraph.graph.strategies import apply_all


def all_traversals(tr: Traversal) -> list[Traversal]:
    """``tr`` and every traversal nested in it (parents first), collected before any rewrite."""
    out: list[Traversal] = []
    stack = [tr]
    while stack:
        current = stack.pop()
        out.append(current)
        for step in current.steps:
            stack.extend(reversed(step.children()))
    return out


def as_bytecode(value: Any, strategy: str, key: str) -> Bytecode:
    """The bytecode of a traversal given in a strategy's configuration (Bytecode or a
    gremlinpython traversal); anything else is a 499 error naming the strategy and key."""
    if isinstance(value, Bytecode):
        return value
    bytecode = getattr(value, "bytecode", None)
    if isinstance(bytecode, Bytecode):
        return bytecode
    raise InvalidRequestError(f"{strategy}: {key} must be a traversal, got {value!r}")


def steps_of(*instructions: tuple[Any, ...]) -> Bytecode:
    """Bytecode made of the given step instructions, e.g. ``("outE", "knows")``."""
    bc = Bytecode()
    for name, *args in instructions:
        bc.add_step(name, *args)
    return bc


def compile_steps(bc: Bytecode) -> list[Step]:
    """Fresh steps for ``bc`` (an anonymous traversal), with the engine's passes applied."""
    tr = compile_traversal(bc, root=False)
    apply_all(tr)
    return tr.steps


def compile_child(bc: Bytecode) -> Traversal:
    """A fresh anonymous traversal for ``bc`` (for a filter step's argument)."""
    return Traversal(compile_steps(bc))


def by_modulators(step: Any) -> list[ByModulator]:
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
