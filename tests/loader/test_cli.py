"""End to end through the `stylegraph` CLI: sample-catalog -> embed -> build-graph -> load -> add-product."""
from __future__ import annotations

import json

import numpy as np
import pytest

from stylegraph.cli import main
from stylegraph.graph.connect import close, connect
from stylegraph.loader.sample_catalog import Style, render_product


def test_pipeline_end_to_end(tmp_path, capsys):
    cat, data, csv = tmp_path / "cat", tmp_path / "data", tmp_path / "csv"
    url = f"embedded://{tmp_path / 'graph.db'}"
    assert main(["sample-catalog", "--products", "40", "--out", str(cat), "--size", "32",
                 "--per-style", "5", "--seed", "2"]) == 0
    embed = ["embed", "--catalog", str(cat), "--image-size", "32", "--data-dir", str(data), "--batch-size", "16"]
    assert main(embed) == 0
    assert "(40 computed, 0 cached, 0 skipped)" in capsys.readouterr().out
    assert main(embed) == 0
    assert "(0 computed, 40 cached, 0 skipped)" in capsys.readouterr().out

    assert main(["build-graph", "--catalog", str(cat), "--k", "5", "--out", str(csv), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "200 SIMILAR edges (exact index" in out and "SIMILAR scores (cosine): 5th percentile" in out
    assert "precision@" not in out  # no figure against columns nobody asked for
    assert main(["build-graph", "--catalog", str(cat), "--k", "5", "--out", str(csv), "--data-dir", str(data),
                 "--labels", "subcategory"]) == 0
    assert "precision@5 against subcategory:" in capsys.readouterr().out

    assert main(["load", "--csv", str(csv), "--graph", url, "--batch-size", "50"]) == 0
    assert "vertices: 40 created" in capsys.readouterr().out
    assert main(["load", "--csv", str(csv), "--graph", url]) == 0
    assert ("vertices: 0 created, 0 updated, 40 unchanged; edges: 0 created, 0 updated, 200 unchanged"
            in capsys.readouterr().out)

    image = tmp_path / "upload.png"
    render_product(Style("hat", "dots", "red"), 32, np.random.default_rng(5)).save(image)
    assert main(["add-product", "--id", "NEW", "--image", str(image), "--title", "Red dots hat", "--price", "19.5",
                 "--in-stock", "true", "--k", "5", "--graph", url, "--data-dir", str(data),
                 "--catalog", str(cat)]) == 0
    assert capsys.readouterr().out.startswith("added NEW: top 5")
    g = connect(url)
    try:
        assert g.V("NEW").out("SIMILAR").count().next() == 5
        assert g.V("NEW").values("in_stock").next() is True
        assert g.V().has_label("product").count().next() == 41
    finally:
        close(g)


def test_user_errors_exit_1_without_traceback(tmp_path, capsys):
    assert main(["embed", "--catalog", str(tmp_path / "none"), "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "stylegraph embed: error:" in err and "catalog file not found" in err and "Traceback" not in err
    assert main(["load", "--csv", str(tmp_path), "--graph", "memory:"]) == 1
    assert "neither vertices.csv nor edges.csv" in capsys.readouterr().err
    (tmp_path / "catalog.csv").write_text("product_id,image\nA,a.png\n")
    assert main(["build-graph", "--catalog", str(tmp_path), "--data-dir", str(tmp_path)]) == 1
    assert "run `stylegraph embed` first" in capsys.readouterr().err
    assert main(["finetune", "--catalog", str(tmp_path), "--runs-dir", str(tmp_path / "r")]) == 1
    assert "no values in label column" in capsys.readouterr().err


def test_style_flag_and_finetune_wiring(catalog_master, tmp_path, capsys):
    from stylegraph.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["embed", "--catalog", "x", "--style"]).style == "style"
    assert parser.parse_args(["embed", "--catalog", "x", "--style", "concat"]).style == "concat"
    assert parser.parse_args(["embed", "--catalog", "x"]).style == "none"

    args = parser.parse_args(["finetune", "--catalog", "x", "--labels", "type=1,color=0.25",
                              "--column", "category=articleType"])
    assert args.labels == {"type": 1.0, "color": 0.25} and args.column == ["category=articleType"]
    runs = tmp_path / "runs"
    assert main(["finetune", "--catalog", str(catalog_master), "--labels", "subcategory", "--image-size", "32",
                 "--epochs", "2", "--embedding-dims", "16", "--batch-size", "16", "--name", "cli",
                 "--runs-dir", str(runs)]) == 0
    out = capsys.readouterr().out
    (run,) = runs.iterdir()
    assert f"run {run}: validation precision@10" in out and "(starting model) ->" in out
    metrics = json.loads((run / "metrics.json").read_text())
    # advice to use the model only when it beat the starting model on validation
    assert (f"--weights {run}" in out) == metrics["improved"]
    assert ("NOT better than the starting model" in out) == (not metrics["improved"])
    assert main(["embed", "--catalog", str(catalog_master), "--weights", str(run / "model.pth"),
                 "--data-dir", str(tmp_path / "data")]) == 0
    assert "60 vectors of 16 dims (60 computed" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        parser.parse_args(["finetune", "--catalog", "x", "--labels", "subcategory=heavy"])
    assert "label weight must be a number" in capsys.readouterr().err
