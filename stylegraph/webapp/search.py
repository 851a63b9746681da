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

import io
import json
import logging
import sys
import threading
import time
import warnings
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
    """Decode an upload into an RGB ``PIL.Image`` (415 if it is not an image)."""
    from PIL import Image

    if not data:
        raise NotAnImage("the uploaded file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise TooLarge(f"image of {width}x{height} pixels is too large")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooLarge("image has too many pixels") from None
    except (TooLarge, NotAnImage):
        raise
    except Exception:  # noqa: BLE001 - PIL raises many kinds for bad data
        raise NotAnImage("the upload is not an image this service can read") from None
    return image.convert("RGB")


@dataclass
class SearchIndex:
    """The active embeddings with a faiss index over them."""

    ids: list[str]
    index: Any
    model_id: str
    model_spec: dict[str, Any]
    stamp: tuple

    @classmethod
    def load(cls, data_dir: Path) -> "SearchIndex":
        """Build the index from ``<data_dir>/embeddings`` (the ACTIVE model's npz)."""
        import faiss

        from stylegraph.loader.embedding_store import active_embeddings

        emb = active_embeddings(data_dir)
        vectors = np.ascontiguousarray(np.asarray(emb.vectors, dtype=np.float32))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.maximum(norms, 1e-12)
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        spec = emb.model_spec
        if isinstance(spec, (str, bytes, np.ndarray)):
            spec = json.loads(str(spec.item() if isinstance(spec, np.ndarray) else spec))
        return cls(
            ids=[str(i) for i in emb.ids],
            index=index,
            model_id=str(emb.model_id),
            model_spec=dict(spec),
            stamp=embeddings_stamp(data_dir),
        )


def embeddings_stamp(data_dir: Path) -> tuple:
    """What identifies the active embeddings on disk: ACTIVE's content and the npz's mtime/size."""
    folder = Path(data_dir) / "embeddings"
    try:
        model_id = (folder / "ACTIVE").read_text().strip()
    except OSError:
        return ("missing",)
    try:
        st = (folder / f"{model_id}.npz").stat()
        return (model_id, st.st_mtime_ns, st.st_size)
    except OSError:
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
        log.info("visual search: %d products, model %s", len(index.ids), index.model_id)

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
        embedder = self._embedder
        assert index is not None and embedder is not None
        vectors = self._embed([item for item, _ in batch])
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        k = min(max(k for _, k in batch), len(index.ids))
        if k == 0:
            return [([], index.model_id) for _ in batch]
        scores, rows = index.index.search(np.ascontiguousarray(vectors), k)
        results = []
        for (_, want), score_row, id_row in zip(batch, scores, rows):
            hits = [
                SearchHit(index.ids[int(r)], float(s))
                for s, r in zip(score_row[:want], id_row[:want])
                if r >= 0
            ]
            results.append((hits, index.model_id))
        return results

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
