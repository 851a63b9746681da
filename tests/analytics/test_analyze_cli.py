"""`stylegraph analyze` on a small embedded graph: clusters, hubs, blind spots, coverage, files."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from stylegraph.analytics.analyze import analyze
from stylegraph.analytics.graphdata import read_graph
from stylegraph.cli import main

# two looks of five products each; RECOMMENDED all point at A0 and B0 (hubs); A4 is never
# recommended and its only look-alike is far (score 0.1)
LOOKS = {"A": "sneaker", "B": "dress"}


def build(path: Path, catalog: Path) -> None:
    from stylegraph.graph.graph import Graph

    catalog.mkdir()
    vertices, edges = [], []
    for look, category in LOOKS.items():
        for i in range(5):
            pid = f"{look}{i}"
            Image.new("RGB", (32, 32), (200, 30 * i, 90)).save(catalog / f"{pid}.png")
            vertices.append((pid, "product", {"category": category, "title": f"{category} {i}",
                                              "image": f"{pid}.png"}))
            for j in range(5):
                if i != j and pid != "A4" and f"{look}{j}" != "A4":
                    edges.append((None, "SIMILAR", pid, f"{look}{j}", {"score": 0.9}))
            if i:
                edges.append((None, "RECOMMENDED", pid, f"{look}0", {"score": 0.8, "model": "m"}))
    edges.append((None, "SIMILAR", "A4", "B1", {"score": 0.1}))
    edges.append((None, "RECOMMENDED", "A0", "B0", {"score": 0.7, "model": "m"}))
    graph = Graph(str(path))
    with graph.transaction():
        for vid, label, props in vertices:
            graph.add_vertex(label, vid, props)
        for eid, label, out_id, in_id, props in edges:
            graph.add_edge(label, graph.vertex(out_id), graph.vertex(in_id), eid, props)
    graph.close()


@pytest.fixture
def small_graph(tmp_path: Path) -> tuple[str, Path]:
    build(tmp_path / "g.db", tmp_path / "catalog")
    return "embedded://" + str(tmp_path / "g.db"), tmp_path / "catalog"


def test_analysis_of_a_small_graph(small_graph: tuple[str, Path]) -> None:
    from stylegraph.graph.connect import close, connect

    g = connect(small_graph[0])
    try:
        result = analyze(read_graph(g), lookalike_min=0.5)
    finally:
        close(g)
    clusters = result.assignments()
    assert len({clusters[f"A{i}"] for i in range(4)}) == 1
    assert len({clusters[f"B{i}"] for i in range(5)}) == 1
    assert clusters["A0"] != clusters["B0"]
    summary = result.summary()
    assert summary["products"] == 10
    assert summary["edges"] == {"SIMILAR": 33, "RECOMMENDED": 9}
    assert {h["id"] for h in summary["hubs"]["items"][:2]} == {"A0", "B0"}
    assert summary["hubs"]["graph"] == "RECOMMENDED"
    never = {p["id"] for p in summary["blind_spots"]["never_recommended"]["sample"]}
    assert never == {"A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4"}
    assert [p["id"] for p in summary["blind_spots"]["no_lookalike"]["sample"]] == ["A4"]
    coverage = {row["category"]: row for row in summary["coverage"]}
    assert coverage["dress"]["recommended"] == 1 and coverage["dress"]["products"] == 5
    assert coverage["sneaker"]["with_recommendations"] == 5
    top = result.cluster_list()[0]
    # A4's only look-alike is B1, so it lands in the dress cluster, the largest
    assert top["size"] == 6 and clusters["A4"] == clusters["B1"] == top["cluster"]
    assert top["top_categories"] == [{"category": "dress", "count": 5}, {"category": "sneaker", "count": 1}]
    assert len(top["representatives"]) == 4


def test_cli_writes_report_and_csv(small_graph: tuple[str, Path], tmp_path: Path,
                                   capsys: pytest.CaptureFixture) -> None:
    url, catalog = small_graph
    out = tmp_path / "out"
    assert main(["analyze", "--graph", url, "--out", str(out), "--catalog", str(catalog),
                 "--lookalike-min", "0.5"]) == 0
    assert "analyzed 10 products" in capsys.readouterr().out
    with open(out / "clusters.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["product_id"] for r in rows) == sorted(f"{x}{i}" for x in "AB" for i in range(5))
    assert set(rows[0]) == {"product_id", "cluster"}
    by_id = {r["product_id"]: r["cluster"] for r in rows}
    assert by_id["A1"] == by_id["A2"] != by_id["B1"]
    assert (out / "clusters-RECOMMENDED.csv").exists()
    page = (out / "report.html").read_text()
    assert page.count("<svg") >= 3  # cluster sizes, hubs, coverage
    assert len(re.findall(r'<img src="data:image/jpeg;base64,', page)) >= 8
    embedded = re.search(r'<script type="application/json" id="summary">(.*?)</script>', page, re.S)
    assert json.loads(embedded.group(1))["products"] == 10
    assert json.loads((out / "summary.json").read_text())["blind_spots"]["no_lookalike"]["count"] == 1


def test_cli_refuses_an_empty_graph(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["analyze", "--graph", "embedded://" + str(tmp_path / "empty.db"), "--out", str(tmp_path / "o")])
    assert code == 1
    assert "holds no products" in capsys.readouterr().err
