"""A readers-writer lock: readers share it, a writer has it alone.

Writer-preferring: once a writer waits, new readers wait behind it, so a
steady stream of reads cannot starve a write; the write waits only for the
reads already running. A thread holding the write lock may take it again and
may take the read lock (a read inside a write transaction); a reader may take
the read lock again. Upgrading a read to a write is refused (it would
deadlock against another upgrading reader).

Every wait takes an optional ``deadline`` (a ``time.monotonic()`` value):
past it the acquisition gives up with :class:`LockTimeout`.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional


class LockTimeout(Exception):
    """The lock could not be taken before the deadline."""


class ReadWriteLock:
    """Shared (read) / exclusive (write) lock; see the module docstring."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers: dict[int, int] = {}  # thread id -> read depth
        self._writer: Optional[int] = None
        self._write_depth = 0
        self._writers_waiting = 0

    @property
    def readers(self) -> int:
        """How many threads hold the read lock now."""
        return len(self._readers)

    def _wait(self, deadline: Optional[float]) -> None:
        if deadline is None:
            self._cond.wait()
            return
        left = deadline - time.monotonic()
        if left <= 0 or not self._cond.wait(left) and time.monotonic() >= deadline:
            raise LockTimeout("timed out waiting for the graph lock")

    def acquire_read(self, deadline: Optional[float] = None) -> None:
        """Take the read lock (shared); waits while a writer holds or awaits it."""
        me = threading.get_ident()
        with self._cond:
            if self._writer == me or me in self._readers:
                self._readers[me] = self._readers.get(me, 0) + 1
                return
            while self._writer is not None or self._writers_waiting:
                self._wait(deadline)
            self._readers[me] = 1

    def try_acquire_read(self) -> bool:
        """Take the read lock if that needs no waiting (no writer holds or awaits it); whether taken."""
        me = threading.get_ident()
        with self._cond:
            if self._writer == me or me in self._readers:
                self._readers[me] = self._readers.get(me, 0) + 1
                return True
            if self._writer is not None or self._writers_waiting:
                return False
            self._readers[me] = 1
            return True

    def release_read(self) -> None:
        """Give back one level of the read lock."""
        me = threading.get_ident()
        with self._cond:
            depth = self._readers[me] - 1
            if depth:
                self._readers[me] = depth
            else:
                del self._readers[me]
                if not self._readers:
                    self._cond.notify_all()

    def acquire_write(self, deadline: Optional[float] = None) -> None:
        """Take the write lock (exclusive); waits for the running readers and writer."""
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                self._write_depth += 1
                return
            if me in self._readers:
                raise RuntimeError("cannot upgrade a read lock to a write lock")
            self._writers_waiting += 1
            try:
                while self._writer is not None or self._readers:
                    self._wait(deadline)
            except BaseException:
                self._writers_waiting -= 1
                if self._writer is None and not self._writers_waiting:
                    self._cond.notify_all()  # readers this writer was holding back may go on
                raise
            self._writers_waiting -= 1
            self._writer = me
            self._write_depth = 1

    def release_write(self) -> None:
        """Give back one level of the write lock."""
        with self._cond:
            if self._writer != threading.get_ident():
                raise RuntimeError("release_write() by a thread that does not hold the write lock")
            self._write_depth -= 1
            if not self._write_depth:
                self._writer = None
                self._cond.notify_all()

    @contextmanager
    def read(self, deadline: Optional[float] = None) -> Iterator[None]:
        """``with lock.read():`` the read lock for the block."""
        self.acquire_read(deadline)
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def write(self, deadline: Optional[float] = None) -> Iterator[None]:
        """``with lock.write():`` the write lock for the block."""
        self.acquire_write(deadline)
        try:
            yield
        finally:
            self.release_write()

    # ``with graph.lock:`` keeps meaning "exclusive"
    def __enter__(self) -> "ReadWriteLock":
        self.acquire_write()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release_write()
