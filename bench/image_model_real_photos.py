"""The image model on real product photos, judged on products it never saw in training.

Data sets (read from ``../shared/datasets/``, never copied into the repository):

* ``clothing-small``: people's photos of clothes, label ``category`` (10 classes);
  train + validation rows train the model, the ``test`` rows are evaluated;
* ``mango-outfits``: catalogue photos, label ``type``; a seeded 80/20 split by
  product, the 20 % are evaluated.

For each: ``stylegraph finetune`` (a subprocess, as a data scientist runs it;
it holds out its own validation products for early stopping), then the held-out
products are embedded with the trained model and scored with
``evaluate-embeddings``' metrics next to the random-init and raw-pixel
baselines on the same products. Printed: precision@10 / recall@10 / mAP@R,
training wall time and peak RSS, the spread of SIMILAR scores, and embedding
throughput at batch 1 and 32.

Usage: python bench/image_model_real_photos.py [--datasets clothing-small,mango-outfits]
       [--epochs 30] [--image-size 0] [--threads 0] [--keep DIR]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "datasets"
LABELS = {"clothing-small": "category", "mango-outfits": "type"}


def split_catalog(name: str, out: Path, seed: int = 0) -> tuple[Path, Path]:
    """Write train and held-out catalogs (absolute image paths) for one data set."""
    src = SHARED / name
    with (src / "catalog.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    if name == "clothing-small":
        held = {r["product_id"] for r in rows if r["split"] == "test"}
    else:
        perm = np.random.default_rng(seed).permutation(len(rows))
        held = {rows[i]["product_id"] for i in perm[: len(rows) // 5]}
    paths = []
    for part, keep in (("train", lambda r: r["product_id"] not in held), ("heldout", lambda r: r["product_id"] in held)):
        d = out / f"{name}-{part}"
        d.mkdir(parents=True, exist_ok=True)
        with (d / "catalog.csv").open("w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            for r in rows:
                if keep(r):
                    w.writerow({**r, "image": str(src / r["image"])})
        paths.append(d)
    return paths[0], paths[1]


def train(catalog: Path, label: str, runs: Path, args: argparse.Namespace) -> Path:
    """Run ``stylegraph finetune`` in a subprocess; returns the run directory."""
    cmd = [sys.executable, "-m", "stylegraph", "finetune", "--catalog", str(catalog), "--labels", label,
           "--epochs", str(args.epochs), "--image-size", str(args.image_size), "--runs-dir", str(runs),
           "--name", catalog.name]
    print("$", " ".join(cmd[1:]), flush=True)
    env = {**os.environ, "DGLBACKEND": "pytorch"}
    if args.threads:
        env["STYLEGRAPH_TORCH_THREADS"] = str(args.threads)
    subprocess.run(cmd, check=True, env=env)
    return max(runs.iterdir(), key=lambda p: p.stat().st_mtime)


def throughput(embedder, images: list, batch: int, seconds: float = 8.0) -> float:
    """Images per second through ``embedder`` (preprocessing included) at one batch size."""
    done, start = 0, time.perf_counter()
    i = 0
    while time.perf_counter() - start < seconds:
        chunk = [images[(i + j) % len(images)] for j in range(batch)]
        embedder.embed(chunk)
        done += batch
        i += batch
    return done / (time.perf_counter() - start)


def bench_one(name: str, work: Path, args: argparse.Namespace) -> dict:
    """Train on one data set, evaluate on its held-out products; returns the figures."""
    from stylegraph.loader.catalog import read_catalog
    from stylegraph.loader.embed import load_embedder, make_spec
    from stylegraph.loader.embed_catalog import embed_catalog
    from stylegraph.loader.evaluate_embeddings import evaluate_embeddings
    from stylegraph.loader.images import load_product_image
    from stylegraph.loader.knn import top_k

    label = LABELS[name]
    train_dir, held_dir = split_catalog(name, work)
    run = train(train_dir, label, work / "runs", args)
    metrics = json.loads((run / "metrics.json").read_text())
    held = read_catalog(held_dir)
    embedder = load_embedder(make_spec(weights=str(run)))
    emb = embed_catalog(held, embedder, None, progress=False).embeddings
    result = evaluate_embeddings(held, emb, [label], k=10)
    _, scores = top_k(emb.ids.tolist(), emb.vectors, 10, "exact")
    q = np.quantile(scores, [0.05, 0.5, 0.95])
    images = [load_product_image(p.product_id, held.image_path(p)) for p in held.products[:64]]
    tput = {b: throughput(embedder, images, b) for b in (1, 32)}
    print(f"\n== {name}: label {label!r}, trained on {metrics['n_train']} + {metrics['n_val']} validation "
          f"products, evaluated on {result.rows[0].n} unseen products")
    for w in result.warnings:
        print(f"warning: {w}")
    print(result.table())
    trained, rnd, pix = (r.precision_at_k for r in result.rows)
    print(f"precision@10: trained {trained:.3f} vs random init {rnd:.3f} ({trained / max(rnd, 1e-9):.2f}x), "
          f"raw pixels {pix:.3f} ({trained / max(pix, 1e-9):.2f}x)")
    print(f"training: {metrics['seconds'] / 60:.1f} min wall, {metrics['epochs_run']} epochs "
          f"(best {metrics['best_epoch']}), {metrics['image_size']} px, peak RSS {metrics['peak_rss_mb']:.0f} MB; "
          f"validation precision@10 {metrics['base_val_precision']:.3f} -> {metrics['best_val_precision']:.3f}")
    print(f"SIMILAR scores (top-10 cosine, trained model): 5th pct {q[0]:.3f}, median {q[1]:.3f}, 95th pct {q[2]:.3f}")
    print(f"embedding throughput: batch 1 {tput[1]:.1f} images/s, batch 32 {tput[32]:.1f} images/s")
    print(f"(run dir {run}: curves.png, metrics.json)")
    return {"precision_at_10": trained, "random": rnd, "pixels": pix, "minutes": metrics["seconds"] / 60,
            "rss_mb": metrics["peak_rss_mb"], "tput": tput}


def main() -> None:
    """Parse flags, run each data set, print a summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="clothing-small,mango-outfits")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--image-size", type=int, default=0, help="0: the size finetune picks from the photos")
    ap.add_argument("--keep", type=Path, help="work directory to keep (default: a temporary one)")
    ap.add_argument("--threads", type=int, default=0,
                    help="torch threads (0: torch's default; 1 is faster on a machine busy with other work)")
    args = ap.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    missing = [n for n in names if not (SHARED / n / "catalog.csv").is_file()]
    if missing:
        raise SystemExit(f"data set(s) {missing} not found under {SHARED}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="sg-image-bench-"))
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs, work dir {work}")
    results = {n: bench_one(n, work, args) for n in names}
    targets = {"clothing-small": 0.60, "mango-outfits": 0.75}
    print("\n== summary (targets: clothing-small >= 0.60, mango-outfits >= 0.75; training <= 20 min, RSS <= 3 GB)")
    for n, r in results.items():
        met = "met" if r["precision_at_10"] >= targets[n] else "NOT met"
        print(f"{n:16s} precision@10 {r['precision_at_10']:.3f} ({met}), random {r['random']:.3f}, pixels "
              f"{r['pixels']:.3f}; train {r['minutes']:.1f} min, RSS {r['rss_mb']:.0f} MB; "
              f"{r['tput'][1]:.0f}/{r['tput'][32]:.0f} images/s at batch 1/32")


if __name__ == "__main__":
    main()
