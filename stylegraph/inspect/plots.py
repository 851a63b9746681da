"""PNG figures of an inspection run: confusion matrix, reliability diagram, training curves."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def _plt() -> Any:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_confusion(matrix: np.ndarray, classes: list[str], path: Path, title: str = "confusion matrix") -> None:
    """Row-normalised confusion matrix (true class down, predicted across) with the counts written in."""
    plt = _plt()
    m = np.asarray(matrix, dtype=np.float64)
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    size = max(4.0, 0.55 * len(classes) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    im = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(classes)), classes, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(classes)), classes, fontsize=8)
    for i in range(len(classes)):
        for j in range(len(classes)):
            if m[i, j]:
                ax.text(j, i, int(m[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if share[i, j] > 0.5 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.046, label="share of the true class")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_reliability(before: dict[str, Any], after: dict[str, Any], temperature: float, threshold: float,
                     path: Path) -> None:
    """Accuracy against confidence per bin, before and after temperature scaling, with the threshold."""
    plt = _plt()
    fig, (ax, hist) = plt.subplots(2, 1, figsize=(5.5, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    ax.plot([0, 1], [0, 1], ":", color="grey", label="perfectly calibrated")
    for rel, style, name in ((before, "o--", f"T = 1 (ECE {before['ece']:.3f})"),
                             (after, "s-", f"T = {temperature:.2f} (ECE {after['ece']:.3f})")):
        conf, acc = np.array(rel["confidence"], float), np.array(rel["accuracy"], float)
        ok = ~np.isnan(conf)
        ax.plot(conf[ok], acc[ok], style, label=name)
    if threshold <= 1.0:
        ax.axvline(threshold, color="red", alpha=0.5, label=f"accept at >= {threshold:.3f}")
        hist.axvline(threshold, color="red", alpha=0.5)
    ax.set_ylabel("accuracy")
    ax.set_title("reliability on validation products")
    ax.legend(fontsize=8, loc="upper left")
    edges = np.array(after["edges"])
    hist.bar((edges[:-1] + edges[1:]) / 2, after["count"], width=np.diff(edges) * 0.9, color="tab:orange")
    hist.set_xlabel("confidence (calibrated)")
    hist.set_ylabel("photos")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
