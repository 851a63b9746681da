"""Java's number types and TinkerPop's arithmetic over them (``NumberHelper``).

The engine holds each Java number type as its own Python type: Byte ``SingleByte``,
Short ``short``, Integer ``int``, Long ``long``, BigInteger ``bigint`` (gremlinpython's
wrappers), Float :class:`Float32`, Double ``float`` and BigDecimal ``decimal.Decimal``.
:func:`add`, :func:`jmax` and :func:`jmin` follow TinkerPop's NumberHelper: both operands
are taken to their highest common type (a Float with a Long is a Double, anything
floating with a BigInteger a BigDecimal) and an integral overflow promotes the result to
the next width (Byte to Short to Integer to Long; a Long overflow is an error), a Float
overflow to a Double.
"""
from __future__ import annotations

import decimal
import math
import struct
from typing import Any

from gremlin_python.statics import SingleByte, bigint, long, short


class Float32(float):
    """A Java Float: a double rounded to single precision that keeps its type on the wire."""

    def __new__(cls, value: Any = 0.0) -> "Float32":
        """``value`` rounded to the nearest single-precision float (too large: +/-Infinity)."""
        x = float(value)
        if math.isfinite(x):
            try:
                x = struct.unpack(">f", struct.pack(">f", x))[0]
            except OverflowError:
                x = math.copysign(math.inf, x)
        return super().__new__(cls, x)

    def __repr__(self) -> str:
        """The shortest decimal that reads back as this Float (Java's Float.toString: ``0.1``,
        not the double ``0.10000000149011612``)."""
        x = float(self)
        if not math.isfinite(x):
            return repr(x)
        for digits in range(1, 10):
            text = f"{x:.{digits}g}"
            if Float32(float(text)) == self:
                return repr(float(text))
        return repr(x)

    __str__ = __repr__


# (bits, floating point) of each Java type, as NumberHelper ranks them
_INFO: dict[type, tuple[int, bool]] = {
    SingleByte: (8, False), short: (16, False), int: (32, False), long: (64, False), bigint: (128, False),
    Float32: (32, True), float: (64, True), decimal.Decimal: (128, True),
}
_INTEGRAL = {8: SingleByte, 16: short, 32: int, 64: long, 128: bigint}
_FLOATING = {32: Float32, 64: float, 128: decimal.Decimal}


def is_java_number(x: Any) -> bool:
    """Whether ``x`` is a number (not a boolean)."""
    return isinstance(x, (int, float, decimal.Decimal)) and not isinstance(x, bool)


def _info(x: Any) -> tuple[int, bool]:
    t = type(x)
    if t in _INFO:
        return _INFO[t]
    if isinstance(x, float):
        return _INFO[float]
    if isinstance(x, decimal.Decimal):
        return _INFO[decimal.Decimal]
    # a plain int the engine made: the width its value needs
    return (32, False) if -2**31 <= x < 2**31 else (64, False) if -2**63 <= x < 2**63 else (128, False)


def common_type(*numbers: Any) -> type:
    """The highest common Java type of ``numbers`` (NumberHelper.getHighestCommonNumberClass)."""
    bits, fp = _common(numbers)
    return _FLOATING[max(bits, 32)] if fp else _INTEGRAL[bits]


def _common(numbers: Any) -> tuple[int, bool]:
    bits, fp = 8, False
    for n in numbers:
        if n is None or _is_nan(n):
            continue
        b, f = _info(n)
        bits, fp = max(bits, b), fp or f
    return bits, fp


def _is_nan(x: Any) -> bool:
    return isinstance(x, float) and x != x


def convert(x: Any, cls: type) -> Any:
    """``x`` as Java type ``cls`` (a floating value to an integral type truncates)."""
    if cls is decimal.Decimal:
        if isinstance(x, decimal.Decimal):
            return x
        return decimal.Decimal(repr(float(x))) if isinstance(x, float) else decimal.Decimal(int(x))
    if cls in (float, Float32):
        return cls(x)
    value = int(x)
    return value if cls is int else cls(value)


def _fits(value: int, bits: int) -> bool:
    return bits >= 128 or -2**(bits - 1) <= value < 2**(bits - 1)


def add(a: Any, b: Any) -> Any:
    """``a + b`` in their highest common type, promoted on overflow (NumberHelper.add);
    ``null + b`` is null and ``a + null`` is ``a``, as in TinkerPop."""
    if a is None or b is None:
        return a
    bits, fp = _common((a, b))
    if fp:
        if bits >= 128:
            return convert(a, decimal.Decimal) + convert(b, decimal.Decimal)
        total = float(a) + float(b)
        if bits <= 32:
            result = Float32(total)
            return total if math.isinf(result) else result  # a Float overflow: a Double
        return total
    total = int(a) + int(b)
    while not _fits(total, bits):
        if bits >= 64:
            raise ArithmeticError("long overflow")
        bits *= 2
    return convert(total, _INTEGRAL[bits])


def _pick(a: Any, b: Any, want_max: bool) -> Any:
    if a is None or b is None:
        return b if a is None else a
    if _is_nan(a) or _is_nan(b):
        return b if _is_nan(a) else a
    cls = common_type(a, b)
    x, y = convert(a, cls), convert(b, cls)
    if want_max:
        return x if x >= y else y
    return x if x <= y else y


def jmax(a: Any, b: Any) -> Any:
    """The larger number in the two's highest common type (nulls and NaN lose: NumberHelper.max)."""
    return _pick(a, b, True)


def jmin(a: Any, b: Any) -> Any:
    """The smaller number in the two's highest common type (nulls and NaN lose: NumberHelper.min)."""
    return _pick(a, b, False)
