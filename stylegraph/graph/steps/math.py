"""math(expression): arithmetic over the current object and step labels (TinkerPop's MathStep).

The expression language is exp4j's: numbers, variables (``_`` is the current
object, any other name a step label, side effect or map key), ``+ - * / % ^``,
unary minus and the functions abs, acos, asin, atan, cbrt, ceil, cos, cosh, exp,
floor, log, log10, log2, signum, sin, sinh, sqrt, tan, tanh; written without
parentheses a function applies to the whole rest of the expression (``sin _ + 1``
is ``sin(_ + 1)``), as in exp4j. by() modulators map the variables in the order they
first appear (cycling); a variable that resolves to no value drops the traverser,
one that is not a number is an error. The result is always a double.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable

from gremlin_python.process.traversal import Pop

from stylegraph.graph.errors import GremlinError
from stylegraph.graph.predicates import is_number
from stylegraph.graph.steps.access import ByModulator
from stylegraph.graph.steps.base import NO_VALUE, MapStep, Traversal, expect_str, register
from stylegraph.graph.steps.scope import scope_value
from stylegraph.graph.traverser import Traverser

CURRENT = "_"


def _signum(x: float) -> float:
    return math.copysign(1.0, x) if x != 0 and x == x else x


def _cbrt(x: float) -> float:
    return math.copysign(abs(x) ** (1.0 / 3.0), x)


def _safe(fn: Callable[[float], float]) -> Callable[[float], float]:
    """``fn`` with Java's answers where Python raises (log(0) = -Infinity, out of domain = NaN)."""

    def call(x: float) -> float:
        try:
            return fn(x)
        except (ValueError, OverflowError):
            if fn in (math.log, math.log10, math.log2) and x == 0:
                return -math.inf
            if fn is math.exp and x > 0:
                return math.inf
            return math.nan

    return call


FUNCTIONS: dict[str, Callable[[float], float]] = {name: _safe(fn) for name, fn in {
    "abs": abs, "acos": math.acos, "asin": math.asin, "atan": math.atan, "cbrt": _cbrt,
    "ceil": lambda x: float(math.ceil(x)) if math.isfinite(x) else x, "cos": math.cos,
    "cosh": math.cosh, "exp": math.exp,
    "floor": lambda x: float(math.floor(x)) if math.isfinite(x) else x,
    "log": math.log, "log10": math.log10, "log2": math.log2, "signum": _signum, "sin": math.sin,
    "sinh": math.sinh, "sqrt": math.sqrt, "tan": math.tan, "tanh": math.tanh,
}.items()}

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/%^()]))")

Node = Callable[[dict[str, float]], float]


def _div(a: float, b: float) -> float:
    if b == 0:
        return math.nan if a == 0 or a != a else math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _mod(a: float, b: float) -> float:
    if b == 0 or not math.isfinite(a):
        return math.nan
    return math.fmod(a, b)


def _pow(a: float, b: float) -> float:
    try:
        return math.pow(a, b)
    except (ValueError, OverflowError, ZeroDivisionError):
        return math.nan if a < 0 else math.inf


_BINARY: dict[str, tuple[int, Callable[[float, float], float]]] = {
    "+": (1, lambda a, b: a + b), "-": (1, lambda a, b: a - b),
    "*": (2, lambda a, b: a * b), "/": (2, _div), "%": (2, _mod),
}


class Expression:
    """A parsed math() expression: :attr:`variables` in order of appearance, :meth:`evaluate`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = self._tokenize(text)
        self.pos = 0
        self.variables: list[str] = []
        self.root = self._expr(0)
        if self.pos != len(self.tokens):
            raise GremlinError(f"math(): unexpected {self.tokens[self.pos][1]!r} in {text!r}")

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if m is None:
                raise GremlinError(f"math(): cannot read {text[pos:]!r} in {text!r}")
            kind = m.lastgroup or "op"
            out.append((kind, m.group(kind)))
            pos = m.end()
        return out

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        tok = self._peek()
        if tok is None:
            raise GremlinError(f"math(): the expression {self.text!r} ends too early")
        self.pos += 1
        return tok

    def _expr(self, min_prec: int) -> Node:
        left = self._unary()
        while True:
            tok = self._peek()
            if tok is None or tok[0] != "op" or tok[1] not in _BINARY or _BINARY[tok[1]][0] < min_prec:
                return left
            self.pos += 1
            prec, fn = _BINARY[tok[1]]
            right = self._expr(prec + 1)
            left = (lambda f, a, b: lambda env: f(a(env), b(env)))(fn, left, right)

    def _unary(self) -> Node:
        tok = self._peek()
        if tok == ("op", "-"):
            self.pos += 1
            operand = self._unary()
            return lambda env: -operand(env)
        if tok == ("op", "+"):
            self.pos += 1
            return self._unary()
        return self._power()

    def _power(self) -> Node:
        base = self._primary()
        if self._peek() == ("op", "^"):
            self.pos += 1
            exponent = self._unary()  # right associative, binds tighter than unary minus on its left
            return lambda env: _pow(base(env), exponent(env))
        return base

    def _primary(self) -> Node:
        kind, text = self._take()
        if kind == "num":
            value = float(text)
            return lambda env: value
        if kind == "name":
            fn = FUNCTIONS.get(text)
            if fn is not None:
                # exp4j: without parentheses a function takes the whole rest of the expression
                arg = self._expr(0) if self._peek() != ("op", "(") else self._primary()
                return lambda env: fn(arg(env))
            if text not in self.variables:
                self.variables.append(text)
            return lambda env: env[text]
        if text == "(":
            inner = self._expr(0)
            if self._take() != ("op", ")"):
                raise GremlinError(f"math(): missing ')' in {self.text!r}")
            return inner
        raise GremlinError(f"math(): unexpected {text!r} in {self.text!r}")

    def evaluate(self, env: dict[str, float]) -> float:
        """The value for the given variable values."""
        return float(self.root(env))


@register("math")
class MathStep(MapStep):
    """math(expression).by(...)...: the expression's value (a double)."""

    accepts = frozenset({"by"})

    def setup(self, args: list[Any]) -> None:
        """One expression string."""
        if len(args) != 1:
            raise self.error(f"takes one expression, got {args!r}")
        self.expression = Expression(expect_str(self, args[0], "expression"))
        self.bys: list[ByModulator] = []

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator (they apply to the variables in turn)."""
        self.bys.append(ByModulator(args, "math"))

    def children(self) -> list[Traversal]:
        """The by() traversals."""
        return [b.traversal for b in self.bys if b.traversal is not None]

    def map(self, t: Traverser) -> Any:
        """Evaluate the expression for ``t`` (NO_VALUE when a variable has no value)."""
        env: dict[str, float] = {}
        bys = self.bys
        for i, var in enumerate(self.expression.variables):
            value = t.obj if var == CURRENT else scope_value(t, var, Pop.last, self.ctx)
            if value is NO_VALUE:
                value = None
            if bys:
                fn = bys[i % len(bys)].fn
                value = fn(t if var == CURRENT else t.replace(value))
                if value is NO_VALUE:
                    return NO_VALUE
            if not is_number(value):
                kind = "null" if value is None else type(value).__name__
                raise GremlinError(f"The variable {var} for math() step must resolve to a Number - "
                                   f"it is instead of type {kind} with value {value}")
            env[var] = float(value)
        return self.expression.evaluate(env)
