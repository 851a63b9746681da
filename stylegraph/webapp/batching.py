"""Dynamic batching: concurrent requests grouped into one model call.

The way model servers (TorchServe, Triton) do it: a worker thread takes the
first waiting request, then keeps collecting until it has ``max_batch``
requests or ``max_wait_ms`` has passed since the first one, and runs the
batch function once for the whole group. With ``max_batch=1`` every request
is its own batch (batching off).

One refinement: callers announce a request as soon as it arrives
(:meth:`DynamicBatcher.incoming`), before its slow preparation (decoding,
resizing). The worker only waits for more items while some are announced
but not yet queued, so a lone request runs at once instead of paying
``max_wait_ms`` for company that is not coming.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterator, Sequence, TypeVar

log = logging.getLogger(__name__)

ANNOUNCE_POLL_S = 0.001  # how often the worker re-checks announced-but-not-queued items
In = TypeVar("In")
Out = TypeVar("Out")


@dataclass
class Batched(Generic[Out]):
    """One request's result plus how it was served."""

    value: Out
    batch_size: int
    queue_ms: float
    compute_ms: float


class DynamicBatcher(Generic[In, Out]):
    """Runs ``fn(list_of_inputs) -> list_of_outputs`` on batches of concurrent submissions."""

    def __init__(
        self,
        fn: Callable[[list[In]], Sequence[Out]],
        max_batch: int,
        max_wait_ms: float,
        name: str = "batcher",
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.fn = fn
        self.max_batch = int(max_batch)
        self.max_wait = max(0.0, float(max_wait_ms)) / 1000.0
        self._queue: "queue.Queue[tuple[In, Future, float] | None]" = queue.Queue()
        self._closed = False
        self._announced = 0
        self._announced_lock = threading.Lock()
        self.batch_sizes: Counter[int] = Counter()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @contextmanager
    def incoming(self) -> Iterator[Callable[[In], "Future[Batched[Out]]"]]:
        """Announce a request; yields the ``submit`` to call once its item is prepared.

        The announcement ends when that ``submit`` has queued the item (so
        the worker never sees the request as neither announced nor queued),
        or when the block exits without submitting.
        """
        with self._announced_lock:
            self._announced += 1
        pending = [True]

        def submit(item: In) -> "Future[Batched[Out]]":
            future = self.submit(item)
            self._withdraw(pending)
            return future

        try:
            yield submit
        finally:
            self._withdraw(pending)

    def _withdraw(self, pending: list[bool]) -> None:
        with self._announced_lock:
            if pending[0]:
                pending[0] = False
                self._announced -= 1

    def submit(self, item: In) -> "Future[Batched[Out]]":
        """Queue ``item``; the future resolves when its batch has run."""
        if self._closed:
            raise RuntimeError("batcher is closed")
        future: "Future[Batched[Out]]" = Future()
        self._queue.put((item, future, time.perf_counter()))
        return future

    def __call__(self, item: In, timeout: float | None = None) -> Batched[Out]:
        """Submit ``item`` and wait for its result."""
        return self.submit(item).result(timeout)

    def close(self) -> None:
        """Stop the worker after the batches already queued."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join(timeout=10)

    def stats(self) -> dict[str, Any]:
        """How many batches of each size have run."""
        batches = sum(self.batch_sizes.values())
        items = sum(size * n for size, n in self.batch_sizes.items())
        return {
            "max_batch": self.max_batch,
            "max_wait_ms": self.max_wait * 1000.0,
            "batches": batches,
            "requests": items,
            "largest_batch": max(self.batch_sizes, default=0),
            "batch_sizes": {str(k): v for k, v in sorted(self.batch_sizes.items())},
        }

    def _collect(self, first: tuple[In, Future, float]) -> tuple[list, bool]:
        batch = [first]
        deadline = time.perf_counter() + self.max_wait
        while len(batch) < self.max_batch:
            remaining = deadline - time.perf_counter()
            try:
                if remaining > 0 and (self._announced > 0 or not self._queue.empty()):
                    entry = self._queue.get(timeout=min(remaining, ANNOUNCE_POLL_S))
                else:
                    entry = self._queue.get_nowait()
            except queue.Empty:
                if remaining > 0 and self._announced > 0:
                    continue  # someone is still preparing an item: keep waiting for it
                break
            if entry is None:
                return batch, True
            batch.append(entry)
        return batch, False

    def _run(self) -> None:
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                break
            batch, stop = self._collect(first)
            started = time.perf_counter()
            try:
                outputs = list(self.fn([item for item, _, _ in batch]))
                if len(outputs) != len(batch):
                    raise RuntimeError(f"batch function returned {len(outputs)} results for {len(batch)} inputs")
            except BaseException as exc:  # noqa: BLE001 - handed to every waiter
                log.exception("batch of %d failed", len(batch))
                for _, future, _ in batch:
                    future.set_exception(exc)
                continue
            done = time.perf_counter()
            self.batch_sizes[len(batch)] += 1
            for (_, future, queued), value in zip(batch, outputs):
                future.set_result(
                    Batched(
                        value=value,
                        batch_size=len(batch),
                        queue_ms=(started - queued) * 1000.0,
                        compute_ms=(done - started) * 1000.0,
                    )
                )
