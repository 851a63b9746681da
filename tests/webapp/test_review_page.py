"""The /review page in headless chromium: doubtful photos with their top-3 classes, accept or correct them."""
from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page

from .explorer_fixtures import Tab  # the browser and tab fixtures come from conftest.py
from .inspection_fixtures import TOKEN, InspectLive, inspect_live, inspect_run  # noqa: F401 (fixtures)


def click(page: Page, selector: str) -> None:
    """A real mouse click on the element."""
    page.click(selector)


def type_into(page: Page, element_id: str, text: str) -> None:
    """Type ``text`` into the field (replacing what it held) and fire its change event."""
    page.fill(f"#{element_id}", text)
    page.dispatch_event(f"#{element_id}", "change")


def test_reviewer_accepts_and_corrects_in_the_browser(tab: Tab, inspect_live: InspectLive, tmp_path: Path):
    page = tab.page
    shas = []
    for path in inspect_live.photos[:3]:
        r = inspect_live.http.post(f"{inspect_live.url}/api/images/inspect", files={"image": (path.name, path.read_bytes())})
        shas.append(r.json()["sha256"])
    page.goto(f"{inspect_live.url}/review")
    page.wait_for_function("document.querySelectorAll('article.card').length === 3")
    # every card shows the photo (loaded from the app) and the top-3 classes with confidences
    page.wait_for_function("[...document.querySelectorAll('article.card img')].every(i => i.complete && i.naturalWidth > 0)")
    tops = page.evaluate("[...document.querySelectorAll('article.card')].map(c => c.querySelectorAll('ol.top li').length)")
    assert tops == [3, 3, 3]
    assert page.evaluate("document.getElementById('summary').textContent") == "3 photos"
    assert tab.console_errors == []

    # a wrong token: the page says so, nothing is stored
    type_into(page, "reviewer", "ann")
    type_into(page, "token", "wrong")
    first = f"article.card[data-sha='{shas[0]}']"
    click(page, f"{first} button.accept")
    page.wait_for_function("!document.getElementById('message').hidden")
    assert "403" in page.evaluate("document.getElementById('message').textContent")
    assert inspect_live.http.get(f"{inspect_live.url}/api/review?status=reviewed").json()["total"] == 0

    # the right token: accept the first photo's prediction, correct the second one
    type_into(page, "token", TOKEN)
    click(page, f"{first} button.accept")
    page.wait_for_function(f"!document.querySelector(\"{first}\")")  # a decided card leaves the "to review" list
    second = f"article.card[data-sha='{shas[1]}']"
    other = page.evaluate(f"document.querySelector(\"{second} select.label\").options[2].value")
    page.evaluate(f"document.querySelector(\"{second} select.label\").value = {json.dumps(other)}")
    click(page, f"{second} button.correct")
    page.wait_for_function(f"!document.querySelector(\"{second}\")")
    assert page.evaluate("document.getElementById('summary').textContent") == "1 photo"
    page.screenshot(path=str(tmp_path / "review.png"))
    assert (tmp_path / "review.png").stat().st_size > 5_000

    reviewed = {i["sha256"]: i for i in
                inspect_live.http.get(f"{inspect_live.url}/api/review?status=reviewed").json()["items"]}
    assert set(reviewed) == {shas[0], shas[1]}
    assert reviewed[shas[0]]["action"] == "accept" and reviewed[shas[0]]["label"] == reviewed[shas[0]]["predicted"]
    assert reviewed[shas[1]]["action"] == "correct" and reviewed[shas[1]]["label"] == other
    assert {i["reviewer"] for i in reviewed.values()} == {"ann"} and all(i["decided_at"] for i in reviewed.values())

    # the reviewed view lists them with their decision
    page.evaluate("(() => { const s = document.getElementById('status'); s.value = 'reviewed';"
                  " s.dispatchEvent(new Event('change')); })()")
    page.wait_for_function("document.querySelectorAll('article.card p.decided').length === 2")
    outside = [u for u in tab.requests if not u.startswith((inspect_live.url, "data:"))]
    assert outside == []
