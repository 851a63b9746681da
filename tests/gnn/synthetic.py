"""A tiny product catalog with known styles, for the GNN tests.

Products fall into ``styles`` groups; each CNN-like embedding is its style's
centre plus noise (L2-normalised), and ``SIMILAR`` edges are each product's
top-``k`` cosine neighbours, as the loader would build them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stylegraph.queries.export import EdgeRow, ProductRow

CATEGORIES = ("shoes", "bags", "tops")


@dataclass
class SyntheticEmbeddings:
    """Same fields as the loader's ``Embeddings`` that the GNN reads."""

    ids: np.ndarray
    vectors: np.ndarray


def product_id(i: int) -> str:
    """The id of the i-th synthetic product."""
    return f"p{i:04d}"


def make_catalog(n: int = 60, styles: int = 6, dim: int = 16, k: int = 5, noise: float = 0.9,
                 seed: int = 0):
    """``(products, edges, embeddings, style_of)`` for ``n`` products."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(styles, dim))
    style = np.arange(n) % styles
    vec = centres[style] + noise * rng.normal(size=(n, dim))
    vec = (vec / np.linalg.norm(vec, axis=1, keepdims=True)).astype(np.float32)
    ids = [product_id(i) for i in range(n)]
    products = [ProductRow(id=ids[i], category=CATEGORIES[style[i] % len(CATEGORIES)],
                           price=float(10 + 5 * style[i] + rng.uniform(0, 3))) for i in range(n)]
    sims = vec @ vec.T
    np.fill_diagonal(sims, -np.inf)
    edges = []
    for i in range(n):
        for j in np.argsort(-sims[i])[:k]:
            edges.append(EdgeRow(src=ids[i], dst=ids[int(j)], score=float(sims[i, j])))
    emb = SyntheticEmbeddings(ids=np.array(ids), vectors=vec)
    return products, edges, emb, {ids[i]: int(style[i]) for i in range(n)}


def load_into_graph(g, products, edges, batch: int = 100) -> None:
    """Write synthetic products and SIMILAR edges through ``g`` (the loader's upsert queries)."""
    from stylegraph.queries.upsert import merge_edges, merge_vertices

    rows = []
    for p in products:
        props = {"title": f"product {p.id}", "category": p.category}
        if p.price is not None:
            props["price"] = p.price
        rows.append((p.id, "product", props))
    for start in range(0, len(rows), batch):
        merge_vertices(g, rows[start:start + batch])
    erows = [(e.src, e.dst, "SIMILAR", {"score": e.score}) for e in edges]
    for start in range(0, len(erows), batch):
        merge_edges(g, erows[start:start + batch])
