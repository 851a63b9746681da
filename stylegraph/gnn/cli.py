"""``stylegraph gnn train|evaluate|refine|promote|runs``: the data scientist's GNN commands.

Each command parses its flags and calls a library function of ``stylegraph.gnn``;
torch and DGL are imported only when a command runs.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Callable, TypeVar

from stylegraph.cli import CommandError
from stylegraph.settings import get_settings

_T = TypeVar("_T")


def register(subparsers: Any) -> None:
    """Add the ``gnn`` command and its subcommands to the ``stylegraph`` parser."""
    gnn = subparsers.add_parser("gnn", help="train, evaluate and apply the GNN link predictor")
    sub = gnn.add_subparsers(dest="gnn_command", metavar="SUBCOMMAND")
    sub.required = True

    train = sub.add_parser("train", help="train a GraphSAGE link predictor into a new run dir")
    _graph_args(train)
    train.add_argument("--name", default="sage", help="run name suffix (default: sage)")
    _hyperparameter_args(train)
    train.add_argument("--promote", action="store_true", help="point runs/latest at the new run")
    train.set_defaults(func=cmd_train)

    ev = sub.add_parser("evaluate", help="ROC-AUC, Hits@10, MRR on a run's held-out edges vs cosine")
    _graph_args(ev)
    ev.add_argument("--run", help="run name or path (default: runs/latest)")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON")
    ev.set_defaults(func=cmd_evaluate)

    ref = sub.add_parser("refine", help="write RECOMMENDED edges scored by a trained run")
    _graph_args(ref)
    ref.add_argument("--run", help="run name or path (default: runs/latest)")
    ref.add_argument("--k", type=int, default=10, help="RECOMMENDED edges per product (default 10)")
    ref.add_argument("--candidates", type=int, default=50,
                     help="nearest neighbours in GNN-embedding space added to the 2-hop candidates")
    ref.set_defaults(func=cmd_refine)

    pro = sub.add_parser("promote", help="make a run the one runs/latest points at")
    pro.add_argument("run", help="run name or path")
    pro.add_argument("--runs-dir", type=Path, help="runs directory (default: settings runs_dir)")
    pro.set_defaults(func=cmd_promote)

    ls = sub.add_parser("runs", help="list training runs with their test metrics")
    ls.add_argument("--runs-dir", type=Path, help="runs directory (default: settings runs_dir)")
    ls.set_defaults(func=cmd_runs)


def _graph_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graph", help="graph URL (default: STYLEGRAPH_GRAPH_URL / settings)")
    p.add_argument("--embeddings", type=Path,
                   help="embeddings .npz (default: the ACTIVE embeddings under the data dir)")
    p.add_argument("--data-dir", type=Path,
                   help="data dir holding embeddings/ACTIVE (default: settings data_dir)")
    p.add_argument("--runs-dir", type=Path, help="runs directory (default: settings runs_dir)")
    p.add_argument("--page-size", type=int, default=1000, help="export page size (default 1000)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def _hyperparameter_args(p: argparse.ArgumentParser) -> None:
    from stylegraph.gnn.config import AGGREGATORS, SCORERS, GNNConfig

    d = GNNConfig()
    p.add_argument("--hidden", type=int, default=d.hidden, help=f"hidden size ({d.hidden})")
    p.add_argument("--layers", type=int, default=d.num_layers, help=f"SAGE layers ({d.num_layers})")
    p.add_argument("--fanouts", default=None,
                   help=f"neighbours sampled per layer, comma-separated "
                        f"(default {d.fanouts[0]} for every layer)")
    p.add_argument("--aggregator", choices=AGGREGATORS, default=d.aggregator)
    p.add_argument("--scorer", choices=SCORERS, default=d.scorer, help="edge scorer")
    p.add_argument("--dropout", type=float, default=d.dropout)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--weight-decay", type=float, default=d.weight_decay)
    p.add_argument("--batch-size", type=int, default=d.batch_size, help="seed edges per batch")
    p.add_argument("--epochs", type=int, default=d.epochs)
    p.add_argument("--patience", type=int, default=d.patience, help="early-stopping patience")
    p.add_argument("--neg-ratio", type=int, default=d.neg_ratio, help="negatives per positive")
    p.add_argument("--val-frac", type=float, default=d.val_frac)
    p.add_argument("--test-frac", type=float, default=d.test_frac)
    p.add_argument("--eval-negatives", type=int, default=d.eval_negatives)
    p.add_argument("--no-category", action="store_true", help="leave out the one-hot category")
    p.add_argument("--no-price", action="store_true", help="leave out the scaled price")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: settings seed)")


def _runs_dir(args: argparse.Namespace) -> Path:
    return Path(args.runs_dir) if args.runs_dir else Path(get_settings().runs_dir)


def _embeddings(args: argparse.Namespace):
    from stylegraph.loader.embedding_store import (EmbeddingStoreError, active_embeddings,
                                                   load_embeddings)

    try:
        if args.embeddings:
            return load_embeddings(args.embeddings), str(args.embeddings)
        emb = active_embeddings(args.data_dir or get_settings().data_dir)
        return emb, emb.model_id
    except EmbeddingStoreError as exc:
        raise CommandError(str(exc)) from None


def _connect(args: argparse.Namespace):
    from stylegraph.graph.connect import connect

    url = args.graph or get_settings().graph_url
    try:
        return url, connect(url)
    except Exception as exc:  # any backend's connection failure is a user-facing error
        raise CommandError(f"cannot open graph {url}: {exc}") from None


def _close(g: Any) -> None:
    from stylegraph.graph.connect import close

    close(g)


def _on_run(args: argparse.Namespace, work: Callable[[Any, Path, Any], _T],
            errors: tuple[type[Exception], ...]) -> _T:
    """``work(g, run_dir, embeddings)`` for the run ``args.run`` names, on the graph ``args``
    name, closing it after; a bad run or one of ``errors`` becomes a CommandError."""
    from stylegraph.gnn import runs

    try:
        run_dir = runs.resolve_run(_runs_dir(args), args.run)
    except runs.RunError as exc:
        raise CommandError(str(exc)) from None
    emb, _ = _embeddings(args)
    _, g = _connect(args)
    try:
        return work(g, run_dir, emb)
    except errors as exc:
        raise CommandError(str(exc)) from None
    finally:
        _close(g)


def _config(args: argparse.Namespace, graph_url: str, embeddings: str):
    from stylegraph.gnn.config import ConfigError, GNNConfig

    try:
        if args.fanouts is None:
            fanouts = [GNNConfig().fanouts[0]] * args.layers
        else:
            fanouts = [int(x) for x in str(args.fanouts).split(",") if x.strip()]
        return GNNConfig(
            name=args.name, seed=get_settings().seed if args.seed is None else args.seed,
            hidden=args.hidden, num_layers=args.layers, fanouts=fanouts,
            aggregator=args.aggregator, dropout=args.dropout, scorer=args.scorer,
            use_category=not args.no_category, use_price=not args.no_price, lr=args.lr,
            weight_decay=args.weight_decay, batch_size=args.batch_size, epochs=args.epochs,
            patience=args.patience, neg_ratio=args.neg_ratio, val_frac=args.val_frac,
            test_frac=args.test_frac, eval_negatives=args.eval_negatives,
            graph_url=graph_url, embeddings=embeddings,
        )
    except (ConfigError, ValueError) as exc:
        raise CommandError(str(exc)) from None


def cmd_train(args: argparse.Namespace) -> int:
    """``stylegraph gnn train``."""
    from stylegraph.gnn import runs
    from stylegraph.gnn.dataset import DatasetError, build_dataset, export_graph
    from stylegraph.gnn.evaluate import format_metrics
    from stylegraph.gnn.train import train_run

    emb, emb_name = _embeddings(args)
    url, g = _connect(args)
    try:
        cfg = _config(args, url, emb_name)
        try:
            exported = export_graph(g, args.page_size, not args.no_progress)
            dataset = build_dataset(exported, emb, val_frac=cfg.val_frac, test_frac=cfg.test_frac,
                                    seed=cfg.seed, use_category=cfg.use_category,
                                    use_price=cfg.use_price)
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
    finally:
        _close(g)
    result = train_run(dataset, cfg, _runs_dir(args), progress=not args.no_progress)
    print(f"run: {result.run_dir}")
    print(f"best epoch {result.metrics['best_epoch']} of {result.metrics['epochs_run']}; "
          "test metrics:")
    print(format_metrics(result.metrics["test"]))
    if args.promote:
        runs.promote(_runs_dir(args), result.run_dir.name)
        print(f"promoted: {_runs_dir(args) / runs.LATEST} -> {result.run_dir.name}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``stylegraph gnn evaluate``."""
    from stylegraph.gnn import runs
    from stylegraph.gnn.dataset import DatasetError
    from stylegraph.gnn.evaluate import evaluate_run, format_metrics

    results = _on_run(
        args, lambda g, run_dir, emb: evaluate_run(g, run_dir, emb, args.page_size,
                                                   not args.no_progress),
        (DatasetError, runs.RunError, ValueError))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        n = results["gnn"]
        print(f"run {results['run']}: {n['n_pos']} held-out edges, "
              f"{n['n_neg_per_pos']} negatives each")
        print(format_metrics(results))
    return 0


def cmd_refine(args: argparse.Namespace) -> int:
    """``stylegraph gnn refine``."""
    from stylegraph.gnn import runs
    from stylegraph.gnn.dataset import DatasetError
    from stylegraph.gnn.refine import refine

    if args.k < 1 or args.candidates < 0:
        raise CommandError("--k must be >= 1 and --candidates >= 0")
    report = _on_run(
        args, lambda g, run_dir, emb: refine(g, run_dir, emb, k=args.k, ann_m=args.candidates,
                                             page_size=args.page_size,
                                             progress=not args.no_progress),
        (DatasetError, runs.RunError))
    print(f"run {report.run}: wrote {report.edges_written} RECOMMENDED edges for "
          f"{report.products} products ({len(report.new_products)} added after training), "
          f"{report.mean_candidates:.1f} candidates per product")
    print("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items()))
    return 0


def cmd_promote(args: argparse.Namespace) -> int:
    """``stylegraph gnn promote RUN``."""
    from stylegraph.gnn import runs

    try:
        run_dir = runs.promote(_runs_dir(args), args.run)
    except runs.RunError as exc:
        raise CommandError(str(exc)) from None
    print(f"promoted: {_runs_dir(args) / runs.LATEST} -> {run_dir.name}")
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    """``stylegraph gnn runs``."""
    from stylegraph.gnn import runs

    found = runs.list_runs(_runs_dir(args))
    if not found:
        print(f"no runs in {_runs_dir(args)}")
        return 0
    print(f"  {'run':40} {'auc':>7} {'hits@10':>8} {'mrr':>7} {'cos mrr':>8}")
    for r in found:
        t = r.metrics.get("test", {})
        gm, cm = t.get("gnn", {}), t.get("cosine", {})
        cells = [gm.get("roc_auc"), gm.get("hits@10"), gm.get("mrr"), cm.get("mrr")]
        text = " ".join(f"{c:>7.4f}" if c is not None else f"{'-':>7}" for c in cells)
        print(f"{'*' if r.latest else ' '} {r.name:40} {text}")
    return 0
