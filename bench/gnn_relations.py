"""Benchmark: the relation GNN on real outfits (mango-outfits), cold start and warm.

Pipeline, all through the product's own code: catalog -> image embeddings
(``stylegraph embed``, or ``--embeddings NPZ``) -> top-k SIMILAR edges ->
graph (``memory:`` by default, any ``--graph`` URL) -> ``load-relations``
(outfits as ``groups``, kind ``WORN_WITH``) -> ``gnn train`` -> ``gnn refine``.
Prints the full-ranking test metrics of the GNN next to each baseline on the
same split, training and refine times, and checks the issue's targets:
cold-start Recall@10 >= 1.5x SIMILAR's and above popularity; warm Recall@10
>= item-item co-occurrence; train + refine <= 15 min.

The data set is read in place (never copied into the repository).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DGLBACKEND", "pytorch")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATASET = ROOT.parent / "shared" / "datasets" / "mango-outfits"


def embed(dataset: Path, work: Path, image_size: int) -> Path:
    """Embed the catalog with ``stylegraph embed`` (cached in ``work``); the npz path."""
    from stylegraph.loader.embedding_store import active_model_id, embeddings_path

    cmd = [sys.executable, "-m", "stylegraph", "embed", "--catalog", str(dataset),
           "--data-dir", str(work), "--style", "concat", "--image-size", str(image_size)]
    subprocess.run(cmd, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return embeddings_path(work, active_model_id(work))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    p.add_argument("--embeddings", type=Path, help="an embeddings .npz (default: embed the catalog)")
    p.add_argument("--work", type=Path, default=Path("/tmp/stylegraph-bench-relations"))
    p.add_argument("--graph", default="memory:", help="graph URL (default memory:)")
    p.add_argument("--image-size", type=int, default=128)
    p.add_argument("--k", type=int, default=10, help="SIMILAR and RECOMMENDED edges per product")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    from stylegraph.gnn.config import GNNConfig
    from stylegraph.gnn.dataset import build_dataset, export_graph
    from stylegraph.gnn.evaluate import format_metrics
    from stylegraph.gnn.refine import refine
    from stylegraph.gnn.train import train_run
    from stylegraph.graph.connect import close, connect
    from stylegraph.loader.catalog import read_catalog
    from stylegraph.loader.embedding_store import load_embeddings
    from stylegraph.loader.knn import similar_edges, top_k
    from stylegraph.loader.load import load_records
    from stylegraph.loader.neptune_csv import product_vertices, similar_edge_records
    from stylegraph.loader.relations import load_relations

    if not (args.dataset / "outfits.csv").exists():
        print(f"SKIP: no data set at {args.dataset}")
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}

    def stage(name, fn):
        t0 = time.perf_counter()
        out = fn()
        times[name] = time.perf_counter() - t0
        print(f"[{name}: {times[name]:.1f} s]", flush=True)
        return out

    npz = args.embeddings or stage("embed", lambda: embed(args.dataset, args.work, args.image_size))
    emb = load_embeddings(npz)
    catalog = read_catalog(args.dataset)
    ids = [str(x) for x in emb.ids]
    nbr, scores = stage("knn", lambda: top_k(ids, emb.vectors, args.k))
    g = connect(args.graph)
    try:
        stage("load catalog + SIMILAR", lambda: load_records(
            g, product_vertices(catalog, only=set(ids)),
            similar_edge_records(similar_edges(ids, nbr, scores)), progress=False))
        rel = stage("load-relations", lambda: load_relations(
            g, args.dataset / "outfits.csv", "groups", "WORN_WITH", progress=False))
        print(rel.summary())
        exported = stage("export", lambda: export_graph(g, progress=False))
        cfg = GNNConfig(name="mango", seed=args.seed, **({"epochs": args.epochs} if args.epochs else {}))
        ds = stage("dataset", lambda: build_dataset(exported, emb, seed=args.seed,
                                                    pca_dims=cfg.embedding_dims))
        result = stage("train", lambda: train_run(ds, cfg, args.work / "runs", progress=False))
        report = stage("refine", lambda: refine(g, result.run_dir, emb, k=args.k, progress=False))
    finally:
        close(g)
    m = result.metrics
    print(f"\nrun {result.run_dir}: {ds.num_nodes} products, {len(ds.pairs)} WORN_WITH pairs, "
          f"split {m['split']}")
    print(f"best epoch {m['best_epoch']} of {m['epochs_run']}")
    print(format_metrics(m["test"]))
    cold, warm = m["test"]["cold"], m["test"]["warm"]
    r = {n: v["recall@10"] for n, v in cold.items()}
    w = {n: v["recall@10"] for n, v in warm.items()}
    total = times["train"] + times["refine"]
    checks = [
        ("cold Recall@10 >= 1.5 x SIMILAR (cosine)", r["gnn"] >= 1.5 * r["cosine"],
         f"{r['gnn']:.4f} vs 1.5 x {r['cosine']:.4f} = {1.5 * r['cosine']:.4f}"),
        ("cold Recall@10 > popularity", r["gnn"] > r["popularity"],
         f"{r['gnn']:.4f} vs {r['popularity']:.4f}"),
        ("warm Recall@10 >= item-item co-occurrence", w["gnn"] >= w["cooccurrence"],
         f"{w['gnn']:.4f} vs {w['cooccurrence']:.4f}"),
        ("train + refine <= 15 min", total <= 900, f"{total:.1f} s"),
    ]
    print("\ntargets:")
    for name, ok, detail in checks:
        print(f"  {'MET ' if ok else 'MISS'} {name}: {detail}")
    print(f"\ntimes (s): " + ", ".join(f"{k} {v:.1f}" for k, v in times.items()))
    print(f"refine wrote {report.edges_written} RECOMMENDED edges for {report.products} products")
    summary = {"test": m["test"], "times": times, "split": m["split"],
               "targets": {name: ok for name, ok, _ in checks}}
    (args.work / "bench_gnn_relations.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
