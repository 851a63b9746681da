"""The merchandiser explorer in headless chromium, against the live app and the real graph.

Checks what a merchandiser does: open a product's page (no console errors,
nothing fetched from outside the app), see the product and its look-alikes,
click a product to expand it, search by title, filter by score and edge
type, download the view, and open an ``export-html`` page offline.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from .explorer_fixtures import Chromium, Page, chromium, page  # noqa: F401 (fixtures)
from .webapp_world import Live, World

EX = "window.stylegraphExplorer"


def open_explorer(page: Page, live: Live, product_id: str) -> None:
    """Open ``/explore/<id>`` and wait until the first neighbourhood is drawn."""
    page.navigate(f"{live.url}/explore/{product_id}")
    page.wait_for(f"{EX} && {EX}.idle() && {EX}.nodesView.length > 1")


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
        " setTimeout(() => r(true), 8000); } })" % EX,
        timeout=15,
    )


def test_page_loads_clean_and_draws_the_product_and_its_neighbours(
    page: Page, live: Live, world: World, tmp_path: Path
) -> None:
    pid = world.catalog.products[0].product_id
    open_explorer(page, live, pid)
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
    page.wait_for("!!document.querySelector('#details dl')")
    assert page.evaluate("document.querySelector('#details dl').textContent").count(pid) >= 1
    page.pump(0.5)
    assert page.console_errors == []
    outside = [u for u in page.requests if not u.startswith((live.url, "data:"))]
    assert outside == [], f"the explorer fetched from outside the app: {outside}"
    assert any("/explore/vis/vis-network.min.js" in u for u in page.requests)
    assert page.screenshot(tmp_path / "explorer.png").stat().st_size > 10_000


def test_clicking_a_product_expands_it(page: Page, live: Live, world: World) -> None:
    pid = world.catalog.products[0].product_id
    open_explorer(page, live, pid)
    wait_stable(page)
    before = visible_ids(page)
    # a neighbour whose own look-alikes are not all on screen yet
    target = next(d for d, _ in world.similar[pid] if {n for n, _ in world.similar[d]} - before)
    page.click(*node_screen_position(page, target))
    page.wait_for(f"{EX}.state.expanded.has({json.dumps(target)}) && {EX}.idle()")
    after = visible_ids(page)
    assert len(after) > len(before)
    assert {n for n, _ in world.similar[target]} <= after
    assert page.evaluate(f"{EX}.state.selected") == target
    page.wait_for(f"!!document.querySelector('#details dl')"
                  f" && document.querySelector('#details dl').textContent.includes({json.dumps(target)})")
    assert page.console_errors == []


def test_search_score_slider_and_edge_toggle(page: Page, live: Live, world: World) -> None:
    product = world.catalog.products[1]
    page.navigate(f"{live.url}/explore")
    page.wait_for(f"{EX} && {EX}.idle() && document.querySelectorAll('#start-list li').length > 0")
    # search by title words typed in lower case
    page.evaluate("document.getElementById('search-input').focus()")
    page.send("Input.insertText", text=product.title.lower())
    page.wait_for("!document.getElementById('search-results').hidden")
    hits = page.wait_for(
        "(() => { const ids = Array.from(document.querySelectorAll('#search-results li[data-id]'))"
        ".map(li => li.dataset.id); return ids.length ? ids : null; })()"
    )
    assert product.product_id in hits
    page.evaluate(
        "document.querySelector('#search-results li[data-id=%s]').dispatchEvent(new MouseEvent('mousedown'))"
        % json.dumps(product.product_id)
    )
    page.wait_for(f"{EX}.state.root === {json.dumps(product.product_id)} && {EX}.idle() && {EX}.nodesView.length > 1")
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
    page.evaluate("document.getElementById('edge-SIMILAR').click()")
    page.wait_for(f"{EX}.idle()")
    assert "SIMILAR" not in page.evaluate(f"{EX}.edgesView.get().map(e => e.type)")
    assert page.console_errors == []


def test_download_button_saves_a_standalone_page(
    page: Page, chromium: Chromium, live: Live, world: World  # noqa: F811
) -> None:
    pid = world.catalog.products[2].product_id
    open_explorer(page, live, pid)
    wait_stable(page)
    shown = visible_ids(page)
    page.click(*page.evaluate(
        "(() => { const r = document.getElementById('download').getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
    ))
    path = chromium.downloads / f"stylegraph-{pid}.html"
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        page.pump(0.2)
    assert path.exists(), f"no download; status: {page.evaluate('document.getElementById(`status`).textContent')}"
    assert page.console_errors == []
    check_standalone_page(chromium, path, expected_ids=shown, root=pid)


def check_standalone_page(chromium: Chromium, path: Path, expected_ids: set[str], root: str) -> None:  # noqa: F811
    """Open an exported page from disk: it draws the products with inlined photos, offline."""
    tab = chromium.new_page()
    try:
        tab.navigate(path.resolve().as_uri())
        tab.wait_for("window.stylegraphExport && stylegraphExport.nodes.length > 0")
        assert set(tab.evaluate("stylegraphExport.nodes.getIds()")) == expected_ids
        images = tab.evaluate("stylegraphExport.nodes.get().map(n => n.image)")
        assert all(img.startswith("data:image/") for img in images)
        assert tab.evaluate(f"stylegraphExport.nodes.get({json.dumps(root)}).size") > \
            tab.evaluate("Math.min(...stylegraphExport.nodes.get().map(n => n.size))")
        tab.pump(0.5)
        assert tab.console_errors == []
        outside = [u for u in tab.requests if not u.startswith(("file:", "data:"))]
        assert outside == [], f"the exported page fetched {outside}"
    finally:
        chromium.close_page(tab)


def test_export_html_command_page_works_offline(
    chromium: Chromium, live: Live, world: World, tmp_path: Path, monkeypatch  # noqa: F811
) -> None:
    import stylegraph.webapp as webapp
    from stylegraph.cli import main

    # the command builds its own app; share the world's open graph instead of a second connection
    monkeypatch.setattr(webapp, "create_app", lambda settings=None, g=None: live.app)
    monkeypatch.setattr(webapp, "close_app", lambda app: None)
    pid = world.catalog.products[0].product_id
    out = tmp_path / "look.html"
    assert main(["export-html", "--id", pid, "--depth", "2", "--out", str(out)]) == 0
    level1 = {d for d, _ in world.similar[pid]} | {d for d, _ in world.recommended.get(pid, [])}
    level2 = {n for d in level1 for n, _ in world.similar[d] + world.recommended.get(d, [])}
    check_standalone_page(chromium, out, expected_ids={pid} | level1 | level2, root=pid)


def test_unknown_product_gets_a_clear_message_and_search_still_works(
    page: Page, live: Live, world: World
) -> None:
    page.navigate(f"{live.url}/explore/NO-SUCH-PRODUCT")
    page.wait_for(f"{EX} && {EX}.idle()")
    assert page.evaluate("document.getElementById('status').textContent") == "No product with id NO-SUCH-PRODUCT."
    assert "Unknown product" in page.evaluate("document.querySelector('#details h2').textContent")
    assert page.evaluate(f"{EX}.nodesView.length") == 0
    # the only error is the API's 404 for the unknown id
    assert len(page.console_errors) == 1 and "404" in page.console_errors[0]
    product = world.catalog.products[4]
    page.evaluate("document.getElementById('search-input').focus()")
    page.send("Input.insertText", text=product.product_id)
    page.evaluate("document.getElementById('search').requestSubmit()")
    page.wait_for(f"{EX}.state.root === {json.dumps(product.product_id)} && {EX}.idle() && {EX}.nodesView.length > 1")
