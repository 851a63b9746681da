"""The explorer's merchandiser tools in headless chromium (Playwright) against live apps and real
graphs: colour by cluster, the why panel, a pin and a ban round trip, the compare view, two GNN
runs side by side, a photo upload."""
from __future__ import annotations

import json
from typing import Iterator

import pytest
from playwright.sync_api import Page

from .explorer_fixtures import Tab  # the browser and tab fixtures come from conftest.py
from .merch_world import TOKEN, Shop, shop  # noqa: F401 (fixture)
from .webapp_world import Live, World

EX = "window.stylegraphExplorer"
M = "window.stylegraphMerch"
SETTLED = f"{EX} && {M} && {EX}.idle() && {M}.idle()"


def open_page(tab: Tab, url: str, root: str | None = None) -> Page:
    """Open the explorer (at ``root``) and wait until it and the merchandiser tools are idle."""
    tab.page.goto(url + (f"/explore/{root}" if root else "/explore"))
    tab.page.wait_for_function(SETTLED + (f" && {EX}.nodesView.length > 1" if root else ""))
    return tab.page


def select(page: Page, pid: str) -> None:
    """Select ``pid`` as a click would, and wait for its why list."""
    page.evaluate(f"{EX}.select({json.dumps(pid)})")
    page.wait_for_function(f"!document.getElementById('merch-body').hidden && {M}.idle()"
                           " && document.querySelectorAll('#why-list li[data-id]').length > 0")


@pytest.fixture
def clean_shop(shop: Shop) -> Iterator[Shop]:
    """The shop, with every curation rule removed after the test."""
    yield shop
    from stylegraph.queries.curation import list_curations, remove_curations

    remove_curations(shop.g, [(r.product, r.item) for r in list_curations(shop.g)])
    shop.app.extensions["stylegraph"].cache.refresh()


def test_colour_by_cluster_and_cluster_list(tab: Tab, shop: Shop) -> None:
    page = open_page(tab, shop.url, "A0")
    page.wait_for_function("document.querySelectorAll('#cluster-list li').length === 3")
    page.check("#cluster-colour")
    all_coloured = f"{M}.idle() && {EX}.nodes.get().every(n => n.cluster !== null && n.cluster !== undefined)"
    page.wait_for_function(all_coloured)
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
    page.wait_for_function(f"{EX}.idle() && {all_coloured}")
    assert page.evaluate(f"{EX}.nodes.length") > len(nodes)
    # turning it off restores the plain borders
    page.uncheck("#cluster-colour")
    page.wait_for_function(f"{EX}.nodes.get().every(n => n.cluster === null)")
    # a cluster in the list centres the graph on its most central product
    page.click("#cluster-list li[data-cluster='1']")
    page.wait_for_function(f"{EX}.state.root !== 'A0' && {EX}.idle()")
    assert page.evaluate(f"{EX}.state.root")[0] in "AB"
    assert tab.console_errors == []


def test_why_panel(tab: Tab, shop: Shop) -> None:
    page = open_page(tab, shop.url, "A0")
    select(page, "A0")
    page.wait_for_function("document.querySelectorAll('#why-list li[data-id]').length === 2")
    text = page.text_content("#why-list li[data-id='B0']")
    assert "RECOMMENDED 0.800 (model run-1)" in text
    assert "-SIMILAR 0.85->" in text and "-WORN_WITH 3.00->" in text
    assert "shares color red, brand acme" in text
    # the look-alike list explains too
    page.select_option("#why-source", "similar")
    page.wait_for_selector("#why-list li[data-id='A1']")
    assert "SIMILAR 0.850" in page.text_content("#why-list li[data-id='A1']")
    assert tab.console_errors == []


def test_pin_and_ban_round_trip(tab: Tab, clean_shop: Shop) -> None:
    shop = clean_shop
    page = open_page(tab, shop.url, "A0")
    select(page, "A0")
    page.wait_for_function("document.querySelectorAll('#why-list li[data-id]').length === 2")
    page.fill("#curator", "ana")
    page.fill("#write-token", TOKEN)
    # ban B0 from A0's recommendations
    page.click("#why-list li[data-id='B0'] button.ban")
    page.wait_for_function("!document.querySelector('#why-list li[data-id=\"B0\"]') && "
                           "document.querySelectorAll('#why-list li[data-id]').length === 1")
    assert "B0" not in [i["id"] for i in shop.get("/api/products/A0/recommendations").json()["items"]]
    # pin B1: it comes back marked as pinned, also through the API
    page.click("#why-list li[data-id='B1'] button.pin")
    page.wait_for_selector("#why-list li.pinned[data-id='B1']")
    assert "pinned by ana" in page.text_content("#why-list li[data-id='B1']")
    items = shop.get("/api/products/A0/recommendations").json()["items"]
    assert items[0]["id"] == "B1" and items[0]["pinned"] is True
    # a wrong token is refused and said so
    page.fill("#write-token", "nope")
    page.click("#why-list li[data-id='B1'] button.ban")
    page.wait_for_function("document.getElementById('merch-status').textContent.includes('wrong write token')")
    # the curation page lists both, with who
    page.goto(shop.url + "/curation")
    rows = page.evaluate("Array.from(document.querySelectorAll('#rules tr[data-item]'))"
                         ".map(r => [r.dataset.product, r.dataset.item, r.dataset.action, r.children[1].textContent])")
    assert sorted(rows) == [["A0", "B0", "ban", "ana"], ["A0", "B1", "pin", "ana"]]


def test_ban_for_a_whole_cluster(tab: Tab, clean_shop: Shop) -> None:
    shop = clean_shop
    page = open_page(tab, shop.url, "A1")
    page.check("#cluster-colour")
    page.wait_for_function(f"{M}.idle() && {M}.state.clusterOf['A1'] !== undefined")
    select(page, "A1")
    page.select_option("#why-source", "similar")
    page.wait_for_selector("#why-list li[data-id='A2']")
    page.fill("#curator", "li")
    page.fill("#write-token", TOKEN)
    page.select_option("#curate-scope", "cluster")
    page.click("#why-list li[data-id='A2'] button.ban")
    page.wait_for_function("document.getElementById('merch-status').textContent.includes('5 rules')")
    for other in ("A0", "A3", "A5"):
        assert "A2" not in [i["id"] for i in shop.get(f"/api/products/{other}/similar").json()["items"]]


def test_compare_view(tab: Tab, shop: Shop) -> None:
    page = open_page(tab, shop.url, "A1")
    select(page, "A1")
    page.click("#compare-open")
    page.wait_for_function("document.querySelectorAll('#compare-cols .compare-col').length === 2")
    cols = page.evaluate("Array.from(document.querySelectorAll('#compare-cols .compare-col')).map(c =>"
                         " [c.dataset.source, Array.from(c.querySelectorAll('li')).map(li => li.dataset.id)])")
    api = shop.get("/api/products/A1/compare", params={"k": 6}).json()
    assert cols == [["similar", [i["id"] for i in api["a"]["items"]]],
                    ["recommendations", [i["id"] for i in api["b"]["items"]]]]
    assert page.text_content("#compare-overlap") == "overlap@6 0.00 · Jaccard 0.00"
    # SIMILAR against itself: the same 5 look-alikes (overlap@6 5/6), Jaccard 1
    page.select_option("#compare-b", "similar")
    page.click("#compare-open")
    page.wait_for_function("document.getElementById('compare-overlap').textContent.endsWith('Jaccard 1.00')")
    assert tab.console_errors == []


def test_compare_two_runs_in_the_page(tab: Tab, shop: Shop) -> None:
    from types import SimpleNamespace as Rec

    from stylegraph.analytics.snapshots import save_snapshot

    data = shop.app.extensions["stylegraph"].settings.data_dir
    save_snapshot(data, "run-x", [Rec(src="A1", dst="B4", score=0.9), Rec(src="A1", dst="B1", score=0.8)])
    page = open_page(tab, shop.url, "A1")
    page.wait_for_selector("#compare-a option[value='run:run-x']", state="attached")
    select(page, "A1")
    page.select_option("#compare-a", "run:run-x")
    page.click("#compare-open")
    page.wait_for_selector("#compare-cols .compare-col[data-source='run:run-x']")
    shared = page.evaluate("Array.from(document.querySelectorAll('#compare-cols li.shared')).map(li => li.dataset.id)")
    assert shared == ["B1", "B1"]  # run-x's B1 is also RECOMMENDED for A1: bold on both sides
    assert page.text_content("#compare-overlap").startswith("overlap@6 0.17")


def test_photo_upload_finds_look_alikes_and_opens_one(tab: Tab, live: Live, world: World) -> None:
    product = world.catalog.products[2]
    page = open_page(tab, live.url)
    page.click("#photo-open")
    page.set_input_files("#photo-input", str(world.root / "catalog" / product.image))
    page.wait_for_selector("#photo-results li[data-id]")
    hits = page.evaluate("Array.from(document.querySelectorAll('#photo-results li[data-id]')).map(li => li.dataset.id)")
    assert hits[0] == product.product_id  # its own photo is its best look-alike
    assert page.get_attribute("#photo-results img", "src").startswith("/images/")
    # the shop filters apply: another category only
    other = next(p.category for p in world.catalog.products if p.category != product.category)
    page.fill("#photo-category", other)
    page.set_input_files("#photo-input", [])
    page.set_input_files("#photo-input", str(world.root / "catalog" / product.image))
    page.wait_for_function(f"{M}.state.lastPhoto && {M}.idle() && "
                           f"{M}.state.lastPhoto.items.every(i => i.category === {json.dumps(other)})")
    filtered = page.evaluate("Array.from(document.querySelectorAll('#photo-results li[data-id]')).map(li => li.dataset.id)")
    assert filtered and product.product_id not in filtered
    page.fill("#photo-category", "")
    page.set_input_files("#photo-input", [])
    page.set_input_files("#photo-input", str(world.root / "catalog" / product.image))
    page.wait_for_function(f"{M}.idle() && !!document.querySelector("
                           f"'#photo-results li[data-id={json.dumps(product.product_id)}]')")
    page.click(f"#photo-results li[data-id='{product.product_id}']")
    page.wait_for_function(f"{EX}.state.root === {json.dumps(product.product_id)} && {EX}.idle()"
                           f" && {EX}.nodesView.length > 1")
    assert page.evaluate("document.getElementById('photo-search').hidden") is True
    assert tab.console_errors == []
