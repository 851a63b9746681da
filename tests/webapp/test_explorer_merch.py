"""The explorer's merchandiser tools in headless chromium against live apps and real graphs:
colour by cluster, the why panel, a pin and a ban round trip, the compare view, a photo upload."""
from __future__ import annotations

import json

import pytest

from .explorer_fixtures import Chromium, Page, chromium, page  # noqa: F401 (fixtures)
from .merch_world import TOKEN, Shop, shop  # noqa: F401 (fixture)
from .webapp_world import Live, World

EX = "window.stylegraphExplorer"
M = "window.stylegraphMerch"


def open_page(page: Page, url: str, root: str | None = None) -> None:
    page.navigate(url + (f"/explore/{root}" if root else "/explore"))
    page.wait_for(f"{EX} && {M} && {EX}.idle() && {M}.idle()"
                  + (f" && {EX}.nodesView.length > 1" if root else ""))


@pytest.fixture
def clean_shop(shop: Shop):
    yield shop
    from stylegraph.queries.curation import list_curations, remove_curations

    remove_curations(shop.g, [(r.product, r.item) for r in list_curations(shop.g)])
    shop.app.extensions["stylegraph"].cache.refresh()


def test_colour_by_cluster_and_cluster_list(page: Page, shop: Shop) -> None:
    open_page(page, shop.url, "A0")
    page.wait_for("document.querySelectorAll('#cluster-list li').length === 3")
    page.evaluate("document.getElementById('cluster-colour').click()")
    page.wait_for(f"{M}.idle() && {EX}.nodes.get().every(n => n.cluster !== null && n.cluster !== undefined)")
    nodes = page.evaluate(f"{EX}.nodes.get().map(n => [n.id, n.cluster, n.color.border])")
    palette = page.evaluate(f"{M}.palette")
    truth = shop.get("/api/analytics/clusters", params={"ids": ",".join(n[0] for n in nodes)}).json()["assignments"]
    assert {pid: c for pid, c, _ in nodes} == truth
    assert all(border == palette[c % len(palette)] for _, c, border in nodes)
    colours = {pid[0]: border for pid, _, border in nodes}
    assert len({b for pid, _, b in nodes if pid.startswith("A")}) == 1
    assert colours["A"] != colours["B"]
    # nodes added by an expand get their colour too
    page.evaluate(f"{EX}.expand('B1')")
    page.wait_for(f"{EX}.idle() && {M}.idle() && {EX}.nodes.get().every(n => n.cluster !== null && n.cluster !== undefined)")
    assert page.evaluate(f"{EX}.nodes.length") > len(nodes)
    # turning it off restores the plain borders
    page.evaluate("document.getElementById('cluster-colour').click()")
    page.wait_for(f"{EX}.nodes.get().every(n => n.cluster === null)")
    assert page.console_errors == []


def test_why_panel(page: Page, shop: Shop) -> None:
    open_page(page, shop.url, "A0")
    page.evaluate(f"{EX}.select('A0')")
    page.wait_for("document.querySelectorAll('#why-list li[data-id]').length === 2")
    text = page.evaluate("document.querySelector('#why-list li[data-id=\"B0\"]').textContent")
    assert "RECOMMENDED 0.800 (model run-1)" in text
    assert "-SIMILAR 0.85->" in text and "-WORN_WITH 3.00->" in text
    assert "shares color red, brand acme" in text
    # the look-alike list explains too
    page.evaluate("(() => { const s = document.getElementById('why-source'); s.value = 'similar';"
                  " s.dispatchEvent(new Event('change')); })()")
    page.wait_for("!!document.querySelector('#why-list li[data-id=\"A1\"]')")
    assert "SIMILAR 0.850" in page.evaluate("document.querySelector('#why-list li[data-id=\"A1\"]').textContent")
    assert page.console_errors == []


def test_pin_and_ban_round_trip(page: Page, clean_shop: Shop) -> None:
    shop = clean_shop
    open_page(page, shop.url, "A0")
    page.evaluate(f"{EX}.select('A0')")
    page.wait_for("document.querySelectorAll('#why-list li[data-id]').length === 2")
    page.evaluate("document.getElementById('curator').value = 'ana';"
                  f"document.getElementById('write-token').value = {json.dumps(TOKEN)};")
    # ban B0 from A0's recommendations
    page.evaluate("document.querySelector('#why-list li[data-id=\"B0\"] button.ban').click()")
    page.wait_for("!document.querySelector('#why-list li[data-id=\"B0\"]') && "
                  "document.querySelectorAll('#why-list li[data-id]').length === 1")
    assert "B0" not in [i["id"] for i in shop.get("/api/products/A0/recommendations").json()["items"]]
    # pin B1: it comes back marked as pinned, also through the API
    page.evaluate("document.querySelector('#why-list li[data-id=\"B1\"] button.pin').click()")
    page.wait_for("!!document.querySelector('#why-list li.pinned[data-id=\"B1\"]')")
    assert "pinned by ana" in page.evaluate("document.querySelector('#why-list li[data-id=\"B1\"]').textContent")
    items = shop.get("/api/products/A0/recommendations").json()["items"]
    assert items[0]["id"] == "B1" and items[0]["pinned"] is True
    # a wrong token is refused and said so
    page.evaluate("document.getElementById('write-token').value = 'nope';"
                  "document.querySelector('#why-list li[data-id=\"B1\"] button.ban').click()")
    page.wait_for("document.getElementById('merch-status').textContent.includes('wrong write token')")
    # the curation page lists both, with who
    page.navigate(shop.url + "/curation")
    rows = page.evaluate("Array.from(document.querySelectorAll('#rules tr[data-item]'))"
                         ".map(r => [r.dataset.product, r.dataset.item, r.dataset.action, r.children[1].textContent])")
    assert sorted(rows) == [["A0", "B0", "ban", "ana"], ["A0", "B1", "pin", "ana"]]


def test_compare_view(page: Page, shop: Shop) -> None:
    open_page(page, shop.url, "A1")
    page.evaluate(f"{EX}.select('A1')")
    page.wait_for("!document.getElementById('merch-body').hidden")
    page.evaluate("document.getElementById('compare-open').click()")
    page.wait_for("document.querySelectorAll('#compare-cols .compare-col').length === 2")
    cols = page.evaluate("Array.from(document.querySelectorAll('#compare-cols .compare-col')).map(c =>"
                         " [c.dataset.source, Array.from(c.querySelectorAll('li')).map(li => li.dataset.id)])")
    api = shop.get("/api/products/A1/compare", params={"k": 6}).json()
    assert cols == [["similar", [i["id"] for i in api["a"]["items"]]],
                    ["recommendations", [i["id"] for i in api["b"]["items"]]]]
    assert page.evaluate("document.getElementById('compare-overlap').textContent") == "overlap@6 0.00 · Jaccard 0.00"
    # SIMILAR against itself: the same 5 look-alikes (overlap@6 5/6), Jaccard 1
    page.evaluate("document.getElementById('compare-b').value = 'similar';"
                  "document.getElementById('compare-open').click()")
    page.wait_for("document.getElementById('compare-overlap').textContent.endsWith('Jaccard 1.00')")
    assert page.console_errors == []


def test_photo_upload_finds_look_alikes_and_opens_one(page: Page, live: Live, world: World) -> None:
    product = world.catalog.products[2]
    open_page(page, live.url)
    page.evaluate("document.getElementById('photo-open').click()")
    doc = page.send("DOM.getDocument")
    node = page.send("DOM.querySelector", nodeId=doc["root"]["nodeId"], selector="#photo-input")
    page.send("DOM.setFileInputFiles", nodeId=node["nodeId"],
              files=[str(world.root / "catalog" / product.image)])
    page.wait_for("document.querySelectorAll('#photo-results li[data-id]').length > 0")
    hits = page.evaluate("Array.from(document.querySelectorAll('#photo-results li[data-id]')).map(li => li.dataset.id)")
    assert hits[0] == product.product_id  # its own photo is its best look-alike
    assert page.evaluate("document.querySelector('#photo-results img').getAttribute('src')").startswith("/images/")
    page.evaluate("document.querySelector('#photo-results li[data-id]').click()")
    page.wait_for(f"{EX}.state.root === {json.dumps(product.product_id)} && {EX}.idle() && {EX}.nodesView.length > 1")
    assert page.evaluate("document.getElementById('photo-search').hidden") is True
    assert page.console_errors == []


def test_compare_two_runs_in_the_page(page: Page, shop: Shop) -> None:
    from types import SimpleNamespace as Rec

    from stylegraph.analytics.snapshots import save_snapshot

    data = shop.app.extensions["stylegraph"].settings.data_dir
    save_snapshot(data, "run-x", [Rec(src="A1", dst="B4", score=0.9), Rec(src="A1", dst="B1", score=0.8)])
    open_page(page, shop.url, "A1")
    page.wait_for("!!document.querySelector('#compare-a option[value=\"run:run-x\"]')")
    page.evaluate(f"{EX}.select('A1')")
    page.wait_for("!document.getElementById('merch-body').hidden")
    page.evaluate("document.getElementById('compare-a').value = 'run:run-x';"
                  "document.getElementById('compare-open').click()")
    page.wait_for("!!document.querySelector('#compare-cols .compare-col[data-source=\"run:run-x\"]')")
    shared = page.evaluate("Array.from(document.querySelectorAll('#compare-cols li.shared')).map(li => li.dataset.id)")
    assert shared == ["B1", "B1"]  # run-x's B1 is also RECOMMENDED for A1: bold on both sides
    assert page.evaluate("document.getElementById('compare-overlap').textContent").startswith("overlap@6 0.17")
