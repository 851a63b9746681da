"""Snapshot reads (the graph's two replicas): reads never wait for a write and see each commit
whole or not at all; the replica a write leaves behind catches up exactly; writes stay durable."""
from __future__ import annotations

import random
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest

from stylegraph.graph.errors import GremlinError, TraversalTimeoutError
from stylegraph.graph.graph import Graph
from stylegraph.graph.replica import Replica
from stylegraph.graph.store import decode_props


def _state(replica: Replica) -> dict[str, Any]:
    """Everything a replica holds, by ids only, after checking it references only its own elements."""
    for e in replica.edges.values():
        assert replica.vertices[e.out_v.id] is e.out_v and replica.vertices[e.in_v.id] is e.in_v
        assert e.out_v.out_edges[e.label][e.id] is e and e.in_v.in_edges[e.label][e.id] is e
    for v in replica.vertices.values():
        assert replica.by_label[v.label][v.id] is v
        for adjacency in (v.out_edges, v.in_edges):
            for label, bucket in adjacency.items():
                assert bucket, f"empty adjacency bucket {label} left on {v}"
                assert all(replica.edges[eid] is e for eid, e in bucket.items())
    assert sum(map(len, replica.by_label.values())) == len(replica.vertices)
    for key, index in replica.indexes.items():
        fresh = replica.build_index(key)
        assert {value: sorted(bucket) for value, bucket in index.items()} == \
            {value: sorted(bucket) for value, bucket in fresh.items()}, f"index {key} out of step"
    return {
        "vertices": {v.id: (v.label, {k: list(x) for k, x in v.properties.items()})
                     for v in replica.vertices.values()},
        "edges": {e.id: (e.label, e.out_v.id, e.in_v.id, dict(e.properties)) for e in replica.edges.values()},
    }


def _replicas(graph: Graph) -> list[Replica]:
    return [r for r in graph._replicas if r is not None]


def _stored(graph: Graph) -> dict[str, Any]:
    """What the graph's SQLite store holds, in :func:`_state`'s form."""
    store = graph._store
    return {
        "vertices": {vid: (label, decode_props(props)) for vid, label, props in store.read_vertices()},
        "edges": {eid: (label, out_id, in_id, decode_props(props))
                  for eid, label, out_id, in_id, props in store.read_edges()},
    }


@contextmanager
def _pinned_reader(graph: Graph) -> Iterator[tuple[threading.Event, list[Any]]]:
    """A thread holding ``graph.read()`` open for the block. Setting the event it gives makes the
    reader look again (inside the same read) and append what it sees to the list."""
    pinned, look, done = threading.Event(), threading.Event(), threading.Event()
    seen: list[Any] = []

    def reader() -> None:
        with graph.read():
            seen.append(sorted(graph.vertices))
            pinned.set()
            look.wait(10)
            seen.append(sorted(graph.vertices))
        done.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    assert pinned.wait(5)
    try:
        yield look, seen
    finally:
        look.set()
        thread.join(5)
    assert done.is_set()


def _add(graph: Graph, *ids: str) -> None:
    with graph.transaction():
        for vid in ids:
            graph.add_vertex("item", vid, {"colour": "red"})


def test_a_read_keeps_its_snapshot_through_later_commits_and_new_reads_see_them() -> None:
    graph = Graph(None)
    _add(graph, "a")
    with _pinned_reader(graph) as (look, seen):
        started = time.monotonic()
        _add(graph, "b")  # the reader's replica is the published one: the write does not wait
        assert time.monotonic() - started < 1.0
        with graph.read():
            assert sorted(graph.vertices) == ["a", "b"]
        look.set()
    assert seen == [["a"], ["a"]]


def test_the_write_after_next_waits_for_a_read_pinned_before_the_last_commit() -> None:
    graph = Graph(None)
    _add(graph, "a")
    with _pinned_reader(graph) as (look, seen):
        _add(graph, "b")
        started = time.monotonic()
        with pytest.raises(TraversalTimeoutError, match="long reads of an older version"):
            with graph.transaction(deadline=time.monotonic() + 0.3):
                graph.add_vertex("item", "c")
        assert 0.25 < time.monotonic() - started < 2.0
        with graph.read():
            assert sorted(graph.vertices) == ["a", "b"]  # the refused write changed nothing
        look.set()
    _add(graph, "c")  # the old read is gone: the write goes ahead
    with graph.read():
        assert sorted(graph.vertices) == ["a", "b", "c"]
    assert seen == [["a"], ["a"]] and graph.readers == 0


def test_a_write_waiting_for_an_old_read_starts_as_soon_as_it_ends() -> None:
    graph = Graph(None)
    _add(graph, "a")
    with _pinned_reader(graph) as (look, _seen):
        _add(graph, "b")
        threading.Timer(0.2, look.set).start()
        started = time.monotonic()
        _add(graph, "c")
        assert 0.15 < time.monotonic() - started < 3.0
    with graph.read():
        assert sorted(graph.vertices) == ["a", "b", "c"]


def test_a_read_during_an_open_write_sees_none_of_it() -> None:
    graph = Graph(None)
    _add(graph, "a")
    opened, release = threading.Event(), threading.Event()

    def writer() -> None:
        with graph.transaction():
            graph.add_vertex("item", "b")
            graph.set_property(graph.vertex("a"), "colour", "blue")
            opened.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    assert opened.wait(5)
    with graph.read():
        assert sorted(graph.vertices) == ["a"] and graph.vertex("a").properties["colour"] == ["red"]
        assert [v.id for v in graph.lookup_vertices("colour", "red")] == ["a"]
    release.set()
    thread.join(5)
    with graph.read():
        assert sorted(graph.vertices) == ["a", "b"] and graph.vertex("a").properties["colour"] == ["blue"]
        assert graph.lookup_vertices("colour", "red") == []


def test_a_graph_that_is_only_read_holds_one_replica(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    graph = Graph(path)
    _add(graph, "a")
    graph.close()
    reopened = Graph(path)
    try:
        with reopened.read():
            assert list(reopened.vertices) == ["a"]
        assert len(_replicas(reopened)) == 1
        _add(reopened, "b")
        assert len(_replicas(reopened)) == 2
    finally:
        reopened.close()


def test_elements_held_from_an_earlier_read_are_written_through_the_writing_replica() -> None:
    graph = Graph(None)
    with graph.transaction():
        a, b = graph.add_vertex("item", "a"), graph.add_vertex("item", "b")
        graph.add_edge("similar", a, b, "ab")
    held_a, held_edge = graph.vertex("a"), graph.edge("ab")
    for round in range(3):  # each round writes the other replica
        with graph.transaction():
            graph.set_property(held_a, "round", round)
            graph.set_property(held_edge, "round", round)
            graph.add_edge("similar", held_a, graph.vertex("b"), f"ab{round}")
        with graph.read():
            assert graph.vertex("a").properties["round"] == [round]
            assert graph.edge("ab").properties["round"] == round
            assert len(graph.vertex("a").out_edges["similar"]) == round + 2
    for replica in _replicas(graph):
        _state(replica)


def test_an_element_removed_in_the_transaction_is_refused_as_the_readers_copy() -> None:
    graph = Graph(None)
    _add(graph, "a")
    _add(graph, "b")  # both replicas exist now
    published = graph.vertex("a")
    with pytest.raises(GremlinError, match="removed in this transaction"):
        with graph.transaction():
            graph.remove_vertex(published)
            graph.set_property(published, "colour", "blue")
    with graph.read():
        assert graph.vertex("a").properties == {"colour": ["red"]}  # undone, never changed


def test_a_write_inside_a_read_is_refused() -> None:
    graph = Graph(None)
    with graph.read():
        with pytest.raises(RuntimeError, match="inside a read"):
            with graph.transaction():
                pass


def _random_transaction(graph: Graph, rng: random.Random, ids: list[str]) -> None:
    """A few random changes: vertices and edges added, removed and re-added under the same id,
    labels changed (remove then add), properties set by cardinality and removed."""
    for _ in range(rng.randint(1, 6)):
        vertices = list(graph.vertices.values())
        op = rng.random()
        vid = rng.choice(ids)
        v = graph.vertex(vid)
        if v is None:
            graph.add_vertex(rng.choice(["item", "look"]), vid, {"colour": rng.choice(["red", "blue"])})
        elif op < 0.15:
            graph.remove_vertex(v)
        elif op < 0.25:
            graph.remove_vertex(v)  # and back, maybe with another label: a new vertex, same id
            graph.add_vertex(rng.choice(["item", "look"]), vid, {"colour": "green"})
        elif op < 0.5 and vertices:
            other = rng.choice(vertices)
            eid = f"e{rng.randint(0, 30)}"
            existing = graph.edge(eid)
            if existing is not None:
                graph.remove_edge(existing)
            graph.add_edge(rng.choice(["similar", "bought"]), v, other, eid, {"w": rng.random()})
        elif op < 0.6 and graph.edges:
            e = graph.edge(rng.choice(sorted(graph.edges)))
            if rng.random() < 0.5:
                graph.remove_edge(e)
            else:
                graph.set_property(e, "w", rng.randint(0, 3))
        elif op < 0.8:
            graph.set_property(v, rng.choice(["colour", "size"]), rng.choice(["red", "blue", 1, 2]),
                               rng.choice(["single", "list", "set"]))
        elif op < 0.9:
            graph.remove_property(v, rng.choice(["colour", "size"]))
        else:
            values = v.properties.get("colour")
            if values:
                graph.remove_vertex_value(v, "colour", values[0])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_replicas_match_the_store_after_many_transactions_and_rollbacks(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "g.db"
    graph = Graph(path, indexed_keys=["colour"])
    ids = [f"v{i}" for i in range(12)]
    try:
        for step in range(150):
            if step % 10 == 3:
                with graph.read():
                    graph.ensure_index("size")  # built in one replica only; the other builds its own
            try:
                with graph.transaction():
                    _random_transaction(graph, rng, ids)
                    if rng.random() < 0.2:
                        raise KeyboardInterrupt("undo")  # any exception rolls the write back
            except KeyboardInterrupt:
                pass
            if step % 15 == 0:
                with graph.transaction():
                    pass  # brings the unpublished replica up to date, publishes nothing
                states = [_state(r) for r in _replicas(graph)]
                assert all(s == states[0] for s in states)
            with graph.read():
                final = _state(graph._replica())
                assert final == _stored(graph), f"step {step}"
    finally:
        graph.close()
    reopened = Graph(path)
    try:
        (replica,) = _replicas(reopened)
        assert _state(replica) == final  # durable: what was last read is what the file holds
    finally:
        reopened.close()
