"""Products, similar, recommendations and images, through a live server and the real graph."""
from __future__ import annotations

import pytest

from .webapp_world import MODEL_RUN, Live, World


def test_product_has_properties_and_image_url(live: Live, world: World) -> None:
    pid = world.catalog.products[0].product_id
    r = live.get(f"/api/products/{pid}")
    assert r.status_code == 200
    body = r.json()
    row = world.product(pid)
    assert body["id"] == pid
    assert body["title"] == row.title
    assert body["brand"] == row.brand
    assert body["category"] == row.category
    assert body["price"] == pytest.approx(row.price)
    assert body["in_stock"] is row.in_stock
    assert body["image"] == row.image
    assert body["image_url"] == f"/images/{row.image}"
    image = live.get(body["image_url"])
    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/png"
    assert image.content == (world.root / "catalog" / row.image).read_bytes()


def test_unknown_product_is_404_json(live: Live) -> None:
    for path in ("/api/products/NOPE", "/api/products/NOPE/similar", "/api/products/NOPE/recommendations"):
        r = live.get(path)
        assert r.status_code == 404, path
        assert r.headers["Content-Type"].startswith("application/json")
        assert "NOPE" in r.json()["error"]


def test_similar_top_k_by_score(live: Live, world: World) -> None:
    pid = world.catalog.products[1].product_id
    expected = sorted(world.similar[pid], key=lambda e: -e[1])
    r = live.get(f"/api/products/{pid}/similar", params={"k": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["product_id"] == pid and body["edge"] == "SIMILAR" and body["k"] == 2
    assert body["relation"] == "looks like"
    items = body["items"]
    assert [i["id"] for i in items] == [e[0] for e in expected[:2]]
    assert [i["score"] for i in items] == pytest.approx([e[1] for e in expected[:2]])
    for item in items:
        assert set(item) >= {"id", "title", "brand", "price", "image_url", "score"}
        assert item["image_url"] == f"/images/{world.product(item['id']).image}"
    default = live.get(f"/api/products/{pid}/similar").json()
    assert len(default["items"]) == len(expected)  # k=6 > 3 edges


def _pick_with_mixed_neighbours(world: World, key: str) -> tuple[str, list[str]]:
    """A product whose SIMILAR neighbours differ in ``key``, and its neighbour ids."""
    for pid, edges in world.similar.items():
        values = {getattr(world.product(dst), key) for dst, _ in edges}
        if len(values) > 1:
            return pid, [dst for dst, _ in sorted(edges, key=lambda e: -e[1])]
    pytest.fail(f"the generated catalog has no product whose neighbours differ in {key}")


def test_similar_filters_run_inside_the_traversal(live: Live, world: World) -> None:
    pid, nbrs = _pick_with_mixed_neighbours(world, "price")
    prices = sorted(world.product(n).price for n in nbrs)
    cut = (prices[0] + prices[-1]) / 2
    cheap = live.get(f"/api/products/{pid}/similar", params={"max_price": cut}).json()["items"]
    assert [i["id"] for i in cheap] == [n for n in nbrs if world.product(n).price <= cut]
    dear = live.get(f"/api/products/{pid}/similar", params={"min_price": cut}).json()["items"]
    assert [i["id"] for i in dear] == [n for n in nbrs if world.product(n).price >= cut]
    # k counts products after the filter: k=1 with a filter still finds a match
    one = live.get(f"/api/products/{pid}/similar", params={"min_price": cut, "k": 1}).json()["items"]
    assert [i["id"] for i in one] == [n for n in nbrs if world.product(n).price >= cut][:1]

    pid, nbrs = _pick_with_mixed_neighbours(world, "category")
    category = world.product(nbrs[-1]).category
    got = live.get(f"/api/products/{pid}/similar", params={"category": category}).json()["items"]
    assert [i["id"] for i in got] == [n for n in nbrs if world.product(n).category == category]

    for pid, edges in world.similar.items():
        for flag in ("true", "false"):
            got = live.get(f"/api/products/{pid}/similar", params={"in_stock": flag}).json()["items"]
            want = [d for d, _ in sorted(edges, key=lambda e: -e[1]) if world.product(d).in_stock is (flag == "true")]
            assert [i["id"] for i in got] == want


@pytest.mark.parametrize(
    "query",
    [
        {"k": 0},
        {"k": 101},
        {"k": "abc"},
        {"k": "1.5"},
        {"min_price": "cheap"},
        {"max_price": "nan"},
        {"in_stock": "maybe"},
    ],
)
def test_bad_parameters_are_400(live: Live, world: World, query: dict) -> None:
    pid = world.catalog.products[0].product_id
    for route in ("similar", "recommendations"):
        r = live.get(f"/api/products/{pid}/{route}", params=query)
        assert r.status_code == 400, (route, query, r.text)
        assert r.json()["error"]


def test_an_empty_price_band_matches_nothing(live: Live, world: World) -> None:
    pid = world.catalog.products[0].product_id
    r = live.get(f"/api/products/{pid}/similar", params={"min_price": 10, "max_price": 5})
    assert r.status_code == 200 and r.json()["count"] == 0 and r.json()["items"] == []


def test_recommendations_use_the_gnn_edges(live: Live, world: World) -> None:
    pid = world.catalog.products[0].product_id
    expected = sorted(world.recommended[pid], key=lambda e: -e[1])
    body = live.get(f"/api/products/{pid}/recommendations", params={"k": 6}).json()
    assert body["edge"] == "RECOMMENDED" and body["relation"] == "goes with"
    assert body["fallback"] is False
    assert body["model"] == MODEL_RUN
    assert [(i["id"], i["score"]) for i in body["items"]] == [(d, pytest.approx(s)) for d, s in expected]


def test_recommendations_fall_back_to_similar(live: Live, world: World) -> None:
    pid = next(p.product_id for p in world.catalog if p.product_id not in world.recommended)
    body = live.get(f"/api/products/{pid}/recommendations", params={"k": 2}).json()
    assert body["fallback"] is True
    assert body["edge"] == "SIMILAR"
    expected = sorted(world.similar[pid], key=lambda e: -e[1])[:2]
    assert [i["id"] for i in body["items"]] == [d for d, _ in expected]


def test_images_have_caching_headers_and_304(live: Live, world: World) -> None:
    url = f"/images/{world.catalog.products[2].image}"
    r = live.get(url)
    assert r.status_code == 200
    assert "max-age=" in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]
    assert r.headers.get("ETag") and r.headers.get("Last-Modified")
    again = live.get(url, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/images/../graph.db",
        "/images/%2e%2e/graph.db",
        "/images/..%2fgraph.db",
        "/images/images/..%2f..%2fgraph.db",
        "/images/%2fetc%2fpasswd",
        "/images//etc/passwd",
        "/images/catalog.csv",
        "/images/images/missing.png",
    ],
)
def test_images_refuse_path_traversal(live: Live, path: str) -> None:
    import http.client
    from urllib.parse import urlsplit

    # a raw request, so the client does not normalise the dots away
    parts = urlsplit(live.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 404, (path, body[:200])
    assert b"SQLite" not in body and b"root:" not in body
