"""``stylegraph gnn ...`` end to end: an embedded graph file, an embeddings npz, the CLI."""
from __future__ import annotations

import json

import numpy as np
import pytest

from stylegraph.cli import main
from .synthetic import load_into_graph, make_catalog

SMALL = ["--hidden", "32", "--batch-size", "64", "--epochs", "12", "--negatives", "64",
         "--seed", "0"]


def _setup(tmp_path, with_relations: bool = True):
    from stylegraph.graph.connect import close, connect
    from stylegraph.loader.embedding_store import Embeddings, save_embeddings

    products, edges, relations, emb, _ = make_catalog(90)
    url = "embedded://" + str(tmp_path / "graph.db")
    g = connect(url)
    load_into_graph(g, products, edges, relations if with_relations else ())
    close(g)
    npz = save_embeddings(tmp_path / "emb" / "synthetic.npz", Embeddings(
        ids=emb.ids, vectors=emb.vectors, sha256=np.array(["0" * 64] * len(emb.ids)),
        model_id="synthetic", model_spec={"kind": "synthetic"}))
    return url, ["--graph", url, "--embeddings", str(npz), "--runs-dir", str(tmp_path / "runs"),
                 "--no-progress"]


@pytest.fixture()
def setup(tmp_path):
    """An embedded graph with the synthetic catalog and outfits, and its embeddings file."""
    url, common = _setup(tmp_path)
    return tmp_path, url, common


def test_train_evaluate_promote_refine_runs(setup, capsys):
    tmp_path, url, common = setup
    runs_dir = tmp_path / "runs"
    assert main(["gnn", "train", *common, *SMALL, "--name", "cli", "--promote",
                 "--split", "cold"]) == 0
    out = capsys.readouterr().out
    assert "target: WORN_WITH" in out and "cooccurrence" in out and "popularity" in out
    assert "cold: gnn recall@10" in out and "promoted" in out
    run_dir = next(runs_dir.glob("*-cli"))
    metrics = json.loads((run_dir / "metrics.json").read_text())
    promotions = [json.loads(x) for x in (run_dir / "promotions.jsonl").read_text().splitlines()]
    assert promotions[0]["forced"] is False and promotions[0]["metric"] == "recall@10"

    assert main(["gnn", "evaluate", *common, "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["run"] == run_dir.name
    assert results["test"]["cold"]["gnn"] == pytest.approx(metrics["test"]["cold"]["gnn"])
    assert results["test"]["warm"]["cooccurrence"] == pytest.approx(
        metrics["test"]["warm"]["cooccurrence"])

    assert main(["gnn", "refine", *common, "--k", "3"]) == 0
    assert "wrote 270 RECOMMENDED edges for 90 products" in capsys.readouterr().out

    assert main(["gnn", "runs", "--runs-dir", str(runs_dir)]) == 0
    assert f"* {run_dir.name}" in capsys.readouterr().out


def test_promote_refuses_a_run_that_loses_unless_forced(setup, capsys):
    tmp_path, url, common = setup
    runs_dir = tmp_path / "runs"
    # one epoch of a tiny model: it does not beat co-occurrence on warm hits
    assert main(["gnn", "train", *common, "--hidden", "4", "--epochs", "1", "--lr", "1e-5",
                 "--name", "weak", "--no-attributes", "--seed", "0"]) == 0
    capsys.readouterr()
    run = next(runs_dir.glob("*-weak")).name
    assert main(["gnn", "promote", run, "--runs-dir", str(runs_dir), "--split", "warm"]) == 1
    err = capsys.readouterr().err
    assert "not promoted: warm: gnn recall@10" in err and "does not beat cooccurrence" in err
    assert not (runs_dir / "latest").exists()
    assert main(["gnn", "promote", run, "--runs-dir", str(runs_dir), "--split", "warm",
                 "--force"]) == 0
    assert "promoted (forced)" in capsys.readouterr().out
    record = json.loads((runs_dir / run / "promotions.jsonl").read_text().splitlines()[-1])
    assert record["forced"] is True and record["checks"][0]["baseline"] == "cooccurrence"
    assert (runs_dir / "latest").resolve().name == run


def test_no_relations_says_so_and_target_column_trains(tmp_path, capsys):
    url, common = _setup(tmp_path, with_relations=False)
    assert main(["gnn", "train", *common, *SMALL]) == 1
    err = capsys.readouterr().err
    assert "no relation edges" in err and "load-relations" in err and "--target-column" in err
    assert not list((tmp_path / "runs").glob("*")) if (tmp_path / "runs").exists() else True
    assert main(["gnn", "train", *common, *SMALL, "--target-column", "color",
                 "--name", "bylabel"]) == 0
    assert "target: column:color" in capsys.readouterr().out


def test_user_errors_are_reported_without_traceback(setup, capsys):
    tmp_path, url, common = setup
    assert main(["gnn", "evaluate", *common]) == 1
    assert "no promoted run" in capsys.readouterr().err
    assert main(["gnn", "train", *common, "--target", "BOUGHT_WITH"]) == 1
    assert "no BOUGHT_WITH edges" in capsys.readouterr().err
    assert main(["gnn", "train", *common, "--cold-frac", "0.7"]) == 1
    assert "cold_frac" in capsys.readouterr().err
    assert main(["gnn", "refine", *common, "--run", "missing"]) == 1
    assert "no run 'missing'" in capsys.readouterr().err
    bad = [*common]
    bad[bad.index("--embeddings") + 1] = str(tmp_path / "nope.npz")
    assert main(["gnn", "train", *bad]) == 1
    assert "embeddings file not found" in capsys.readouterr().err


def test_train_flags_are_derived_from_the_config_declarations():
    from stylegraph.cli import build_parser
    from stylegraph.cli_flags import settings_from_args
    from stylegraph.gnn.cli import FLAG_NAMES, NOT_FLAGS, _config
    from stylegraph.gnn.config import GNNConfig
    from stylegraph.settings import Settings

    parser = build_parser()
    gnn = next(a for a in parser._actions if a.dest == "command").choices["gnn"]
    train = next(a for a in gnn._actions if a.dest == "gnn_command").choices["train"]
    flags = {opt for action in train._actions for opt in action.option_strings}
    for name in GNNConfig.model_fields:
        if name not in NOT_FLAGS:
            assert FLAG_NAMES.get(name, "--" + name.replace("_", "-")) in flags, name

    args = parser.parse_args(["gnn", "train", "--pair-lr", "0.2", "--layers", "3", "--no-price",
                              "--target", "WORN_WITH,BOUGHT_WITH", "--target", "X"])
    args.settings = settings_from_args(args, Settings.from_env({"STYLEGRAPH_SEED": "7"}))
    cfg = _config(args, "memory:", "emb")
    assert (cfg.pair_lr, cfg.num_layers, cfg.use_price, cfg.use_attributes) == (0.2, 3, False, True)
    assert cfg.target == ["WORN_WITH", "BOUGHT_WITH", "X"] and cfg.seed == 7
    assert cfg.hidden == GNNConfig().hidden and cfg.graph_url == "memory:"
