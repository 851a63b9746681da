"""``stylegraph gnn ...`` end to end: an embedded graph file, an embeddings npz, the CLI."""
from __future__ import annotations

import json

import numpy as np
import pytest

from stylegraph.cli import main
from .synthetic import load_into_graph, make_catalog


@pytest.fixture()
def setup(tmp_path):
    """An embedded graph holding the synthetic catalog and its embeddings file."""
    from stylegraph.graph.connect import close, connect
    from stylegraph.loader.embedding_store import Embeddings, save_embeddings

    products, edges, emb, _ = make_catalog(60)
    url = "embedded://" + str(tmp_path / "graph.db")
    g = connect(url)
    load_into_graph(g, products, edges)
    close(g)
    npz = save_embeddings(tmp_path / "emb" / "synthetic.npz", Embeddings(
        ids=emb.ids, vectors=emb.vectors, sha256=np.array(["0" * 64] * len(emb.ids)),
        model_id="synthetic", model_spec={"kind": "synthetic"}))
    common = ["--graph", url, "--embeddings", str(npz), "--runs-dir", str(tmp_path / "runs"),
              "--no-progress"]
    return tmp_path, url, common


def test_train_evaluate_refine_promote_runs(setup, capsys):
    tmp_path, url, common = setup
    small = ["--hidden", "32", "--fanouts", "5,5", "--batch-size", "64", "--epochs", "4",
             "--eval-negatives", "20", "--seed", "0"]
    assert main(["gnn", "train", *common, *small, "--name", "cli", "--promote"]) == 0
    out = capsys.readouterr().out
    assert "promoted" in out and "cosine" in out
    run_dir = next((tmp_path / "runs").glob("*-cli"))
    metrics = json.loads((run_dir / "metrics.json").read_text())

    assert main(["gnn", "evaluate", *common, "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["run"] == run_dir.name
    assert results["gnn"]["mrr"] == pytest.approx(metrics["test"]["gnn"]["mrr"])
    assert results["cosine"] == metrics["test"]["cosine"]

    assert main(["gnn", "refine", *common, "--k", "3"]) == 0
    assert "wrote 180 RECOMMENDED edges for 60 products" in capsys.readouterr().out
    from stylegraph.graph.connect import close, connect
    from stylegraph.queries.recommended import count_recommended

    g = connect(url)
    try:
        assert count_recommended(g, run_dir.name) == 180
    finally:
        close(g)

    # a second run; promote it by name; runs lists both, marking the promoted one
    assert main(["gnn", "train", *common, *small, "--name", "dot", "--scorer", "dot"]) == 0
    capsys.readouterr()
    second = next((tmp_path / "runs").glob("*-dot"))
    assert main(["gnn", "promote", second.name, "--runs-dir", str(tmp_path / "runs")]) == 0
    capsys.readouterr()
    assert main(["gnn", "runs", "--runs-dir", str(tmp_path / "runs")]) == 0
    listing = capsys.readouterr().out
    assert f"* {second.name}" in listing and f"  {run_dir.name}" in listing


def test_user_errors_are_reported_without_traceback(setup, capsys):
    tmp_path, url, common = setup
    assert main(["gnn", "evaluate", *common]) == 1
    assert "no promoted run" in capsys.readouterr().err
    assert main(["gnn", "train", *common, "--layers", "3", "--fanouts", "5,5"]) == 1
    assert "one value per layer" in capsys.readouterr().err
    assert main(["gnn", "refine", *common, "--run", "missing"]) == 1
    assert "no run 'missing'" in capsys.readouterr().err
    bad = [*common]
    bad[bad.index("--embeddings") + 1] = str(tmp_path / "nope.npz")
    assert main(["gnn", "train", *bad]) == 1
    assert "embeddings file not found" in capsys.readouterr().err
