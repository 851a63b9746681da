"""Minibatch training of the GraphSAGE link predictor, with early stopping on validation.

One call of :func:`train_run` makes one new run dir (see ``runs.py``): the
config, feature layout and split are written first, the best weights (by
validation MRR) at the end, then the metrics (validation and test, GNN next
to the cosine baseline), a training-curve PNG and the log.
"""
from __future__ import annotations

import copy
import json
import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from stylegraph.gnn import runs
from stylegraph.gnn.config import GNNConfig
from stylegraph.gnn.dataset import LinkDataset
from stylegraph.gnn.evaluate import eval_set, evaluate_model, gnn_metrics
from stylegraph.gnn.model import SAGE, configure_torch
from stylegraph.gnn.sampler import quiet_dgl, train_loader

log = logging.getLogger(__name__)
# validation metric that drives early stopping and the choice of weights
SELECT_METRIC = "mrr"


@dataclass
class TrainResult:
    """Where a run was written and what it measured."""

    run_dir: Path
    metrics: dict


def seed_everything(seed: int) -> None:
    """Seed Python, numpy, torch and DGL."""
    import dgl

    configure_torch()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    dgl.seed(seed)


def train_epoch(model: SAGE, loader: Iterable, opt: torch.optim.Optimizer, desc: str,
                progress: bool) -> float:
    """One pass over the training edges; returns the mean BCE loss."""
    model.train()
    total, batches = 0.0, 0
    with quiet_dgl():
        batches_iter = iter(loader)
    for _, pair_graph, neg_graph, blocks in tqdm(batches_iter, desc=desc, leave=False,
                                                 disable=not progress, unit="batch"):
        h = model(blocks, blocks[0].srcdata["feat"])
        pos = model.score_pairs(h, pair_graph)
        neg = model.score_pairs(h, neg_graph)
        logits = torch.cat([pos, neg])
        labels = torch.cat([torch.ones_like(pos), torch.zeros_like(neg)])
        loss = F.binary_cross_entropy_with_logits(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += float(loss.item())
        batches += 1
    return total / max(batches, 1)


def train_run(dataset: LinkDataset, cfg: GNNConfig, runs_dir: Path,
              progress: bool = True) -> TrainResult:
    """Train on ``dataset`` with ``cfg`` into a new run dir under ``runs_dir``."""
    run_dir = runs.new_run_dir(runs_dir, cfg.name)
    handler = logging.FileHandler(run_dir / runs.LOG_FILE)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    pkg_log = logging.getLogger("stylegraph.gnn")
    old_level = pkg_log.level
    pkg_log.addHandler(handler)
    if pkg_log.getEffectiveLevel() > logging.INFO:
        pkg_log.setLevel(logging.INFO)
    try:
        metrics = _train(dataset, cfg, run_dir, progress)
    finally:
        pkg_log.removeHandler(handler)
        pkg_log.setLevel(old_level)
        handler.close()
    return TrainResult(run_dir=run_dir, metrics=metrics)


def _train(dataset: LinkDataset, cfg: GNNConfig, run_dir: Path, progress: bool) -> dict:
    t_start = time.perf_counter()
    seed_everything(cfg.seed)
    cfg.save(run_dir / runs.CONFIG_FILE)
    dataset.spec.save(run_dir / runs.FEATURES_FILE)
    dataset.split.save(run_dir / runs.SPLIT_FILE, dataset.ids)
    log.info("run %s: %d products, %d train / %d val / %d test pairs, %d features",
             run_dir.name, dataset.num_nodes, len(dataset.split.train), len(dataset.split.val),
             len(dataset.split.test), dataset.spec.dim)

    model = SAGE.from_config(cfg, dataset.spec.dim)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    graph = dataset.train_graph
    loader = train_loader(graph, torch.arange(graph.num_edges()), cfg, dataset.reverse_eids)
    val_set = eval_set(dataset, dataset.split.val, cfg.eval_negatives, cfg.seed + 1)

    history: list[dict] = []
    best_score, best_epoch, best_state, bad_epochs = -np.inf, 0, None, 0
    epochs = tqdm(range(1, cfg.epochs + 1), desc=f"train {run_dir.name}", disable=not progress)
    for epoch in epochs:
        t0 = time.perf_counter()
        loss = train_epoch(model, loader, opt, f"epoch {epoch}", progress)
        h = model.inference(graph, dataset.feat, cfg.inference_batch_size)
        val = gnn_metrics(model, h, val_set)
        history.append({"epoch": epoch, "loss": loss, "val_roc_auc": val["roc_auc"],
                        "val_mrr": val["mrr"], "val_hits@10": val["hits@10"],
                        "seconds": time.perf_counter() - t0})
        log.info("epoch %d loss %.4f val auc %.4f mrr %.4f hits@10 %.4f", epoch, loss,
                 val["roc_auc"], val["mrr"], val["hits@10"])
        epochs.set_postfix(loss=f"{loss:.3f}", val_mrr=f"{val['mrr']:.3f}")
        score = val[SELECT_METRIC] if np.isfinite(val[SELECT_METRIC]) else -np.inf
        if best_state is None or score > best_score:
            best_score, best_epoch, bad_epochs = score, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad_epochs += 1
            if bad_epochs >= cfg.patience:
                log.info("early stop after epoch %d (best epoch %d)", epoch, best_epoch)
                break
    train_seconds = time.perf_counter() - t_start

    model.load_state_dict(best_state)
    torch.save(best_state, run_dir / runs.WEIGHTS_FILE)
    test_set = eval_set(dataset, dataset.split.test, cfg.eval_negatives, cfg.seed + 2)
    metrics = {
        "run": run_dir.name,
        "best_epoch": best_epoch,
        "epochs_run": len(history),
        "early_stopped": len(history) < cfg.epochs,
        "select_metric": f"val_{SELECT_METRIC}",
        "val": evaluate_model(model, dataset, val_set, cfg.inference_batch_size),
        "test": evaluate_model(model, dataset, test_set, cfg.inference_batch_size),
        "dataset": {"products": dataset.num_nodes, "pairs": int(len(dataset.all_pairs)),
                    "train": int(len(dataset.split.train)), "val": int(len(dataset.split.val)),
                    "test": int(len(dataset.split.test)), "features": dataset.spec.dim},
        "train_seconds": round(train_seconds, 3),
        "history": history,
    }
    (run_dir / runs.METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n")
    plot_curve(history, run_dir / runs.CURVE_FILE, best_epoch)
    log.info("test: gnn auc %.4f mrr %.4f | cosine auc %.4f mrr %.4f",
             metrics["test"]["gnn"]["roc_auc"], metrics["test"]["gnn"]["mrr"],
             metrics["test"]["cosine"]["roc_auc"], metrics["test"]["cosine"]["mrr"])
    return metrics


def plot_curve(history: list[dict], path: Path, best_epoch: int) -> None:
    """Training loss and validation AUC/MRR per epoch, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, [h["loss"] for h in history], marker="o")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("training BCE loss")
    ax2.plot(epochs, [h["val_roc_auc"] for h in history], marker="o", label="val ROC-AUC")
    ax2.plot(epochs, [h["val_mrr"] for h in history], marker="o", label="val MRR")
    ax2.plot(epochs, [h["val_hits@10"] for h in history], marker="o", label="val Hits@10")
    ax2.axvline(best_epoch, color="grey", linestyle="--", label=f"best epoch {best_epoch}")
    ax2.set_xlabel("epoch")
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
