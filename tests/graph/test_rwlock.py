"""The graph's readers-writer lock, and reads running beside other reads and writes."""
from __future__ import annotations

import threading
import time

import pytest
from gremlin_python.process.graph_traversal import __

from stylegraph.graph.errors import TraversalTimeoutError
from stylegraph.graph.fixtures import load_grateful_like
from stylegraph.graph.graph import Graph
from stylegraph.graph.rwlock import LockTimeout, ReadWriteLock
from tests.graph.engine_support import g, run


def _in_thread(fn) -> threading.Thread:
    t = threading.Thread(target=fn, daemon=True)
    t.start()
    return t


def test_readers_share_the_lock() -> None:
    lock = ReadWriteLock()
    both_in = threading.Barrier(2, timeout=5)

    def reader() -> None:
        with lock.read():
            both_in.wait()  # only passes when both readers hold the lock at once

    threads = [_in_thread(reader) for _ in range(2)]
    for t in threads:
        t.join(5)
    assert not any(t.is_alive() for t in threads)
    assert lock.readers == 0


def test_a_writer_waits_for_readers_and_new_readers_wait_for_it() -> None:
    lock = ReadWriteLock()
    order: list[str] = []
    lock.acquire_read()
    writer = _in_thread(lambda: (lock.acquire_write(), order.append("write"), lock.release_write()))
    time.sleep(0.1)
    assert order == []  # held out by the reader
    late_reader = _in_thread(lambda: (lock.acquire_read(), order.append("late read"), lock.release_read()))
    time.sleep(0.1)
    assert order == []  # a waiting writer holds new readers back (no writer starvation)
    lock.release_read()
    writer.join(5)
    late_reader.join(5)
    assert order == ["write", "late read"]


def test_lock_waits_honour_the_deadline() -> None:
    lock = ReadWriteLock()
    lock.acquire_write()
    got: list[BaseException] = []

    def reader() -> None:
        try:
            lock.acquire_read(deadline=time.monotonic() + 0.1)
        except LockTimeout as exc:
            got.append(exc)

    _in_thread(reader).join(5)
    assert len(got) == 1
    lock.release_write()
    with lock.read(deadline=time.monotonic() + 1):  # free again, and the timed-out reader left no trace
        assert lock.readers == 1


def test_reentrant_write_and_read_inside_write_but_no_upgrade() -> None:
    lock = ReadWriteLock()
    with lock.write():
        with lock.write():
            with lock.read():
                pass
    with lock.read():
        with pytest.raises(RuntimeError, match="upgrade"):
            lock.acquire_write()


def test_a_read_traversal_times_out_waiting_for_a_write() -> None:
    graph = Graph(None)
    with graph.transaction():
        graph.add_vertex("x", "a")
        started = time.monotonic()
        done: list[BaseException] = []
        t = _in_thread(lambda: _catch(done, lambda: run(graph, g.V().count(), deadline=time.monotonic() + 0.2)))
        t.join(5)
    assert isinstance(done[0], TraversalTimeoutError) and done[0].code == 598
    assert time.monotonic() - started < 2


def _catch(into: list, fn) -> None:
    try:
        fn()
    except BaseException as exc:  # handed to the test thread
        into.append(exc)


def test_long_reads_run_side_by_side() -> None:
    """Two reads that each take a while overlap in time: neither waits for the other's lock."""
    graph = load_grateful_like(Graph(None))
    spans: list[tuple[float, float]] = []
    gate = threading.Barrier(2, timeout=5)

    def reader() -> None:
        gate.wait()
        started = time.monotonic()
        run(graph, g.V().repeat(__.out()).times(2).path().count())  # 82,165 paths: a second or so
        spans.append((started, time.monotonic()))

    threads = [_in_thread(reader) for _ in range(2)]
    for t in threads:
        t.join(60)
    (s1, e1), (s2, e2) = spans
    assert max(s1, s2) < min(e1, e2)  # both were inside at once


def test_a_commit_never_shows_a_reader_half_a_write() -> None:
    """Each write adds a pair of vertices (+k, -k) in one transaction: every read sees sum 0, even count."""
    graph = Graph(None)
    stop = threading.Event()
    seen: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def writer() -> None:
        for k in range(1, 400):
            with graph.transaction():
                graph.add_vertex("pair", f"p{k}", {"n": k})
                time.sleep(0.0005)  # a reader would see the half-written pair here, if it could
                graph.add_vertex("pair", f"m{k}", {"n": -k})
        stop.set()

    def reader() -> None:
        try:
            while not stop.is_set():
                total = run(graph, g.V().has_label("pair").values("n").sum_())
                count = run(graph, g.V().has_label("pair").count())[0]
                seen.append((total[0] if total else 0, count))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [_in_thread(writer), _in_thread(reader), _in_thread(reader)]
    for t in threads:
        t.join(60)
    assert not errors
    assert seen and all(total == 0 for total, _ in seen)
    assert run(graph, g.V().has_label("pair").count()) == [798]
