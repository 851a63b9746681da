"""Visual search: an uploaded photo in, the catalog's look-alikes out.

The upload is embedded with the exact model the catalog was embedded with
(rebuilt from the active embeddings' ``model_spec``) and matched against a
faiss inner-product index over the active, L2-normalised embeddings, i.e.
cosine similarity. Concurrent uploads are embedded together: a
:class:`~stylegraph.webapp.batching.DynamicBatcher` groups them into one CNN
forward pass (``search_max_batch`` / ``search_max_wait_ms``) and the faiss
search runs once for the whole batch.

The index is rebuilt when the active embeddings change on disk (checked at
most once a second).
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from stylegraph.webapp.batching import DynamicBatcher
from stylegraph.webapp.errors import NotAnImage, TooLarge, Unavailable

log = logging.getLogger(__name__)

RELOAD_CHECK_S = 1.0
MAX_PIXELS = 40_000_000  # larger uploads are refused (413) before decoding


def decode_image(data: bytes) -> "Any":
    """Decode an upload into an RGB ``PIL.Image`` with the loader's decoder (413 too large, 415 not an image)."""
    from stylegraph.loader.images import ImageProblem, open_image

    try:
        return open_image(data, max_pixels=MAX_PIXELS, allow_cmyk=True)
    except ImageProblem as exc:
        if exc.reason == "too-large":
            raise TooLarge(f"image is too large: {exc.detail}") from None
        if exc.reason == "empty":
            raise NotAnImage("the uploaded file is empty") from None
        raise NotAnImage(f"the upload is not an image this service can read ({exc.detail})") from None


@dataclass
class SearchIndex:
    """The active embeddings with a nearest-neighbour index over them."""

    index: Any  # stylegraph.loader.knn.KnnIndex
    model_id: str
    model_spec: dict[str, Any]
    stamp: tuple

    @classmethod
    def load(cls, data_dir: Path) -> "SearchIndex":
        """Build the index from ``<data_dir>/embeddings`` (the ACTIVE model's npz)."""
        from stylegraph.loader.embedding_store import active_embeddings
        from stylegraph.loader.knn import KnnIndex

        emb = active_embeddings(data_dir)
        return cls(KnnIndex(emb.ids, emb.vectors), emb.model_id, emb.model_spec, embeddings_stamp(data_dir))


def embeddings_stamp(data_dir: Path) -> tuple:
    """What identifies the active embeddings on disk: ACTIVE's content and the npz's mtime/size."""
    from stylegraph.loader.embedding_store import EmbeddingStoreError, active_model_id, embeddings_path

    try:
        model_id = active_model_id(data_dir)
    except EmbeddingStoreError:
        return ("missing",)
    try:
        st = embeddings_path(data_dir, model_id).stat()
        return (model_id, st.st_mtime_ns, st.st_size)
    except (OSError, EmbeddingStoreError):
        return (model_id, "missing")


@dataclass
class SearchHit:
    """One look-alike: product id and cosine score."""

    id: str
    score: float


@dataclass
class SearchOutcome:
    """The hits of one upload and how the request was served."""

    hits: list[SearchHit]
    model_id: str
    batch_size: int
    queue_ms: float
    compute_ms: float


class VisualSearch:
    """Embeds uploads in dynamic batches and finds their nearest catalog products."""

    def __init__(self, data_dir: Path, max_batch: int, max_wait_ms: float, timeout_s: float = 30.0):
        self.data_dir = Path(data_dir)
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._index: Optional[SearchIndex] = None
        self._embedder: Any = None
        self._checked = float("-inf")
        self.batcher: DynamicBatcher = DynamicBatcher(
            self._run_batch, max_batch=max_batch, max_wait_ms=max_wait_ms, name="visual-search"
        )

    def close(self) -> None:
        """Stop the batching worker."""
        self.batcher.close()

    def ready(self) -> SearchIndex:
        """The current index and embedder, (re)loaded if the embeddings changed."""
        now = time.monotonic()
        if self._index is not None and now - self._checked < RELOAD_CHECK_S:
            return self._index
        with self._lock:
            if self._index is None or time.monotonic() - self._checked >= RELOAD_CHECK_S:
                stamp = embeddings_stamp(self.data_dir)
                if self._index is None or stamp != self._index.stamp:
                    self._load()
                self._checked = time.monotonic()
            assert self._index is not None
            return self._index

    def _load(self) -> None:
        from stylegraph.loader.embed import load_embedder

        try:
            index = SearchIndex.load(self.data_dir)
        except (OSError, KeyError, ValueError) as exc:
            raise Unavailable(f"visual search is not available: no active embeddings ({exc})") from None
        if self._embedder is None or self._index is None or index.model_spec != self._index.model_spec:
            try:
                self._embedder = load_embedder(index.model_spec)
            except (OSError, ValueError) as exc:  # e.g. a weights file that is gone
                raise Unavailable(f"visual search is not available: cannot rebuild the model ({exc})") from None
        self._index = index
        log.info("visual search: %d products, model %s", len(index.index), index.model_id)

    def warm_up(self) -> None:
        """Load the index and embedder now and run one forward pass, so the first upload is fast."""
        from PIL import Image

        self.ready()
        self.batcher((self.prepare(Image.new("RGB", (64, 64), (128, 128, 128))), 1), timeout=self.timeout_s)

    def prepare(self, image: Any) -> Any:
        """The model input for ``image``, computed in the request's own thread.

        Resizing and normalising run here, concurrently for concurrent
        uploads, so the batch worker only stacks tensors and runs the CNN.
        Embedders without a separate ``transform`` get the image itself.
        """
        embedder = self._embedder
        transform = getattr(embedder, "transform", None)
        if transform is not None and hasattr(embedder, "embed_tensor"):
            return transform(image.convert("RGB"))
        return image

    def _embed(self, inputs: list[Any]) -> np.ndarray:
        """Vectors of a batch of :meth:`prepare` outputs (tensors, or images)."""
        embedder = self._embedder
        torch = sys.modules.get("torch")
        if inputs and torch is not None and isinstance(inputs[0], torch.Tensor):
            try:
                stacked = torch.stack(inputs)
            except RuntimeError:  # prepared by two models of different input sizes
                raise Unavailable("the search model changed while these uploads were queued; retry") from None
            return np.asarray(embedder.embed_tensor(stacked), dtype=np.float32)
        return np.asarray(embedder.embed(inputs), dtype=np.float32)

    def _run_batch(self, batch: list[tuple[Any, int]]) -> list[tuple[list[SearchHit], str]]:
        index = self._index
        assert index is not None and self._embedder is not None
        vectors = self._embed([item for item, _ in batch])
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        k = min(max(k for _, k in batch), len(index.index))
        if k == 0:
            return [([], index.model_id) for _ in batch]
        ids, scores = index.index.search(vectors, k)
        return [([SearchHit(str(i), float(s)) for i, s in zip(id_row[:want], score_row[:want]) if i],
                 index.model_id) for (_, want), id_row, score_row in zip(batch, ids, scores)]

    def incoming(self) -> Any:
        """Announce an upload as soon as it arrives (see ``DynamicBatcher.incoming``)."""
        return self.batcher.incoming()

    def search(self, image: Any, k: int, submit: Optional[Callable[[Any], Any]] = None) -> SearchOutcome:
        """The ``k`` nearest catalog products to ``image`` (waits for its batch).

        ``submit`` is the one yielded by :meth:`incoming` when the caller
        announced the upload earlier (before reading and decoding it).
        """
        self.ready()
        try:
            if submit is None:
                with self.batcher.incoming() as own_submit:
                    future = own_submit((self.prepare(image), k))
            else:
                future = submit((self.prepare(image), k))
            done = future.result(timeout=self.timeout_s)
        except TimeoutError:
            raise Unavailable("visual search timed out") from None
        hits, model_id = done.value
        return SearchOutcome(hits, model_id, done.batch_size, done.queue_ms, done.compute_ms)
