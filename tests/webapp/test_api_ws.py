"""The same API answers over WebSocket: the app's ``g`` is gremlinpython's driver to our Gremlin server.

A Gremlin server (``stylegraph.graph.server``) serves the world's graph; a
second app connects to it by URL (``ws://...``), as ``stylegraph serve`` does
in ``make demo`` and in docker-compose. Every read endpoint must answer
exactly as the in-process (embedded) app does, and a write made next to the
server must reach the WebSocket app's cache too.
"""
from __future__ import annotations

import time
from typing import Iterator

import pytest
import requests
from gremlin_python.process.traversal import Cardinality

from .webapp_world import Live, World, app_settings

VOLATILE = {"cache", "search", "graph_version"}


@pytest.fixture(scope="module")
def live_ws(world: World) -> Iterator[Live]:
    """An app whose graph is ``ws://`` to a Gremlin server on the world's graph."""
    from stylegraph.graph.server import start_server
    from stylegraph.webapp import close_app, create_app
    from stylegraph.webapp.server import BackgroundServer

    graph = world.g.remote_connection.graph  # the embedded Graph behind the world's g
    gremlin = start_server(graph, "127.0.0.1", 0, app_settings(world))
    app = create_app(app_settings(world, graph_url=gremlin.url))
    try:
        with BackgroundServer(app, threads=4) as server, requests.Session() as http:
            yield Live(url=server.url, app=app, http=http)
    finally:
        close_app(app)
        gremlin.stop()


def _paths(world: World) -> list[str]:
    ids = [p.product_id for p in world.catalog.products]
    with_recs = next(iter(world.recommended))
    without_recs = next(i for i in ids if i not in world.recommended)
    return [
        f"/api/products/{ids[0]}",
        "/api/products/NOPE",
        f"/api/products/{ids[1]}/similar?k=2",
        f"/api/products/{ids[2]}/similar?in_stock=true&min_price=10&max_price=400",
        f"/api/products/{ids[3]}/similar?category={world.product(ids[3]).category}",
        f"/api/products/{with_recs}/recommendations",
        f"/api/products/{without_recs}/recommendations?k=2",
        f"/api/graph/neighborhood?id={ids[0]}&depth=2&edge=both",
        f"/api/graph/neighborhood?id={ids[4]}&depth=3&limit=7&edge=SIMILAR&min_score=0.5",
        "/api/stats",
        "/api/products/P000001/similar?k=0",
    ]


def _stable(body: object) -> object:
    if isinstance(body, dict):
        return {k: _stable(v) for k, v in body.items() if k not in VOLATILE}
    if isinstance(body, list):
        return [_stable(v) for v in body]
    return body


def test_every_read_endpoint_answers_the_same_over_websocket(live: Live, live_ws: Live, world: World) -> None:
    for path in _paths(world):
        local, remote = live.get(path), live_ws.get(path)
        assert remote.status_code == local.status_code, (path, remote.text)
        assert _stable(remote.json()) == _stable(local.json()), path


def test_health_over_websocket(live_ws: Live) -> None:
    body = live_ws.get("/healthz").json()
    assert body["status"] == "ok" and body["graph_version"] > 0


def test_a_write_reaches_the_websocket_apps_cache(live_ws: Live, world: World) -> None:
    from stylegraph.queries.meta import bump_version

    pid = world.catalog.products[9].product_id
    path = f"/api/products/{pid}"
    before = live_ws.get(path).json()
    assert live_ws.get(path).headers["X-Cache"] == "HIT"
    try:
        world.g.V(pid).property(Cardinality.single, "price", 1234.5).iterate()
        bump_version(world.g)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and live_ws.get(path).json()["price"] != 1234.5:
            time.sleep(0.02)
        assert live_ws.get(path).json()["price"] == 1234.5
    finally:
        world.g.V(pid).property(Cardinality.single, "price", before["price"]).iterate()
        bump_version(world.g)
        time.sleep(0.1)  # past every app's version-check interval (20 ms), for the tests after this one
