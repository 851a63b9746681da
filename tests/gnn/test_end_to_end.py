"""The whole pipeline from the CLI: sample catalog -> embed -> build-graph -> load ->
load-relations (the catalog's outfits) -> gnn train -> gnn refine -> add-product (which gets
RECOMMENDED edges from the promoted run, no retraining) -> gnn refine again."""
from __future__ import annotations

import shutil

import pytest

from stylegraph.cli import main
from stylegraph.settings import get_settings


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    """A fresh data dir the settings (and so the ACTIVE embeddings) point at."""
    d = tmp_path / "data"
    monkeypatch.setenv("STYLEGRAPH_DATA_DIR", str(d))
    monkeypatch.setenv("STYLEGRAPH_RUNS_DIR", str(tmp_path / "runs"))
    get_settings.cache_clear()
    yield d
    get_settings.cache_clear()


def test_cli_pipeline_from_photos_to_recommended_edges(tmp_path, data_dir, capsys):
    from stylegraph.graph.connect import close, connect
    from stylegraph.queries.recommended import count_recommended, recommended_for

    cat = tmp_path / "catalog"
    url = "embedded://" + str(tmp_path / "graph.db")
    assert main(["sample-catalog", "--products", "60", "--out", str(cat), "--seed", "0",
                 "--size", "32", "--per-style", "5"]) == 0
    assert main(["embed", "--catalog", str(cat), "--image-size", "32",
                 "--data-dir", str(data_dir)]) == 0
    assert main(["build-graph", "--catalog", str(cat), "--k", "5", "--out", str(tmp_path / "csv"),
                 "--data-dir", str(data_dir)]) == 0
    assert main(["load", "--csv", str(tmp_path / "csv"), "--graph", url]) == 0
    assert main(["load-relations", "--file", str(cat / "outfits.csv"), "--format", "groups",
                 "--kind", "WORN_WITH", "--graph", url, "--no-progress"]) == 0
    assert "0 product ids not in the graph" not in capsys.readouterr().out

    small = ["--hidden", "32", "--batch-size", "64", "--epochs", "3", "--negatives", "32",
             "--no-progress"]
    assert main(["gnn", "train", "--graph", url, *small, "--name", "e2e", "--promote",
                 "--force"]) == 0
    assert "promoted" in capsys.readouterr().out
    assert main(["gnn", "refine", "--graph", url, "--k", "4", "--no-progress",
                 "--data-dir", str(data_dir)]) == 0
    assert "wrote 240 RECOMMENDED edges for 60 products (0 added" in capsys.readouterr().out

    # a product added after training: embedded and linked by the loader, then refined
    image = tmp_path / "new.png"
    shutil.copy(cat / "images" / "P000007.png", image)
    assert main(["add-product", "--id", "NEW1", "--image", str(image), "--title", "New one",
                 "--category", "footwear", "--price", "50", "--k", "5", "--catalog", str(cat),
                 "--data-dir", str(data_dir), "--graph", url, "--recommend-k", "4"]) == 0
    out = capsys.readouterr().out
    assert "RECOMMENDED (" in out and "4 edges" in out
    g = connect(url)
    try:
        assert len(recommended_for(g, "NEW1")) == 4  # from the promoted run, no retraining
        assert count_recommended(g) == 244
    finally:
        close(g)
    assert main(["gnn", "refine", "--graph", url, "--k", "4", "--no-progress"]) == 0
    assert "wrote 244 RECOMMENDED edges for 61 products (1 added after training)" in \
        capsys.readouterr().out
    g = connect(url)
    try:
        recs = recommended_for(g, "NEW1")
        assert len(recs) == 4
        run_name = recs[0][2]
        assert run_name.endswith("-e2e") and count_recommended(g, run_name) == 244
    finally:
        close(g)
