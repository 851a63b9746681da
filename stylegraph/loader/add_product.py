"""Add one product to a built graph without rebuilding it.

The new product is embedded with the active model, linked to its top-k
existing products, and linked *from* every existing product it enters the
top-k of (that product's weakest edge is dropped so it keeps k). The
candidates for the reverse links are the ``candidates`` products most similar
to the new one (an exact reverse-kNN would have to read every product's
k-th score). Its vector is appended to the active embeddings file.
"""
from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from gremlin_python.process.graph_traversal import GraphTraversalSource

from stylegraph.loader.catalog import Product, append_product, catalog_file
from stylegraph.loader.embedding_store import active_embeddings, embeddings_path, save_embeddings
from stylegraph.loader.images import file_sha256, open_image
from stylegraph.queries import upsert
from stylegraph.queries.meta import bump_version

log = logging.getLogger(__name__)


class AddProductError(ValueError):
    """The product cannot be added (bad image, bad id, no embeddings)."""


@dataclass
class AddResult:
    """What ``add_product`` changed."""

    product_id: str
    neighbours: list[tuple[str, float]]
    linked_from: list[str] = field(default_factory=list)
    dropped_edges: list[str] = field(default_factory=list)
    version: int = 0


def _edge_id(out_id: str, in_id: str) -> str:
    return f"{upsert.SIMILAR_LABEL}:{out_id}:{in_id}"


def _copy_image(image: Path, catalog_dir: Path, product_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", product_id)
    rel = Path("images") / f"{safe}{image.suffix.lower() or '.png'}"
    dest = catalog_dir / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    if image.resolve() != dest.resolve():
        shutil.copyfile(image, dest)
    return rel.as_posix()


def add_product(g: GraphTraversalSource, product: Product, image: str | Path, data_dir: str | Path, *,
                k: int = 10, catalog_dir: str | Path | None = None, candidates: int | None = None) -> AddResult:
    """Embed ``image`` for ``product``, write its vertex and SIMILAR edges, update the embeddings."""
    from stylegraph.loader.embed import load_embedder
    from stylegraph.loader.images import ImageProblem

    if not product.product_id.strip():
        raise AddProductError("product id must not be empty")
    if k < 1:
        raise AddProductError(f"k must be >= 1, got {k}")
    image = Path(image)
    try:
        img = open_image(image)
    except ImageProblem as exc:
        raise AddProductError(f"product {product.product_id}: {image}: {exc}") from None
    emb = active_embeddings(data_dir)
    embedder = load_embedder(emb.model_spec)
    vector = embedder.embed([img])[0]
    sha = file_sha256(image)

    others = emb.ids != product.product_id
    other_ids = emb.ids[others]
    scores = emb.vectors[others] @ vector if len(other_ids) else np.zeros(0, np.float32)
    order = np.argsort(-scores, kind="stable")
    pool = candidates if candidates is not None else max(100, 10 * k)
    ranked = [(str(other_ids[i]), round(float(scores[i]), 6)) for i in order[:max(pool, k)]]
    in_graph = upsert.existing_ids(g, [pid for pid, _ in ranked], label="product")
    ranked = [(pid, s) for pid, s in ranked if pid in in_graph]  # embedded but never loaded: skip
    top = ranked[:k]

    if catalog_dir is not None:
        catalog_dir = Path(catalog_dir)
        if not catalog_file(catalog_dir).is_file():
            raise AddProductError(f"{catalog_file(catalog_dir)}: catalog file not found")
        product = replace(product, image=_copy_image(image, catalog_dir, product.product_id))
        append_product(catalog_dir, product)
    elif not product.image:
        product = replace(product, image=str(image))

    # the product and its own top-k
    upsert.merge_vertices(g, [(product.product_id, "product", product.properties())])
    keep = {_edge_id(product.product_id, nid) for nid, _ in top}
    result = AddResult(product.product_id, top)
    stale = upsert.edges_with_label_from(g, [product.product_id], upsert.SIMILAR_LABEL, keep)
    result.dropped_edges += stale
    upsert.drop_edges(g, stale)
    upsert.merge_edges(g, [(_edge_id(product.product_id, nid), product.product_id, nid,
                            upsert.SIMILAR_LABEL, {"score": s}) for nid, s in top])

    # existing products whose top-k it enters
    score_of = dict(ranked[:pool])
    current = upsert.similar_neighbours(g, list(score_of))
    back, drop = [], []
    for pid, all_edges in current.items():
        edges = [e for e in all_edges if e[0] != product.product_id]
        s = score_of[pid]
        if len(edges) < k or s > edges[k - 1][1]:
            back.append((_edge_id(pid, product.product_id), pid, product.product_id,
                         upsert.SIMILAR_LABEL, {"score": s}))
            drop += [e[2] for e in edges[k - 1:]]
            result.linked_from.append(pid)
        else:  # re-added product that no longer makes this one's top-k
            drop += [e[2] for e in all_edges if e[0] == product.product_id]
    upsert.merge_edges(g, back)
    upsert.drop_edges(g, drop)
    result.dropped_edges += drop
    result.version = bump_version(g)

    updated = emb.upsert(product.product_id, vector, sha)
    save_embeddings(embeddings_path(data_dir, emb.model_id), updated)
    log.info("added %s: %d neighbours, linked from %d", product.product_id, len(top), len(back))
    return result
