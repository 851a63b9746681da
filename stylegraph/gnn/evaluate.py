"""Link-prediction metrics on held-out edges: ROC-AUC, Hits@10 and MRR.

Each held-out pair ``(u, v)`` is ranked against ``eval_negatives`` fixed
random destinations ``w`` (never an existing edge of ``u``, never ``u``).
The GNN and the plain cosine similarity of the CNN embeddings are scored on
the very same positives and negatives, so the figures compare directly.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from stylegraph.gnn.dataset import LinkDataset
from stylegraph.gnn.model import SAGE

HITS_K = 10


@dataclass
class EvalSet:
    """Positive pairs (m x 2) and their negative destinations (m x k)."""

    pos: np.ndarray
    neg_dst: np.ndarray


def sample_negatives(num_nodes: int, pos: np.ndarray, all_pairs: np.ndarray, k: int,
                     seed: int, max_rounds: int = 20) -> np.ndarray:
    """``k`` random destinations per positive, avoiding self-loops and existing pairs.

    On graphs too small or dense to avoid them all, the few remaining
    collisions are kept (they only make the task harder).
    """
    rng = np.random.default_rng(seed)
    forbidden = {int(u) * num_nodes + int(v) for u, v in all_pairs}
    forbidden |= {int(v) * num_nodes + int(u) for u, v in all_pairs}
    src = pos[:, 0][:, None]
    neg = rng.integers(0, num_nodes, size=(len(pos), k))
    for _ in range(max_rounds):
        key = src * num_nodes + neg
        bad = (neg == src) | np.isin(key, np.fromiter(forbidden, dtype=np.int64, count=len(forbidden)))
        if not bad.any():
            break
        neg[bad] = rng.integers(0, num_nodes, size=int(bad.sum()))
    return neg


def eval_set(dataset: LinkDataset, pos: np.ndarray, k: int, seed: int) -> EvalSet:
    """The fixed evaluation set for ``pos`` (negatives drawn with ``seed``)."""
    return EvalSet(pos=pos, neg_dst=sample_negatives(dataset.num_nodes, pos, dataset.all_pairs,
                                                     k, seed))


def link_metrics(pos_scores: np.ndarray, neg_scores: np.ndarray, hits_k: int = HITS_K) -> dict:
    """ROC-AUC (positives vs all negatives), Hits@k and MRR (each positive vs its negatives)."""
    pos_scores = np.asarray(pos_scores, dtype=np.float64)
    neg_scores = np.asarray(neg_scores, dtype=np.float64)
    labels = np.concatenate([np.ones(pos_scores.size), np.zeros(neg_scores.size)])
    auc = roc_auc_score(labels, np.concatenate([pos_scores, neg_scores.ravel()]))
    higher = (neg_scores > pos_scores[:, None]).sum(1)
    ties = (neg_scores == pos_scores[:, None]).sum(1)
    rank = 1.0 + higher + 0.5 * ties
    return {
        "roc_auc": float(auc),
        f"hits@{hits_k}": float((rank <= hits_k).mean()),
        "mrr": float((1.0 / rank).mean()),
        "n_pos": int(pos_scores.size),
        "n_neg_per_pos": int(neg_scores.shape[1]),
    }


def _score_set(score: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], h: torch.Tensor,
               es: EvalSet, batch: int = 512) -> tuple[np.ndarray, np.ndarray]:
    pos_out, neg_out = [], []
    with torch.no_grad():
        for start in range(0, len(es.pos), batch):
            p = torch.as_tensor(es.pos[start:start + batch])
            n = torch.as_tensor(es.neg_dst[start:start + batch])
            hs = h[p[:, 0]]
            pos_out.append(score(hs, h[p[:, 1]]))
            neg_out.append(score(hs[:, None, :], h[n]))
    return torch.cat(pos_out).numpy(), torch.cat(neg_out).numpy()


def gnn_metrics(model: SAGE, h: torch.Tensor, es: EvalSet) -> dict:
    """Metrics of the GNN's scorer on node embeddings ``h``."""
    return link_metrics(*_score_set(model.score, h, es))


def cosine_embeddings(dataset: LinkDataset) -> torch.Tensor:
    """The L2-normalised CNN embeddings of the dataset's products."""
    return torch.nn.functional.normalize(dataset.emb, dim=1)


def cosine_metrics(dataset: LinkDataset, es: EvalSet) -> dict:
    """Metrics of the plain cosine similarity of CNN embeddings (the baseline)."""
    return link_metrics(*_score_set(lambda a, b: (a * b).sum(-1), cosine_embeddings(dataset), es))


def evaluate_model(model: SAGE, dataset: LinkDataset, es: EvalSet, batch_size: int = 1024) -> dict:
    """``{"gnn": metrics, "cosine": metrics}`` on ``es``, encoding over the training graph."""
    h = model.inference(dataset.train_graph, dataset.feat, batch_size)
    return {"gnn": gnn_metrics(model, h, es), "cosine": cosine_metrics(dataset, es)}


def format_metrics(results: dict) -> str:
    """A small aligned table of ``{"gnn": ..., "cosine": ...}`` results."""
    keys = ["roc_auc", f"hits@{HITS_K}", "mrr"]
    lines = [f"{'':8}" + "".join(f"{k:>10}" for k in keys)]
    for name in ("gnn", "cosine"):
        if name in results:
            lines.append(f"{name:8}" + "".join(f"{results[name][k]:>10.4f}" for k in keys))
    return "\n".join(lines)


def evaluate_run(g: Any, run_dir: str | Path, embeddings: Any, page_size: int = 1000,
                 progress: bool = True) -> dict:
    """Re-export the graph through ``g`` and evaluate a finished run on its own held-out test edges.

    The run's saved feature layout and split are reused and the negatives are
    drawn with the same seed as at training time, so on an unchanged graph
    the figures equal the run's ``metrics.json`` test figures.
    """
    from stylegraph.gnn import runs
    from stylegraph.gnn.dataset import EdgeSplit, build_dataset, export_graph

    trained = runs.load_run(run_dir)
    exported = export_graph(g, page_size, progress)
    ids = sorted(p.id for p in exported.products)
    split = EdgeSplit.load(Path(run_dir) / runs.SPLIT_FILE, {pid: i for i, pid in enumerate(ids)})
    if len(split.test) == 0:
        raise ValueError(f"none of {Path(run_dir).name}'s held-out edges are in this graph")
    dataset = build_dataset(exported, embeddings, spec=trained.spec, split=split)
    es = eval_set(dataset, split.test, trained.config.eval_negatives, trained.config.seed + 2)
    results = evaluate_model(trained.model, dataset, es, trained.config.inference_batch_size)
    results["run"] = trained.name
    return results
