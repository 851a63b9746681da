"""What bounds one evaluation: its deadline, its traverser budget, its cancellation.

A :class:`Limits` is handed to ``engine.execute``; the traversal's context
checks it every few hundred traversers (:meth:`Limits.check`), so a traversal
past its deadline, over its budget or cancelled (its client went away) stops
within milliseconds, wherever it is. A traversal evaluating for longer than
:data:`LONG_RUNNING_S` also sleeps briefly at each check while other evaluations
run, so short ones get the interpreter; and an evaluation given a time slice
(:attr:`Limits.slice_end`, the server's quick path) stops with
:class:`SliceExpired` past it, to be evaluated again on a worker.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from stylegraph.graph.errors import GremlinError, TraversalTimeoutError

#: the env var that sets the server's traverser budget (named in the error)
BUDGET_SETTING = "STYLEGRAPH_GREMLIN_MAX_TRAVERSERS"


class TraverserBudgetError(GremlinError):
    """The traversal made more traversers than its budget allows (597, with the numbers)."""


class CancelledError(GremlinError):
    """The evaluation was cancelled (its client closed the connection, or the server stops)."""


class SliceExpired(BaseException):
    """The evaluation ran past its time slice and was abandoned (not an error: the caller
    evaluates it again where it may take longer). A BaseException, so that the engine's
    handlers, which turn any Exception into a Gremlin error, let it through."""


#: a traversal running longer than this is "long": it backs off when others need the GIL
LONG_RUNNING_S = 0.05
#: while others run, a long traversal sleeps (GIL released) at each check for this share of
#: the time it computed since the previous check: 1.0 halves its speed, and gives the event
#: loop and the short requests GIL-free windows instead of only the interpreter's forced
#: switches (every ``sys.getswitchinterval()``, and none while the OS has descheduled it)
BACK_OFF_SHARE = 1.0
#: the longest single back-off sleep
BACK_OFF_MAX_S = 0.002


@dataclass
class Limits:
    """Deadline (``time.monotonic()``), traverser budget (None: unlimited), cancel flag, and
    ``contended``: a callable telling whether other evaluations are running (the server's), so
    that a traversal evaluating for over :data:`LONG_RUNNING_S` sleeps briefly at each check and
    short ones get the GIL. ``evaluating_since`` is set by :meth:`begin` when the evaluation
    starts (time spent queued for a worker does not make a request "long"); ``slice_end``
    (``time.monotonic()``, None: no slice) ends the evaluation with :class:`SliceExpired`."""

    deadline: Optional[float] = None
    max_traversers: Optional[int] = None
    cancel: threading.Event = field(default_factory=threading.Event)
    contended: Optional[Callable[[], bool]] = None
    evaluating_since: Optional[float] = None
    slice_end: Optional[float] = None
    _last_check: float = 0.0

    def begin(self) -> None:
        """Mark the start of an evaluation (the engine calls it before the first traverser)."""
        self.evaluating_since = self._last_check = time.monotonic()

    def shorten(self, timeout_ms: float) -> None:
        """Move the deadline to ``timeout_ms`` from now if that is sooner."""
        own = time.monotonic() + timeout_ms / 1000.0
        self.deadline = own if self.deadline is None else min(self.deadline, own)

    def check(self, traversers: int) -> None:
        """Raise if the deadline passed, the request was cancelled or ``traversers`` is over budget."""
        now = time.monotonic()
        if self.deadline is not None and now > self.deadline:
            raise TraversalTimeoutError("traversal evaluation exceeded its timeout and was abandoned")
        if self.cancel.is_set():
            raise CancelledError("traversal evaluation was cancelled (the client went away)")
        if self.slice_end is not None and now > self.slice_end:
            raise SliceExpired()
        since, last = self.evaluating_since, self._last_check
        self._last_check = now
        if since is not None and self.contended is not None and now - since > LONG_RUNNING_S \
                and self.contended():
            time.sleep(min(BACK_OFF_MAX_S, BACK_OFF_SHARE * (now - last)))
            self._last_check = time.monotonic()
        if self.max_traversers is not None and traversers > self.max_traversers:
            raise TraverserBudgetError(
                f"the traversal made more than {self.max_traversers:,} traversers, the per-request budget "
                f"({BUDGET_SETTING}); narrow it (limit(), a tighter has(), a count() instead of the "
                "elements) or raise the budget")
