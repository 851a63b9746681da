"""Refine the graph: a trained run's top-k "goes with" links become ``RECOMMENDED`` edges.

One encoding pass over the *current* graph (every ``SIMILAR`` edge and every
relation of the run's kinds, so products added after training are encoded
too: the model is inductive and the run's saved feature layout is reused),
then every product's top-k by the model's score against every other product
(batched dense scoring: quadratic in the catalog, about a minute at 9,000
products on 2 cores). ``score`` on the edge is the sigmoid of the model's
score and ``model`` the run name; the previous model's edges are replaced
through ``g``.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from tqdm import tqdm

from stylegraph.gnn import runs
from stylegraph.gnn.dataset import (EmbeddingsLike, ExportedGraph, bidirected_graph,
                                    export_graph, target_pairs, undirected_pairs)
from stylegraph.gnn.runs import TrainedRun
from stylegraph.gnn.structure import PairStructure
from stylegraph.queries.connect import as_product_graph
from stylegraph.queries.recommended import RECOMMENDED_LABEL, Recommendation

log = logging.getLogger(__name__)
# products scored per batch (each against every product)
SCORE_BATCH = 512


@dataclass
class RefineReport:
    """What a refine pass did."""

    run: str
    products: int
    edges_written: int
    new_products: list[str]
    seconds: dict[str, float] = field(default_factory=dict)


def recommend(trained: TrainedRun, exported: ExportedGraph, embeddings: EmbeddingsLike,
              k: int = 10, only: Sequence[str] | None = None,
              progress: bool = True) -> tuple[list[Recommendation], list[str]]:
    """Top-``k`` "goes with" products of every product (or of ``only``): ``(recs, all ids)``."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    cfg = trained.config
    products = sorted(exported.products, key=lambda p: p.id)
    ids = [p.id for p in products]
    index = {pid: i for i, pid in enumerate(ids)}
    if len(ids) < 2:
        return [], ids
    feat = torch.from_numpy(trained.spec.encode(products, embeddings))
    similar = undirected_pairs(exported.edges, index)
    if cfg.target_column:
        pairs, _ = target_pairs(exported, products, index, cfg.target_column,
                                cfg.label_pairs_per_product, cfg.seed)
    else:
        pairs = undirected_pairs(exported.relations, index)
    model = trained.model
    structure = PairStructure.of(len(ids), pairs, similar)
    with torch.no_grad():
        q, c, b = model.towers(model.encode(bidirected_graph(len(ids), similar),
                                            bidirected_graph(len(ids), pairs), feat))
    rows = np.arange(len(ids)) if only is None else np.array(
        [index[p] for p in only if p in index], dtype=np.int64)
    kk = min(k, len(ids) - 1)
    recs: list[Recommendation] = []
    for start in tqdm(range(0, len(rows), SCORE_BATCH), desc="score products", unit="batch",
                      disable=not progress):
        batch = rows[start:start + SCORE_BATCH]
        with torch.no_grad():
            scores = model.score_rows(q, c, b, torch.as_tensor(batch),
                                      pair_feat=structure.rows(batch))
        scores[torch.arange(len(batch)), torch.as_tensor(batch)] = float("-inf")
        top = torch.topk(scores, kk, dim=1)
        probs = torch.sigmoid(top.values).numpy()
        for r, u in enumerate(batch):
            recs += [Recommendation(src=ids[u], dst=ids[int(j)], score=round(float(p), 6))
                     for j, p in zip(top.indices[r].tolist(), probs[r])]
    return recs, ids


def trained_ids(run_dir: Path) -> set[str]:
    """Product ids that were in the graph a run was trained on (from its saved split)."""
    with np.load(Path(run_dir) / runs.SPLIT_FILE, allow_pickle=False) as data:
        return {str(x) for x in data["nodes"]}


def refine(g: Any, run_dir: Path, embeddings: EmbeddingsLike, k: int = 10,
           batch_size: int = 1000, progress: bool = True, snapshot_to: Path | None = None,
           write: bool = True) -> RefineReport:
    """Export the graph, rank with the run in ``run_dir``, write every product's RECOMMENDED edges.

    ``snapshot_to`` (a data dir): also save the ranking as the run's recommendation snapshot
    (``stylegraph.analytics.snapshots``), which the explorer's compare view reads;
    ``write=False`` only saves the snapshot and leaves the graph as it is.
    """
    g = as_product_graph(g)
    t0 = time.perf_counter()
    trained = runs.load_run(run_dir)
    exported = export_graph(g, batch_size, progress, kinds=trained.config.target or None)
    t1 = time.perf_counter()
    recs, ids = recommend(trained, exported, embeddings, k, progress=progress)
    t2 = time.perf_counter()
    if snapshot_to is not None:
        from stylegraph.analytics.snapshots import save_snapshot

        save_snapshot(snapshot_to, trained.name, recs)
    written = 0
    if write:
        written = g.replace_recommended(recs, model=trained.name, sources=ids)
        g.bump_version()
    t3 = time.perf_counter()
    seen = trained_ids(run_dir)
    new = [pid for pid in ids if pid not in seen]
    log.info("refine %s: %d RECOMMENDED edges for %d products (%d not seen in training)",
             trained.name, written, len(ids), len(new))
    return RefineReport(run=trained.name, products=len(ids), edges_written=written,
                        new_products=new,
                        seconds={"export": t1 - t0, "score": t2 - t1, "write": t3 - t2})


def recommend_new_products(g: Any, run_dir: Path, embeddings: EmbeddingsLike,
                           product_ids: Sequence[str], k: int = 10,
                           progress: bool = False) -> list[Recommendation]:
    """RECOMMENDED edges for ``product_ids`` only (e.g. just added), from a trained run,
    without retraining; the other products' edges are left as they are."""
    g = as_product_graph(g)
    trained = runs.load_run(run_dir)
    exported = export_graph(g, progress=progress, kinds=trained.config.target or None)
    recs, _ = recommend(trained, exported, embeddings, k, only=product_ids, progress=progress)
    g.upsert_recommended(recs, model=trained.name)
    keep: dict[str, list[str]] = {pid: [] for pid in product_ids}
    for r in recs:
        keep.setdefault(r.src, []).append(r.dst)
    g.drop_edges(g.stale_out_edges(list(keep), RECOMMENDED_LABEL, keep))
    g.bump_version()
    return recs
