"""Which TinkerPop version's semantics a request gets (``3.7`` or ``3.8``).

A few results differ between TinkerPop 3.7 and 3.8 for the same bytecode: 3.8's
``sum()`` keeps the type of its numbers (3.7 widens integers to a Long),
``dateDiff()`` counts milliseconds (3.7: seconds), ``asNumber()`` accepts a date,
``asString()`` refuses null, and dates travel as ``OffsetDateTime`` (3.7: ``Date``).
The server learns the client's version from the ``User-Agent`` header TinkerPop's
drivers send on the websocket handshake (``"<app> Gremlin-Java.3.8.1 ..."``); a client
that sends none, and the embedded engine, get 3.7 (the project's pinned driver).
"""
from __future__ import annotations

import re

Dialect = tuple[int, int]

TP37: Dialect = (3, 7)
TP38: Dialect = (3, 8)
DEFAULT: Dialect = TP37

_GLV_VERSION = re.compile(r"Gremlin[-_ ]?[A-Za-z.#]*?[./ ](\d+)\.(\d+)")


def from_user_agent(user_agent: str | None) -> Dialect:
    """The TinkerPop version a driver's ``User-Agent`` names (:data:`DEFAULT` when none does)."""
    if not user_agent:
        return DEFAULT
    match = _GLV_VERSION.search(user_agent)
    if match is None:
        return DEFAULT
    version = (int(match.group(1)), int(match.group(2)))
    return TP38 if version >= TP38 else TP37
