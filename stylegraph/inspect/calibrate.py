"""Confidence calibration and the precision threshold (numpy only, no torch).

* temperature scaling: one scalar ``T`` dividing the logits, fitted on the
  validation products by minimising their negative log-likelihood;
* :func:`threshold_for_precision`: the lowest confidence at which the
  predictions accepted automatically (confidence >= threshold) are right at
  least ``target`` of the time;
* reliability bins and the expected calibration error.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``logits / temperature``."""
    z = np.asarray(logits, dtype=np.float64) / float(temperature)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of ``labels`` under ``softmax(logits / T)``."""
    p = softmax(logits, temperature)[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(np.maximum(p, 1e-12))))


def fit_temperature(logits: np.ndarray, labels: np.ndarray, lo: float = 0.05, hi: float = 20.0) -> float:
    """The temperature minimising validation NLL (golden-section search on log T; NLL is unimodal in T)."""
    if len(labels) == 0:
        return 1.0
    a, b = np.log(lo), np.log(hi)
    phi = (np.sqrt(5) - 1) / 2
    c, d = b - phi * (b - a), a + phi * (b - a)
    fc, fd = nll(logits, labels, np.exp(c)), nll(logits, labels, np.exp(d))
    for _ in range(60):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - phi * (b - a)
            fc = nll(logits, labels, np.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + phi * (b - a)
            fd = nll(logits, labels, np.exp(d))
    return float(np.exp((a + b) / 2))


@dataclass
class Threshold:
    """The confidence threshold reaching a target precision, and what it gives on the data it was set on."""

    threshold: float
    target: float
    precision: float  # of the accepted predictions
    coverage: float  # share of photos accepted
    reached: bool  # False: no threshold reaches the target; nothing is accepted automatically


def threshold_for_precision(confidence: np.ndarray, correct: np.ndarray, target: float = 0.95) -> Threshold:
    """The lowest threshold whose accepted set (confidence >= t) has precision >= ``target``.

    Lower thresholds accept more photos; the largest accepted set meeting
    the target is chosen. When none does, the threshold is above every
    confidence (1.0 + epsilon: everything goes to review).
    """
    conf = np.asarray(confidence, dtype=np.float64)
    ok = np.asarray(correct, dtype=bool)
    n = len(conf)
    if n == 0:
        return Threshold(float(np.nextafter(1.0, 2.0)), target, 0.0, 0.0, False)
    order = np.argsort(-conf, kind="stable")
    sorted_conf, sorted_ok = conf[order], ok[order]
    hits = np.cumsum(sorted_ok)
    counts = np.arange(1, n + 1)
    # only cut between distinct confidences: every photo at the threshold is accepted
    last_of_value = np.r_[sorted_conf[1:] != sorted_conf[:-1], True]
    precision = hits / counts
    good = np.flatnonzero(last_of_value & (precision >= target))
    if len(good) == 0:
        return Threshold(float(np.nextafter(1.0, 2.0)), target, 0.0, 0.0, False)
    i = int(good[-1])
    return Threshold(float(sorted_conf[i]), target, float(precision[i]), float((i + 1) / n), True)


def accepted_stats(confidence: np.ndarray, correct: np.ndarray, threshold: float) -> dict[str, float]:
    """Coverage and precision of the photos accepted at ``threshold`` (e.g. on the test split)."""
    conf = np.asarray(confidence, dtype=np.float64)
    ok = np.asarray(correct, dtype=bool)
    accepted = conf >= threshold
    n_acc = int(accepted.sum())
    return {"coverage": float(n_acc / max(1, len(conf))),
            "precision": float(ok[accepted].mean()) if n_acc else float("nan"),
            "accepted": n_acc, "n": int(len(conf))}


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> dict[str, list[float] | float]:
    """Per confidence bin: mean confidence, accuracy, count; plus the expected calibration error."""
    conf = np.asarray(confidence, dtype=np.float64)
    ok = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    mean_conf, acc, count = [], [], []
    ece = 0.0
    for b in range(bins):
        m = idx == b
        c = int(m.sum())
        count.append(c)
        mean_conf.append(float(conf[m].mean()) if c else float("nan"))
        acc.append(float(ok[m].mean()) if c else float("nan"))
        if c:
            ece += c / max(1, len(conf)) * abs(acc[-1] - mean_conf[-1])
    return {"edges": edges.tolist(), "confidence": mean_conf, "accuracy": acc, "count": count, "ece": float(ece)}


def per_class(pred: np.ndarray, labels: np.ndarray, classes: list[str]) -> dict[str, dict[str, float]]:
    """Precision, recall and support per class."""
    out = {}
    for k, name in enumerate(classes):
        tp = int(np.sum((pred == k) & (labels == k)))
        n_pred, n_true = int(np.sum(pred == k)), int(np.sum(labels == k))
        out[name] = {"precision": tp / n_pred if n_pred else 0.0, "recall": tp / n_true if n_true else 0.0,
                     "support": n_true}
    return out


def confusion(pred: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """``n x n`` counts, rows = true class, columns = predicted class."""
    m = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(m, (labels, pred), 1)
    return m
