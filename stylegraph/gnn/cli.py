"""``stylegraph gnn train|evaluate|refine|promote|runs``: the data scientist's GNN commands.

Each command parses its flags and calls a library function of ``stylegraph.gnn``;
torch and DGL are imported only when a command runs.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Callable, TypeVar

from stylegraph.cli_flags import field_flag, model_flags, model_values, setting_flag
from stylegraph.commands import CommandError, graph_session

_T = TypeVar("_T")


def register(subparsers: Any) -> None:
    """Add the ``gnn`` command and its subcommands to the ``stylegraph`` parser."""
    gnn = subparsers.add_parser("gnn", help="train, evaluate and apply the GNN link predictor")
    sub = gnn.add_subparsers(dest="gnn_command", metavar="SUBCOMMAND")
    sub.required = True

    train = sub.add_parser(
        "train", help="train the GNN on relation edges (never SIMILAR) into a new run dir")
    _graph_args(train)
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
    ref.add_argument("--snapshot-only", action="store_true",
                     help="only save the run's ranking under DATA_DIR/recommendations/ for the "
                          "explorer's compare view; leave the graph's RECOMMENDED edges as they are")
    ref.set_defaults(func=cmd_refine)

    pro = sub.add_parser("promote", help="make a run the one runs/latest points at, if it beats "
                                         "the best baseline")
    pro.add_argument("run", help="run name or path")
    setting_flag(pro, "runs_dir")
    _promotion_args(pro)
    pro.set_defaults(func=cmd_promote)

    ls = sub.add_parser("runs", help="list training runs with their test metrics")
    setting_flag(ls, "runs_dir")
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
    setting_flag(p, "graph_url", "--graph", metavar="URL")
    p.add_argument("--embeddings", type=Path,
                   help="embeddings .npz (default: the ACTIVE embeddings under the data dir)")
    setting_flag(p, "data_dir")
    setting_flag(p, "runs_dir")
    p.add_argument("--batch-size-export", type=int, default=1000, dest="export_batch",
                   help="results per response batch of the graph export (default 1000)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


# flags whose name is not the field's
FLAG_NAMES = {"num_layers": "--layers", "use_attributes": "--no-attributes", "use_price": "--no-price"}
# config fields the command fills in itself (provenance)
NOT_FLAGS = ("graph_url", "embeddings")


def _hyperparameter_args(p: argparse.ArgumentParser) -> None:
    from stylegraph.gnn.config import GNNConfig

    model_flags(p, GNNConfig, exclude=(*NOT_FLAGS, "seed"), names=FLAG_NAMES)
    field_flag(p, GNNConfig, "seed", default_text="STYLEGRAPH_SEED")


def _runs_dir(args: argparse.Namespace) -> Path:
    return Path(args.settings.runs_dir)


def _embeddings(args: argparse.Namespace):
    from stylegraph.loader.embedding_store import EmbeddingStoreError, chosen_embeddings

    try:
        emb = chosen_embeddings(args.embeddings, args.settings.data_dir)
    except EmbeddingStoreError as exc:
        raise CommandError(str(exc)) from None
    return emb, str(args.embeddings) if args.embeddings else emb.model_id


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
    with graph_session(args.settings.graph_url, args.settings) as g:
        try:
            return work(g, run_dir, emb)
        except errors as exc:
            raise CommandError(str(exc)) from None


def _config(args: argparse.Namespace, graph_url: str, embeddings: str):
    from stylegraph.gnn.config import ConfigError, GNNConfig

    values = {"seed": args.settings.seed, **model_values(args, GNNConfig, exclude=NOT_FLAGS)}
    try:
        return GNNConfig(**values, graph_url=graph_url, embeddings=embeddings)
    except ConfigError as exc:
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
    url = args.settings.graph_url
    with graph_session(url, args.settings) as g:
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
    from stylegraph.gnn.evaluate import format_metrics
    from stylegraph.gnn.runs import evaluate_run

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
                                             progress=not args.no_progress,
                                             snapshot_to=args.settings.data_dir,
                                             write=not args.snapshot_only),
        (DatasetError, runs.RunError))
    if args.snapshot_only:
        print(f"run {report.run}: saved the ranking of {report.products} products for comparison "
              "(graph unchanged)")
    else:
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
