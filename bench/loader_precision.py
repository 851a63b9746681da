"""Precision@10 of SIMILAR edges against ground-truth style, and wall time of each loader stage.

Evaluated on a sample catalog (default 2,000 products, seed 0): random-init
ResNet-18 content features, Gram style features (alone and concatenated), and
the image model trained end to end (``stylegraph finetune``, labels
subcategory + pattern + colour) on a *different* catalog (seed 1), so the
trained figure is on unseen images. Then CSV writing and loading into
an in-memory graph (when the graph engine is available).

Usage: python bench/loader_precision.py [--products 2000] [--size 128] [--image-size 128] [--epochs 15]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from stylegraph.loader.build import build_graph  # noqa: E402
from stylegraph.loader.catalog import STYLE_COLUMNS, read_catalog  # noqa: E402
from stylegraph.loader.embed import load_embedder, make_spec  # noqa: E402
from stylegraph.loader.embed_catalog import embed_catalog  # noqa: E402
from stylegraph.loader.finetune import FinetuneConfig, finetune  # noqa: E402
from stylegraph.loader.sample_catalog import generate_catalog  # noqa: E402

TIMES: dict[str, float] = {}


def timed(name: str, fn, *args, **kwargs):
    """Run ``fn`` and record its wall time under ``name``."""
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    TIMES[name] = time.perf_counter() - start
    return out


def main() -> None:
    """Run every stage and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--products", type=int, default=2000)
    ap.add_argument("--size", type=int, default=128, help="rendered image size")
    ap.add_argument("--image-size", type=int, default=128, help="CNN input size")
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    tmp = Path(tempfile.mkdtemp(prefix="sg-bench-"))
    eval_dir, train_dir, data = tmp / "eval", tmp / "train", tmp / "data"
    timed("render eval catalog", generate_catalog, eval_dir, args.products, seed=0, size=args.size)
    timed("render train catalog", generate_catalog, train_dir, args.products, seed=1, size=args.size)
    catalog = read_catalog(eval_dir)
    results: dict[str, float] = {}
    configs = {
        "resnet18 random, content": make_spec("resnet18", "random", image_size=args.image_size),
        "resnet18 random, style (Gram)": make_spec("resnet18", "random", style="style", image_size=args.image_size),
        "resnet18 random, content+style": make_spec("resnet18", "random", style="concat", image_size=args.image_size),
    }
    for name, spec in configs.items():
        res = timed(f"embed: {name}", embed_catalog, catalog, load_embedder(spec), data)
        built = timed(f"build-graph: {name}", build_graph, catalog, res.embeddings, tmp / "csv", k=args.k,
                      progress=False, labels=list(STYLE_COLUMNS))
        results[name] = built.precision
    cfg = FinetuneConfig(catalog=str(train_dir), labels={"subcategory": 1.0, "pattern": 1.0, "color": 1.0},
                         image_size=args.image_size, epochs=args.epochs, runs_dir=str(tmp / "runs"), name="bench")
    run, metrics = timed("finetune (end to end)", finetune, cfg)
    name = "trained end to end (subcategory+pattern+color)"
    res = timed(f"embed: {name}", embed_catalog, catalog, load_embedder(make_spec(weights=str(run))), data)
    built = timed(f"build-graph: {name}", build_graph, catalog, res.embeddings, tmp / "csv", k=args.k,
                  progress=False, labels=list(STYLE_COLUMNS))
    results[name] = built.precision
    # the same embeddings again: everything cached
    timed("embed again (all cached)", embed_catalog, catalog, load_embedder(make_spec(weights=str(run))), data)
    if not args.skip_load:
        try:
            from stylegraph.graph.connect import close, connect
            from stylegraph.loader.load import load_csv

            g = connect("memory:")
            stats = timed("load CSV into memory graph", load_csv, g, tmp / "csv")
            stats2 = timed("re-load (idempotent, no writes)", load_csv, g, tmp / "csv")
            print(f"load: {stats.as_dict()}\nre-load: {stats2.as_dict()}")
            close(g)
        except ImportError as exc:
            print(f"(graph load skipped: {exc})")
    print(f"\n== precision@{args.k} of SIMILAR edges vs ground-truth style "
          f"({args.products} products, {len(set(catalog.labels()))} styles, {args.image_size}px input)")
    for name, value in results.items():
        print(f"{name:45s} {value:.3f}")
    print("\n== wall time per stage (s)")
    for name, seconds in TIMES.items():
        print(f"{name:55s} {seconds:8.1f}")
    print(f"(work dir {tmp})")


if __name__ == "__main__":
    main()
