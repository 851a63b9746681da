"""Analytics, explanations and curation through the live app (its own hand-made shop graph)."""
from __future__ import annotations

from typing import Iterator

import pytest

from .merch_world import MODEL, Shop, shop, sim_score  # noqa: F401 (fixture)


@pytest.fixture
def clean(shop: Shop) -> Iterator[Shop]:
    """Remove every curation rule after the test."""
    yield shop
    from stylegraph.queries.curation import list_curations, remove_curations

    remove_curations(shop.g, [(r.product, r.item) for r in list_curations(shop.g)])
    shop.app.extensions["stylegraph"].cache.refresh()


def ids(items: list[dict]) -> list[str]:
    return [i["id"] for i in items]


# ------------------------------------------------------------------ analytics

def test_summary_finds_the_two_looks_hubs_and_blind_spots(shop: Shop) -> None:
    r = shop.get("/api/analytics/summary")
    assert r.status_code == 200
    s = r.json()
    assert s["products"] == 13
    assert s["edges"] == {"SIMILAR": 60, "RECOMMENDED": 12}
    sim = s["clusters"]["SIMILAR"]
    assert sim["method"] == "louvain"
    assert [c["size"] for c in sim["top"]] == [6, 6, 1]
    assert {c["top_categories"][0]["category"] for c in sim["top"][:2]} == {"sneaker", "dress"}
    assert sim["top"][0]["representatives"][0]["image_url"].startswith("/images/")
    never = {p["id"] for p in s["blind_spots"]["never_recommended"]["sample"]}
    assert never == {f"A{i}" for i in range(6)} | {"C0"}
    assert s["hubs"]["graph"] == "RECOMMENDED"
    assert s["hubs"]["items"][0]["id"].startswith("B") and s["hubs"]["items"][0]["in_degree"] == 2
    coverage = {row["category"]: row for row in s["coverage"]}
    assert coverage["dress"]["share_recommended"] == 1.0
    assert coverage["sneaker"]["recommended"] == 0 and coverage["sneaker"]["with_recommendations"] == 6


def test_clusters_and_assignments(shop: Shop) -> None:
    body = shop.get("/api/analytics/clusters", params={"ids": "A0,A3,B1,C0,NOPE"}).json()
    a = body["assignments"]
    assert a["A0"] == a["A3"] != a["B1"] and a["C0"] not in (a["A0"], a["B1"])
    assert a["NOPE"] is None
    assert body["count"] == 3 and len(body["clusters"]) == 3
    members = shop.get(f"/api/analytics/clusters/{a['B1']}").json()
    assert sorted(members["members"]) == [f"B{i}" for i in range(6)]
    rec = shop.get("/api/analytics/clusters", params={"graph": "RECOMMENDED", "limit": 1}).json()
    assert rec["graph"] == "RECOMMENDED" and len(rec["clusters"]) == 1


@pytest.mark.parametrize("path, params, code", [
    ("/api/analytics/clusters", {"graph": "WORN_WITH"}, 400),
    ("/api/analytics/clusters", {"limit": "0"}, 400),
    ("/api/analytics/clusters", {"ids": ",".join(f"P{i}" for i in range(1001))}, 400),
    ("/api/analytics/clusters/99", {}, 404),
    ("/api/analytics/summary", {"clusters": "x"}, 400),
])
def test_analytics_bad_requests(shop: Shop, path: str, params: dict, code: int) -> None:
    r = shop.get(path, params=params)
    assert r.status_code == code
    assert r.json()["error"]


# ------------------------------------------------------------------ explanations

def test_recommendations_explain_paths_attributes_and_model(shop: Shop) -> None:
    body = shop.get("/api/products/A0/recommendations", params={"explain": "true"}).json()
    assert ids(body["items"]) == ["B0", "B1"]
    why = {i["id"]: i["why"] for i in body["items"]}
    assert why["B0"][0] == {"type": "edge", "path": ["A0", "B0"], "edges": ["RECOMMENDED"],
                            "score": 0.8, "model": MODEL}
    paths = [w for w in why["B0"] if w["type"] == "path"]
    assert paths[0]["path"] == ["A0", "A1", "B0"] and paths[0]["edges"] == ["SIMILAR", "WORN_WITH"]
    assert paths[0]["scores"] == [sim_score(0, 1), 3.0]
    # A0 is worn with B2, which looks like B1
    b1 = [w for w in why["B1"] if w["type"] == "path"]
    assert {"path": ["A0", "B2", "B1"], "edges": ["WORN_WITH", "SIMILAR"], "scores": [2.0, sim_score(2, 1)]} \
        in [{k: p[k] for k in ("path", "edges", "scores")} for p in b1]
    shared = next(w for w in why["B0"] if w["type"] == "attributes")["shared"]
    assert shared == {"color": "red", "brand": "acme"}
    assert "why" not in shop.get("/api/products/A0/recommendations").json()["items"][0]


def test_similar_explain(shop: Shop) -> None:
    body = shop.get("/api/products/B1/similar", params={"explain": "1", "k": 2}).json()
    first = body["items"][0]
    assert first["why"][0]["edges"] == ["SIMILAR"] and first["why"][0]["score"] == first["score"]
    assert any(w["type"] == "attributes" and w["shared"]["category"] == "dress" for w in first["why"])


def test_explain_bad_value_is_400(shop: Shop) -> None:
    r = shop.get("/api/products/A0/similar", params={"explain": "maybe"})
    assert r.status_code == 400 and "explain" in r.json()["error"]
    assert shop.get("/api/products/NOPE/similar", params={"explain": "true"}).status_code == 404


# ------------------------------------------------------------------ curation

def test_pin_and_ban_are_honoured_at_once_and_listed(clean: Shop) -> None:
    shop = clean
    before = shop.get("/api/products/B0/similar", params={"k": 3}).json()
    assert ids(before["items"]) == ["B1", "B2", "B3"]
    r = shop.write("POST", "/api/curation", json={"product_id": "B0", "item_id": "B1", "action": "ban",
                                                   "relation": "similar", "by": "ana"})
    assert r.status_code == 201 and r.json()["written"] == 1
    r = shop.write("POST", "/api/curation", json={"product_id": "B0", "item_id": "C0", "action": "pin",
                                                   "by": "ana", "note": "bag promo"})
    assert r.status_code == 201
    after = shop.get("/api/products/B0/similar", params={"k": 3}).json()
    assert ids(after["items"]) == ["C0", "B2", "B3"]
    assert after["items"][0]["pinned"] is True and after["items"][0]["score"] is None
    assert after["curated"] == {"pins": 1, "bans": 1}
    # the pin is "both": also in /recommendations (B0 has none, so its SIMILAR fallback)
    rec = shop.get("/api/products/B0/recommendations", params={"k": 3}).json()
    assert ids(rec["items"])[0] == "C0" and "B1" in ids(rec["items"])  # the ban was for similar only
    # a shop filter still applies to a pin
    cheap = shop.get("/api/products/B0/similar", params={"k": 3, "max_price": 45}).json()
    assert "C0" not in ids(cheap["items"])
    # the explanation says who pinned it
    why = shop.get("/api/products/B0/similar", params={"k": 1, "explain": "true"}).json()["items"][0]["why"]
    assert why[0]["type"] == "curation" and why[0]["by"] == "ana"
    listed = shop.get("/api/curation", params={"product_id": "B0"}).json()
    assert listed["count"] == 2
    assert {(x["item_id"], x["action"], x["by"]) for x in listed["rules"]} == {("B1", "ban", "ana"), ("C0", "pin", "ana")}
    assert all(x["at"].endswith("+00:00") for x in listed["rules"])
    page = shop.get("/curation")
    assert page.status_code == 200 and "bag promo" in page.text and "black bag" in page.text
    # removing the ban brings B1 back at once
    r = shop.write("DELETE", "/api/curation", params={"product_id": "B0", "item_id": "B1"})
    assert r.status_code == 200 and r.json()["removed"] == 1
    assert "B1" in ids(shop.get("/api/products/B0/similar", params={"k": 3}).json()["items"])


def test_curation_survives_a_new_app_on_the_same_graph(clean: Shop, tmp_path) -> None:
    from stylegraph.webapp import close_app, create_app

    from .merch_world import shop_settings

    shop = clean
    assert shop.write("POST", "/api/curation", json={"product_id": "A2", "item_id": "B5", "action": "ban",
                                                      "relation": "recommendations", "by": "li"}).status_code == 201
    app = create_app(shop_settings(tmp_path), g=shop.g)
    try:
        body = app.test_client().get("/api/products/A2/recommendations").get_json()
        assert body["items"] and "B5" not in ids(body["items"])
    finally:
        close_app(app)


def test_cluster_ban(clean: Shop) -> None:
    shop = clean
    cluster = shop.get("/api/analytics/clusters", params={"ids": "A0"}).json()["assignments"]["A0"]
    r = shop.write("POST", "/api/curation/cluster", json={"cluster": cluster, "item_id": "A3", "action": "ban",
                                                           "relation": "similar", "by": "ana"})
    assert r.status_code == 201 and r.json()["written"] == 5 and r.json()["scope"] == f"cluster:SIMILAR:{cluster}"
    for i in (0, 1, 2, 4, 5):
        assert "A3" not in ids(shop.get(f"/api/products/A{i}/similar", params={"k": 5}).json()["items"])
    r = shop.write("DELETE", "/api/curation/cluster", params={"cluster": cluster, "item_id": "A3"})
    assert r.json()["removed"] == 5
    assert "A3" in ids(shop.get("/api/products/A4/similar", params={"k": 5}).json()["items"])


@pytest.mark.parametrize("token, code", [(None, 401), ("wrong", 403)])
def test_writes_need_the_token(clean: Shop, token: str | None, code: int) -> None:
    r = clean.write("POST", "/api/curation", token=token,
                    json={"product_id": "A0", "item_id": "B3", "action": "pin", "by": "x"})
    assert r.status_code == code and r.json()["error"]
    assert clean.write("DELETE", "/api/curation", token=token,
                       params={"product_id": "A0", "item_id": "B3"}).status_code == code
    assert clean.get("/api/curation").json()["count"] == 0


def test_writes_are_refused_without_a_configured_token(shop: Shop, tmp_path) -> None:
    from stylegraph.webapp import close_app, create_app

    from .merch_world import shop_settings

    app = create_app(shop_settings(tmp_path, app_write_token=""), g=shop.g)
    try:
        r = app.test_client().post("/api/curation", json={"product_id": "A0", "item_id": "B3", "action": "pin",
                                                          "by": "x"}, headers={"Authorization": "Bearer x"})
        assert r.status_code == 403 and "disabled" in r.get_json()["error"]
    finally:
        close_app(app)


@pytest.mark.parametrize("path, body, code, words", [
    ("", {"product_id": "NOPE", "item_id": "B3", "action": "pin", "by": "x"}, 404, "NOPE"),
    ("", {"product_id": "A0", "item_id": "NOPE", "action": "pin", "by": "x"}, 404, "NOPE"),
    ("", {"product_id": "A0", "item_id": "B3", "action": "promote", "by": "x"}, 400, "action"),
    ("", {"product_id": "A0", "item_id": "B3", "action": "pin", "by": "x", "relation": "x"}, 400, "relation"),
    ("", {"product_id": "A0", "item_id": "B3", "action": "pin"}, 400, "by"),
    ("", {"item_id": "B3", "action": "pin", "by": "x"}, 400, "product_id"),
    ("", {"product_id": "A0", "item_id": "A0", "action": "pin", "by": "x"}, 400, "own"),
    ("", [1, 2], 400, "valid dictionary"),
    ("/cluster", {"cluster": 99, "item_id": "B3", "action": "pin", "by": "x"}, 404, "cluster"),
    ("/cluster", {"cluster": "x", "item_id": "B3", "action": "pin", "by": "x"}, 400, "cluster"),
    ("/cluster", {"cluster": -1, "item_id": "B3", "action": "pin", "by": "x"}, 400, "cluster"),
    ("/cluster", {"cluster": 0, "graph": "WORN_WITH", "item_id": "B3", "action": "pin", "by": "x"}, 400, "graph"),
])
def test_curation_bad_bodies(clean: Shop, path: str, body: object, code: int, words: str) -> None:
    r = clean.write("POST", "/api/curation" + path, json=body)
    assert r.status_code == code, r.text
    assert words in r.json()["error"]


def test_curation_body_must_be_json(clean: Shop) -> None:
    r = clean.write("POST", "/api/curation", data={"product_id": "A0", "item_id": "B3", "action": "pin", "by": "x"})
    assert r.status_code == 415 and r.json()["error"]


def test_curation_delete_and_list_errors(clean: Shop) -> None:
    assert clean.write("DELETE", "/api/curation", params={"product_id": "A0", "item_id": "B3"}).status_code == 404
    assert clean.write("DELETE", "/api/curation", params={"product_id": "A0"}).status_code == 400
    assert clean.get("/api/curation", params={"product_id": "NOPE"}).status_code == 404
    assert clean.get("/api/curation", params={"limit": "0"}).status_code == 400


# ------------------------------------------------------------------ compare

def test_compare_similar_and_recommendations(shop: Shop, tmp_path) -> None:
    body = shop.get("/api/products/A1/compare", params={"k": 2}).json()
    assert body["a"]["source"] == "similar" and body["b"]["source"] == "recommendations"
    assert ids(body["a"]["items"]) == ["A0", "A2"]
    assert ids(body["b"]["items"]) == ["B1", "B2"]
    assert body["b"]["model"] == MODEL and body["overlap_at_k"] == 0.0 and body["shared"] == []
    same = shop.get("/api/products/A1/compare", params={"a": "recommendations", "k": 2}).json()
    assert same["overlap_at_k"] == 1.0 and same["jaccard"] == 1.0


def test_compare_reads_the_run_metrics(shop: Shop, tmp_path) -> None:
    import json

    from stylegraph.webapp import close_app, create_app

    from .merch_world import shop_settings

    (tmp_path / "runs" / MODEL).mkdir(parents=True)
    (tmp_path / "runs" / MODEL / "metrics.json").write_text(json.dumps(
        {"test": {"recall@10": 0.42, "ndcg@10": 0.3}, "epochs": 7, "note": "x"}))
    app = create_app(shop_settings(tmp_path, runs_dir=tmp_path / "runs"), g=shop.g)
    try:
        body = app.test_client().get("/api/products/A1/compare").get_json()
        assert body["b"]["metrics"] == {"test.recall@10": 0.42, "test.ndcg@10": 0.3, "epochs": 7}
        assert body["a"]["metrics"] is None
    finally:
        close_app(app)


@pytest.mark.parametrize("params, code", [({"a": "WORN_WITH"}, 400), ({"k": "101"}, 400), ({"b": ""}, 400),
                                          ({"a": "recommendations"}, 200)])
def test_compare_parameters(shop: Shop, params: dict, code: int) -> None:
    assert shop.get("/api/products/A1/compare", params=params).status_code == code
    assert shop.get("/api/products/NOPE/compare").status_code == 404


def test_analysis_runs_in_the_background_and_serves_the_previous_one_meanwhile() -> None:
    import threading

    from stylegraph.webapp.analytics_api import AnalysisHolder
    from stylegraph.webapp.errors import Unavailable

    release = threading.Event()
    calls: list[int] = []

    def compute():
        calls.append(1)
        release.wait(10)
        return f"analysis {len(calls)}"

    holder = AnalysisHolder(compute)  # type: ignore[arg-type]
    with pytest.raises(Unavailable, match="still running"):
        holder.get(1, wait_s=0.05)
    release.set()
    holder._done.wait(5)
    assert holder.get(1, wait_s=0) == ("analysis 1", False)
    release.clear()
    assert holder.get(2, wait_s=0) == ("analysis 1", True)  # stale while version 2 is analysed
    assert holder.get(2, wait_s=0) == ("analysis 1", True)
    assert len(calls) == 2  # one run per version, not one per request
    release.set()
    holder._done.wait(5)
    assert holder.get(2, wait_s=0) == ("analysis 2", False)


def test_a_write_makes_the_analysis_stale_until_it_is_redone(clean: Shop) -> None:
    import time

    first = clean.get("/api/analytics/summary").json()
    assert first["stale"] is False
    assert clean.write("POST", "/api/curation", json={"product_id": "A0", "item_id": "B3", "action": "pin",
                                                       "by": "x"}).status_code == 201
    deadline = time.monotonic() + 20
    while (body := clean.get("/api/analytics/summary").json())["stale"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert body["stale"] is False and body["products"] == first["products"]


def test_compare_two_gnn_runs_from_their_saved_rankings(shop: Shop, tmp_path) -> None:
    import json
    from types import SimpleNamespace as Rec

    from stylegraph.analytics.snapshots import save_snapshot
    from stylegraph.webapp import close_app, create_app

    from .merch_world import shop_settings

    data = tmp_path / "data"
    save_snapshot(data, "run-old", [Rec(src="A1", dst=d, score=s) for d, s in (("B1", 0.9), ("B2", 0.8), ("B5", 0.7))])
    save_snapshot(data, "run-new", [Rec(src="A1", dst=d, score=s) for d, s in (("B2", 0.95), ("B3", 0.6), ("B1", 0.5))])
    (tmp_path / "runs" / "run-new").mkdir(parents=True)
    (tmp_path / "runs" / "run-new" / "metrics.json").write_text(json.dumps({"test": {"recall@10": 0.5}}))
    app = create_app(shop_settings(tmp_path, data_dir=data, runs_dir=tmp_path / "runs"), g=shop.g)
    try:
        client = app.test_client()
        assert client.get("/api/compare/sources").get_json()["sources"] == [
            "similar", "recommendations", "run:run-new", "run:run-old"]
        body = client.get("/api/products/A1/compare?a=run:run-old&b=run:run-new&k=2").get_json()
        assert ids(body["a"]["items"]) == ["B1", "B2"] and ids(body["b"]["items"]) == ["B2", "B3"]
        assert body["overlap_at_k"] == 0.5 and body["shared"] == ["B2"]
        assert body["b"]["metrics"] == {"test.recall@10": 0.5} and body["a"]["metrics"] is None
        # the shop filters apply (B5 is out of stock)
        stocked = client.get("/api/products/A1/compare?a=run:run-old&k=3&in_stock=true").get_json()
        assert ids(stocked["a"]["items"]) == ["B1", "B2"]
        assert client.get("/api/products/A1/compare?a=run:nothing").status_code == 404
        assert client.get("/api/products/A1/compare?a=run:../etc").status_code == 400
        assert client.get("/api/products/NOPE/compare?a=run:run-old").status_code == 404
    finally:
        close_app(app)
