"""The merchandiser explorer in headless chromium (Playwright), against the live app and the real graph.

Checks what a merchandiser does: open a product's page (no console errors,
nothing fetched from outside the app), see the product and its look-alikes,
click a product to expand it, search by title, filter by score and edge
type, download the view, and open an ``export-html`` page offline.
"""
from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, Page

from .explorer_fixtures import Tab, new_tab  # the browser and tab fixtures come from conftest.py
from .webapp_world import Live, World

EX = "window.stylegraphExplorer"


def open_explorer(tab: Tab, live: Live, product_id: str) -> Page:
    """Open ``/explore/<id>`` and wait until the first neighbourhood is drawn."""
    tab.page.goto(f"{live.url}/explore/{product_id}")
    tab.page.wait_for_function(f"{EX} && {EX}.idle() && {EX}.nodesView.length > 1")
    return tab.page


def visible_ids(page: Page) -> set[str]:
    return set(page.evaluate(f"{EX}.nodesView.getIds()"))


def node_screen_position(page: Page, node_id: str) -> tuple[float, float]:
    """Viewport pixel of a node's centre (vis canvas coordinates -> DOM)."""
    pos = page.evaluate(
        "(() => { const ex = %s, id = %s;"
        " const d = ex.network.canvasToDOM(ex.network.getPositions([id])[id]);"
        " const r = document.getElementById('network').getBoundingClientRect();"
        " return [d.x + r.left, d.y + r.top]; })()" % (EX, json.dumps(node_id))
    )
    return float(pos[0]), float(pos[1])


def wait_stable(page: Page) -> None:
    """Wait for vis physics to settle, so a node stays under the mouse."""
    page.evaluate(
        "new Promise(r => { const n = %s.network; if (!n.physics.physicsEnabled ||"
        " n.physics.stabilized) { r(true); } else { n.once('stabilized', () => r(true));"
        " setTimeout(() => r(true), 8000); } })" % EX
    )


def test_page_loads_clean_and_draws_the_product_and_its_neighbours(
    tab: Tab, live: Live, world: World, tmp_path: Path
) -> None:
    pid = world.catalog.products[0].product_id
    page = open_explorer(tab, live, pid)
    wait_stable(page)
    expected = {pid} | {d for d, _ in world.similar[pid]} | {d for d, _ in world.recommended.get(pid, [])}
    assert visible_ids(page) == expected
    edges = page.evaluate(f"{EX}.edgesView.get().map(e => [e.from, e.to, e.type, e.dashes !== false])")
    assert {(f, t) for f, t, kind, _ in edges if kind == "SIMILAR"} == {(pid, d) for d, _ in world.similar[pid]}
    assert all(dashed == (kind == "RECOMMENDED") for _, _, kind, dashed in edges)
    # every node is drawn with its product photo, served by the app
    images = page.evaluate(f"{EX}.nodesView.get().map(n => [n.shape, n.image])")
    assert all(shape == "circularImage" and img.startswith("/images/") for shape, img in images)
    # the details panel shows the product (GET /api/products/<id>)
    page.wait_for_function("!!document.querySelector('#details dl')")
    assert page.evaluate("document.querySelector('#details dl').textContent").count(pid) >= 1
    page.wait_for_timeout(500)
    assert tab.console_errors == []
    outside = [u for u in tab.requests if not u.startswith((live.url, "data:"))]
    assert outside == [], f"the explorer fetched from outside the app: {outside}"
    assert any("/explore/vis/vis-network.min.js" in u for u in tab.requests)
    assert any("/explore/static/graph_style.js" in u for u in tab.requests)
    page.screenshot(path=str(tmp_path / "explorer.png"))
    assert (tmp_path / "explorer.png").stat().st_size > 10_000


def test_clicking_a_product_expands_it(tab: Tab, live: Live, world: World) -> None:
    pid = world.catalog.products[0].product_id
    page = open_explorer(tab, live, pid)
    wait_stable(page)
    before = visible_ids(page)
    # a neighbour whose own look-alikes are not all on screen yet
    target = next(d for d, _ in world.similar[pid] if {n for n, _ in world.similar[d]} - before)
    page.mouse.click(*node_screen_position(page, target))
    page.wait_for_function(f"{EX}.state.expanded.has({json.dumps(target)}) && {EX}.idle()")
    after = visible_ids(page)
    assert len(after) > len(before)
    assert {n for n, _ in world.similar[target]} <= after
    assert page.evaluate(f"{EX}.state.selected") == target
    page.wait_for_function(f"!!document.querySelector('#details dl')"
                           f" && document.querySelector('#details dl').textContent.includes({json.dumps(target)})")
    assert tab.console_errors == []


def test_search_score_slider_and_edge_toggle(tab: Tab, live: Live, world: World) -> None:
    product = world.catalog.products[1]
    page = tab.page
    page.goto(f"{live.url}/explore")
    page.wait_for_function(f"{EX} && {EX}.idle() && document.querySelectorAll('#start-list li').length > 0")
    # search by title words typed in lower case
    page.focus("#search-input")
    page.keyboard.insert_text(product.title.lower())
    page.wait_for_function("!document.getElementById('search-results').hidden")
    hits = page.wait_for_function(
        "(() => { const ids = Array.from(document.querySelectorAll('#search-results li[data-id]'))"
        ".map(li => li.dataset.id); return ids.length ? ids : null; })()"
    ).json_value()
    assert product.product_id in hits
    page.evaluate(
        "document.querySelector('#search-results li[data-id=%s]').dispatchEvent(new MouseEvent('mousedown'))"
        % json.dumps(product.product_id)
    )
    page.wait_for_function(
        f"{EX}.state.root === {json.dumps(product.product_id)} && {EX}.idle() && {EX}.nodesView.length > 1")
    assert page.evaluate("location.pathname") == f"/explore/{product.product_id}"
    # the slider hides edges scored below it, and nodes left without edges
    scores = sorted(s for _, s in world.similar[product.product_id])
    cut = round((scores[0] + scores[-1]) / 2, 2)
    page.evaluate(
        "(() => { const s = document.getElementById('min-score'); s.value = %s;"
        " s.dispatchEvent(new Event('input')); })()" % json.dumps(str(cut))
    )
    shown = page.evaluate(f"{EX}.edgesView.get().map(e => e.score)")
    assert shown and all(s >= cut for s in shown)
    assert len(shown) < page.evaluate(f"{EX}.edges.length")
    # the edge toggle hides a whole edge type
    page.evaluate("(() => { const s = document.getElementById('min-score'); s.value = '0';"
                  " s.dispatchEvent(new Event('input')); })()")
    page.click("#edge-SIMILAR")
    page.wait_for_function(f"{EX}.idle()")
    assert "SIMILAR" not in page.evaluate(f"{EX}.edgesView.get().map(e => e.type)")
    assert tab.console_errors == []


def test_download_button_saves_a_standalone_page(
    tab: Tab, browser: Browser, live: Live, world: World, tmp_path: Path  # noqa: F811
) -> None:
    pid = world.catalog.products[2].product_id
    page = open_explorer(tab, live, pid)
    wait_stable(page)
    shown = visible_ids(page)
    with page.expect_download(timeout=30_000) as download:
        page.click("#download")
    assert download.value.suggested_filename == f"stylegraph-{pid}.html"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert tab.console_errors == []
    check_standalone_page(browser, path, expected_ids=shown, root=pid)


def check_standalone_page(browser: Browser, path: Path, expected_ids: set[str], root: str) -> None:  # noqa: F811
    """Open an exported page from disk: it draws the products with inlined photos, offline."""
    offline = new_tab(browser)
    page = offline.page
    try:
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.stylegraphExport && stylegraphExport.nodes.length > 0")
        assert set(page.evaluate("stylegraphExport.nodes.getIds()")) == expected_ids
        images = page.evaluate("stylegraphExport.nodes.get().map(n => n.image)")
        assert all(img.startswith("data:image/") for img in images)
        assert page.evaluate(f"stylegraphExport.nodes.get({json.dumps(root)}).size") > \
            page.evaluate("Math.min(...stylegraphExport.nodes.get().map(n => n.size))")
        # styled by the explorer's own step: same labels, rings and edge dashes
        edges = page.evaluate("stylegraphExport.edges.get().map(e => [e.type, e.dashes !== false])")
        assert edges and all(dashed == (kind == "RECOMMENDED") for kind, dashed in edges)
        page.wait_for_timeout(500)
        assert offline.console_errors == []
        outside = [u for u in offline.requests if not u.startswith(("file:", "data:"))]
        assert outside == [], f"the exported page fetched {outside}"
    finally:
        page.context.close()


def test_export_html_command_page_works_offline(browser: Browser, world: World, tmp_path: Path) -> None:  # noqa: F811
    from stylegraph.cli import main

    # the command's own settings path: graph URL and catalog from the command line
    pid = world.catalog.products[0].product_id
    out = tmp_path / "look.html"
    assert main(["export-html", "--id", pid, "--depth", "2", "--out", str(out),
                 "--graph", "embedded://" + str(world.root / "graph.db"),
                 "--catalog", str(world.root / "catalog")]) == 0
    level1 = {d for d, _ in world.similar[pid]} | {d for d, _ in world.recommended.get(pid, [])}
    level2 = {n for d in level1 for n, _ in world.similar[d] + world.recommended.get(d, [])}
    check_standalone_page(browser, out, expected_ids={pid} | level1 | level2, root=pid)


def test_unknown_product_gets_a_clear_message_and_search_still_works(
    tab: Tab, live: Live, world: World
) -> None:
    page = tab.page
    page.goto(f"{live.url}/explore/NO-SUCH-PRODUCT")
    page.wait_for_function(f"{EX} && {EX}.idle()")
    assert page.evaluate("document.getElementById('status').textContent") == "No product with id NO-SUCH-PRODUCT."
    assert "Unknown product" in page.evaluate("document.querySelector('#details h2').textContent")
    assert page.evaluate(f"{EX}.nodesView.length") == 0
    # the only error is the API's 404 for the unknown id
    assert len(tab.console_errors) == 1 and "404" in tab.console_errors[0]
    product = world.catalog.products[4]
    page.focus("#search-input")
    page.keyboard.insert_text(product.product_id)
    page.evaluate("document.getElementById('search').requestSubmit()")
    page.wait_for_function(
        f"{EX}.state.root === {json.dumps(product.product_id)} && {EX}.idle() && {EX}.nodesView.length > 1")


def test_the_styling_step_shapes_plain_nodes_and_edges(tab: Tab) -> None:
    """graph_style.js with explorer_style's config: what both the explorer and exports draw."""
    from stylegraph.webapp.explorer_style import LABEL_MAX, ROOT_SIZE, client_config
    from stylegraph.webapp.export_html import STYLE_JS

    page = tab.page
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=STYLE_JS.read_text())
    styled = page.evaluate(
        """cfg => ({
            node: stylegraphStyle.node({id: "P1", title: "A very long product title that goes on and on",
                                        brand: "Acme", price: 12.5, image_url: "/images/p1.png"}, cfg, {root: true}),
            bare: stylegraphStyle.node({id: "P2"}, cfg),
            related: stylegraphStyle.edge({from: "P1", to: "P2", type: "RELATED", kind: "WORN_WITH", score: 3}, cfg),
            similar: stylegraphStyle.edge({from: "P1", to: "P2", type: "SIMILAR", score: 0.5}, cfg)
        })""",
        client_config(),
    )
    node, bare, related, similar = styled["node"], styled["bare"], styled["related"], styled["similar"]
    assert len(node["label"]) == LABEL_MAX and node["label"].endswith("\u2026")
    assert node["title"].splitlines() == ["A very long product title that goes on and on", "Acme", "12.50", "id P1"]
    assert node["size"] == ROOT_SIZE and node["image"] == "/images/p1.png"
    assert bare["label"] == "P2" and bare["image"].startswith("data:image/svg+xml")
    assert related["id"] == "WORN_WITH:P1:P2" and related["arrows"]["to"]["enabled"] is False
    assert abs(related["value"] - 1.3862943611198906) < 1e-9  # log1p(3): a count grows the width slowly
    assert similar["arrows"]["to"]["enabled"] is True and similar["value"] == 0.5
    assert similar["dashes"] is False and similar["title"] == "SIMILAR score 0.500"
    assert tab.console_errors == []
