"""``stylegraph inspect train|run|queue``: the image inspection commands."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from stylegraph.settings import get_settings


def _error(message: str) -> Exception:
    from stylegraph.commands import CommandError

    return CommandError(message)


def _torch_threads() -> None:
    threads = get_settings().torch_threads
    if threads > 0:
        import torch

        torch.set_num_threads(threads)


def cmd_train(args: argparse.Namespace) -> int:
    """``stylegraph inspect train``."""
    from stylegraph.inspect.train import InspectConfig, InspectTrainError, train_inspector
    from stylegraph.loader.catalog import CatalogError, parse_column_map
    from stylegraph.loader.embed import EmbedError
    from stylegraph.loader.finetune import FinetuneError

    _torch_threads()
    s = get_settings()
    review_db = "" if args.no_review_labels else str(args.review_db or s.review_db)
    try:
        cfg = InspectConfig(catalog=str(args.catalog), label=args.label, columns=parse_column_map(args.column or []),
                            model=args.model, weights=args.weights or s.weights, image_size=args.image_size,
                            epochs=args.epochs, patience=args.patience, max_minutes=args.max_minutes, lr=args.lr, batch_size=args.batch_size,
                            target_precision=args.precision, review_db=review_db, seed=args.seed, name=args.name,
                            runs_dir=str(args.runs_dir or s.runs_dir))
        run, m = train_inspector(cfg, progress=not args.quiet)
    except (InspectTrainError, FinetuneError, EmbedError, CatalogError, OSError) as exc:
        raise _error(str(exc)) from None
    print(f"run: {run}")
    print(f"validation accuracy {m['val_accuracy']:.4f} (majority class {m['majority_val_accuracy']:.4f}), "
          f"temperature {m['temperature']:.3f}, ECE {m['ece_before']:.3f} -> {m['ece_after']:.3f}")
    reached = "" if m["threshold_reached"] else " (target not reached: every photo goes to review)"
    print(f"threshold {m['threshold']:.4f} for precision {m['target_precision']:.2f}: validation coverage "
          f"{m['val_coverage']:.3f} at precision {m['val_precision_at_threshold']:.3f}{reached}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``stylegraph inspect run``."""
    from stylegraph.inspect.model import ClassifierError
    from stylegraph.inspect.predict import Inspector, catalog_photos, folder_photos, inspect_batch
    from stylegraph.inspect.queue import ReviewQueue
    from stylegraph.loader.catalog import CatalogError

    _torch_threads()
    try:
        inspector = Inspector(args.run)
        if args.catalog:
            photos = list(catalog_photos(args.catalog, inspector.label))
        else:
            if not Path(args.images).is_dir():
                raise _error(f"--images: {args.images} is not a folder")
            photos = list(folder_photos(args.images))
        queue = ReviewQueue(args.review_db or get_settings().review_db) if args.queue else None
        summary = inspect_batch(inspector, photos, args.out, catalog=bool(args.catalog),
                                batch_size=args.batch_size, progress=not args.quiet, queue=queue)
    except (ClassifierError, CatalogError, OSError) as exc:
        raise _error(str(exc)) from None
    print(f"wrote {summary.rows} rows to {args.out}: {summary.accepted} accepted, {summary.review} to review"
          + (f", {summary.mismatches} disagree with the catalog label" if args.catalog else "")
          + (f", {summary.queued} newly queued" if queue is not None else ""))
    for line in summary.skipped:
        print(f"skipped {line}")
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    """``stylegraph inspect queue``: list the review queue as JSON lines."""
    from stylegraph.inspect.queue import QueueError, ReviewQueue

    try:
        items, total = ReviewQueue(args.review_db or get_settings().review_db).list(args.status, args.limit)
    except QueueError as exc:
        raise _error(str(exc)) from None
    for item in items:
        print(json.dumps(item.as_json()))
    print(f"{total} {args.status}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``stylegraph inspect`` and its subcommands."""
    top = subparsers.add_parser("inspect", help="classify photos; send the doubtful ones to review")
    sub = top.add_subparsers(dest="inspect_command", metavar="SUBCOMMAND")
    sub.required = True

    p = sub.add_parser("train", help="train a calibrated photo classifier on a catalog label column")
    p.add_argument("--catalog", required=True, type=Path)
    p.add_argument("--label", required=True, help="catalog column to classify, e.g. category")
    p.add_argument("--column", action="append", metavar="NAME=SOURCE", help="read catalog column SOURCE as NAME")
    p.add_argument("--weights", help="starting weights: a finetune run dir (the image model) | torchvision | "
                                     "random | PATH.pth (settings: weights)")
    p.add_argument("--model", default="resnet18", help="ResNet for torchvision/random/.pth weights")
    p.add_argument("--image-size", type=int, default=0, help="0: the image model's own, else from the photos")
    p.add_argument("--epochs", type=int, default=0, help="end-to-end epochs after the linear probe (0: probe only)")
    p.add_argument("--patience", type=int, default=4)
    p.add_argument("--max-minutes", type=float, default=0.0,
                   help="stop end-to-end training before an epoch that would pass this budget (0: none)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--precision", type=float, default=0.95, help="target precision of accepted photos")
    p.add_argument("--review-db", type=Path, help="review queue whose decisions are labels (settings: review_db)")
    p.add_argument("--no-review-labels", action="store_true", help="ignore the review queue's labels")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--name", default="inspect", help="run name")
    p.add_argument("--runs-dir", type=Path, help="settings: runs_dir")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("run", help="classify a catalog or a folder of photos into a CSV")
    p.add_argument("--run", required=True, type=Path, help="an inspect train run directory")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--catalog", type=Path)
    src.add_argument("--images", type=Path, help="a folder of photos (searched recursively)")
    p.add_argument("--out", required=True, type=Path, help="results CSV")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--queue", action="store_true", help="also put the photos to review in the review queue")
    p.add_argument("--review-db", type=Path, help="settings: review_db")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("queue", help="list the review queue")
    p.add_argument("--status", default="pending", choices=("pending", "reviewed", "all"))
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--review-db", type=Path, help="settings: review_db")
    p.set_defaults(func=cmd_queue)
