"""Image inspection on real photos: accuracy, coverage at precision 0.95, images/s.

Data: ``../shared/datasets/clothing-small`` (people's photos of clothes, 10
``category`` classes), read in place, never copied into the repository. The
``train`` + ``validation`` rows train the classifier (``stylegraph inspect
train`` holds out its own validation products, split by product, for the
temperature and the threshold); the ``test`` rows are classified by
``stylegraph inspect run`` and scored here. Nothing is chosen on the test rows.

Next to the model, on the same test rows: the majority class, and the same
classifier (linear probe, same threshold rule) on random-init ResNet features.
Printed: test accuracy, coverage (share accepted automatically) and the
precision of the accepted photos at the run's threshold, the validation
figures it was set with, training time, and inference images/s at batch 1
and 32 (decoding excluded, preprocessing included). Figures (PNG): a
comparison chart, the test confusion matrix and the test reliability diagram.

Usage: python bench/inspect_clothing.py [--run RUN] [--baseline-run RUN] [--weights W]
       [--image-size 48] [--epochs 12] [--max-minutes 60] [--threads 2] [--work DIR] [--figures DIR]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from image_model_real_photos import split_catalog  # noqa: E402  (bench scripts are not a package)

LABEL = "category"


def stylegraph(args: list[str], threads: int) -> None:
    """Run a ``stylegraph`` command as a user would (a subprocess)."""
    cmd = [sys.executable, "-m", "stylegraph", *args]
    print("$ stylegraph", " ".join(args), flush=True)
    env = {**os.environ, "DGLBACKEND": "pytorch", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    if threads:
        env["STYLEGRAPH_TORCH_THREADS"] = str(threads)
    subprocess.run(cmd, check=True, env=env)


def train(catalog: Path, runs: Path, name: str, weights: str, epochs: int, args: argparse.Namespace) -> Path:
    """``stylegraph inspect train``; returns the new run directory."""
    before = set(runs.glob("*")) if runs.exists() else set()
    stylegraph(["inspect", "train", "--catalog", str(catalog), "--label", LABEL, "--weights", weights,
                "--image-size", str(args.image_size), "--epochs", str(epochs), "--max-minutes", str(args.max_minutes),
                "--batch-size", "64", "--no-review-labels", "--runs-dir", str(runs), "--name", name], args.threads)
    (run,) = set(runs.glob("*")) - before
    return run


def score(run: Path, heldout: Path, out: Path, threads: int) -> dict:
    """Classify the held-out catalog with ``stylegraph inspect run`` and score the CSV."""
    stylegraph(["inspect", "run", "--run", str(run), "--catalog", str(heldout), "--out", str(out)], threads)
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    truth = np.array([r["catalog_label"] for r in rows])
    pred = np.array([r["predicted"] for r in rows])
    conf = np.array([float(r["confidence"]) for r in rows])
    accepted = np.array([r["decision"] == "accepted" for r in rows])
    correct = pred == truth
    metrics = json.loads((run / "metrics.json").read_text())
    return {"run": str(run), "n": len(rows), "accuracy": float(correct.mean()), "coverage": float(accepted.mean()),
            "accepted_precision": float(correct[accepted].mean()) if accepted.any() else float("nan"),
            "threshold": metrics["threshold"], "val_accuracy": metrics["val_accuracy"],
            "val_coverage": metrics["val_coverage"], "train_seconds": metrics["seconds"],
            "epochs_run": len(metrics["curves"]["train_loss"]), "classes": metrics["classes"],
            "truth": truth, "pred": pred, "conf": conf, "correct": correct}


def throughput(run: Path, heldout: Path, batch: int, seconds: float = 8.0) -> float:
    """Images per second through the run's classifier (preprocessing included, decoding excluded)."""
    import torch

    from stylegraph.inspect.decode import decode_photo
    from stylegraph.inspect.predict import Inspector, catalog_photos

    inspector = Inspector(run)
    images = [decode_photo(p) for _, p, _ in list(catalog_photos(heldout, LABEL))[:64]]
    inspector.classify(images[:batch])  # warm-up
    done, start, i = 0, time.perf_counter(), 0
    with torch.no_grad():
        while time.perf_counter() - start < seconds:
            chunk = [images[(i + j) % len(images)] for j in range(batch)]
            inspector.classify(chunk)
            done += batch
            i += batch
    return done / (time.perf_counter() - start)


def figures(results: dict[str, dict], majority: float, model: dict, folder: Path) -> list[Path]:
    """Comparison chart, test confusion matrix and test reliability diagram (PNG)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from stylegraph.inspect import calibrate
    from stylegraph.inspect.plots import plot_confusion, plot_reliability

    folder.mkdir(parents=True, exist_ok=True)
    names = ["majority class", *results]
    acc = [majority, *[r["accuracy"] for r in results.values()]]
    cov = [0.0, *[r["coverage"] for r in results.values()]]
    fig, ax = plt.subplots(figsize=(7, 4))
    x = np.arange(len(names))
    ax.bar(x - 0.2, acc, 0.4, label="test accuracy")
    ax.bar(x + 0.2, cov, 0.4, label="coverage at the precision-0.95 threshold")
    for xi, a, c in zip(x, acc, cov):
        ax.text(xi - 0.2, a + 0.01, f"{a:.2f}", ha="center", fontsize=8)
        ax.text(xi + 0.2, c + 0.01, f"{c:.2f}", ha="center", fontsize=8)
    ax.axhline(0.75, color="grey", ls=":", lw=1)
    ax.axhline(0.5, color="grey", ls="--", lw=1)
    ax.set_xticks(x, names, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title("clothing-small test split (372 photos never seen in training)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths = [folder / "inspect_clothing_comparison.png"]
    fig.savefig(paths[0], dpi=100)
    plt.close(fig)
    classes = model["classes"]
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[t] for t in model["truth"]])
    p = np.array([index[t] for t in model["pred"]])
    paths.append(folder / "inspect_clothing_confusion.png")
    plot_confusion(calibrate.confusion(p, y, len(classes)), classes, paths[-1], title="test confusion (category)")
    rel = calibrate.reliability(model["conf"], model["correct"])
    paths.append(folder / "inspect_clothing_reliability.png")
    plot_reliability(rel, rel, 1.0, model["threshold"], paths[-1])
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="an inspect run trained on the train+validation rows (else trained)")
    parser.add_argument("--baseline-run", type=Path, help="the random-feature probe run (else trained)")
    parser.add_argument("--weights", default="random", help="starting weights of the model (a finetune run, ...)")
    parser.add_argument("--image-size", type=int, default=48)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--max-minutes", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/stylegraph-bench-inspect"))
    parser.add_argument("--figures", type=Path, default=ROOT / "bench" / "figures")
    args = parser.parse_args()
    train_cat, heldout = split_catalog("clothing-small", args.work)
    runs = args.work / "runs"
    held_ids = {r["product_id"] for r in csv.DictReader((heldout / "catalog.csv").open())}
    model_run = args.run or train(train_cat, runs, "clothing-inspect", args.weights, args.epochs, args)
    base_run = args.baseline_run or train(train_cat, runs, "clothing-random-probe", "random", 0, args)
    for run in (model_run, base_run):
        ids = json.loads((run / "product_ids.json").read_text())
        overlap = held_ids & (set(ids["train"]) | set(ids["validation"]))
        if overlap:
            raise SystemExit(f"{run} trained or validated on {len(overlap)} test products; not a fair test")
    results = {"classifier (trained here)": score(model_run, heldout, args.work / "test_model.csv", args.threads),
               "probe on random-init features": score(base_run, heldout, args.work / "test_random.csv", args.threads)}
    train_labels = [r[LABEL] for r in csv.DictReader((train_cat / "catalog.csv").open())]
    top = Counter(train_labels).most_common(1)[0][0]
    truth = results["classifier (trained here)"]["truth"]
    majority = float(np.mean(truth == top))
    print(f"\nclothing-small test split: {len(truth)} photos, {len(set(truth))} classes; "
          f"trained on {len(train_labels)} train+validation photos")
    print(f"{'':32s} {'accuracy':>9s} {'coverage@P.95':>14s} {'precision of accepted':>22s} {'threshold':>10s} "
          f"{'val acc':>8s} {'val cov':>8s} {'train s':>8s} {'epochs':>7s}")
    print(f"{'majority class (' + top + ')':32s} {majority:9.4f} {0.0:14.4f} {'-':>22s}")
    for name, r in results.items():
        print(f"{name:32s} {r['accuracy']:9.4f} {r['coverage']:14.4f} {r['accepted_precision']:22.4f} "
              f"{r['threshold']:10.4f} {r['val_accuracy']:8.4f} {r['val_coverage']:8.4f} {r['train_seconds']:8.0f} "
              f"{r['epochs_run']:7d}")
    import torch

    torch.set_num_threads(args.threads or torch.get_num_threads())
    for batch in (1, 32):
        print(f"inference at batch {batch:2d}: {throughput(model_run, heldout, batch):7.1f} images/s "
              f"({torch.get_num_threads()} threads, {results['classifier (trained here)']['run']})")
    for path in figures(results, majority, results["classifier (trained here)"], args.figures):
        print(f"figure: {path}")


if __name__ == "__main__":
    main()
