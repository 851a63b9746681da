"""The dynamic batcher behind visual search: grouping, limits, errors."""
from __future__ import annotations

import threading
import time

import pytest

from stylegraph.webapp.batching import DynamicBatcher


def _square_all(seen: list[list[int]]):
    def fn(batch: list[int]) -> list[int]:
        seen.append(list(batch))
        return [x * x for x in batch]

    return fn


def _submit_together(batcher: DynamicBatcher, items: list[int]) -> list:
    results: list = [None] * len(items)
    barrier = threading.Barrier(len(items))

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = batcher(items[i], timeout=10)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(items))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_items_share_a_batch_and_keep_their_results() -> None:
    seen: list[list[int]] = []
    batcher = DynamicBatcher(_square_all(seen), max_batch=16, max_wait_ms=200)
    try:
        results = _submit_together(batcher, list(range(6)))
    finally:
        batcher.close()
    assert [r.value for r in results] == [i * i for i in range(6)]
    assert max(len(b) for b in seen) > 1
    assert sum(len(b) for b in seen) == 6
    assert batcher.stats()["requests"] == 6


def test_max_batch_caps_the_group() -> None:
    seen: list[list[int]] = []
    batcher = DynamicBatcher(_square_all(seen), max_batch=2, max_wait_ms=200)
    try:
        results = _submit_together(batcher, list(range(5)))
    finally:
        batcher.close()
    assert all(len(b) <= 2 for b in seen)
    assert sorted(r.value for r in results) == sorted(i * i for i in range(5))
    assert all(r.batch_size <= 2 for r in results)


def test_waiting_for_company_is_capped_by_max_wait() -> None:
    batcher = DynamicBatcher(_square_all([]), max_batch=8, max_wait_ms=30)
    try:
        with batcher.incoming():  # announced, but never submitted
            started = time.perf_counter()
            result = batcher(7, timeout=10)
            elapsed_ms = (time.perf_counter() - started) * 1000
    finally:
        batcher.close()
    assert result.value == 49 and result.batch_size == 1
    assert 25 <= elapsed_ms < 1000


def test_batch_size_one_turns_batching_off() -> None:
    seen: list[list[int]] = []
    batcher = DynamicBatcher(_square_all(seen), max_batch=1, max_wait_ms=200)
    try:
        _submit_together(batcher, list(range(4)))
    finally:
        batcher.close()
    assert [len(b) for b in seen] == [1, 1, 1, 1]


def test_a_failing_batch_fails_each_waiter_and_the_worker_survives() -> None:
    def fn(batch: list[int]) -> list[int]:
        if any(x < 0 for x in batch):
            raise ValueError("negative")
        return batch

    batcher = DynamicBatcher(fn, max_batch=4, max_wait_ms=1)
    try:
        with pytest.raises(ValueError, match="negative"):
            batcher(-1, timeout=10)
        assert batcher(3, timeout=10).value == 3
    finally:
        batcher.close()
    with pytest.raises(RuntimeError):
        batcher.submit(1)


def test_a_lone_announced_item_does_not_wait_for_company() -> None:
    batcher = DynamicBatcher(_square_all([]), max_batch=8, max_wait_ms=500)
    try:
        started = time.perf_counter()
        with batcher.incoming() as submit:
            future = submit(3)
        result = future.result(timeout=10)
        elapsed_ms = (time.perf_counter() - started) * 1000
    finally:
        batcher.close()
    assert result.value == 9
    assert elapsed_ms < 250  # far below max_wait_ms: nobody else was announced


def test_the_worker_waits_for_announced_items() -> None:
    seen: list[list[int]] = []
    batcher = DynamicBatcher(_square_all(seen), max_batch=8, max_wait_ms=2000)
    try:
        with batcher.incoming() as submit_slow:
            first = batcher.submit(1)  # queued while another request is still preparing
            time.sleep(0.1)
            second = submit_slow(2)
        assert first.result(timeout=10).batch_size == 2
        assert second.result(timeout=10).value == 4
    finally:
        batcher.close()
    assert seen == [[1, 2]]
