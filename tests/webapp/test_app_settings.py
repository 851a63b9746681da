"""``create_app(settings)`` opens its graph with those settings, not the process-wide ones."""
from __future__ import annotations

from pathlib import Path

from stylegraph.graph.connect import connection_of
from stylegraph.settings import Settings
from stylegraph.webapp import close_app, create_app, get_state


def test_the_app_opens_its_graph_with_its_own_settings(tmp_path: Path) -> None:
    settings = Settings.from_env({}, graph_url=f"embedded://{tmp_path / 'graph.db'}",
                                 graph_indexed_keys="color", graph_sync="full", cache_size=0)
    app = create_app(settings)
    try:
        graph = connection_of(get_state(app).g.g).graph  # the GremlinProductGraph's g
        assert graph.indexed("color") and not graph.indexed("colour")
        (synchronous,) = graph._store._db.execute("PRAGMA synchronous").fetchone()
        assert synchronous == 2  # FULL; NORMAL is 1
    finally:
        close_app(app)
