"""Embed a whole catalog: batched DataLoader inference with a sha256 cache.

The cache is the embeddings file of the same model id: an image whose sha256
is already there is not recomputed, so a re-run only embeds new or changed
images. Bad images are reported (with the product id) and skipped.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from tqdm import tqdm

from stylegraph.loader.catalog import Catalog
from stylegraph.loader.embed import Embedder
from stylegraph.loader.embedding_store import (
    EmbeddingStoreError,
    Embeddings,
    embeddings_path,
    load_embeddings,
    save_embeddings,
    set_active,
)
from stylegraph.loader.images import DEFAULT_MAX_PIXELS, SkippedImage, file_sha256, load_product_image

log = logging.getLogger(__name__)


@dataclass
class EmbedResult:
    """What an embedding run produced."""

    embeddings: Embeddings
    computed: int
    reused: int
    skipped: list[SkippedImage] = field(default_factory=list)
    seconds: float = 0.0
    path: Path | None = None


class ProductImages(Dataset):
    """(row, tensor) per product; a bad image yields (row, SkippedImage)."""

    def __init__(self, items: list[tuple[int, str, Path]], transform, max_pixels: int = DEFAULT_MAX_PIXELS):
        self.items = items
        self.transform = transform
        self.max_pixels = max_pixels

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        row, pid, path = self.items[i]
        img = load_product_image(pid, path, self.max_pixels)
        if isinstance(img, SkippedImage):
            return row, img
        try:
            return row, self.transform(img)
        except Exception as exc:  # a decoder that lied about the size, etc.
            return row, SkippedImage(pid, str(path), "corrupt", f"transform failed: {exc}")


def _collate(batch):
    rows, tensors, skipped = [], [], []
    for row, item in batch:
        if isinstance(item, SkippedImage):
            skipped.append(item)
        else:
            rows.append(row)
            tensors.append(item)
    stacked = torch.stack(tensors) if tensors else None
    return rows, stacked, skipped


def _cache(data_dir: Path | None, embedder: Embedder) -> dict[str, np.ndarray]:
    if data_dir is None:
        return {}
    path = embeddings_path(data_dir, embedder.model_id)
    if not path.exists():
        return {}
    try:
        old = load_embeddings(path)
    except EmbeddingStoreError as exc:
        log.warning("ignoring unreadable cache %s: %s", path, exc)
        return {}
    if old.model_spec != embedder.spec or (len(old) and old.dim != embedder.dim):
        return {}
    return {sha: old.vectors[i] for i, sha in enumerate(old.sha256.tolist())}


def embed_catalog(catalog: Catalog, embedder: Embedder, data_dir: str | Path | None = None, *,
                  batch_size: int = 32, num_workers: int = 0, activate: bool = True,
                  progress: bool = True, max_pixels: int = DEFAULT_MAX_PIXELS) -> EmbedResult:
    """Embed every product of ``catalog``; with ``data_dir`` reuse and update the cache file.

    Returns the embeddings in catalog order (skipped products left out). With
    ``activate`` the model id is written to ``<data_dir>/embeddings/ACTIVE``.
    """
    if batch_size < 1:
        raise ValueError(f"batch size must be >= 1, got {batch_size}")
    start = time.perf_counter()
    data_dir = Path(data_dir) if data_dir is not None else None
    cache = _cache(data_dir, embedder)
    vectors: dict[int, np.ndarray] = {}
    shas: dict[int, str] = {}
    skipped: list[SkippedImage] = []
    todo: list[tuple[int, str, Path]] = []
    reused = 0
    for row, product in enumerate(catalog.products):
        path = catalog.image_path(product)
        try:
            sha = file_sha256(path)
        except OSError as exc:
            reason = "missing" if isinstance(exc, FileNotFoundError) else "unreadable"
            item = SkippedImage(product.product_id, str(path), reason, str(exc))
            log.warning("skipping %s", item)
            skipped.append(item)
            continue
        shas[row] = sha
        if sha in cache:
            vectors[row] = cache[sha]
            reused += 1
        else:
            todo.append((row, product.product_id, path))
    if todo:
        loader = DataLoader(ProductImages(todo, embedder.transform, max_pixels), batch_size=batch_size,
                            shuffle=False, num_workers=num_workers, collate_fn=_collate)
        with tqdm(total=len(todo), desc=f"embed {embedder.model_id}", unit="img", disable=not progress) as bar:
            for rows, batch, bad in loader:
                skipped.extend(bad)
                if batch is not None:
                    for row, vec in zip(rows, embedder.embed_tensor(batch)):
                        vectors[row] = vec
                bar.update(len(rows) + len(bad))
    order = sorted(vectors)
    emb = Embeddings(
        ids=np.array([catalog.products[r].product_id for r in order], dtype=str),
        vectors=np.stack([vectors[r] for r in order]) if order else np.zeros((0, embedder.dim), np.float32),
        sha256=np.array([shas[r] for r in order], dtype=str),
        model_id=embedder.model_id,
        model_spec=embedder.spec,
    )
    path = None
    if data_dir is not None:
        path = save_embeddings(embeddings_path(data_dir, embedder.model_id), emb)
        if activate:
            set_active(data_dir, embedder.model_id)
    return EmbedResult(emb, computed=len(order) - reused, reused=reused, skipped=skipped,
                       seconds=time.perf_counter() - start, path=path)
