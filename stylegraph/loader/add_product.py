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
from typing import Any

from stylegraph.loader.catalog import Product, append_product, catalog_file
from stylegraph.loader.embedding_store import active_embeddings, embeddings_path, save_embeddings
from stylegraph.loader.images import file_sha256, open_image
from stylegraph.loader.knn import KnnIndex
from stylegraph.product_schema import PRODUCT, SCORE, SIMILAR
from stylegraph.queries.connect import as_product_graph

log = logging.getLogger(__name__)


class AddProductError(ValueError):
    """The product cannot be added (bad image, bad id, no embeddings)."""


@dataclass
class AddResult:
    """What ``add_product`` changed."""

    product_id: str
    neighbours: list[tuple[str, float]]
    linked_from: list[str] = field(default_factory=list)
    dropped_edges: list[tuple[str, str]] = field(default_factory=list)  # (from, to) SIMILAR edges
    version: int = 0


def _copy_image(image: Path, catalog_dir: Path, product_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", product_id)
    rel = Path("images") / f"{safe}{image.suffix.lower() or '.png'}"
    dest = catalog_dir / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    if image.resolve() != dest.resolve():
        shutil.copyfile(image, dest)
    return rel.as_posix()


def add_product(graph: Any, product: Product, image: str | Path, data_dir: str | Path, *,
                k: int = 10, catalog_dir: str | Path | None = None, candidates: int | None = None) -> AddResult:
    """Embed ``image`` for ``product``, write its vertex and SIMILAR edges, update the embeddings
    (``graph``: a ProductGraph, or a Gremlin ``g``)."""
    from stylegraph.loader.embed import load_embedder
    from stylegraph.loader.images import ImageProblem

    g = as_product_graph(graph)
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

    pool = candidates if candidates is not None else max(100, 10 * k)
    nbr_ids, scores = KnnIndex(emb.ids, emb.vectors).search(vector, max(pool, k), [product.product_id])
    ranked = [(str(i), round(float(sc), 6)) for i, sc in zip(nbr_ids[0], scores[0]) if i]
    in_graph = g.existing_ids([pid for pid, _ in ranked], label=PRODUCT)
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
    g.merge_vertices([(product.product_id, PRODUCT, product.properties())])
    pid0 = product.product_id
    result = AddResult(pid0, top)
    stale = g.stale_out_edges([pid0], SIMILAR, {pid0: [nid for nid, _ in top]})
    result.dropped_edges += [(src, dst) for src, _, dst in stale]
    g.drop_edges(stale)
    g.merge_edges([(pid0, nid, SIMILAR, {SCORE: s}) for nid, s in top])

    # existing products whose top-k it enters
    score_of = dict(ranked[:pool])
    current = g.similar_neighbours(list(score_of))
    back, drop = [], []
    for pid, all_edges in current.items():
        edges = [e for e in all_edges if e[0] != pid0]
        s = score_of[pid]
        if len(edges) < k or s > edges[k - 1][1]:
            back.append((pid, pid0, SIMILAR, {SCORE: s}))
            drop += [(pid, SIMILAR, e[0]) for e in edges[k - 1:]]
            result.linked_from.append(pid)
        else:  # re-added product that no longer makes this one's top-k
            drop += [(pid, SIMILAR, e[0]) for e in all_edges if e[0] == pid0]
    g.merge_edges(back)
    g.drop_edges(drop)
    result.dropped_edges += [(src, dst) for src, _, dst in drop]
    result.version = g.bump_version()

    updated = emb.upsert(product.product_id, vector, sha)
    save_embeddings(embeddings_path(data_dir, emb.model_id), updated)
    log.info("added %s: %d neighbours, linked from %d", product.product_id, len(top), len(back))
    return result
