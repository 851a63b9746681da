"""The explorer's server side: page route, title search, view export, standalone pages."""
from __future__ import annotations

import re

import pytest

from stylegraph.webapp.explorer_style import NO_IMAGE_SVG
from stylegraph.webapp.export_html import ExportError, inline_photos, link_photos, render_view
from .webapp_world import Live, World

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
# plain neighbourhood nodes (as /api/graph/neighborhood answers them) plus their place on screen
VIEW_NODES = [
    {"id": "a", "title": "Red dress", "image": "a.png", "brand": "Acme", "price": 10.0,
     "x": 0, "y": 0, "expanded": True},
    {"id": "b", "title": "Blue </script> shirt", "image": "b.png", "x": 80, "y": 20},
    {"id": "c", "title": "No photo", "image": "../../etc/passwd.png"},
    {"id": "a", "title": "Red dress again"},  # repeated: kept once
]
VIEW_EDGES = [
    {"from": "a", "to": "b", "type": "SIMILAR", "score": 0.93},
    {"from": "a", "to": "c", "type": "RECOMMENDED", "score": 0.41},
    {"from": "a", "to": "b", "type": "SIMILAR", "score": 0.93},  # repeated: kept once
    {"from": "a", "to": "zz", "type": "SIMILAR", "score": 0.5},  # dangling: dropped
]


def test_standalone_page_inlines_vis_style_and_photos_and_needs_no_network(tmp_path) -> None:
    (tmp_path / "a.png").write_bytes(PNG)  # b.png is missing; c points outside the catalog
    result = render_view(VIEW_NODES, VIEW_EDGES, title="A <view>", root="a", photo=inline_photos(tmp_path))
    html = result.html
    assert (result.nodes, result.edges, result.images_inlined) == (3, 2, 1)
    assert "@version 9.1.2" in html and "new vis.Network(" in html
    assert "stylegraphStyle.node(" in html  # the explorer's own styling step, inlined
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html), "external resource"
    assert "<title>A &lt;view&gt;</title>" in html
    assert "data:image/png;base64," in html and NO_IMAGE_SVG.split(",")[0] in html
    assert "Blue </script> shirt" not in html  # a title cannot close the script
    assert "Blue \\u003c/script\\u003e shirt" in html
    assert '"dashes":[8,6]' in html.replace(" ", "") and "Red dress again" not in html


def test_linked_photos_point_at_the_shop() -> None:
    result = render_view(VIEW_NODES[:1], [], title="t", photo=link_photos("https://shop.example/"))
    assert '"image_url": "https://shop.example/images/a.png"' in result.html
    assert result.images_inlined == 0
    with pytest.raises(ExportError, match="no nodes"):
        render_view([], [], title="t")


def test_explorer_page_serves_vis_itself(live: Live, world: World) -> None:
    pid = world.catalog.products[0].product_id
    page = live.get(f"/explore/{pid}")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f'"root":"{pid}"' in page.text.replace(" ", "")
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)
    js = live.get("/explore/vis/vis-network.min.js")
    assert js.status_code == 200 and "@version 9.1.2" in js.text[:400]
    assert "max-age=86400" in js.headers["Cache-Control"]
    assert live.get("/explore/vis/setup.py").status_code == 404  # only vis-network's two files
    assert live.get("/explore/static/explorer.js").status_code == 200
    assert live.get("/explore").status_code == 200


def test_text_search_by_id_and_title_words(live: Live, world: World) -> None:
    product = world.catalog.products[3]
    by_id = live.get("/api/search/text", params={"q": product.product_id}).json()
    assert by_id["results"][0]["id"] == product.product_id
    assert by_id["results"][0]["image"] == f"/images/{product.image}"
    words = product.title.upper().split()
    body = live.get("/api/search/text", params={"q": " ".join(reversed(words)), "limit": 50}).json()
    ids = [r["id"] for r in body["results"]]
    assert product.product_id in ids
    expected = {p.product_id for p in world.catalog.products
                if all(w.lower() in p.title.lower() for w in words)}
    assert set(ids) <= expected
    assert live.get("/api/search/text", params={"q": "no such thing"}).json()["results"] == []
    start = live.get("/api/search/text", params={"limit": 5}).json()["results"]
    assert len(start) == 5
    bad = live.get("/api/search/text", params={"q": "x", "limit": 0})
    assert bad.status_code == 400 and "limit" in bad.json()["error"]


def test_export_route_builds_the_page_with_the_catalog_photos(live: Live, world: World) -> None:
    products = world.catalog.products[:2]
    nodes = [{"id": p.product_id, "title": p.title, "image": p.image} for p in products]
    edges = [{"from": products[0].product_id, "to": products[1].product_id, "type": "SIMILAR", "score": 0.8}]
    response = live.post("/api/explore/export", json={"root": products[0].product_id, "title": "two",
                                                      "nodes": nodes, "edges": edges})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="stylegraph-{products[0].product_id}.html"'
    assert response.text.count("data:image/") >= 2
    assert response.headers["X-Export-Nodes"] == "2" and response.headers["X-Export-Edges"] == "1"


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"nodes": []}, 400, "nodes: List should have at least 1 item"),
        ({"nodes": "a"}, 400, "nodes: Input should be a valid list"),
        ({"nodes": [{"title": "x"}]}, 400, "nodes.0.id: Field required"),
        ({"nodes": [{"id": "a"}], "edges": [{"from": "a"}]}, 400, "edges.0.to: Field required"),
        ({"nodes": [{"id": "a"}], "edges": [{"from": "a", "to": "a", "type": "S", "score": "high"}]},
         400, "edges.0.score: Input should be a valid number"),
        ("text/plain", 400, "nodes: Field required"),  # not JSON: an empty view
        ("multipart/form-data", 415, "expected the body as application/json"),
    ],
)
def test_malformed_views_are_refused(live: Live, body, status: int, message: str) -> None:
    if isinstance(body, str):
        r = live.post("/api/explore/export", data="nope", headers={"Content-Type": body})
    else:
        r = live.post("/api/explore/export", json=body)
    assert r.status_code == status and message in r.json()["error"], r.text
