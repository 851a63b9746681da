"""What bounds one evaluation: its deadline, its traverser budget, its cancellation.

A :class:`Limits` is handed to ``engine.execute``; the traversal's context
checks it every few hundred traversers (:meth:`Limits.check`), so a traversal
past its deadline, over its budget or cancelled (its client went away) stops
within milliseconds, wherever it is.
"""
from __future__ import annotations

import re
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


#: the TinkerPop version whose step semantics an evaluation follows when the client does not say
#: (the project's pinned driver and Neptune speak 3.7)
DEFAULT_DIALECT: tuple[int, int] = (3, 7)


def dialect_from_user_agent(user_agent: str | None) -> tuple[int, int]:
    """The TinkerPop (major, minor) a driver speaks, read from the User-Agent its websocket
    handshake sends ("... Gremlin-Java.3.8.1 ...", "Gremlin-Python.3.7.7 ..."); the default
    when there is none or it names no version."""
    match = re.search(r"Gremlin-[A-Za-z]+\.(\d+)\.(\d+)", user_agent or "")
    if match is None:
        return DEFAULT_DIALECT
    return int(match.group(1)), int(match.group(2))


#: a traversal running longer than this is "long": it backs off when others need the GIL
LONG_RUNNING_S = 0.05
#: how long a long traversal sleeps (GIL released) at each check while others run
BACK_OFF_S = 0.0002


@dataclass
class Limits:
    """Deadline (``time.monotonic()``), traverser budget (None: unlimited), cancel flag, and
    ``contended``: a callable telling whether other evaluations are running (the server's), so
    that a long traversal sleeps briefly at each check and short ones get the GIL. ``dialect``:
    the TinkerPop (major, minor) whose semantics the client expects where 3.7 and 3.8 differ
    (the server reads it from the driver's User-Agent)."""

    deadline: Optional[float] = None
    max_traversers: Optional[int] = None
    cancel: threading.Event = field(default_factory=threading.Event)
    contended: Optional[Callable[[], bool]] = None
    started: float = field(default_factory=time.monotonic)
    dialect: tuple[int, int] = DEFAULT_DIALECT

    def shorten(self, timeout_ms: float) -> None:
        """Move the deadline to ``timeout_ms`` from now if that is sooner."""
        own = time.monotonic() + timeout_ms / 1000.0
        self.deadline = own if self.deadline is None else min(self.deadline, own)

    def check(self, traversers: int) -> None:
        """Raise if the deadline passed, the request was cancelled or ``traversers`` is over budget."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TraversalTimeoutError("traversal evaluation exceeded its timeout and was abandoned")
        if self.cancel.is_set():
            raise CancelledError("traversal evaluation was cancelled (the client went away)")
        if self.contended is not None and time.monotonic() - self.started > LONG_RUNNING_S and self.contended():
            time.sleep(BACK_OFF_S)
        if self.max_traversers is not None and traversers > self.max_traversers:
            raise TraverserBudgetError(
                f"the traversal made more than {self.max_traversers:,} traversers, the per-request budget "
                f"({BUDGET_SETTING}); narrow it (limit(), a tighter has(), a count() instead of the "
                "elements) or raise the budget")
