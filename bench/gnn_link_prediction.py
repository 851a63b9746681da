"""Benchmark of the GNN link predictor on a generated sample catalog.

Pipeline (each stage timed): sample catalog -> random-init ResNet-18
embeddings -> top-k SIMILAR edges -> Neptune CSV -> load into an embedded
graph -> ``gnn train`` -> ``gnn evaluate`` -> ``gnn refine``. Prints:

* ROC-AUC / Hits@10 / MRR of the GNN on held-out SIMILAR edges next to the
  plain cosine similarity of the CNN embeddings on the same split;
* precision@10 against the catalog's ground-truth style (subcategory +
  pattern + colour) of the SIMILAR edges and of the RECOMMENDED edges;
* wall time of every stage.

Run: ``.venv/bin/python bench/gnn_link_prediction.py [--products 2000]``.
Work files go to ``--work`` (default ``data/bench_gnn``); the catalog and the
embeddings are reused when already there.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("DGLBACKEND", "pytorch")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags of the benchmark."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--products", type=int, default=2000)
    p.add_argument("--size", type=int, default=64, help="rendered image size (px)")
    p.add_argument("--image-size", type=int, default=64, help="CNN input size (px)")
    p.add_argument("--model", default="resnet18", help="CNN backbone for the embeddings")
    p.add_argument("--weights", default="random", help="random | torchvision | PATH.pth")
    p.add_argument("--style", default="none", choices=("none", "style", "concat"),
                   help="Gram-matrix style features (see `stylegraph embed --style`)")
    p.add_argument("--k", type=int, default=10, help="SIMILAR and RECOMMENDED edges per product")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--scorer", default="mlp", choices=("dot", "mlp"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch threads (shared machines: 1)")
    p.add_argument("--work", type=Path, default=Path("data/bench_gnn"))
    return p.parse_args(argv)


def precision_at(neighbours: dict[str, list[tuple[float, str]]], label: dict[str, str],
                 k: int) -> float:
    """Mean share of each product's top-``k`` (by score) neighbours with its own style label."""
    hits = total = 0
    for src, nbrs in neighbours.items():
        for _, dst in sorted(nbrs, reverse=True)[:k]:
            total += 1
            hits += label.get(dst) == label[src]
    return hits / total if total else 0.0


def neighbour_lists(g: Any, edge_label: str) -> dict[str, list[tuple[float, str]]]:
    """``{src: [(score, dst), ...]}`` for every edge with ``edge_label``, read through ``g``."""
    from stylegraph.queries.export import iter_edges

    out: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for e in iter_edges(g, label=edge_label):
        out[e.src].append((e.score or 0.0, e.dst))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the pipeline and print the figures."""
    args = parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    from stylegraph.gnn.config import GNNConfig
    from stylegraph.gnn.dataset import build_dataset, export_graph
    from stylegraph.gnn.evaluate import evaluate_run, format_metrics
    from stylegraph.gnn.refine import refine
    from stylegraph.gnn.train import train_run
    from stylegraph.graph.connect import close, connect
    from stylegraph.loader.build import build_graph
    from stylegraph.loader.catalog import STYLE_COLUMNS, read_catalog
    from stylegraph.loader.embed import Embedder, make_spec
    from stylegraph.loader.embed_catalog import embed_catalog
    from stylegraph.loader.load import load_csv

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}

    def stage(name: str, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` as the timed stage ``name``."""
        t0 = time.perf_counter()
        result = fn()
        times[name] = time.perf_counter() - t0
        print(f"[{name}] {times[name]:.1f} s", flush=True)
        return result

    cat_dir = work / f"catalog-{args.products}-{args.size}-s{args.seed}"
    if not (cat_dir / "catalog.csv").exists():
        from stylegraph.loader.sample_catalog import generate_catalog

        stage("sample-catalog", lambda: generate_catalog(cat_dir, args.products, seed=args.seed,
                                                         size=args.size))
    catalog = read_catalog(cat_dir)
    label = dict(zip((p.product_id for p in catalog), catalog.labels(STYLE_COLUMNS)))
    embedder = Embedder(make_spec(args.model, args.weights, style=args.style,
                                  image_size=args.image_size, seed=args.seed))
    embedded = stage("embed", lambda: embed_catalog(catalog, embedder, work / "data",
                                                    batch_size=32))
    print(f"embed: {embedded.computed} computed, {embedded.reused} reused from the cache")
    emb = embedded.embeddings
    csv_dir = work / f"csv-{emb.model_id}-k{args.k}"
    built = stage("build-graph", lambda: build_graph(catalog, emb, csv_dir, k=args.k))
    db = work / f"graph-{emb.model_id}-k{args.k}.db"
    for old in work.glob(db.name + "*"):  # a fresh graph, so the load time is a real load
        old.unlink()
    g = connect("embedded://" + str(db.resolve()))
    try:
        stage("load", lambda: load_csv(g, csv_dir))
        exported = stage("gnn export", lambda: export_graph(g))
        cfg = GNNConfig(name=f"bench-{args.scorer}", seed=args.seed, hidden=args.hidden,
                        scorer=args.scorer, epochs=args.epochs, graph_url=str(db),
                        embeddings=emb.model_id)
        dataset = build_dataset(exported, emb, val_frac=cfg.val_frac, test_frac=cfg.test_frac,
                                seed=cfg.seed)
        result = stage("gnn train", lambda: train_run(dataset, cfg, work / "runs"))
        ev = stage("gnn evaluate", lambda: evaluate_run(g, result.run_dir, emb))
        report = stage("gnn refine", lambda: refine(g, result.run_dir, emb, k=args.k))
        p_similar = precision_at(neighbour_lists(g, "SIMILAR"), label, args.k)
        p_recommended = precision_at(neighbour_lists(g, "RECOMMENDED"), label, args.k)
    finally:
        close(g)

    m = result.metrics
    print()
    print(f"== GNN link prediction on {emb.model_id} embeddings: {len(catalog)} products, "
          f"{m['dataset']['pairs']} undirected SIMILAR pairs "
          f"(train {m['dataset']['train']}, val {m['dataset']['val']}, "
          f"test {m['dataset']['test']}), {m['dataset']['features']} features")
    print(f"run {result.run_dir.name}: best epoch {m['best_epoch']} of {m['epochs_run']}, "
          f"{m['train_seconds']:.1f} s")
    print(f"held-out test edges ({ev['gnn']['n_pos']} positives x "
          f"{ev['gnn']['n_neg_per_pos']} negatives):")
    print(format_metrics(ev))
    print(f"precision@{args.k} vs ground-truth style: SIMILAR {p_similar:.4f}  "
          f"RECOMMENDED {p_recommended:.4f}  (build-graph reported "
          f"{built.precision if built.precision is not None else float('nan'):.4f})")
    print(f"refine: {report.edges_written} edges, {report.mean_candidates:.1f} candidates/product")
    print("wall time per stage (s): " + ", ".join(f"{k} {v:.1f}" for k, v in times.items()))
    summary = {"products": len(catalog), "test": ev, "precision_similar": p_similar,
               "precision_recommended": p_recommended, "seconds": times,
               "run": result.run_dir.name}
    (work / "last_result.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
