"""The property graph: in-memory elements and indexes over a durable SQLite store.

One :class:`Graph` owns the elements, the label and property indexes, the
undo log of the open transaction and the store. Reads come from memory; a
write transaction is applied in memory as it runs and written to SQLite in
one transaction when it ends, or undone in memory if it fails.
"""
from __future__ import annotations

import os
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.errors import ElementExistsError, GremlinError, StoreError, TraversalTimeoutError
from stylegraph.graph.gc_pause import freeze_survivors, gc_paused
from stylegraph.graph.limits import SliceExpired
from stylegraph.graph.shuffle import Shuffler, seed_from_env
from stylegraph.graph.rwlock import LockTimeout, ReadWriteLock
from stylegraph.graph.store import SQLiteStore, decode_props, encode_props

Element = Vertex | Edge
_MISSING = object()
CARDINALITIES = ("single", "list", "set")


def _strict_equal(a: Any, b: Any) -> bool:
    # Python says True == 1 and 1 == 1.0; Gremlin keeps booleans apart from numbers
    return a == b and (type(a) is bool) == (type(b) is bool)


def _as_id(value: Any) -> str:
    """Ids are strings, as in Neptune; numbers given as ids are stored as text."""
    if type(value) is str:
        return value
    if isinstance(value, (int, uuid.UUID)) and not isinstance(value, bool):
        return str(value)
    raise GremlinError(f"an element id must be a string, not {type(value).__name__}: {value!r}")


class _Transaction:
    __slots__ = ("undo", "dirty_v", "dirty_e")

    def __init__(self) -> None:
        self.undo: list[tuple[Callable[..., None], tuple[Any, ...]]] = []
        self.dirty_v: set[str] = set()
        self.dirty_e: set[str] = set()


class Graph:
    """A property graph held in memory and persisted to ``path`` (``None``: memory only)."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        indexed_keys: Iterable[str] = (),
        sync: str = "normal",
        shuffle_seed: int | None = None,
    ) -> None:
        self.path = path
        #: the directory g.io(file).read() may read from (stylegraph.graph.graph_io); None: no files
        self.io_dir: Path | None = None
        # shuffled-iteration test mode (stylegraph.graph.shuffle): None keeps insertion order
        seed = shuffle_seed if shuffle_seed is not None else seed_from_env()
        self._shuffle: Shuffler | None = Shuffler(seed) if seed is not None else None
        self.vertices: dict[str, Vertex] = {}
        self.edges: dict[str, Edge] = {}
        #: readers share it, a write transaction has it alone (see ``read()``/``transaction()``)
        self.lock = ReadWriteLock()
        self._index_lock = threading.Lock()
        self._quick = threading.local()  # see no_index_builds()
        self.version = 0
        self._by_label: dict[str, dict[str, Vertex]] = {}
        self._indexes: dict[str, dict[Any, dict[str, Vertex]]] = {}
        self._tx: _Transaction | None = None
        self._store = SQLiteStore(path, sync=sync) if path is not None else None
        if self._store is not None:
            try:
                with gc_paused():
                    self._load()
            except BaseException:
                self._store.close()
                raise
        for key in indexed_keys:
            self.ensure_index(key)
        if self._store is not None:
            freeze_survivors()

    # ------------------------------------------------------------------ reads
    def vertex(self, id: Any) -> Vertex | None:
        """The vertex with this id, or None."""
        return self.vertices.get(id if type(id) is str else str(id))

    def edge(self, id: Any) -> Edge | None:
        """The edge with this id, or None."""
        return self.edges.get(id if type(id) is str else str(id))

    def ordered(self, items: list[Any]) -> list[Any]:
        """``items`` (a fresh list) in the graph's iteration order: as given, or shuffled in
        shuffled-iteration mode. Every read that hands out several elements goes through it."""
        if self._shuffle is not None:
            self._shuffle(items)
        return items

    def vertices_by_label(self, label: str) -> Iterable[Vertex]:
        """Vertices with this label (index, not a scan)."""
        bucket = self._by_label.get(label, {}).values()
        return bucket if self._shuffle is None else self.ordered(list(bucket))

    def lookup_vertices(self, key: str, value: Any, label: str | None = None) -> list[Vertex]:
        """Vertices whose property ``key`` equals ``value`` (and with ``label``), by index.

        The index of ``key`` is built on first use and maintained from then on.
        """
        index = self._indexes.get(key)
        if index is None:
            index = self.ensure_index(key)
        try:
            bucket = index.get(value)
        except TypeError:  # unhashable value: nothing indexed can equal it
            return [v for v in self._scan(label) if any(x == value for x in v.properties.get(key, ()))]
        if not bucket:
            return []
        out = []
        for v in bucket.values():
            if label is not None and v.label != label:
                continue
            if any(_strict_equal(x, value) for x in v.properties[key]):
                out.append(v)
        return self.ordered(out)

    def _scan(self, label: str | None) -> Iterable[Vertex]:
        return self.vertices.values() if label is None else self.vertices_by_label(label)

    def ensure_index(self, key: str) -> dict[Any, dict[str, Vertex]]:
        """Build (once) and return the equality index of vertex property ``key``.

        Call it holding the graph's read or write lock (a read traversal builds
        indexes too): no write runs meanwhile, and ``_index_lock`` keeps two
        readers from building the same index; the finished index is published
        whole. Inside :meth:`no_index_builds` a missing index (or one another
        thread is building) raises :class:`SliceExpired` instead.
        """
        index = self._indexes.get(key)
        if index is not None:
            return index
        if getattr(self._quick, "active", False):
            raise SliceExpired()  # building it takes a scan of every vertex: not on the quick path
        with self._index_lock:
            index = self._indexes.get(key)
            if index is None:
                index = {}
                for v in self.vertices.values():
                    for value in v.properties.get(key, ()):
                        self._index_add(index, value, v)
                self._indexes[key] = index
            return index

    @contextmanager
    def no_index_builds(self) -> Iterator[None]:
        """For the block, in this thread, ``ensure_index`` does not build a missing index but
        raises :class:`SliceExpired` (the engine's quick path must not scan the graph)."""
        previous = getattr(self._quick, "active", False)
        self._quick.active = True
        try:
            yield
        finally:
            self._quick.active = previous

    # ------------------------------------------------------------ transactions
    @contextmanager
    def read(self, deadline: float | None = None) -> Iterator["Graph"]:
        """Hold the graph's read lock: other readers run alongside, writers wait.

        ``deadline`` (``time.monotonic()``): give up waiting for a running
        write with a 598 error. Inside a write transaction of the same thread
        it joins that transaction.
        """
        try:
            self.lock.acquire_read(deadline)
        except LockTimeout:
            raise TraversalTimeoutError("timed out waiting for a write to the graph to finish") from None
        try:
            yield self
        finally:
            self.lock.release_read()

    @contextmanager
    def transaction(self, deadline: float | None = None) -> Iterator["Graph"]:
        """Hold the graph's write lock; commit the writes on exit, undo them on an exception.

        Nested use joins the outer transaction. ``deadline`` as in :meth:`read`.
        """
        try:
            self.lock.acquire_write(deadline)
        except LockTimeout:
            raise TraversalTimeoutError("timed out waiting for running traversals to release the graph") from None
        try:
            if self._tx is not None:
                yield self
                return
            tx = self._tx = _Transaction()
            try:
                yield self
            except BaseException:
                self._rollback(tx)
                raise
            else:
                try:
                    self._commit(tx)
                except BaseException:
                    self._rollback(tx)
                    raise
            finally:
                self._tx = None
        finally:
            self.lock.release_write()

    def _require_tx(self) -> _Transaction:
        tx = self._tx
        if tx is None:
            raise GremlinError("graph writes must happen inside graph.transaction()")
        return tx

    def _rollback(self, tx: _Transaction) -> None:
        for fn, args in reversed(tx.undo):
            fn(*args)
        tx.undo.clear()

    def _commit(self, tx: _Transaction) -> None:
        if not tx.dirty_v and not tx.dirty_e:
            return
        if self._store is not None:
            up_v, del_v, up_e, del_e = [], [], [], []
            for vid in tx.dirty_v:
                v = self.vertices.get(vid)
                if v is None:
                    del_v.append(vid)
                else:
                    up_v.append((v.id, v.label, encode_props(v.properties)))
            for eid in tx.dirty_e:
                e = self.edges.get(eid)
                if e is None:
                    del_e.append(eid)
                else:
                    up_e.append(
                        (e.id, e.label, e.out_v.id, e.in_v.id, encode_props(e.properties))
                    )
            self._store.write(up_v, del_v, up_e, del_e, {"version": str(self.version + 1)})
        self.version += 1

    # ------------------------------------------------------------------ writes
    def add_vertex(
        self, label: str = "vertex", id: Any = None, properties: Mapping[str, Any] | None = None
    ) -> Vertex:
        """Create a vertex (id generated when None); error if the id exists."""
        tx = self._require_tx()
        vid = str(uuid.uuid4()) if id is None else _as_id(id)
        if vid in self.vertices:
            raise ElementExistsError(f"Vertex with id already exists: {vid}")
        v = Vertex(vid, label if type(label) is str else str(label))
        if properties:
            _check_values(properties)
            v.properties = {key: [value] for key, value in properties.items()}
        self._attach_vertex(v)
        tx.undo.append((self._detach_vertex, (v,)))
        tx.dirty_v.add(vid)
        return v

    def add_edge(
        self,
        label: str,
        out_v: Vertex,
        in_v: Vertex,
        id: Any = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Edge:
        """Create a directed edge out_v -label-> in_v (id generated when None)."""
        tx = self._require_tx()
        eid = str(uuid.uuid4()) if id is None else _as_id(id)
        if eid in self.edges:
            raise ElementExistsError(f"Edge with id already exists: {eid}")
        vertices = self.vertices
        if vertices.get(out_v.id) is not out_v or vertices.get(in_v.id) is not in_v:
            raise GremlinError(f"cannot add edge {eid}: an endpoint vertex was removed")
        e = Edge(eid, label if type(label) is str else str(label), out_v, in_v)
        if properties:
            _check_values(properties)
            e.properties = dict(properties)
        self._attach_edge(e)
        tx.undo.append((self._detach_edge, (e,)))
        tx.dirty_e.add(eid)
        return e

    def set_property(self, element: Element, key: str, value: Any, cardinality: str = "single") -> None:
        """Set property ``key`` of a vertex or edge (vertex cardinality single|list|set)."""
        tx = self._require_tx()
        _check_value(key, value)
        if type(element) is Edge:
            if cardinality != "single":
                raise GremlinError(f"edge properties are single-valued; got cardinality {cardinality}")
            old = element.properties.get(key, _MISSING)
            element.properties[key] = value
            tx.undo.append((self._restore_edge_prop, (element, key, old)))
            tx.dirty_e.add(element.id)
            return
        if cardinality not in CARDINALITIES:
            raise GremlinError(f"unknown cardinality {cardinality!r}; use single, list or set")
        old_values = element.properties.get(key)
        if cardinality == "single" or not old_values:
            new_values = [value]
        elif cardinality == "list":
            new_values = old_values + [value]
        elif any(_strict_equal(x, value) for x in old_values):
            return
        else:
            new_values = old_values + [value]
        self._set_vertex_values(element, key, new_values)
        tx.undo.append((self._set_vertex_values, (element, key, old_values)))
        tx.dirty_v.add(element.id)

    def remove_property(self, element: Element, key: str) -> None:
        """Remove property ``key`` (all its values) from a vertex or edge."""
        tx = self._require_tx()
        if type(element) is Edge:
            old = element.properties.pop(key, _MISSING)
            if old is not _MISSING:
                tx.undo.append((self._restore_edge_prop, (element, key, old)))
                tx.dirty_e.add(element.id)
            return
        old_values = element.properties.get(key)
        if old_values is None:
            return
        self._set_vertex_values(element, key, None)
        tx.undo.append((self._set_vertex_values, (element, key, old_values)))
        tx.dirty_v.add(element.id)

    def remove_vertex_value(self, v: Vertex, key: str, value: Any) -> None:
        """Remove one value of a multi-valued vertex property."""
        tx = self._require_tx()
        old_values = v.properties.get(key)
        if not old_values:
            return
        kept = [x for x in old_values if not _strict_equal(x, value)]
        if len(kept) == len(old_values):
            return
        self._set_vertex_values(v, key, kept or None)
        tx.undo.append((self._set_vertex_values, (v, key, old_values)))
        tx.dirty_v.add(v.id)

    def remove_edge(self, e: Edge) -> None:
        """Remove an edge."""
        tx = self._require_tx()
        if self.edges.get(e.id) is not e:
            return
        self._detach_edge(e)
        tx.undo.append((self._attach_edge, (e,)))
        tx.dirty_e.add(e.id)

    def remove_vertex(self, v: Vertex) -> None:
        """Remove a vertex and every edge touching it."""
        tx = self._require_tx()
        if self.vertices.get(v.id) is not v:
            return
        for bucket in list(v.out_edges.values()) + list(v.in_edges.values()):
            for e in list(bucket.values()):
                self.remove_edge(e)
        self._detach_vertex(v)
        tx.undo.append((self._attach_vertex, (v,)))
        tx.dirty_v.add(v.id)

    # ------------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Close the store; the in-memory graph stays readable."""
        with self.lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def _load(self) -> None:
        assert self._store is not None
        vertices = self.vertices
        for vid, label, props in self._store.read_vertices():
            v = Vertex(vid, label)
            v.properties = decode_props(props)
            vertices[vid] = v
            self._by_label.setdefault(label, {})[vid] = v
        edges = self.edges
        for eid, label, out_id, in_id, props in self._store.read_edges():
            out_v, in_v = vertices.get(out_id), vertices.get(in_id)
            if out_v is None or in_v is None:
                raise StoreError(f"{self.path}: edge {eid} points at a missing vertex")
            e = Edge(eid, label, out_v, in_v)
            if props != "{}":
                e.properties = decode_props(props)
            edges[eid] = e
            bucket = out_v.out_edges.get(label)
            if bucket is None:
                bucket = out_v.out_edges[label] = {}
            bucket[eid] = e
            bucket = in_v.in_edges.get(label)
            if bucket is None:
                bucket = in_v.in_edges[label] = {}
            bucket[eid] = e
        self.version = int(self._store.get_meta("version", "0") or 0)

    # ------------------------------------------------ primitive (undoable) ops
    @staticmethod
    def _index_add(index: dict[Any, dict[str, Vertex]], value: Any, v: Vertex) -> None:
        try:
            index.setdefault(value, {})[v.id] = v
        except TypeError:
            pass  # unhashable values are found by lookup_vertices' fallback scan

    @staticmethod
    def _index_remove(index: dict[Any, dict[str, Vertex]], value: Any, v: Vertex) -> None:
        try:
            bucket = index.get(value)
        except TypeError:
            return
        if bucket is not None:
            bucket.pop(v.id, None)
            if not bucket:
                del index[value]

    def _attach_vertex(self, v: Vertex) -> None:
        self.vertices[v.id] = v
        bucket = self._by_label.get(v.label)
        if bucket is None:
            self._by_label[v.label] = {v.id: v}
        else:
            bucket[v.id] = v
        for key, index in self._indexes.items():
            for value in v.properties.get(key, ()):
                self._index_add(index, value, v)

    def _detach_vertex(self, v: Vertex) -> None:
        del self.vertices[v.id]
        bucket = self._by_label[v.label]
        del bucket[v.id]
        if not bucket:
            del self._by_label[v.label]
        for key, index in self._indexes.items():
            for value in v.properties.get(key, ()):
                self._index_remove(index, value, v)

    def _attach_edge(self, e: Edge) -> None:
        eid, label = e.id, e.label
        self.edges[eid] = e
        for adjacency in (e.out_v.out_edges, e.in_v.in_edges):
            bucket = adjacency.get(label)
            if bucket is None:
                adjacency[label] = {eid: e}
            else:
                bucket[eid] = e

    def _detach_edge(self, e: Edge) -> None:
        del self.edges[e.id]
        for adjacency in (e.out_v.out_edges, e.in_v.in_edges):
            bucket = adjacency[e.label]
            del bucket[e.id]
            if not bucket:
                del adjacency[e.label]

    def _set_vertex_values(self, v: Vertex, key: str, values: list[Any] | None) -> None:
        index = self._indexes.get(key)
        old = v.properties.get(key)
        if index is not None and old:
            for value in old:
                self._index_remove(index, value, v)
        if values is None:
            v.properties.pop(key, None)
        else:
            v.properties[key] = values
            if index is not None:
                for value in values:
                    self._index_add(index, value, v)

    @staticmethod
    def _restore_edge_prop(e: Edge, key: str, old: Any) -> None:
        if old is _MISSING:
            e.properties.pop(key, None)
        else:
            e.properties[key] = old


def _check_values(properties: Mapping[str, Any]) -> None:
    """:func:`_check_value` for every entry (the first bad one raises)."""
    for key, value in properties.items():
        if value is None or not isinstance(key, str):
            _check_value(key, value)


def _check_value(key: Any, value: Any) -> None:
    if not isinstance(key, str):
        raise GremlinError(f"a property key must be a string, not {type(key).__name__}: {key!r}")
    if value is None:
        raise GremlinError(f"property {key!r}: null values are not stored (Neptune rejects them)")
