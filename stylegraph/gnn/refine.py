"""Refine the graph: score candidate links with a trained run and write ``RECOMMENDED`` edges.

One ``inference()`` over the *current* graph (all ``SIMILAR`` edges, so
products added after training are encoded too: GraphSAGE is inductive and
the run's saved feature layout is reused), then for each product:

    candidates = its 2-hop neighbourhood  ∪  its top-m neighbours in GNN-embedding space

each scored by the model's edge scorer; the top-k become ``RECOMMENDED``
edges (``score`` = link probability, ``model`` = run name), replacing the
previous model's through ``g``.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
from tqdm import tqdm

from stylegraph.gnn import runs
from stylegraph.gnn.dataset import (EmbeddingsLike, ExportedGraph, bidirected_graph,
                                    export_graph, undirected_pairs)
from stylegraph.gnn.runs import TrainedRun
from stylegraph.queries.meta import bump_version
from stylegraph.queries.recommended import Recommendation, replace_recommended

log = logging.getLogger(__name__)
# above this many products the embedding-space neighbours come from an HNSW index
EXACT_ANN_LIMIT = 200_000


@dataclass
class RefineReport:
    """What a refine pass did."""

    run: str
    products: int
    edges_written: int
    new_products: list[str]
    mean_candidates: float
    seconds: dict[str, float] = field(default_factory=dict)


def two_hop_candidates(num_nodes: int, pairs: np.ndarray) -> sp.csr_matrix:
    """Boolean CSR matrix whose row ``u`` marks every node within 2 hops of ``u`` (not ``u``)."""
    if len(pairs) == 0:
        return sp.csr_matrix((num_nodes, num_nodes), dtype=bool)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    adj = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                        shape=(num_nodes, num_nodes))
    reach = ((adj + adj @ adj) > 0).tolil()
    reach.setdiag(False)
    return reach.tocsr()


def embedding_neighbours(h: torch.Tensor, m: int) -> np.ndarray:
    """Top-``m`` neighbours (excluding self) of every row of ``h`` by cosine, via faiss."""
    import faiss

    n = h.shape[0]
    m = min(m, n - 1)
    if m <= 0:
        return np.zeros((n, 0), dtype=np.int64)
    x = torch.nn.functional.normalize(h, dim=1).numpy().astype(np.float32)
    if n <= EXACT_ANN_LIMIT:
        index = faiss.IndexFlatIP(x.shape[1])
    else:
        index = faiss.IndexHNSWFlat(x.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.add(x)
    _, found = index.search(x, m + 1)
    out = np.empty((n, m), dtype=np.int64)
    for i in range(n):
        row = [j for j in found[i] if j != i and j >= 0][:m]
        row += [row[-1] if row else 0] * (m - len(row))
        out[i] = row
    return out


def recommend(trained: TrainedRun, exported: ExportedGraph, embeddings: EmbeddingsLike,
              k: int = 10, ann_m: int = 50, progress: bool = True
              ) -> tuple[list[Recommendation], list[str], float]:
    """Top-``k`` scored links per product: ``(recommendations, product ids, mean candidates)``."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    products = sorted(exported.products, key=lambda p: p.id)
    ids = [p.id for p in products]
    index = {pid: i for i, pid in enumerate(ids)}
    feat = torch.from_numpy(trained.spec.encode(products, embeddings))
    pairs = undirected_pairs(exported.edges, index)
    graph, _ = bidirected_graph(len(ids), pairs, feat)
    model = trained.model
    h = model.inference(graph, feat, trained.config.inference_batch_size, progress=progress)
    reach = two_hop_candidates(len(ids), pairs)
    ann = embedding_neighbours(h, ann_m) if ann_m > 0 else np.zeros((len(ids), 0), np.int64)
    recs: list[Recommendation] = []
    n_cand = 0
    with torch.no_grad():
        for u in tqdm(range(len(ids)), desc="score candidates", unit="product",
                      disable=not progress):
            cand = np.union1d(reach.indices[reach.indptr[u]:reach.indptr[u + 1]], ann[u])
            cand = cand[cand != u]
            if cand.size == 0:
                continue
            n_cand += cand.size
            cand_t = torch.as_tensor(cand)
            prob = torch.sigmoid(model.score(h[u].expand(cand.size, -1), h[cand_t]))
            top = torch.topk(prob, min(k, cand.size))
            for score, j in zip(top.values.tolist(), cand_t[top.indices].tolist()):
                recs.append(Recommendation(src=ids[u], dst=ids[j], score=float(score)))
    return recs, ids, n_cand / max(len(ids), 1)


def trained_ids(run_dir: Path) -> set[str]:
    """Product ids that were in the graph a run was trained on (from its saved split)."""
    with np.load(Path(run_dir) / runs.SPLIT_FILE, allow_pickle=False) as data:
        return {str(x) for x in data["nodes"]}


def refine(g: Any, run_dir: Path, embeddings: EmbeddingsLike, k: int = 10, ann_m: int = 50,
           page_size: int = 1000, progress: bool = True) -> RefineReport:
    """Export the graph, score candidates with the run in ``run_dir``, write RECOMMENDED edges."""
    t0 = time.perf_counter()
    trained = runs.load_run(run_dir)
    exported = export_graph(g, page_size, progress)
    t1 = time.perf_counter()
    recs, ids, mean_cand = recommend(trained, exported, embeddings, k, ann_m, progress)
    t2 = time.perf_counter()
    written = replace_recommended(g, recs, model=trained.name, sources=ids)
    bump_version(g)
    t3 = time.perf_counter()
    seen = trained_ids(run_dir)
    new = [pid for pid in ids if pid not in seen]
    log.info("refine %s: %d RECOMMENDED edges for %d products (%d not seen in training)",
             trained.name, written, len(ids), len(new))
    return RefineReport(run=trained.name, products=len(ids), edges_written=written,
                        new_products=new, mean_candidates=mean_cand,
                        seconds={"export": t1 - t0, "score": t2 - t1, "write": t3 - t2})
