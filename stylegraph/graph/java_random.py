"""``java.util.Random``'s generator (a 48-bit linear congruential generator), so that
``withStrategies(SeedStrategy(seed: n))`` draws the same numbers TinkerPop does.

TinkerPop's SeedStrategy gives every random-aware step its own ``new Random(seed)``; the
engine does the same (``Context.seeded_random``) for the steps that draw exactly as
TinkerPop's do.
"""
from __future__ import annotations

_MULTIPLIER = 0x5DEECE66D
_ADDEND = 0xB
_MASK = (1 << 48) - 1
_DOUBLE_UNIT = 2.0 ** -53


class JavaRandom:
    """``java.util.Random(seed)``: :meth:`next_double` is ``nextDouble()``, :meth:`next_int`
    is ``nextInt(bound)``."""

    __slots__ = ("_seed",)

    def __init__(self, seed: int) -> None:
        self._seed = (seed ^ _MULTIPLIER) & _MASK

    def _next(self, bits: int) -> int:
        self._seed = (self._seed * _MULTIPLIER + _ADDEND) & _MASK
        return self._seed >> (48 - bits)

    def next_double(self) -> float:
        """A double uniformly drawn from [0, 1), as Java's ``nextDouble()``."""
        return ((self._next(26) << 27) + self._next(27)) * _DOUBLE_UNIT

    def random(self) -> float:
        """:meth:`next_double` under the name ``random.Random`` uses."""
        return self.next_double()

    def next_int(self, bound: int) -> int:
        """An int uniformly drawn from [0, bound), as Java's ``nextInt(bound)``."""
        if bound <= 0:
            raise ValueError("bound must be positive")
        r = self._next(31)
        m = bound - 1
        if bound & m == 0:  # a power of two
            return (bound * r) >> 31
        u = r
        r = u % bound
        while u - r + m >= 1 << 31:  # Java's int overflow test: redraw
            u = self._next(31)
            r = u % bound
        return r

    def randrange(self, bound: int) -> int:
        """:meth:`next_int` under the name ``random.Random`` uses (one argument only)."""
        return self.next_int(bound)
