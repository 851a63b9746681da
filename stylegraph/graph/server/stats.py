"""The server's counters and gauges (shown by ``/healthz``), safe to touch from worker threads.

``quick``: requests answered on the event loop's quick path (see ``requests``); ``running``:
evaluations under way; ``answering``: bytecode requests between dispatch and their last frame."""
from __future__ import annotations

import threading

#: counters that only go up
COUNTERS = ("connections", "frames", "requests", "errors", "timeouts", "cancelled", "over_budget",
            "auth_failures", "evaluation_ms", "quick")
#: gauges: how many of something there are right now
GAUGES = ("running", "answering")


class Stats:
    """Named integer counters and gauges behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, int] = dict.fromkeys(COUNTERS + GAUGES, 0)

    def count(self, key: str, n: int = 1) -> None:
        """Add ``n`` (may be negative, for a gauge) to ``key``."""
        with self._lock:
            self._values[key] = self._values.get(key, 0) + n

    def __getitem__(self, key: str) -> int:
        """The current value of ``key`` (0 if never counted)."""
        with self._lock:
            return self._values.get(key, 0)

    def snapshot(self) -> dict[str, int]:
        """Every counter and gauge, sorted by name."""
        with self._lock:
            return dict(sorted(self._values.items()))
