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
    """``java.util.Random(seed)``: :meth:`next_double` is ``nextDouble()``."""

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
