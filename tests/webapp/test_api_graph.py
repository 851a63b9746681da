"""Neighbourhood (explorer data), stats, health, JSON errors and cache invalidation."""
from __future__ import annotations

import time

import pytest
import requests
from gremlin_python.process.traversal import Cardinality

from .webapp_world import KNN_K, MODEL_RUN, N_PRODUCTS, RECOMMENDED_FOR, Live, World, app_settings


def test_neighborhood_depth_one_is_plain_products_and_edges(live: Live, world: World) -> None:
    pid = world.catalog.products[0].product_id
    body = live.get("/api/graph/neighborhood", params={"id": pid, "edge": "SIMILAR"}).json()
    assert body["root"] == pid
    ids = {n["id"] for n in body["nodes"]}
    assert ids == {pid} | {d for d, _ in world.similar[pid]}
    root = next(n for n in body["nodes"] if n["id"] == pid)
    assert root["level"] == 0
    for node in body["nodes"]:
        product = world.product(node["id"])
        # the same product fields as /api/products/<id>, untouched: no vis.js shaping
        assert node["title"] == product.title and node["image"] == product.image
        assert node["image_url"] == f"/images/{product.image}"
        assert not {"shape", "group", "value", "root"} & set(node)
    scores = dict(world.similar[pid])
    assert {(e["from"], e["to"]) for e in body["edges"]} == {(pid, d) for d in scores}
    for edge in body["edges"]:
        assert edge["type"] == "SIMILAR" and edge["score"] == pytest.approx(scores[edge["to"]])
        assert set(edge) <= {"from", "to", "type", "kind", "score"}


def test_neighborhood_depth_limit_edge_and_min_score(live: Live, world: World) -> None:
    pid = world.catalog.products[0].product_id
    two = live.get("/api/graph/neighborhood", params={"id": pid, "depth": 2, "edge": "SIMILAR"}).json()
    expected = {pid} | {d for d, _ in world.similar[pid]}
    for d, _ in world.similar[pid]:
        expected |= {x for x, _ in world.similar[d]}
    assert {n["id"] for n in two["nodes"]} == expected
    assert max(n["level"] for n in two["nodes"]) == 2

    limited = live.get("/api/graph/neighborhood", params={"id": pid, "depth": 3, "limit": 3}).json()
    assert len(limited["nodes"]) == 3 and limited["truncated"] is True

    both = live.get("/api/graph/neighborhood", params={"id": pid, "edge": "both"}).json()
    assert {e["type"] for e in both["edges"]} == {"SIMILAR", "RECOMMENDED"}
    rec = live.get("/api/graph/neighborhood", params={"id": pid, "edge": "RECOMMENDED"}).json()
    assert {e["type"] for e in rec["edges"]} == {"RECOMMENDED"}
    listed = live.get("/api/graph/neighborhood",
                      params={"id": pid, "edge": "similar,RECOMMENDED"}).json()
    assert {e["type"] for e in listed["edges"]} == {"SIMILAR", "RECOMMENDED"}
    everything = live.get("/api/graph/neighborhood", params={"id": pid, "edge": "all"}).json()
    assert {e["type"] for e in everything["edges"]} >= {"SIMILAR", "RECOMMENDED"}

    scores = sorted(s for _, s in world.similar[pid])
    cut = scores[-1]
    high = live.get(
        "/api/graph/neighborhood", params={"id": pid, "edge": "SIMILAR", "min_score": cut}
    ).json()
    assert all(e["score"] >= cut for e in high["edges"])
    assert len(high["edges"]) == sum(1 for s in scores if s >= cut)


@pytest.mark.parametrize(
    "query, status",
    [
        ({}, 400),
        ({"id": "P000000", "depth": 0}, 400),
        ({"id": "P000000", "depth": 4}, 400),
        ({"id": "P000000", "limit": 0}, 400),
        ({"id": "P000000", "edge": "LIKES"}, 400),
        ({"id": "P000000", "min_score": "high"}, 400),
        ({"id": "NOPE"}, 404),
    ],
)
def test_neighborhood_errors(live: Live, query: dict, status: int) -> None:
    r = live.get("/api/graph/neighborhood", params=query)
    assert r.status_code == status, r.text
    assert r.json()["error"]


def test_stats_counts_and_models(live: Live) -> None:
    body = live.get("/api/stats").json()
    assert body["vertices"]["product"] == N_PRODUCTS
    assert body["edges"]["SIMILAR"] == N_PRODUCTS * KNN_K
    assert body["edges"]["RECOMMENDED"] == RECOMMENDED_FOR * 3
    assert body["recommendation_model"] == MODEL_RUN
    assert body["embedding_model"].startswith("resnet18-random0")
    assert body["cache"]["max_entries"] > 0


def test_healthz(live: Live, world: World) -> None:
    from stylegraph.webapp import close_app, create_app
    from stylegraph.webapp.server import BackgroundServer

    ok = live.get("/healthz")
    assert ok.status_code == 200 and ok.json()["status"] == "ok"

    # an app whose graph is a Gremlin server that is not there
    app = create_app(app_settings(world, graph_url="ws://127.0.0.1:9/gremlin"))
    with BackgroundServer(app, threads=2) as server:
        down = requests.get(server.url + "/healthz", timeout=30)
        assert down.status_code == 503
        assert down.json()["error"]
        similar = requests.get(server.url + "/api/products/P000001/similar", timeout=30)
        assert similar.status_code == 503
    close_app(app)


def test_unknown_route_and_wrong_method_are_json(live: Live) -> None:
    r = live.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["error"]
    r = live.http.delete(live.url + "/api/stats", timeout=10)
    assert r.status_code == 405 and r.json()["error"]
    r = live.get("/api/search/image")
    assert r.status_code == 405 and r.json()["error"]


def test_cache_serves_repeats_and_is_invalidated_by_a_write(live: Live, world: World) -> None:
    from stylegraph.queries.meta import bump_version

    pid = world.catalog.products[5].product_id
    path = f"/api/products/{pid}"
    first = live.get(path)
    second = live.get(path)
    assert second.headers["X-Cache"] == "HIT"
    assert second.json() == first.json()
    old_title = first.json()["title"]

    world.g.V(pid).property(Cardinality.single, "title", "Renamed in test").iterate()
    bump_version(world.g)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        body = live.get(path).json()
        if body["title"] == "Renamed in test":
            break
        time.sleep(0.01)
    assert body["title"] == "Renamed in test"
    # the similar lists that show this product changed too
    src = next(s for s, edges in world.similar.items() if any(d == pid for d, _ in edges))
    items = live.get(f"/api/products/{src}/similar").json()["items"]
    assert next(i for i in items if i["id"] == pid)["title"] == "Renamed in test"

    world.g.V(pid).property(Cardinality.single, "title", old_title).iterate()
    bump_version(world.g)
    time.sleep(0.05)
    assert live.get(path).json()["title"] == old_title


NASTY = ["%00", "%ff%fe", "a" * 5000, "%E2%98%83", "%27%3B%20drop", "%0A", "..", "%2e%2e", "\\u0000", "1e309", "-1", "99999999999999999999999"]


def test_nasty_input_never_gets_a_500(live: Live) -> None:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(live.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    paths = []
    for value in NASTY:
        paths += [
            f"/api/products/{value}",
            f"/api/products/{value}/similar",
            f"/api/products/P000001/similar?k={value}&min_price={value}",
            f"/api/products/P000001/recommendations?category={value}&in_stock={value}",
            f"/api/graph/neighborhood?id={value}&depth={value}",
            f"/api/graph/neighborhood?id=P000001&limit={value}&min_score={value}&edge={value}",
            f"/images/{value}",
        ]
    try:
        for path in paths:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            assert response.status < 500, (path, response.status, body[:300])
            if path.startswith("/api/") and response.status >= 400:
                assert response.getheader("Content-Type", "").startswith("application/json"), path
    finally:
        conn.close()
