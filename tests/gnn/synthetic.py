"""A tiny product catalog with known styles and known outfits, for the GNN tests.

Product ``i`` has category ``i % 3`` and style ``(i // 3) % styles``; its
image-like embedding is its style's centre plus its category's centre plus
noise (L2-normalised), and ``SIMILAR`` edges are each product's top-``k``
cosine neighbours, as the loader would build them. Outfits follow a known
rule: products of the *same style* and *different categories* are worn
together (each such pair with probability ``p_outfit``). Look-alikes (same
style and same category) are never worn together, so cosine is a weak
recommender here and a model has to learn the rule.
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


def make_catalog(n: int = 90, styles: int = 6, dim: int = 16, k: int = 5, noise: float = 0.5,
                 p_outfit: float = 0.6, seed: int = 0):
    """``(products, similar edges, relation edges, embeddings, style_of)`` for ``n`` products."""
    rng = np.random.default_rng(seed)
    style_centres = rng.normal(size=(styles, dim))
    cat_centres = 1.5 * rng.normal(size=(len(CATEGORIES), dim))
    cat = np.arange(n) % len(CATEGORIES)
    style = (np.arange(n) // len(CATEGORIES)) % styles
    vec = style_centres[style] + cat_centres[cat] + noise * rng.normal(size=(n, dim))
    vec = (vec / np.linalg.norm(vec, axis=1, keepdims=True)).astype(np.float32)
    ids = [product_id(i) for i in range(n)]
    products = [ProductRow(id=ids[i], category=CATEGORIES[cat[i]],
                           price=float(10 + 5 * style[i] + rng.uniform(0, 3)),
                           attrs={"color": f"c{style[i]}", "title": f"product {i}"})
                for i in range(n)]
    sims = vec @ vec.T
    np.fill_diagonal(sims, -np.inf)
    edges = [EdgeRow(src=ids[i], dst=ids[int(j)], score=float(sims[i, j]))
             for i in range(n) for j in np.argsort(-sims[i])[:k]]
    relations = [EdgeRow(src=ids[i], dst=ids[j], score=None, label="WORN_WITH", weight=1.0)
                 for i in range(n) for j in range(i + 1, n)
                 if style[i] == style[j] and cat[i] != cat[j] and rng.random() < p_outfit]
    emb = SyntheticEmbeddings(ids=np.array(ids), vectors=vec)
    return products, edges, relations, emb, {ids[i]: int(style[i]) for i in range(n)}


def load_into_graph(g, products, edges, relations=(), batch: int = 100) -> None:
    """Write synthetic products, SIMILAR and relation edges through ``g`` (a ProductGraph or a
    Gremlin ``g``), with the interface's batched upserts the loaders use."""
    from stylegraph.queries.connect import as_product_graph
    from stylegraph.queries.relations import RelationEdge

    pg = as_product_graph(g)

    rows = []
    for p in products:
        props = {"category": p.category, **p.attrs}
        if p.price is not None:
            props["price"] = p.price
        rows.append((p.id, "product", props))
    for start in range(0, len(rows), batch):
        pg.merge_vertices(rows[start:start + batch])
    erows = [(e.src, e.dst, "SIMILAR", {"score": e.score}) for e in edges]
    for start in range(0, len(erows), batch):
        pg.merge_edges(erows[start:start + batch])
    rel = [RelationEdge(e.src, e.dst, e.label, e.weight or 1.0) for e in relations]
    for start in range(0, len(rel), batch):
        pg.merge_relations(rel[start:start + batch])
