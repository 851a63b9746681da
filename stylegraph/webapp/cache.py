"""In-process read cache, invalidated when the graph's version stamp changes.

Every writer bumps ``stylegraph.queries.meta`` 's version after it writes.
:class:`VersionWatch` re-reads that stamp at most every ``check_ms``
milliseconds (one thread reads, the others use the last value), and
:class:`ReadCache` drops everything when it changes. So a cached answer is at
most ``check_ms`` older than the graph.

:class:`ResponseCache` is a WSGI middleware on top: a view that marks its
response cacheable (:func:`mark_cacheable`) has the whole response (status,
headers, body) stored under the request's path and query string, and later
identical GETs are answered from memory without entering Flask at all — that
is what makes ``/similar`` cheap enough for thousands of requests per second.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Hashable, Iterable, Optional

from flask import request

log = logging.getLogger(__name__)

ENVIRON_CACHEABLE = "stylegraph.cacheable"
# answers worth repeating: found, and "no such product" (a new product bumps the version)
CACHED_STATUSES = ("200", "404")
_MISSING = object()


class VersionWatch:
    """The graph's version, re-read at most every ``check_ms`` ms."""

    def __init__(self, read_version: Callable[[], int], check_ms: float) -> None:
        self._read = read_version
        self._interval = max(0.0, float(check_ms)) / 1000.0
        self._lock = threading.Lock()
        self._version: Optional[int] = None
        self._checked = float("-inf")
        self.reads = 0
        self.failures = 0

    def current(self) -> Optional[int]:
        """The last known version, refreshed if it is older than the interval.

        While one thread refreshes, the others return the previous value
        instead of waiting. A failed read keeps the previous value (the cache
        keeps serving while the graph is unreachable) and is retried after the
        interval.
        """
        now = time.monotonic()
        if now - self._checked < self._interval and self._version is not None:
            return self._version
        if not self._lock.acquire(blocking=self._version is None):
            return self._version
        try:
            if time.monotonic() - self._checked >= self._interval or self._version is None:
                self.reads += 1
                try:
                    self._version = int(self._read())
                except Exception as exc:  # noqa: BLE001 - any backend failure
                    self.failures += 1
                    log.warning("cannot read the graph version: %s", exc)
                self._checked = time.monotonic()
            return self._version
        finally:
            self._lock.release()

    def expire(self) -> None:
        """Make the next :meth:`current` re-read the stamp (after this process wrote)."""
        self._checked = float("-inf")


class ReadCache:
    """A bounded LRU mapping, emptied whenever the graph version changes."""

    def __init__(self, watch: VersionWatch, max_entries: int) -> None:
        self.watch = watch
        self.max_entries = max(0, int(max_entries))
        self._lock = threading.Lock()
        self._data: "OrderedDict[Hashable, Any]" = OrderedDict()
        self._version: Optional[int] = None
        self.hits = 0
        self.misses = 0
        self.invalidations = 0

    def version(self) -> Optional[int]:
        """The current graph version, clearing the cache if it changed."""
        version = self.watch.current()
        if version != self._version:
            with self._lock:
                if version != self._version:
                    if self._data:
                        self.invalidations += 1
                    self._data.clear()
                    self._version = version
        return version

    def lookup(self, key: Hashable, check: bool = True) -> tuple[bool, Any]:
        """``(True, value)`` on a hit, ``(False, None)`` on a miss.

        ``check=False`` skips the version check (the caller has just done it).
        """
        if check:
            self.version()
        with self._lock:
            value = self._data.get(key, _MISSING)
            if value is _MISSING:
                self.misses += 1
                return False, None
            self._data.move_to_end(key)
            self.hits += 1
            return True, value

    def put(self, key: Hashable, value: Any, version: Optional[int]) -> None:
        """Store ``value`` if it was computed at the still-current ``version``."""
        if self.max_entries == 0 or version is None:
            return
        with self._lock:
            if version != self._version:
                return  # the graph changed while the value was computed
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value of ``key``, computing and storing it on a miss."""
        version = self.version()
        found, value = self.lookup(key, check=False)
        if found:
            return value
        value = compute()
        self.put(key, value, version)
        return value

    def refresh(self) -> Optional[int]:
        """Re-read the graph version now (after a write by this app) and drop stale entries."""
        self.watch.expire()
        return self.version()

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._data.clear()

    def stats(self) -> dict[str, Any]:
        """Hit/miss/invalidation counters and the current size."""
        return {
            "entries": len(self._data),
            "max_entries": self.max_entries,
            "hits": self.hits,
            "misses": self.misses,
            "invalidations": self.invalidations,
            "version_reads": self.watch.reads,
            "graph_version": self._version,
        }


def mark_cacheable() -> None:
    """Let :class:`ResponseCache` store the response of the current request."""
    request.environ[ENVIRON_CACHEABLE] = True


WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


class ResponseCache:
    """WSGI middleware answering repeated cacheable GETs from a :class:`ReadCache`."""

    def __init__(self, app: WsgiApp, cache: ReadCache, prefixes: tuple[str, ...] = ("/api/",)):
        self.app = app
        self.cache = cache
        self.prefixes = prefixes

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "GET" or not path.startswith(self.prefixes):
            return self.app(environ, start_response)
        key = (path, environ.get("QUERY_STRING", ""))
        version = self.cache.version()
        found, entry = self.cache.lookup(key, check=False)
        if found:
            status, headers, body = entry
            start_response(status, headers + [("X-Cache", "HIT")])
            return [body]
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured["status"] = status
            captured["headers"] = list(headers)
            return start_response(status, headers + [("X-Cache", "MISS")], exc_info)

        result = self.app(environ, capture)
        if not environ.get(ENVIRON_CACHEABLE) or captured.get("status", "")[:3] not in CACHED_STATUSES:
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self.cache.put(key, (captured["status"], captured["headers"], body), version)
        return [body]
