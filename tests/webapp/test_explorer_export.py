"""The explorer's server side: page route, title search, view export, standalone pages."""
from __future__ import annotations

import re

import pytest

from stylegraph.webapp.explorer_style import NO_IMAGE_SVG
from stylegraph.webapp.export_html import ExportError, page_from_view
from .webapp_world import Live, World

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
VIEW_NODES = [
    {"id": "a", "label": "Red dress", "title": "Red dress · Acme · 10.00", "image": "/images/a.png",
     "brand": "Acme", "price": 10.0, "x": 0, "y": 0, "expanded": True},
    {"id": "b", "label": "Blue </script> shirt", "image": "/images/b.png", "x": 80, "y": 20},
    {"id": "c", "label": "No photo"},
]
VIEW_EDGES = [
    {"from": "a", "to": "b", "type": "SIMILAR", "score": 0.93},
    {"from": "a", "to": "c", "type": "RECOMMENDED", "score": 0.41},
    {"from": "a", "to": "zz", "type": "SIMILAR", "score": 0.5},  # dangling: dropped
]


def test_standalone_page_inlines_vis_and_photos_and_needs_no_network() -> None:
    fetched = []

    def fetch(url: str):
        fetched.append(url)
        return ("image/png", PNG) if url == "/images/a.png" else None

    result = page_from_view(VIEW_NODES, VIEW_EDGES, title="A <view>", root="a", fetch_image=fetch)
    html = result.html
    assert (result.nodes, result.edges, result.images_inlined) == (3, 2, 1)
    assert sorted(fetched) == ["/images/a.png", "/images/b.png"]
    assert "@version 9.1.2" in html and "new vis.Network(" in html
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html), "external resource"
    assert "<title>A &lt;view&gt;</title>" in html
    assert "data:image/png;base64," in html and NO_IMAGE_SVG.split(",")[0] in html
    assert "Blue </script> shirt" not in html  # a label cannot close the script
    assert "Blue \\u003c/script\\u003e shirt" in html
    assert '"dashes": [8, 6]' in html and '"dashes": false' in html


@pytest.mark.parametrize(
    "nodes, edges, message",
    [
        ([], [], "no nodes"),
        ("a", [], "must be lists"),
        ([{"label": "x"}], [], "needs an id"),
        ([{"id": "a"}], [{"from": "a"}], "needs from and to"),
        ([{"id": "a"}], [{"from": "a", "to": "a", "score": "high"}], "must be a number"),
    ],
)
def test_malformed_views_are_refused(nodes, edges, message) -> None:
    with pytest.raises(ExportError, match=message):
        page_from_view(nodes, edges, title="t")


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


def test_export_route_builds_the_page_with_app_photos(live: Live, world: World) -> None:
    products = world.catalog.products[:2]
    nodes = [{"id": p.product_id, "label": p.title, "image": f"/images/{p.image}"} for p in products]
    edges = [{"from": products[0].product_id, "to": products[1].product_id, "type": "SIMILAR", "score": 0.8}]
    response = live.post("/explore/export", json={"root": products[0].product_id, "title": "two",
                                                 "nodes": nodes, "edges": edges})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="stylegraph-{products[0].product_id}.html"'
    assert response.text.count("data:image/") >= 2
    bad = live.post("/explore/export", json={"nodes": []})
    assert bad.status_code == 400 and "no nodes" in bad.json()["error"]
    assert live.post("/explore/export", data="nope").status_code == 400
