"""RECOMMENDED edges for a product added after training, from the promoted run (no retraining)."""
from __future__ import annotations

from pathlib import Path
from typing import Any


def recommend_added(g: Any, product_id: str, data_dir: str | Path, runs_dir: str | Path,
                    k: int = 10) -> str:
    """Write ``product_id``'s RECOMMENDED edges with the promoted run; a line saying what happened.

    Without a promoted run there is nothing to apply (the line says so); a run
    that cannot encode the product (e.g. trained on other embeddings) is reported,
    not raised: the product itself was added either way.
    """
    from stylegraph.gnn import runs
    from stylegraph.gnn.dataset import DatasetError
    from stylegraph.gnn.refine import recommend_new_products
    from stylegraph.loader.embedding_store import active_embeddings

    run_dir = runs.latest_run(Path(runs_dir))
    if run_dir is None:
        return "RECOMMENDED: no promoted GNN run yet (stylegraph gnn train --promote)"
    try:
        recs = recommend_new_products(g, run_dir, active_embeddings(data_dir), [product_id], k)
    except (DatasetError, runs.RunError) as exc:
        return f"RECOMMENDED: not written, the promoted run {run_dir.name} cannot be applied: {exc}"
    top = ", ".join(f"{r.dst} ({r.score:.3f})" for r in recs[:5])
    return f"RECOMMENDED ({run_dir.name}): {len(recs)} edges, {top}"
