"""One in-memory replica of the property graph: its elements, label index and property indexes.

:class:`stylegraph.graph.graph.Graph` keeps two replicas (left-right): readers
read the published one while a write transaction changes the other, which is
then published in one step; the replica left behind catches up with the
committed changes (:meth:`Replica.catch_up`) before the next write starts on
it. The operations here are the primitive, undoable ones; the graph's public
write methods check their arguments and log the undo steps.
"""
from __future__ import annotations

from typing import Any, Iterable

from stylegraph.graph.elements import Edge, Vertex


class Replica:
    """Elements by id, vertices by label, equality indexes of vertex properties, and a count of
    the readers reading this replica now (guarded by the graph's pin condition)."""

    __slots__ = ("vertices", "edges", "by_label", "indexes", "readers")

    def __init__(self) -> None:
        self.vertices: dict[str, Vertex] = {}
        self.edges: dict[str, Edge] = {}
        self.by_label: dict[str, dict[str, Vertex]] = {}
        self.indexes: dict[str, dict[Any, dict[str, Vertex]]] = {}
        self.readers = 0

    # ------------------------------------------------------------- building
    def build_index(self, key: str) -> dict[Any, dict[str, Vertex]]:
        """A new equality index of vertex property ``key`` over every vertex (not published)."""
        index: dict[Any, dict[str, Vertex]] = {}
        for v in self.vertices.values():
            for value in v.properties.get(key, ()):
                index_add(index, value, v)
        return index

    def clone(self) -> "Replica":
        """A replica with copies of every element (properties copied, values shared: stored
        values are never changed in place) and the same indexes built."""
        twin = Replica()
        for v in self.vertices.values():
            twin._put_vertex(v.id, v.label, v.properties)
        for e in self.edges.values():
            twin._put_edge(e)
        for key in self.indexes:
            twin.indexes[key] = twin.build_index(key)
        return twin

    def catch_up(self, source: "Replica", vertex_ids: Iterable[str], edge_ids: Iterable[str]) -> None:
        """Make the elements with these ids what they are in ``source`` (which a commit changed):
        created, updated or removed, indexes and adjacency kept in step."""
        vertex_ids, edge_ids = list(vertex_ids), list(edge_ids)
        for eid in edge_ids:  # removed edges first: a removed vertex's edges are among them
            mine = self.edges.get(eid)
            if mine is not None and source.edges.get(eid) is None:
                self.detach_edge(mine)
        for vid in vertex_ids:
            theirs, mine = source.vertices.get(vid), self.vertices.get(vid)
            if theirs is None:
                if mine is not None:
                    self.detach_vertex(mine)
            elif mine is None or mine.label != theirs.label:
                if mine is not None:
                    for bucket in list(mine.out_edges.values()) + list(mine.in_edges.values()):
                        for e in list(bucket.values()):
                            self.detach_edge(e)
                    self.detach_vertex(mine)
                self.attach_vertex(self._new_vertex(theirs.id, theirs.label, theirs.properties))
            else:
                for key in set(mine.properties) | set(theirs.properties):
                    values = theirs.properties.get(key)
                    if values != mine.properties.get(key):
                        self.set_vertex_values(mine, key, None if values is None else list(values))
        for eid in edge_ids:
            theirs = source.edges.get(eid)
            if theirs is None:
                continue
            mine = self.edges.get(eid)
            if mine is not None and (mine.out_v.id != theirs.out_v.id or mine.in_v.id != theirs.in_v.id
                                     or mine.label != theirs.label):
                self.detach_edge(mine)
                mine = None
            if mine is None:
                self.attach_edge(self._new_edge(theirs))
            elif mine.properties != theirs.properties:
                mine.properties = dict(theirs.properties)

    def _new_vertex(self, id: str, label: str, properties: dict[str, list[Any]]) -> Vertex:
        v = Vertex(id, label)
        v.properties = {key: list(values) for key, values in properties.items()}
        return v

    def _new_edge(self, e: Edge) -> Edge:
        copy = Edge(e.id, e.label, self.vertices[e.out_v.id], self.vertices[e.in_v.id])
        if e.properties:
            copy.properties = dict(e.properties)
        return copy

    def _put_vertex(self, id: str, label: str, properties: dict[str, list[Any]]) -> None:
        """Add a vertex while building (no index upkeep)."""
        v = self._new_vertex(id, label, properties)
        self.vertices[id] = v
        bucket = self.by_label.get(label)
        if bucket is None:
            self.by_label[label] = {id: v}
        else:
            bucket[id] = v

    def _put_edge(self, e: Edge) -> None:
        """Add a copy of edge ``e`` (of another replica) while building."""
        copy = self._new_edge(e)
        self.edges[copy.id] = copy
        for adjacency in (copy.out_v.out_edges, copy.in_v.in_edges):
            bucket = adjacency.get(copy.label)
            if bucket is None:
                adjacency[copy.label] = {copy.id: copy}
            else:
                bucket[copy.id] = copy

    # ------------------------------------------------ primitive (undoable) ops
    def attach_vertex(self, v: Vertex) -> None:
        """Make ``v`` part of this replica (by id, label and indexes)."""
        self.vertices[v.id] = v
        bucket = self.by_label.get(v.label)
        if bucket is None:
            self.by_label[v.label] = {v.id: v}
        else:
            bucket[v.id] = v
        for key, index in self.indexes.items():
            for value in v.properties.get(key, ()):
                index_add(index, value, v)

    def detach_vertex(self, v: Vertex) -> None:
        """Take ``v`` out of this replica (its edges must be detached first)."""
        del self.vertices[v.id]
        bucket = self.by_label[v.label]
        del bucket[v.id]
        if not bucket:
            del self.by_label[v.label]
        for key, index in self.indexes.items():
            for value in v.properties.get(key, ()):
                index_remove(index, value, v)

    def attach_edge(self, e: Edge) -> None:
        """Make ``e`` part of this replica and of its endpoints' adjacency."""
        eid, label = e.id, e.label
        self.edges[eid] = e
        for adjacency in (e.out_v.out_edges, e.in_v.in_edges):
            bucket = adjacency.get(label)
            if bucket is None:
                adjacency[label] = {eid: e}
            else:
                bucket[eid] = e

    def detach_edge(self, e: Edge) -> None:
        """Take ``e`` out of this replica and of its endpoints' adjacency."""
        del self.edges[e.id]
        for adjacency in (e.out_v.out_edges, e.in_v.in_edges):
            bucket = adjacency[e.label]
            del bucket[e.id]
            if not bucket:
                del adjacency[e.label]

    def set_vertex_values(self, v: Vertex, key: str, values: list[Any] | None) -> None:
        """Replace the values of ``v``'s property ``key`` (None: remove it), indexes kept in step."""
        index = self.indexes.get(key)
        old = v.properties.get(key)
        if index is not None and old:
            for value in old:
                index_remove(index, value, v)
        if values is None:
            v.properties.pop(key, None)
        else:
            v.properties[key] = values
            if index is not None:
                for value in values:
                    index_add(index, value, v)


def index_add(index: dict[Any, dict[str, Vertex]], value: Any, v: Vertex) -> None:
    """Enter ``v`` under ``value`` in an equality index."""
    try:
        index.setdefault(value, {})[v.id] = v
    except TypeError:
        pass  # unhashable values are found by Graph.lookup_vertices' fallback scan


def index_remove(index: dict[Any, dict[str, Vertex]], value: Any, v: Vertex) -> None:
    """Take ``v`` out from under ``value`` in an equality index."""
    try:
        bucket = index.get(value)
    except TypeError:
        return
    if bucket is not None:
        bucket.pop(v.id, None)
        if not bucket:
            del index[value]
