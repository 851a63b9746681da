"""The wire protocol seen by a raw aiohttp websocket client: statuses, batching, bad frames."""
from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aiohttp
import pytest
from gremlin_python.driver.request import RequestMessage
from gremlin_python.driver.serializer import GraphBinarySerializersV1, GraphSONSerializersV3d0
from gremlin_python.process.graph_traversal import GraphTraversalSource
from gremlin_python.process.traversal import Bytecode, TraversalStrategies

from stylegraph.graph.graph import Graph
from stylegraph.graph.server import start_server
from stylegraph.settings import Settings

CLIENTS = {"graphbinary": GraphBinarySerializersV1, "graphson": GraphSONSerializersV3d0}


def bytecode_of(build) -> Bytecode:
    """The bytecode of ``build(g)`` for a g that is not connected to anything."""
    return build(GraphTraversalSource(None, TraversalStrategies())).bytecode


def bytecode_frame(fmt: str, bytecode: Bytecode, rid: uuid.UUID | None = None, **args: Any) -> bytes:
    """A request frame exactly as gremlinpython writes it."""
    message = RequestMessage("traversal", "bytecode", {"gremlin": bytecode, "aliases": {"g": "g"}, **args})
    return CLIENTS[fmt]().serialize_message(str(rid or uuid.uuid4()), message)


def read(fmt: str, data: bytes | str) -> dict:
    """A response frame decoded by gremlinpython."""
    return CLIENTS[fmt]().deserialize_message(data)


async def exchange(url: str, frames: list[bytes | str], fmt: str = "graphbinary",
                   expect: int | None = None) -> list[dict]:
    """Send ``frames`` on one websocket, collect responses until each request got a final status."""
    out: list[dict] = []
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, max_msg_size=64 * 1024 * 1024) as ws:
            for frame in frames:
                if isinstance(frame, str):
                    await ws.send_str(frame)
                else:
                    await ws.send_bytes(frame)
            finals = 0
            while finals < (expect or len(frames)):
                msg = await asyncio.wait_for(ws.receive(), timeout=20)
                assert msg.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), msg
                decoded = read(fmt, msg.data)
                out.append(decoded)
                if decoded["status"]["code"] != 206:
                    finals += 1
    return out


def run(coro):
    return asyncio.run(coro)


@pytest.mark.parametrize("fmt", CLIENTS)
def test_batches_are_206_206_200(server, fmt: str) -> None:
    frame = bytecode_frame(fmt, bytecode_of(lambda g: g.inject(1, 2, 3, 4, 5)), batchSize=2)
    responses = run(exchange(server.url, [frame], fmt))
    assert [r["status"]["code"] for r in responses] == [206, 206, 200]
    assert [[t.object for t in r["result"]["data"]] for r in responses] == [[1, 2], [3, 4], [5]]
    assert len({r["requestId"] for r in responses}) == 1


def test_default_batch_size_from_settings(server) -> None:
    n = server.server.settings.gremlin_batch_size + 1
    frame = bytecode_frame("graphbinary", bytecode_of(lambda g: g.inject(*range(n))))
    codes = [r["status"]["code"] for r in run(exchange(server.url, [frame]))]
    assert codes == [206, 200]


@pytest.mark.parametrize("fmt", CLIENTS)
def test_no_results_is_204(server, fmt: str) -> None:
    frame = bytecode_frame(fmt, bytecode_of(lambda g: g.V("no-such-vertex-" + fmt)))
    [response] = run(exchange(server.url, [frame], fmt))
    assert response["status"]["code"] == 204


@pytest.mark.parametrize("fmt", CLIENTS)
def test_eval_is_refused(server, fmt: str) -> None:
    rid = uuid.uuid4()
    frame = CLIENTS[fmt]().serialize_message(str(rid), RequestMessage("", "eval", {"gremlin": "g.V()"}))
    [response] = run(exchange(server.url, [frame], fmt))
    assert response["requestId"] == str(rid)
    assert response["status"]["code"] == 499
    assert response["status"]["message"] == "script evaluation is not supported; send bytecode"


def test_unknown_op_and_processor_are_499(server) -> None:
    ser = GraphBinarySerializersV1()
    frames = [ser.finalize_message({"requestId": str(uuid.uuid4()), "op": "gather", "processor": "traversal",
                                    "args": {}}, 0x20, ser.version),
              ser.finalize_message({"requestId": str(uuid.uuid4()), "op": "bytecode", "processor": "olap",
                                    "args": {}}, 0x20, ser.version)]
    responses = run(exchange(server.url, frames))
    assert [r["status"]["code"] for r in responses] == [499, 499]
    assert "not supported" in responses[0]["status"]["message"]


def test_unknown_step_is_an_error_with_a_code(server) -> None:
    bc = Bytecode()
    bc.add_step("V")
    bc.add_step("noSuchStep", 1)
    rid = uuid.uuid4()
    [response] = run(exchange(server.url, [bytecode_frame("graphbinary", bc, rid)]))
    assert response["requestId"] == str(rid)
    assert response["status"]["code"] in (499, 597)
    assert "noSuchStep" in response["status"]["message"]


def test_garbage_then_good_request_on_same_connection(server) -> None:
    good_rid = uuid.uuid4()
    truncated_rid = uuid.uuid4()
    truncated = bytecode_frame("graphbinary", bytecode_of(lambda g: g.inject(1)), truncated_rid)[:-7]
    frames = [
        b"\x07garbage\x00\x01\x02",                                  # mime prefix that is no mime type
        b"\x0aapp/nonsuch" + b"\x00" * 20,                           # a mime type we do not speak
        truncated,                                                   # truncated GraphBinary
        b"",                                                         # empty frame
        bytecode_frame("graphbinary", bytecode_of(lambda g: g.inject("ok")), good_rid),
    ]
    responses = run(exchange(server.url, frames))
    codes = [r["status"]["code"] for r in responses]
    assert codes[:4] == [498, 498, 498, 498]
    assert responses[0]["requestId"] in (None, "None")
    assert "mime type" in responses[1]["status"]["message"]
    assert responses[2]["requestId"] == str(truncated_rid)
    assert "truncated" in responses[2]["status"]["message"] or "trailing" in responses[2]["status"]["message"]
    assert responses[4]["requestId"] == str(good_rid) and codes[4] == 200
    assert [t.object for t in responses[4]["result"]["data"]] == ["ok"]


def test_graphson_text_frame_without_prefix(server) -> None:
    rid = uuid.uuid4()
    frame = bytecode_frame("graphson", bytecode_of(lambda g: g.inject("text", 2)), rid)
    text = frame[1 + frame[0]:].decode("utf-8")  # drop the mime prefix: plain JSON
    responses = run(exchange(server.url, [text, "{not json"], "graphson", expect=2))
    by_id = {r["requestId"]: r for r in responses}  # evaluation is async: any order
    assert by_id[None]["status"]["code"] == 498
    response = by_id[str(rid)]
    assert response["status"]["code"] == 200
    assert [t.object for t in response["result"]["data"]] == ["text", 2]


def test_oversized_request_gets_an_answer_and_connection_survives(tmp_path) -> None:
    graph = Graph(None)
    settings = Settings.from_env({}, gremlin_max_request_bytes=64 * 1024)
    handle = start_server(graph, "127.0.0.1", 0, settings)
    try:
        big_rid, ok_rid = uuid.uuid4(), uuid.uuid4()
        for fmt in CLIENTS:
            big = bytecode_frame(fmt, bytecode_of(lambda g: g.inject("x" * 100_000)), big_rid)
            ok = bytecode_frame(fmt, bytecode_of(lambda g: g.inject("small")), ok_rid)
            responses = run(exchange(handle.url, [big, ok], fmt))
            assert responses[0]["requestId"] == str(big_rid)
            assert responses[0]["status"]["code"] == 498
            assert "larger than the server's limit of 65536 bytes" in responses[0]["status"]["message"]
            assert responses[1]["status"]["code"] == 200
    finally:
        handle.stop()


def test_healthz_reports_counts(server) -> None:
    before = server.server.stats["requests"]
    run(exchange(server.url, [bytecode_frame("graphbinary", bytecode_of(lambda g: g.inject(1)))]))

    async def get() -> tuple[int, dict]:
        async with aiohttp.ClientSession() as session:
            async with session.get(server.url.replace("ws://", "http://").replace("/gremlin", "/healthz")) as r:
                return r.status, json.loads(await r.text())

    status, body = run(get())
    assert status == 200
    assert body["status"] == "ok"
    assert body["vertices"] == len(server.graph.vertices)
    assert body["edges"] == len(server.graph.edges)
    assert body["requests"] >= before + 1  # the request above was counted
    assert body["workers"] == server.server.settings.gremlin_workers
    assert body["running"] <= 1  # at most the request above, finishing after its last frame


def test_close_op_answers_then_closes_the_socket(server) -> None:
    ser = GraphBinarySerializersV1()
    rid = uuid.uuid4()

    async def go() -> tuple[dict, aiohttp.WSMsgType]:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(server.url) as ws:
                await ws.send_bytes(ser.finalize_message(
                    {"requestId": str(rid), "op": "close", "processor": "session", "args": {}}, 0x20, ser.version))
                answer = read("graphbinary", (await asyncio.wait_for(ws.receive(), 10)).data)
                after = await asyncio.wait_for(ws.receive(), 10)
                return answer, after.type

    answer, after = run(go())
    assert answer["requestId"] == str(rid) and answer["status"]["code"] == 204
    assert after in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


def test_sessions_are_refused_clearly(server) -> None:
    frame = CLIENTS["graphbinary"]().serialize_message(
        str(uuid.uuid4()), RequestMessage("session", "bytecode", {
            "gremlin": bytecode_of(lambda g: g.inject(1)), "session": str(uuid.uuid4())}))
    [response] = run(exchange(server.url, [frame]))
    assert response["status"]["code"] == 499
    assert "sessions are not supported" in response["status"]["message"]
