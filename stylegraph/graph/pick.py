"""``Pick.unproductive`` (TinkerPop 3.8: the option a choose()/branch() traverser takes when
its choice traversal produces nothing), which gremlinpython 3.7's ``Pick`` enum lacks."""
from __future__ import annotations

from typing import Any

from gremlin_python.process.traversal import Pick


class _Unproductive:
    """The one ``Pick.unproductive`` value the wire readers give a 3.7 gremlinpython."""

    def __repr__(self) -> str:
        return "Pick.unproductive"


UNPRODUCTIVE: Any = getattr(Pick, "unproductive", None) or _Unproductive()


def is_unproductive(key: Any) -> bool:
    """Whether an option() key is ``Pick.unproductive``."""
    return key is UNPRODUCTIVE
