"""gremlinpython's own DriverRemoteConnection against our server, with both serializers."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.driver.protocol import GremlinServerError
from gremlin_python.driver.serializer import GraphBinarySerializersV1, GraphSONSerializersV3d0
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Direction, Order, P, T, TextP
from gremlin_python.structure.graph import Vertex

SERIALIZERS = {"graphbinary": GraphBinarySerializersV1, "graphson": GraphSONSerializersV3d0}


@pytest.fixture(params=list(SERIALIZERS))
def remote(request, server):
    """``(g, connection)`` on the session server with one serializer."""
    conn = DriverRemoteConnection(server.url, "g", message_serializer=SERIALIZERS[request.param]())
    yield traversal().with_remote(conn), conn
    conn.close()


def _tag() -> str:
    return uuid.uuid4().hex[:12]


def test_add_vertex_and_element_map_round_trip(remote) -> None:
    g, _ = remote
    vid = "p-" + _tag()
    added = (g.add_v("product").property(T.id, vid).property("title", "Linen shirt")
             .property("price", 39.5).property("in_stock", True).property("stock", 12).next())
    assert isinstance(added, Vertex) and added.id == vid and added.label == "product"
    got = g.V(vid).element_map().next()
    assert got == {T.id: vid, T.label: "product", "title": "Linen shirt", "price": 39.5,
                   "in_stock": True, "stock": 12}
    assert g.V(vid).values("price").next() == 39.5


def test_edges_predicates_and_ordering_round_trip(remote) -> None:
    g, _ = remote
    tag = _tag()
    ids = [f"{tag}-{i}" for i in range(4)]
    for i, vid in enumerate(ids):
        g.add_v(tag).property(T.id, vid).property("name", f"n{i}").property("price", float(i)).iterate()
    for a, b in [(0, 1), (0, 2), (1, 3)]:
        (g.V(ids[a]).add_e("SIMILAR").to(__.V(ids[b])).property(T.id, f"SIMILAR:{ids[a]}:{ids[b]}")
         .property("score", 0.5 + a / 10).iterate())
    assert sorted(g.V(ids[0]).out("SIMILAR").id_().to_list()) == [ids[1], ids[2]]
    edge = g.E(f"SIMILAR:{ids[0]}:{ids[1]}").element_map().next()
    assert edge[T.id] == f"SIMILAR:{ids[0]}:{ids[1]}" and edge["score"] == 0.5
    assert edge[Direction.OUT][T.id] == ids[0] and edge[Direction.IN][T.id] == ids[1]
    names = g.V().has_label(tag).has("price", P.gte(1.0)).order().by("name", Order.desc).values("name").to_list()
    assert names == ["n3", "n2", "n1"]
    assert g.V().has_label(tag).has("name", P.within("n0", "n3")).count().next() == 2
    assert g.V().has_label(tag).has("name", TextP.starting_with("n")).count().next() == 4


def test_empty_result_and_server_error(remote) -> None:
    g, _ = remote
    assert g.V("missing-" + _tag()).to_list() == []
    vid = "dup-" + _tag()
    g.add_v("x").property(T.id, vid).iterate()
    with pytest.raises(GremlinServerError) as info:
        g.add_v("x").property(T.id, vid).iterate()  # the id exists: an evaluation error
    assert info.value.status_code == 597
    assert vid in info.value.status_message
    assert g.V(vid).count().next() == 1  # the connection still serves


def test_batches_reassemble_to_the_full_result(remote) -> None:
    g, _ = remote
    values = list(range(1000))
    assert g.with_("batchSize", 7).inject(*values).to_list() == values


def test_concurrent_clients(server) -> None:
    errors: list[BaseException] = []
    tag = _tag()

    def client(n: int) -> None:
        try:
            conn = DriverRemoteConnection(server.url, "g",
                                          message_serializer=list(SERIALIZERS.values())[n % 2](), pool_size=1)
            g = traversal().with_remote(conn)
            try:
                for i in range(10):
                    vid = f"{tag}-{n}-{i}"
                    g.add_v(tag).property(T.id, vid).property("n", n).iterate()
                    assert g.V(vid).values("n").next() == n
            finally:
                conn.close()
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[0]
    conn = DriverRemoteConnection(server.url, "g")
    try:
        assert traversal().with_remote(conn).V().has_label(tag).count().next() == 160
    finally:
        conn.close()


def test_round_trip_latency_is_loopback_fast(server, remote) -> None:
    g, _ = remote
    vid = "lat-" + _tag()
    g.add_v("product").property(T.id, vid).property("title", "x").iterate()
    g.V(vid).element_map().next()  # warm up
    n = 200
    started = time.perf_counter()
    for _ in range(n):
        g.V(vid).element_map().next()
    per_call_ms = (time.perf_counter() - started) / n * 1000
    print(f"\nround trip g.V(id).elementMap(): {per_call_ms:.2f} ms")
    assert per_call_ms < 50
