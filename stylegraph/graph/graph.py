"""The property graph: in-memory elements and indexes over a durable SQLite store.

One :class:`Graph` owns two replicas of the elements with their label and
property indexes (:mod:`stylegraph.graph.replica`), the undo log of the open
transaction and the store. Reads come from memory, from the published replica;
a write transaction is applied in memory to the other replica as it runs,
written to SQLite in one transaction when it ends and then published, or
undone in memory if it fails.
"""
from __future__ import annotations

import os
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from stylegraph.graph.elements import Edge, Vertex
from stylegraph.graph.errors import ElementExistsError, GremlinError, StoreError, TraversalTimeoutError
from stylegraph.graph.gc_pause import freeze_survivors, gc_paused
from stylegraph.graph.limits import SliceExpired
from stylegraph.graph.shuffle import Shuffler, seed_from_env
from stylegraph.graph.replica import Replica
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
    __slots__ = ("undo", "dirty_v", "dirty_e", "replica", "owner")

    def __init__(self, replica: Replica, owner: int) -> None:
        self.undo: list[tuple[Callable[..., None], tuple[Any, ...]]] = []
        self.dirty_v: set[str] = set()
        self.dirty_e: set[str] = set()
        #: the replica this transaction writes (readers read the other one meanwhile)
        self.replica = replica
        #: the thread whose transaction it is (``threading.get_ident()``)
        self.owner = owner


class Graph:
    """A property graph held in memory and persisted to ``path`` (``None``: memory only).

    Two replicas of the elements are kept (left-right concurrency): readers
    (:meth:`read`) pin the published replica and never wait; a write
    transaction (:meth:`transaction`) changes the other replica, commits to the
    store and then publishes its replica in one step, so a reader sees every
    committed write or none of a transaction, and no write holds a reader up.
    Writers run one at a time; before writing, a writer waits for the readers
    still reading the replica it is about to change (pinned before the last
    publish) and brings that replica up to date. The second replica is made on
    the first write: a graph that is only read holds one.
    """

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
        self._replicas: list[Replica | None] = [Replica(), None]
        self._published = 0  # index in _replicas of the replica new readers pin
        #: guards pinning/unpinning and publishing; a writer waits on it for readers to leave
        self._pins = threading.Condition(threading.Lock())
        self._local = threading.local()  # .replica: this thread's pinned or written replica
        #: the committed changes the unpublished replica still lacks (ids of vertices, edges)
        self._behind: tuple[set[str], set[str]] | None = None
        self._writer = threading.Lock()  # one write transaction at a time
        self._index_lock = threading.Lock()
        self._quick = threading.local()  # see no_index_builds()
        self.version = 0
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
    def _replica(self) -> Replica:
        """The replica this thread sees: the one it writes or has pinned, else the published one."""
        replica = getattr(self._local, "replica", None)
        if replica is not None:
            return replica
        published = self._replicas[self._published]
        assert published is not None
        return published

    @property
    def vertices(self) -> dict[str, Vertex]:
        """Vertices by id, as this thread sees them (iterate inside :meth:`read`)."""
        return self._replica().vertices

    @property
    def edges(self) -> dict[str, Edge]:
        """Edges by id, as this thread sees them (iterate inside :meth:`read`)."""
        return self._replica().edges

    @property
    def readers(self) -> int:
        """How many readers have a replica pinned now."""
        with self._pins:
            return sum(r.readers for r in self._replicas if r is not None)

    def vertex(self, id: Any) -> Vertex | None:
        """The vertex with this id, or None."""
        return self._replica().vertices.get(id if type(id) is str else str(id))

    def edge(self, id: Any) -> Edge | None:
        """The edge with this id, or None."""
        return self._replica().edges.get(id if type(id) is str else str(id))

    def ordered(self, items: list[Any]) -> list[Any]:
        """``items`` (a fresh list) in the graph's iteration order: as given, or shuffled in
        shuffled-iteration mode. Every read that hands out several elements goes through it."""
        if self._shuffle is not None:
            self._shuffle(items)
        return items

    def vertices_by_label(self, label: str) -> Iterable[Vertex]:
        """Vertices with this label (index, not a scan)."""
        bucket = self._replica().by_label.get(label, {}).values()
        return bucket if self._shuffle is None else self.ordered(list(bucket))

    def lookup_vertices(self, key: str, value: Any, label: str | None = None) -> list[Vertex]:
        """Vertices whose property ``key`` equals ``value`` (and with ``label``), by index.

        The index of ``key`` is built on first use and maintained from then on.
        """
        index = self._replica().indexes.get(key)
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
        return self._replica().vertices.values() if label is None else self.vertices_by_label(label)

    def indexed(self, key: str) -> bool:
        """Whether the equality index of ``key`` is built in the replica this thread sees."""
        return key in self._replica().indexes

    def ensure_index(self, key: str) -> dict[Any, dict[str, Vertex]]:
        """Build (once) and return the equality index of vertex property ``key``.

        Call it inside :meth:`read` or :meth:`transaction` (a read traversal
        builds indexes too): the replica it builds in does not change meanwhile,
        and ``_index_lock`` keeps two readers from building the same index; the
        finished index is published whole. The other replica builds its own when
        it is first asked. Inside :meth:`no_index_builds` a missing index (or one
        another thread is building) raises :class:`SliceExpired` instead.
        """
        replica = self._replica()
        index = replica.indexes.get(key)
        if index is not None:
            return index
        if getattr(self._quick, "active", False):
            raise SliceExpired()  # building it takes a scan of every vertex: not on the quick path
        with self._index_lock:
            index = replica.indexes.get(key)
            if index is None:
                index = replica.indexes[key] = replica.build_index(key)
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
        """Pin the published replica for the block: every read in it sees the graph as of one
        commit, whatever is written meanwhile. Never waits for a write (``deadline`` is
        accepted for symmetry with :meth:`transaction`). Inside this thread's write
        transaction, or another read, it joins that one."""
        local = self._local
        if getattr(local, "replica", None) is not None:
            yield self
            return
        with self._pins:
            replica = self._replicas[self._published]
            assert replica is not None
            replica.readers += 1
        local.replica = replica
        try:
            yield self
        finally:
            local.replica = None
            with self._pins:
                replica.readers -= 1
                if not replica.readers:
                    self._pins.notify_all()

    @contextmanager
    def transaction(self, deadline: float | None = None) -> Iterator["Graph"]:
        """A write transaction: commit the writes on exit and publish them to readers in one
        step, or undo them on an exception (readers never see them).

        Nested use in the same thread joins the outer transaction; starting one
        inside this thread's :meth:`read` is refused. ``deadline``
        (``time.monotonic()``): give up waiting for another write, or for the
        readers still on the replica to write, with a 598 error.
        """
        me = threading.get_ident()
        tx = self._tx
        if tx is not None and tx.owner == me:
            yield self
            return
        if getattr(self._local, "replica", None) is not None:
            raise RuntimeError("cannot start a write transaction inside a read of the same graph")
        left = _wait_left(deadline)
        if not self._writer.acquire(timeout=-1 if left is None else left):
            raise TraversalTimeoutError("timed out waiting for another write to the graph to finish")
        try:
            replica = self._writable(deadline)
            tx = self._tx = _Transaction(replica, me)
            self._local.replica = replica
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
                self._local.replica = None
                self._tx = None
        finally:
            self._writer.release()

    def _writable(self, deadline: float | None) -> Replica:
        """The unpublished replica, its readers gone and the last commit's changes applied
        (made on the first write). Call holding ``_writer``."""
        index = 1 - self._published
        published = self._replicas[self._published]
        assert published is not None
        replica = self._replicas[index]
        if replica is None:
            replica = self._replicas[index] = published.clone()
            return replica
        with self._pins:
            while replica.readers:
                left = _wait_left(deadline)
                if left is not None and left <= 0 or not self._pins.wait(left) and _past(deadline):
                    raise TraversalTimeoutError(
                        "timed out waiting for long reads of an older version of the graph to finish")
        if self._behind is not None:
            replica.catch_up(published, *self._behind)
            self._behind = None
        return replica

    def _require_tx(self) -> _Transaction:
        tx = self._tx
        if tx is None or tx.owner != threading.get_ident():
            raise GremlinError("graph writes must happen inside graph.transaction()")
        return tx

    def _rollback(self, tx: _Transaction) -> None:
        for fn, args in reversed(tx.undo):
            fn(*args)
        tx.undo.clear()

    def _commit(self, tx: _Transaction) -> None:
        if not tx.dirty_v and not tx.dirty_e:
            return
        replica = tx.replica
        if self._store is not None:
            up_v, del_v, up_e, del_e = [], [], [], []
            for vid in tx.dirty_v:
                v = replica.vertices.get(vid)
                if v is None:
                    del_v.append(vid)
                else:
                    up_v.append((v.id, v.label, encode_props(v.properties)))
            for eid in tx.dirty_e:
                e = replica.edges.get(eid)
                if e is None:
                    del_e.append(eid)
                else:
                    up_e.append(
                        (e.id, e.label, e.out_v.id, e.in_v.id, encode_props(e.properties))
                    )
            self._store.write(up_v, del_v, up_e, del_e, {"version": str(self.version + 1)})
        with self._pins:
            self._published = 1 - self._published
            self._behind = (tx.dirty_v, tx.dirty_e)
            self.version += 1

    # ------------------------------------------------------------------ writes
    def _own_vertex(self, tx: _Transaction, v: Vertex) -> Vertex:
        """``v`` as the transaction's replica holds it (a caller may hold the other replica's)."""
        mine = tx.replica.vertices.get(v.id)
        if mine is not None:
            return mine
        self._refuse_published(v, self._replicas[self._published].vertices)
        return v  # removed in this transaction: changing it changes nothing stored

    def _own_element(self, tx: _Transaction, element: Element) -> Element:
        if type(element) is not Edge:
            return self._own_vertex(tx, element)
        mine = tx.replica.edges.get(element.id)
        if mine is not None:
            return mine
        self._refuse_published(element, self._replicas[self._published].edges)
        return element

    @staticmethod
    def _refuse_published(element: Element, published: Mapping[str, Element]) -> None:
        """A write must never touch the replica readers read: an element the transaction
        removed, but given as the published replica holds it, is refused."""
        if published.get(element.id) is element:
            raise GremlinError(f"{element!r} was removed in this transaction")

    def add_vertex(
        self, label: str = "vertex", id: Any = None, properties: Mapping[str, Any] | None = None
    ) -> Vertex:
        """Create a vertex (id generated when None); error if the id exists."""
        tx = self._require_tx()
        replica = tx.replica
        vid = str(uuid.uuid4()) if id is None else _as_id(id)
        if vid in replica.vertices:
            raise ElementExistsError(f"Vertex with id already exists: {vid}")
        v = Vertex(vid, label if type(label) is str else str(label))
        if properties:
            _check_values(properties)
            v.properties = {key: [value] for key, value in properties.items()}
        replica.attach_vertex(v)
        tx.undo.append((replica.detach_vertex, (v,)))
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
        replica = tx.replica
        eid = str(uuid.uuid4()) if id is None else _as_id(id)
        if eid in replica.edges:
            raise ElementExistsError(f"Edge with id already exists: {eid}")
        out_v, in_v = self._own_vertex(tx, out_v), self._own_vertex(tx, in_v)
        vertices = replica.vertices
        if vertices.get(out_v.id) is not out_v or vertices.get(in_v.id) is not in_v:
            raise GremlinError(f"cannot add edge {eid}: an endpoint vertex was removed")
        e = Edge(eid, label if type(label) is str else str(label), out_v, in_v)
        if properties:
            _check_values(properties)
            e.properties = dict(properties)
        replica.attach_edge(e)
        tx.undo.append((replica.detach_edge, (e,)))
        tx.dirty_e.add(eid)
        return e

    def set_property(self, element: Element, key: str, value: Any, cardinality: str = "single") -> None:
        """Set property ``key`` of a vertex or edge (vertex cardinality single|list|set)."""
        tx = self._require_tx()
        _check_value(key, value)
        element = self._own_element(tx, element)
        if type(element) is Edge:
            if cardinality != "single":
                raise GremlinError(f"edge properties are single-valued; got cardinality {cardinality}")
            old = element.properties.get(key, _MISSING)
            element.properties[key] = value
            tx.undo.append((_restore_edge_prop, (element, key, old)))
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
        tx.replica.set_vertex_values(element, key, new_values)
        tx.undo.append((tx.replica.set_vertex_values, (element, key, old_values)))
        tx.dirty_v.add(element.id)

    def remove_property(self, element: Element, key: str) -> None:
        """Remove property ``key`` (all its values) from a vertex or edge."""
        tx = self._require_tx()
        element = self._own_element(tx, element)
        if type(element) is Edge:
            old = element.properties.pop(key, _MISSING)
            if old is not _MISSING:
                tx.undo.append((_restore_edge_prop, (element, key, old)))
                tx.dirty_e.add(element.id)
            return
        old_values = element.properties.get(key)
        if old_values is None:
            return
        tx.replica.set_vertex_values(element, key, None)
        tx.undo.append((tx.replica.set_vertex_values, (element, key, old_values)))
        tx.dirty_v.add(element.id)

    def remove_vertex_value(self, v: Vertex, key: str, value: Any) -> None:
        """Remove one value of a multi-valued vertex property."""
        tx = self._require_tx()
        v = self._own_vertex(tx, v)
        old_values = v.properties.get(key)
        if not old_values:
            return
        kept = [x for x in old_values if not _strict_equal(x, value)]
        if len(kept) == len(old_values):
            return
        tx.replica.set_vertex_values(v, key, kept or None)
        tx.undo.append((tx.replica.set_vertex_values, (v, key, old_values)))
        tx.dirty_v.add(v.id)

    def remove_edge(self, e: Edge) -> None:
        """Remove an edge."""
        tx = self._require_tx()
        replica = tx.replica
        mine = replica.edges.get(e.id)
        if mine is None:
            return
        e = mine  # the caller may hold the other replica's copy
        replica.detach_edge(e)
        tx.undo.append((replica.attach_edge, (e,)))
        tx.dirty_e.add(e.id)

    def remove_vertex(self, v: Vertex) -> None:
        """Remove a vertex and every edge touching it."""
        tx = self._require_tx()
        replica = tx.replica
        v = self._own_vertex(tx, v)
        if replica.vertices.get(v.id) is not v:
            return
        for bucket in list(v.out_edges.values()) + list(v.in_edges.values()):
            for e in list(bucket.values()):
                self.remove_edge(e)
        replica.detach_vertex(v)
        tx.undo.append((replica.attach_vertex, (v,)))
        tx.dirty_v.add(v.id)

    # ------------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Close the store (after a running write); the in-memory graph stays readable."""
        with self._writer:
            if self._store is not None:
                self._store.close()
                self._store = None

    def _load(self) -> None:
        assert self._store is not None
        replica = self._replicas[0]
        assert replica is not None
        vertices, by_label = replica.vertices, replica.by_label
        for vid, label, props in self._store.read_vertices():
            v = Vertex(vid, label)
            v.properties = decode_props(props)
            vertices[vid] = v
            by_label.setdefault(label, {})[vid] = v
        edges = replica.edges
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


def _restore_edge_prop(e: Edge, key: str, old: Any) -> None:
    if old is _MISSING:
        e.properties.pop(key, None)
    else:
        e.properties[key] = old


def _wait_left(deadline: float | None) -> float | None:
    """Seconds left to wait until the deadline (None: no deadline)."""
    if deadline is None:
        return None
    return max(0.0, deadline - time.monotonic())


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


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
