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

    train = sub.add_parser(
        "train", help="train the GNN on relation edges (never SIMILAR) into a new run dir")
    _graph_args(train)
    train.add_argument("--name", default="sage", help="run name suffix (default: sage)")
    train.add_argument("--target", action="append", default=[], metavar="KIND",
                       help="relation kind to learn, e.g. WORN_WITH (repeatable; "
                            "default: every relation kind in the graph)")
    train.add_argument("--target-column", default="", metavar="COL",
                       help="no behaviour data: learn pairs of products sharing this catalog column")
    _hyperparameter_args(train)
    train.add_argument("--promote", action="store_true",
                       help="then promote the run (only if it beats the best baseline)")
    _promotion_args(train)
    train.set_defaults(func=cmd_train)

    ev = sub.add_parser("evaluate", help="full-ranking metrics of a run on its held-out test parts")
    _graph_args(ev)
    ev.add_argument("--run", help="run name or path (default: runs/latest)")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON")
    ev.set_defaults(func=cmd_evaluate)

    ref = sub.add_parser("refine", help="write every product's RECOMMENDED edges from a run")
    _graph_args(ref)
    ref.add_argument("--run", help="run name or path (default: runs/latest)")
    ref.add_argument("--k", type=int, default=10, help="RECOMMENDED edges per product (default 10)")
    ref.set_defaults(func=cmd_refine)

    pro = sub.add_parser("promote", help="make a run the one runs/latest points at, if it beats "
                                         "the best baseline")
    pro.add_argument("run", help="run name or path")
    pro.add_argument("--runs-dir", type=Path, help="runs directory (default: settings runs_dir)")
    _promotion_args(pro)
    pro.set_defaults(func=cmd_promote)

    ls = sub.add_parser("runs", help="list training runs with their test metrics")
    ls.add_argument("--runs-dir", type=Path, help="runs directory (default: settings runs_dir)")
    ls.set_defaults(func=cmd_runs)


def _promotion_args(p: argparse.ArgumentParser) -> None:
    from stylegraph.gnn.evaluate import METRICS

    p.add_argument("--metric", choices=METRICS, default="recall@10",
                   help="test metric the run must win on (default recall@10)")
    p.add_argument("--split", choices=("both", "cold", "warm"), default="both",
                   help="split(s) on which it must beat the best baseline (default both)")
    p.add_argument("--force", action="store_true",
                   help="promote even if it loses (recorded in the run's promotions.jsonl)")


def _graph_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graph", help="graph URL (default: STYLEGRAPH_GRAPH_URL / settings)")
    p.add_argument("--embeddings", type=Path,
                   help="embeddings .npz (default: the ACTIVE embeddings under the data dir)")
    p.add_argument("--data-dir", type=Path,
                   help="data dir holding embeddings/ACTIVE (default: settings data_dir)")
    p.add_argument("--runs-dir", type=Path, help="runs directory (default: settings runs_dir)")
    p.add_argument("--batch-size-export", type=int, default=1000, dest="export_batch",
                   help="results per response batch of the graph export (default 1000)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def _hyperparameter_args(p: argparse.ArgumentParser) -> None:
    from stylegraph.gnn.config import AGGREGATORS, GNNConfig

    d = GNNConfig()
    p.add_argument("--hidden", type=int, default=d.hidden, help=f"hidden size ({d.hidden})")
    p.add_argument("--layers", type=int, default=d.num_layers, help=f"SAGE layers ({d.num_layers})")
    p.add_argument("--aggregator", choices=AGGREGATORS, default=d.aggregator)
    p.add_argument("--dropout", type=float, default=d.dropout)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--weight-decay", type=float, default=d.weight_decay)
    p.add_argument("--batch-size", type=int, default=d.batch_size, help="supervised pairs per step")
    p.add_argument("--epochs", type=int, default=d.epochs)
    p.add_argument("--patience", type=int, default=d.patience, help="early-stopping patience")
    p.add_argument("--negatives", type=int, default=d.negatives,
                   help=f"random negatives per step ({d.negatives})")
    p.add_argument("--message-frac", type=float, default=d.message_frac,
                   help="share of training relations that pass messages each epoch")
    p.add_argument("--cold-sim-frac", type=float, default=d.cold_sim_frac,
                   help="share of products whose relations are hidden each epoch (simulated cold start)")
    p.add_argument("--cold-frac", type=float, default=d.cold_frac,
                   help="share of related products held out cold, for validation and again for test")
    p.add_argument("--val-frac", type=float, default=d.val_frac,
                   help="share of the other relation pairs held out (warm) for validation")
    p.add_argument("--test-frac", type=float, default=d.test_frac,
                   help="share of the other relation pairs held out (warm) for test")
    p.add_argument("--embedding-dims", type=int, default=d.embedding_dims,
                   help=f"principal components kept of the image embedding ({d.embedding_dims}; "
                        "0 keeps it whole)")
    p.add_argument("--no-attributes", action="store_true",
                   help="leave out the one-hot catalog attributes")
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
    from stylegraph.queries.connect import connect, display_url

    url = args.graph or get_settings().graph_url
    try:
        return url, connect(url)
    except Exception as exc:  # any backend's connection failure is a user-facing error
        raise CommandError(f"cannot open graph {display_url(url)}: {exc}") from None


def _close(g: Any) -> None:
    from stylegraph.queries.connect import close

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

    kinds = [k.strip() for t in args.target for k in t.split(",") if k.strip()]
    try:
        return GNNConfig(
            name=args.name, seed=get_settings().seed if args.seed is None else args.seed,
            target=kinds, target_column=args.target_column, hidden=args.hidden,
            num_layers=args.layers, aggregator=args.aggregator, dropout=args.dropout,
            embedding_dims=args.embedding_dims, use_attributes=not args.no_attributes, use_price=not args.no_price, lr=args.lr,
            weight_decay=args.weight_decay, batch_size=args.batch_size, epochs=args.epochs,
            patience=args.patience, negatives=args.negatives, message_frac=args.message_frac,
            cold_sim_frac=args.cold_sim_frac, cold_frac=args.cold_frac, val_frac=args.val_frac,
            test_frac=args.test_frac, graph_url=graph_url, embeddings=embeddings,
        )
    except (ConfigError, ValueError) as exc:
        raise CommandError(str(exc)) from None


def _splits(choice: str) -> tuple[str, ...]:
    return ("cold", "warm") if choice == "both" else (choice,)


def _promote(args: argparse.Namespace, run: str, metric: str = "recall@10",
             split: str = "both", force: bool = False) -> None:
    from stylegraph.gnn import runs

    try:
        run_dir, checks = runs.promote(_runs_dir(args), run, metric, _splits(split), force)
    except runs.RunError as exc:
        raise CommandError(str(exc)) from None
    for c in checks:
        print(c.describe())
    forced = " (forced)" if any(not c.beats for c in checks) else ""
    print(f"promoted{forced}: {_runs_dir(args) / runs.LATEST} -> {run_dir.name}")


def cmd_train(args: argparse.Namespace) -> int:
    """``stylegraph gnn train``."""
    from stylegraph.gnn.dataset import DatasetError, build_dataset, export_graph
    from stylegraph.gnn.evaluate import format_metrics
    from stylegraph.gnn.train import train_run

    emb, emb_name = _embeddings(args)
    url, g = _connect(args)
    try:
        cfg = _config(args, url, emb_name)
        try:
            exported = export_graph(g, args.export_batch, not args.no_progress,
                                    kinds=cfg.target or None)
            dataset = build_dataset(exported, emb, cold_frac=cfg.cold_frac,
                                    val_frac=cfg.val_frac, test_frac=cfg.test_frac, seed=cfg.seed,
                                    target_column=cfg.target_column,
                                    label_pairs_per_product=cfg.label_pairs_per_product,
                                    use_attributes=cfg.use_attributes, use_price=cfg.use_price,
                                    pca_dims=cfg.embedding_dims)
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
    finally:
        _close(g)
    result = train_run(dataset, cfg, _runs_dir(args), progress=not args.no_progress)
    print(f"run: {result.run_dir} (target: {', '.join(dataset.kinds)})")
    print(f"best epoch {result.metrics['best_epoch']} of {result.metrics['epochs_run']}, "
          f"{result.metrics['train_seconds']:.1f} s; test metrics:")
    print(format_metrics(result.metrics["test"]))
    if args.promote:
        _promote(args, result.run_dir.name, args.metric, args.split, args.force)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``stylegraph gnn evaluate``."""
    from stylegraph.gnn import runs
    from stylegraph.gnn.dataset import DatasetError
    from stylegraph.gnn.evaluate import evaluate_run, format_metrics

    results = _on_run(
        args, lambda g, run_dir, emb: evaluate_run(g, run_dir, emb, args.export_batch,
                                                   not args.no_progress),
        (DatasetError, runs.RunError, ValueError))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"run {results['run']}: test metrics over all candidate products")
        print(format_metrics(results["test"]))
    return 0


def cmd_refine(args: argparse.Namespace) -> int:
    """``stylegraph gnn refine``."""
    from stylegraph.gnn import runs
    from stylegraph.gnn.dataset import DatasetError
    from stylegraph.gnn.refine import refine

    if args.k < 1:
        raise CommandError("--k must be >= 1")
    report = _on_run(
        args, lambda g, run_dir, emb: refine(g, run_dir, emb, k=args.k,
                                             batch_size=args.export_batch,
                                             progress=not args.no_progress),
        (DatasetError, runs.RunError))
    print(f"run {report.run}: wrote {report.edges_written} RECOMMENDED edges for "
          f"{report.products} products ({len(report.new_products)} added after training)")
    print("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items()))
    return 0


def cmd_promote(args: argparse.Namespace) -> int:
    """``stylegraph gnn promote RUN``."""
    _promote(args, args.run, args.metric, args.split, args.force)
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    """``stylegraph gnn runs``."""
    from stylegraph.gnn import runs

    found = runs.list_runs(_runs_dir(args))
    if not found:
        print(f"no runs in {_runs_dir(args)}")
        return 0
    head = ["cold R@10", "best base", "warm R@10", "best base"]
    print(f"  {'run':40} " + " ".join(f"{h:>10}" for h in head))
    for r in found:
        t = r.metrics.get("test", {})
        cells: list[float | None] = []
        for split in ("cold", "warm"):
            methods = t.get(split, {})
            base = [m.get("recall@10") for n, m in methods.items() if n != "gnn"]
            cells += [methods.get("gnn", {}).get("recall@10"), max(base) if base else None]
        text = " ".join(f"{c:>10.4f}" if c is not None else f"{'-':>10}" for c in cells)
        print(f"{'*' if r.latest else ' '} {r.name:40} {text}")
    return 0
