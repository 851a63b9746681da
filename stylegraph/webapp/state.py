"""What one app instance owns: settings, its one product graph, the read cache, visual search."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from flask import Flask, current_app

from stylegraph.queries.connect import as_product_graph
from stylegraph.queries.interface import ProductGraph
from stylegraph.settings import Settings
from stylegraph.webapp.cache import ReadCache

EXTENSION = "stylegraph"


@dataclass
class AppState:
    """Per-app state, kept in ``app.extensions["stylegraph"]`` (never on ``flask.g``)."""

    settings: Settings
    connect: Callable[[], Any]
    cache: Optional[ReadCache] = None
    owns_g: bool = False
    _g: Any = None
    _search: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def g(self) -> ProductGraph:
        """The app's product graph (``stylegraph.queries`` interface), connected on first use."""
        if self._g is None:
            with self._lock:
                if self._g is None:
                    self._g = as_product_graph(self.connect())
        return self._g

    @property
    def search(self) -> Any:
        """The app's :class:`~stylegraph.webapp.search.VisualSearch`, created on first use."""
        if self._search is None:
            with self._lock:
                if self._search is None:
                    from stylegraph.webapp.search import VisualSearch

                    self._search = VisualSearch(
                        self.settings.data_dir,
                        max_batch=self.settings.search_max_batch,
                        max_wait_ms=self.settings.search_max_wait_ms,
                    )
        return self._search

    def connection_lost(self) -> None:
        """Drop ``g`` after the graph became unreachable, so that the next request connects
        afresh: gremlinpython does not reopen a websocket the server closed. A ``g`` handed
        to ``create_app`` is the caller's and is kept."""
        if not self.owns_g:
            return
        with self._lock:
            g, self._g = self._g, None
        if g is not None:
            try:
                g.close()
            except Exception:  # noqa: BLE001 - the connection is broken already; nothing to save
                pass

    def close(self) -> None:
        """Stop visual search and close ``g`` if the app opened it."""
        if self._search is not None:
            self._search.close()
            self._search = None
        if self._g is not None and self.owns_g:
            self._g.close()
        self._g = None


def get_state(app: Optional[Flask] = None) -> AppState:
    """The :class:`AppState` of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]


def get_g() -> ProductGraph:
    """The current app's product graph (one per app, shared by all requests)."""
    return get_state().g
