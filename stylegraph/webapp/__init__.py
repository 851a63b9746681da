"""The stylegraph Flask app: shop API (``api`` blueprint) and merchandiser explorer.

``create_app(settings=None, g=None)`` builds one app with one graph traversal
source, reached through :func:`get_g` (never per request on ``flask.g``). When
``g`` is not given, the app connects to ``settings.graph_url`` on first use and
closes that connection in :func:`close_app`.
"""
from __future__ import annotations

import importlib
import logging
from typing import Any, Optional

from flask import Flask

from stylegraph.queries.connect import as_product_graph
from stylegraph.settings import Settings, get_settings
from stylegraph.webapp.cache import ReadCache, ResponseCache, VersionWatch
from stylegraph.webapp.errors import register_error_handlers
from stylegraph.webapp.state import EXTENSION, AppState, get_g, get_state

__all__ = ["create_app", "close_app", "get_g", "get_state"]

log = logging.getLogger(__name__)


def create_app(settings: Optional[Settings] = None, g: Any = None) -> Flask:
    """A configured app; ``g`` (a ProductGraph, or a Gremlin ``g``) overrides ``settings.graph_url``."""
    settings = settings or get_settings()
    app = Flask(__name__, static_folder=None)  # the explorer serves its own files
    app.config.update(
        MAX_CONTENT_LENGTH=settings.upload_max_bytes + 64 * 1024,  # room for multipart framing
        JSON_SORT_KEYS=False,
    )
    # no 308 redirects for "//": a doubled slash is a 404 like any other bad path
    app.url_map.merge_slashes = False
    app.json.sort_keys = False
    app.json.compact = True

    def connect() -> Any:
        from stylegraph.queries.connect import connect as connect_url

        return connect_url(settings.graph_url, settings=settings)

    state = AppState(settings=settings, connect=connect, owns_g=g is None,
                     _g=None if g is None else as_product_graph(g))
    if settings.cache_size > 0:
        watch = VersionWatch(lambda: state.g.get_version(), settings.cache_check_ms)
        state.cache = ReadCache(watch, settings.cache_size)
        app.wsgi_app = ResponseCache(app.wsgi_app, state.cache)  # type: ignore[method-assign]
    app.extensions[EXTENSION] = state

    register_error_handlers(app, on_graph_lost=state.connection_lost)
    from stylegraph.webapp.api import bp as api_bp

    app.register_blueprint(api_bp)
    for module in ("stylegraph.webapp.explorer", "stylegraph.webapp.analytics_api",
                   "stylegraph.webapp.curation_api", "stylegraph.webapp.compare_api",
                   "stylegraph.webapp.inspection"):
        blueprint = _optional_blueprint(module)
        if blueprint is not None:
            app.register_blueprint(blueprint)
    return app


def _optional_blueprint(module_name: str) -> Any:
    """The blueprint of ``module_name`` (``bp``, else its only one) if the module exists."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    from flask import Blueprint

    found = getattr(module, "bp", None)
    if isinstance(found, Blueprint):
        return found
    blueprints = [v for v in vars(module).values() if isinstance(v, Blueprint)]
    return blueprints[0] if blueprints else None


def close_app(app: Flask) -> None:
    """Stop the app's background work and close the graph connection it opened."""
    from stylegraph.webapp.inspection import close_inspection

    close_inspection(app)
    get_state(app).close()
