"""The server reads exactly what gremlinpython's client serializers write, and vice versa."""
from __future__ import annotations

import uuid

import pytest
from gremlin_python.driver.request import RequestMessage
from gremlin_python.driver.serializer import GraphBinarySerializersV1, GraphSONSerializersV3d0
from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.strategies import OptionsStrategy, PartitionStrategy
from gremlin_python.process.traversal import (
    Bytecode, Cardinality, Merge, Operator, Order, P, Pop, Scope, T, TextP, TraversalStrategies,
    Traverser,
)
from gremlin_python.structure.graph import Path, Vertex

from stylegraph.graph.server import protocol as p
from stylegraph.graph.server.serializers import (
    GraphBinarySerializer, GraphSONSerializer, MalformedPayload, serializer_for,
)

CLIENTS = {"graphbinary": GraphBinarySerializersV1, "graphson": GraphSONSerializersV3d0}
SERVERS = {"graphbinary": GraphBinarySerializer, "graphson": GraphSONSerializer}


def _bytecode() -> Bytecode:
    """A traversal using every request-only type the server must read."""
    g = GraphTraversalSource(None, TraversalStrategies()).with_strategies(OptionsStrategy({"evaluationTimeout": 500}),
                                    PartitionStrategy(partition_key="_p", write_partition="a"))
    t = (g.V("1", "2").has("name", P.within("marko", "josh"))
         .has("age", P.gt(20).and_(P.lt(40))).has("age", P.between(1, 99))
         .has("name", TextP.starting_with("ma")).has("name", P.without(["x"]))
         .order().by("name", Order.desc).select(Pop.all_, "a").count(Scope.local)
         .property(Cardinality.list_, "k", 1).sack(Operator.sum_)
         .merge_v({T.id: "9"}).option(Merge.on_create, {T.label: "x"})
         .where(__.out("knows").has("age", P.neq(3))))
    return t.bytecode


def _round_trip(fmt: str, bytecode: Bytecode, **args) -> p.Request:
    rid = uuid.uuid4()
    frame = CLIENTS[fmt]().serialize_message(
        str(rid), RequestMessage("traversal", "bytecode", {"gremlin": bytecode, "aliases": {"g": "g"}, **args})
    )
    mime, payload = p.split_binary_frame(frame)
    request = serializer_for(mime).read_request(payload)
    assert request.request_id == rid
    return request


@pytest.mark.parametrize("fmt", CLIENTS)
def test_request_bytecode_reads_back_identical(fmt: str) -> None:
    original = _bytecode()
    request = _round_trip(fmt, original, batchSize=7, evaluationTimeout=1000)
    assert (request.op, request.processor) == ("bytecode", "traversal")
    assert request.args["batchSize"] == 7 and request.args["evaluationTimeout"] == 1000
    got = request.args["gremlin"]
    assert isinstance(got, Bytecode)
    assert got.step_instructions == original.step_instructions
    sources = got.source_instructions
    assert sources[0][0] == "withStrategies"
    options, partition = sources[0][1], sources[0][2]
    assert isinstance(options, OptionsStrategy) and options.configuration == {"evaluationTimeout": 500}
    assert isinstance(partition, PartitionStrategy)
    assert partition.configuration == {"partitionKey": "_p", "writePartition": "a"}


@pytest.mark.parametrize("fmt", CLIENTS)
def test_predicates_keep_their_shape(fmt: str) -> None:
    steps = _round_trip(fmt, _bytecode()).args["gremlin"].step_instructions
    hases = [s for s in steps if s[0] == "has"]
    assert hases[0][2] == P("within", ["marko", "josh"])
    and_ = hases[1][2]
    assert (and_.operator, and_.value, and_.other) == ("and", P.gt(20), P.lt(40))
    assert hases[2][2] == P.between(1, 99)
    assert type(hases[3][2]) is TextP and hases[3][2].operator == "startingWith"
    assert hases[4][2] == P.without(["x"])


@pytest.mark.parametrize("fmt", CLIENTS)
def test_response_is_readable_by_gremlinpython(fmt: str) -> None:
    rid = uuid.uuid4()
    data = [Traverser(Vertex("v1", "product")), Traverser({T.id: "v1", "price": 9.5})]
    frame = SERVERS[fmt]().write_response(p.Response(rid, p.PARTIAL_CONTENT, "", data=data))
    msg = CLIENTS[fmt]().deserialize_message(frame)
    assert msg["requestId"] == str(rid)
    assert msg["status"]["code"] == 206
    got = msg["result"]["data"]
    assert [t.object for t in got] == [Vertex("v1", "product"), {T.id: "v1", "price": 9.5}]


@pytest.mark.parametrize("fmt", CLIENTS)
def test_error_response_with_null_request_id(fmt: str) -> None:
    frame = SERVERS[fmt]().write_response(p.error_response(None, p.MALFORMED_REQUEST, "bad frame"))
    msg = CLIENTS[fmt]().deserialize_message(frame)
    assert msg["requestId"] in (None, "None")
    assert msg["status"]["code"] == 498 and msg["status"]["message"] == "bad frame"


def test_truncated_graphbinary_keeps_request_id() -> None:
    rid = uuid.uuid4()
    frame = GraphBinarySerializersV1().serialize_message(
        str(rid), RequestMessage("traversal", "bytecode", {"gremlin": _bytecode(), "aliases": {"g": "g"}}))
    _, payload = p.split_binary_frame(frame)
    with pytest.raises(MalformedPayload) as info:
        GraphBinarySerializer().read_request(payload[: len(payload) // 2])
    assert info.value.request_id == rid
    assert "truncated" in str(info.value)


def test_graphson_peek_finds_request_id_in_broken_json() -> None:
    rid = uuid.uuid4()
    payload = b'{"requestId":{"@type":"g:UUID","@value":"' + str(rid).encode() + b'"},"op":"bytec'
    with pytest.raises(MalformedPayload) as info:
        GraphSONSerializer().read_request(payload)
    assert info.value.request_id == rid


def test_split_binary_frame_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        p.split_binary_frame(b"\xff\x00\x01garbage")
    with pytest.raises(ValueError):
        p.split_binary_frame(b"")
    assert serializer_for("application/x-unknown") is None


def test_batches_statuses() -> None:
    assert [(c, len(b)) for c, b in p.batches(list(range(5)), 2)] == [(206, 2), (206, 2), (200, 1)]
    assert [(c, len(b)) for c, b in p.batches([1, 2], 2)] == [(200, 2)]
    assert list(p.batches([], 64)) == [(204, [])]


def test_graphbinary_promotes_large_ints() -> None:
    rid = uuid.uuid4()
    values = [7, 2**40, -(2**62), 2**70]
    frame = GraphBinarySerializer().write_response(
        p.Response(rid, p.SUCCESS, "", data=[Traverser(v) for v in values]))
    msg = GraphBinarySerializersV1().deserialize_message(frame)
    assert [t.object for t in msg["result"]["data"]] == values


@pytest.mark.parametrize("fmt", CLIENTS)
def test_unserializable_value_raises_instead_of_corrupting(fmt: str) -> None:
    with pytest.raises(TypeError):
        SERVERS[fmt]().write_response(p.Response(uuid.uuid4(), p.SUCCESS, "", data=[Traverser(object())]))


@pytest.mark.parametrize("fmt", CLIENTS)
def test_paths_round_trip(fmt: str) -> None:
    path = Path([{"a"}, set(), {"b", "c"}], [Vertex("1", "person"), "knows", 0.5])
    frame = SERVERS[fmt]().write_response(p.Response(uuid.uuid4(), p.SUCCESS, "", data=[Traverser(path)]))
    got = CLIENTS[fmt]().deserialize_message(frame)["result"]["data"][0].object
    assert got.objects == path.objects
    assert [set(labels) for labels in got.labels] == path.labels
