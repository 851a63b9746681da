"""Training the relation recommender, with early stopping on validation (never on test).

Full-graph training (the whole catalog fits: a 9,000-product graph is one
forward pass of a few tens of milliseconds on CPU). Each epoch re-cuts the
training relations, so the model learns to predict relations it cannot see:

* ``message_frac`` of them pass messages, the rest are supervision targets;
* ``cold_sim_frac`` of the products lose all their message-passing relations
  (their relations become targets), which is what a cold-start product looks like.

Common-neighbour features (``structure.py``) come from the same
message-passing part, so a supervised pair never counts itself.

Loss: sampled softmax of each supervised pair against ``negatives`` uniform
random products (shared by the batch) and ``hard_negatives`` products two
relation steps away from it, in both directions. After each epoch
the validation parts (cold and warm; at most 1,000 fixed query products each)
are ranked against every product; the mean of their Recall@10 picks the epoch
whose weights are kept.
"""
from __future__ import annotations

import copy
import json
import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from stylegraph.gnn import runs
from stylegraph.gnn.config import GNNConfig
from stylegraph.gnn.dataset import RelationDataset, bidirected_graph
from stylegraph.gnn.evaluate import evaluate_part, format_metrics, plot_metrics
from stylegraph.gnn.model import RelationSAGE, configure_torch
from stylegraph.gnn.structure import PairStructure

log = logging.getLogger(__name__)
SELECT_METRIC = "recall@10"
# per-epoch validation ranks a fixed random subset of this many query products per split
VAL_QUERIES_PER_EPOCH = 1000


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


def epoch_cut(train: np.ndarray, num_nodes: int, cfg: GNNConfig,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Row indices into ``train``: ``(message-passing, supervised)`` for one epoch
    (see the module docstring)."""
    order = rng.permutation(len(train))
    n_msg = int(len(train) * cfg.message_frac)
    msg, sup = order[:n_msg], order[n_msg:]
    cold = rng.random(num_nodes) < cfg.cold_sim_frac
    hidden = cold[train[msg, 0]] | cold[train[msg, 1]]
    return msg[~hidden], np.concatenate([sup, msg[hidden]])


def two_hop_negatives(adj, u: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` random two-step walks ``u -> w -> x`` per row of ``u`` in ``adj`` (CSR):
    products that share a partner with ``u`` -- hard negatives that teach the order among
    co-occurring candidates. A row whose walk dead-ends gets a uniform random product."""
    n = adj.shape[0]
    indptr, indices = adj.indptr, adj.indices
    out = rng.integers(0, n, size=(len(u), count))
    start = np.repeat(u, count)
    deg = indptr[start + 1] - indptr[start]
    ok = deg > 0
    w = indices[indptr[start[ok]] + (rng.random(ok.sum()) * deg[ok]).astype(np.int64)]
    deg_w = indptr[w + 1] - indptr[w]
    x = indices[indptr[w] + (rng.random(len(w)) * deg_w).astype(np.int64)]
    flat = out.reshape(-1)
    flat[np.flatnonzero(ok)] = x
    return flat.reshape(len(u), count)


BANS_PER_PRODUCT = 8


def ban_table(bans: np.ndarray, num_nodes: int, per_product: int = BANS_PER_PRODUCT) -> torch.Tensor:
    """``num_nodes x per_product`` items each product's merchandisers banned (-1 = none)."""
    table = np.full((num_nodes, per_product), -1, dtype=np.int64)
    filled = np.zeros(num_nodes, dtype=np.int64)
    for a, b in bans.tolist():
        if filled[a] < per_product:
            table[a, filled[a]] = b
            filled[a] += 1
    return torch.as_tensor(table)


def banned_scores(model: RelationSAGE, towers: tuple, structure: PairStructure, table: torch.Tensor,
                  u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Scores of each ``u``'s banned items (extra negatives; -inf where none, or where it is ``v``)."""
    q, c, b = towers
    banned = table[u]
    pad = (banned < 0) | (banned == v[:, None])
    items = banned.clamp(min=0)
    scores = model.score_pairs(
        q, c, b, u.repeat_interleave(table.shape[1]), items.reshape(-1),
        structure.pairs(u.numpy().repeat(table.shape[1]), items.reshape(-1).numpy())
    ).reshape(len(u), -1)
    return scores.masked_fill(pad, float("-inf"))


def train_epoch(model: RelationSAGE, ds: RelationDataset, cfg: GNNConfig,
                opt: torch.optim.Optimizer, rng: np.random.Generator, desc: str,
                progress: bool) -> float:
    """One pass over a fresh cut of the training relations; returns the mean loss."""
    model.train()
    msg_i, sup_i = epoch_cut(ds.split.train, ds.num_nodes, cfg, rng)
    msg = ds.split.train[msg_i]
    relations = bidirected_graph(ds.num_nodes, msg)
    structure = PairStructure.of(ds.num_nodes, msg, ds.similar_pairs)
    bans = ban_table(ds.bans, ds.num_nodes) if len(ds.bans) else None
    sup = ds.split.train[sup_i[rng.permutation(len(sup_i))]]
    total, steps = 0.0, 0
    for start in tqdm(range(0, len(sup), cfg.batch_size), desc=desc, leave=False,
                      disable=not progress, unit="batch"):
        batch = torch.as_tensor(sup[start:start + cfg.batch_size])
        u = torch.cat([batch[:, 0], batch[:, 1]])
        v = torch.cat([batch[:, 1], batch[:, 0]])
        neg = torch.as_tensor(rng.integers(0, ds.num_nodes, size=cfg.negatives))
        q, c, b = model.towers(model.encode(ds.similar_graph, relations, ds.feat))
        pos = model.score_pairs(q, c, b, u, v, structure.pairs(u.numpy(), v.numpy()))
        negs = model.score_rows(q, c, b, u, neg, structure.rows(u.numpy(), neg.numpy()))
        negs = negs.masked_fill(neg[None, :] == v[:, None], float("-inf"))
        hard = torch.as_tensor(two_hop_negatives(structure.relations, u.numpy(), cfg.hard_negatives, rng))
        hard_scores = model.score_pairs(
            q, c, b, u.repeat_interleave(cfg.hard_negatives), hard.reshape(-1),
            structure.pairs(u.numpy().repeat(cfg.hard_negatives), hard.reshape(-1).numpy())
        ).reshape(len(u), -1)
        hard_scores = hard_scores.masked_fill((hard == v[:, None]) | (hard == u[:, None]),
                                              float("-inf"))
        parts = [pos[:, None], negs, hard_scores]
        if bans is not None:
            parts.append(banned_scores(model, (q, c, b), structure, bans, u, v))
        logits = torch.cat(parts, dim=1)
        loss = F.cross_entropy(logits, torch.zeros(len(u), dtype=torch.long))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += float(loss.item())
        steps += 1
    return total / max(steps, 1)


def train_run(ds: RelationDataset, cfg: GNNConfig, runs_dir: Path,
              progress: bool = True) -> TrainResult:
    """Train on ``ds`` with ``cfg`` into a new run dir under ``runs_dir``."""
    run_dir = runs.new_run_dir(runs_dir, cfg.name)
    handler = logging.FileHandler(run_dir / runs.LOG_FILE)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    pkg_log = logging.getLogger("stylegraph.gnn")
    old_level = pkg_log.level
    pkg_log.addHandler(handler)
    if pkg_log.getEffectiveLevel() > logging.INFO:
        pkg_log.setLevel(logging.INFO)
    try:
        metrics = _train(ds, cfg, run_dir, progress)
    finally:
        pkg_log.removeHandler(handler)
        pkg_log.setLevel(old_level)
        handler.close()
    return TrainResult(run_dir=run_dir, metrics=metrics)


def _val_score(val: dict) -> float:
    values = [val[s]["gnn"][SELECT_METRIC] for s in ("cold", "warm")
              if np.isfinite(val[s]["gnn"][SELECT_METRIC])]
    return float(np.mean(values)) if values else -np.inf


def _train(ds: RelationDataset, cfg: GNNConfig, run_dir: Path, progress: bool) -> dict:
    t_start = time.perf_counter()
    seed_everything(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    cfg.save(run_dir / runs.CONFIG_FILE)
    ds.spec.save(run_dir / runs.FEATURES_FILE)
    ds.split.save(run_dir / runs.SPLIT_FILE, ds.ids)
    log.info("run %s: %d products, kinds %s, split %s, %d features", run_dir.name,
             ds.num_nodes, ds.kinds, ds.split.sizes(), ds.spec.dim)

    model = RelationSAGE.from_config(cfg, ds.spec.dim)
    # the two common-neighbour weights and the embedding scale get a larger step: with ~10 steps an epoch they
    # would otherwise stay near their initial value for the whole run
    pair = [*model.pair_weight.parameters(), model.scale]
    rest = [p for n, p in model.named_parameters() if not n.startswith("pair_weight.")
            and n != "scale"]
    opt = torch.optim.Adam([{"params": rest},
                            {"params": pair, "lr": cfg.pair_lr, "weight_decay": 0.0}],
                           lr=cfg.lr, weight_decay=cfg.weight_decay)
    history: list[dict] = []
    best_score, best_epoch, best_state, bad_epochs = -np.inf, 0, None, 0
    epochs = tqdm(range(1, cfg.epochs + 1), desc=f"train {run_dir.name}", disable=not progress)
    for epoch in epochs:
        t0 = time.perf_counter()
        loss = train_epoch(model, ds, cfg, opt, rng, f"epoch {epoch}", progress)
        val = evaluate_part(model, ds, "val", cfg.seed + 1, baselines=False,
                            max_queries=VAL_QUERIES_PER_EPOCH)
        score = _val_score(val)
        history.append({"epoch": epoch, "loss": loss, "val_select": score,
                        "val_cold_recall@10": val["cold"]["gnn"]["recall@10"],
                        "val_warm_recall@10": val["warm"]["gnn"]["recall@10"],
                        "seconds": time.perf_counter() - t0})
        log.info("epoch %d loss %.4f val recall@10 cold %.4f warm %.4f", epoch, loss,
                 val["cold"]["gnn"]["recall@10"], val["warm"]["gnn"]["recall@10"])
        epochs.set_postfix(loss=f"{loss:.3f}", val=f"{score:.3f}")
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
    test = evaluate_part(model, ds, "test", cfg.seed + 2)
    metrics = {
        "run": run_dir.name,
        "kinds": ds.kinds,
        "best_epoch": best_epoch,
        "epochs_run": len(history),
        "early_stopped": len(history) < cfg.epochs,
        "select_metric": f"mean of cold and warm val {SELECT_METRIC}",
        "val": evaluate_part(model, ds, "val", cfg.seed + 1),
        "test": test,
        "split": {"seed": cfg.seed, "cold_frac": cfg.cold_frac, "val_frac": cfg.val_frac,
                  "test_frac": cfg.test_frac, **ds.split.sizes()},
        "dataset": {"products": ds.num_nodes, "similar_pairs": int(len(ds.similar_pairs)),
                    "target_pairs": int(len(ds.pairs)), "features": ds.spec.dim},
        "train_seconds": round(train_seconds, 3),
        "history": history,
    }
    (run_dir / runs.METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n")
    plot_curve(history, run_dir / runs.CURVE_FILE, best_epoch)
    plot_metrics(test, run_dir / runs.METRICS_PNG, title=f"{run_dir.name} test")
    log.info("test metrics:\n%s", format_metrics(test))
    return metrics


def plot_curve(history: list[dict], path: Path, best_epoch: int) -> None:
    """Training loss and validation Recall@10 (cold, warm) per epoch, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, [h["loss"] for h in history], marker="o")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("training loss (sampled softmax)")
    ax2.plot(epochs, [h["val_cold_recall@10"] for h in history], marker="o", label="val cold R@10")
    ax2.plot(epochs, [h["val_warm_recall@10"] for h in history], marker="o", label="val warm R@10")
    ax2.axvline(best_epoch, color="grey", linestyle="--", label=f"best epoch {best_epoch}")
    ax2.set_xlabel("epoch")
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
