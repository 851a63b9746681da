"""Full-ranking evaluation, the way recommenders are judged.

For each query product ``u`` of a held-out part, every other product is a
candidate; the products ``u`` is already known to go with (its training
relations, and for test its validation relations) are masked, as a shop
would not re-recommend known history. Against the held-out partners ``T``:

* ``recall@10`` = |top-10 ∩ T| / |T|, ``hits@10`` = [top-10 ∩ T non-empty],
* ``mrr`` = 1 / rank of the best-ranked partner,
* ``ndcg@10`` with binary relevance (ideal DCG over min(|T|, 10) hits),

averaged over queries. Exact ties are broken by a fixed random order, so a
baseline with many equal scores is neither favoured nor punished.

Baselines on the same split and masks: ``cosine`` (the image embedding,
i.e. SIMILAR), ``popularity`` (training relation weight of the candidate) and,
for warm queries only, ``cooccurrence`` (item-item: sum over ``u``'s training
partners ``w`` of the co-occurrence weight of ``w`` and the candidate;
ties, e.g. all-zero rows, broken by popularity).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp
import torch

from stylegraph.gnn.dataset import RelationDataset

K = 10
METRICS = ("recall@10", "hits@10", "mrr", "ndcg@10")
ScoreFn = Callable[[np.ndarray], np.ndarray]  # query rows -> (len(rows) x n) scores


@dataclass
class Queries:
    """Query products, their held-out partners and the candidates masked for each."""

    rows: np.ndarray
    targets: list[np.ndarray]
    masked: list[np.ndarray]


def _partners(num_nodes: int, pairs: np.ndarray) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(num_nodes)]
    for u, v in np.asarray(pairs, dtype=np.int64).reshape(-1, 2):
        out[u].append(int(v))
        out[v].append(int(u))
    return out


def make_queries(num_nodes: int, held_out: np.ndarray, known: list[np.ndarray],
                 only: np.ndarray | None = None) -> Queries:
    """One query per product with held-out partners (restricted to ``only`` when given);
    the partners in ``known`` pair sets are masked."""
    targets = _partners(num_nodes, held_out)
    seen = _partners(num_nodes, np.concatenate([k.reshape(-1, 2) for k in known])
                     if known else np.zeros((0, 2), np.int64))
    rows = np.array([u for u in range(num_nodes) if targets[u]], dtype=np.int64)
    if only is not None:
        rows = rows[np.isin(rows, only)]
    return Queries(rows=rows, targets=[np.unique(targets[u]) for u in rows],
                   masked=[np.unique(seen[u]) for u in rows])


def subsample(queries: Queries, limit: int, seed: int) -> Queries:
    """At most ``limit`` of the queries (a fixed random subset)."""
    if len(queries.rows) <= limit:
        return queries
    keep = np.sort(np.random.default_rng(seed).choice(len(queries.rows), limit, replace=False))
    return Queries(rows=queries.rows[keep], targets=[queries.targets[i] for i in keep],
                   masked=[queries.masked[i] for i in keep])


def split_queries(ds: RelationDataset, part: str) -> dict[str, Queries]:
    """``{"cold": ..., "warm": ...}`` queries of ``part`` (``val`` or ``test``)."""
    s, n = ds.split, ds.num_nodes
    if part == "val":
        return {"cold": make_queries(n, s.cold_val, [s.train], s.cold_val_nodes),
                "warm": make_queries(n, s.warm_val, [s.train])}
    return {"cold": make_queries(n, s.cold_test, [s.train, s.cold_val], s.cold_test_nodes),
            "warm": make_queries(n, s.warm_test, [s.train, s.warm_val])}


def rank_metrics(score_fn: ScoreFn, queries: Queries, num_nodes: int, seed: int = 0,
                 batch: int = 512) -> dict[str, float]:
    """Full-ranking Recall@10, Hits@10, MRR and NDCG@10 of ``score_fn`` on ``queries``."""
    if len(queries.rows) == 0:
        return {**{m: float("nan") for m in METRICS}, "queries": 0}
    rng = np.random.default_rng(seed)
    sums = dict.fromkeys(METRICS, 0.0)
    discounts = 1.0 / np.log2(np.arange(2, K + 2))
    for start in range(0, len(queries.rows), batch):
        rows = queries.rows[start:start + batch]
        scores = np.asarray(score_fn(rows), dtype=np.float64)
        scale = max(float(np.abs(scores).max()), 1.0) if scores.size else 1.0
        scores = scores + rng.random(scores.shape) * 1e-9 * scale  # fixed random tie order
        for i, u in enumerate(rows):
            row = scores[i]
            row[u] = -np.inf
            masked = queries.masked[start + i]
            if masked.size:
                row[masked] = -np.inf
            target = queries.targets[start + i]
            ranks = 1 + (row[None, :] > row[target][:, None]).sum(1)
            top = ranks[ranks <= K]
            sums["recall@10"] += top.size / target.size
            sums["hits@10"] += float(top.size > 0)
            sums["mrr"] += 1.0 / ranks.min()
            sums["ndcg@10"] += discounts[top - 1].sum() / discounts[:min(target.size, K)].sum()
    n = len(queries.rows)
    return {**{m: sums[m] / n for m in METRICS}, "queries": int(n)}


def train_adjacency(ds: RelationDataset) -> sp.csr_matrix:
    """Symmetric weighted adjacency of the training relations."""
    s = ds.split
    rows = np.concatenate([s.train[:, 0], s.train[:, 1]])
    cols = np.concatenate([s.train[:, 1], s.train[:, 0]])
    w = np.concatenate([s.train_weight, s.train_weight])
    return sp.csr_matrix((w, (rows, cols)), shape=(ds.num_nodes, ds.num_nodes))


def baseline_scorers(ds: RelationDataset) -> dict[str, ScoreFn]:
    """``cosine``, ``popularity`` and ``cooccurrence`` score functions on ``ds``'s training part."""
    emb = torch.nn.functional.normalize(ds.emb, dim=1).numpy()
    adj = train_adjacency(ds)
    pop = np.asarray(adj.sum(1)).ravel()
    tie = pop / (2.0 * (pop.max() + 1.0))  # < 0.5: orders equal co-occurrence sums only

    def cosine(rows: np.ndarray) -> np.ndarray:
        return emb[rows] @ emb.T

    def popularity(rows: np.ndarray) -> np.ndarray:
        return np.broadcast_to(pop, (len(rows), len(pop))).copy()

    def cooccurrence(rows: np.ndarray) -> np.ndarray:
        return (adj[rows] @ adj).toarray() + tie[None, :]

    return {"cosine": cosine, "popularity": popularity, "cooccurrence": cooccurrence}


def gnn_scorer(model: Any, ds: RelationDataset) -> ScoreFn:
    """The trained model's scores, encoding over SIMILAR + the training relations."""
    from stylegraph.gnn.structure import PairStructure

    was = model.training
    model.eval()
    with torch.no_grad():
        q, c, b = model.towers(model.encode(ds.similar_graph, ds.train_relation_graph(), ds.feat))
    model.train(was)
    structure = PairStructure.of(ds.num_nodes, ds.split.train, ds.similar_pairs)

    def score(rows: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model.score_rows(q, c, b, torch.as_tensor(rows),
                                    pair_feat=structure.rows(rows)).numpy()

    return score


def evaluate_part(model: Any, ds: RelationDataset, part: str, seed: int = 0,
                  baselines: bool = True, max_queries: int | None = None
                  ) -> dict[str, dict[str, dict[str, float]]]:
    """``{"cold"|"warm": {"gnn"|baseline: metrics}}`` on ``part`` (``val`` or ``test``),
    on at most ``max_queries`` query products per split when given."""
    queries = split_queries(ds, part)
    if max_queries is not None:
        queries = {k: subsample(q, max_queries, seed) for k, q in queries.items()}
    scorers: dict[str, ScoreFn] = {"gnn": gnn_scorer(model, ds)}
    if baselines:
        scorers.update(baseline_scorers(ds))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for split_name, qs in queries.items():
        out[split_name] = {}
        for name, fn in scorers.items():
            if name == "cooccurrence" and split_name == "cold":
                continue  # a cold product has no co-occurrences: the baseline is undefined
            out[split_name][name] = rank_metrics(fn, qs, ds.num_nodes, seed)
    return out


def best_baseline(results: dict[str, dict[str, float]], metric: str) -> tuple[str, float]:
    """The strongest baseline of one split's results on ``metric``."""
    found = [(name, m[metric]) for name, m in results.items() if name != "gnn"]
    return max(found, key=lambda x: (x[1], x[0]))


def format_metrics(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """An aligned table: one block per split, one row per method."""
    lines = []
    for split_name, methods in results.items():
        n = next(iter(methods.values())).get("queries", 0)
        lines.append(f"{split_name} ({n} query products)")
        lines.append(f"  {'':13}" + "".join(f"{m:>11}" for m in METRICS))
        for name, m in methods.items():
            lines.append(f"  {name:13}" + "".join(f"{m[k]:>11.4f}" for k in METRICS))
    return "\n".join(lines)


def plot_metrics(results: dict[str, dict[str, dict[str, float]]], path: Path,
                 title: str = "") -> None:
    """Grouped bars (one panel per split) of every method's metrics, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(6 * len(results), 4), squeeze=False)
    for ax, (split_name, methods) in zip(axes[0], results.items()):
        width = 0.8 / max(len(methods), 1)
        for i, (name, m) in enumerate(methods.items()):
            xs = np.arange(len(METRICS)) + i * width
            ax.bar(xs, [m[k] for k in METRICS], width, label=name)
        ax.set_xticks(np.arange(len(METRICS)) + 0.4 - width / 2)
        ax.set_xticklabels(METRICS)
        ax.set_title(f"{title} {split_name}".strip())
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
