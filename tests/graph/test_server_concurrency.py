"""Bounded, concurrent requests on a real server, seen through gremlinpython over a socket:
short reads beside a long one, deadlines, cancellation on disconnect, the traverser budget."""
from __future__ import annotations

import asyncio
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable

import aiohttp
import pytest
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.driver.protocol import GremlinServerError
from gremlin_python.driver.request import RequestMessage
from gremlin_python.driver.serializer import GraphBinarySerializersV1
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import __

from stylegraph.graph.engine import execute
from stylegraph.graph.fixtures import load_grateful_like
from stylegraph.graph.graph import Graph
from stylegraph.graph.server import ServerHandle, start_server
from stylegraph.graph.server import protocol as p
from stylegraph.graph.server.requests import RequestLimits, RequestProcessor
from stylegraph.graph.server.serializers import GraphBinarySerializer
from stylegraph.graph.server.stats import Stats
from stylegraph.settings import Settings
from tests.graph.engine_support import write_open
from tests.graph.test_server_protocol import bytecode_frame, bytecode_of, read


def _long(g: Any) -> Any:
    """Walks of 6 steps told apart by path(): hundreds of millions, far more than any test waits for."""
    return g.V().repeat(__.out()).times(6).path().count()


@pytest.fixture(scope="module")
def busy_server() -> ServerHandle:
    handle = start_server(load_grateful_like(Graph(None)), "127.0.0.1", 0,
                          Settings.from_env({}, gremlin_workers=4, gremlin_request_timeout_ms=20_000,
                                            gremlin_max_traversers=0))
    yield handle
    handle.stop(grace_s=1)


def _wait_for(cond: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def _start_long(url: str, timeout_ms: int) -> tuple[DriverRemoteConnection, threading.Thread, dict]:
    conn = DriverRemoteConnection(url, "g")
    outcome: dict[str, Any] = {}

    def go() -> None:
        try:
            outcome["result"] = _long(traversal().with_remote(conn).with_("evaluationTimeout", timeout_ms)).next()
        except GremlinServerError as exc:
            outcome["status"] = exc.status_code
            outcome["message"] = str(exc)
        except Exception as exc:  # the connection was closed under it
            outcome["error"] = exc

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    return conn, thread, outcome


def test_short_reads_answer_while_a_long_traversal_runs(busy_server: ServerHandle) -> None:
    stats = busy_server.server.stats
    long_conn, thread, outcome = _start_long(busy_server.url, 3_000)
    short = DriverRemoteConnection(busy_server.url, "g")
    try:
        assert _wait_for(lambda: stats["running"] == 1, 5)
        g = traversal().with_remote(short)
        latencies = []
        for i in range(20):
            started = time.monotonic()
            assert g.V(f"song{i}").out().count().next() >= 0
            latencies.append(time.monotonic() - started)
        assert thread.is_alive() and not outcome  # the long one was running the whole time
        assert max(latencies) < 1.0, latencies
        thread.join(10)
        assert outcome.get("status") == 598  # and then it hit its deadline
    finally:
        short.close()
        long_conn.close()


def test_request_deadline_stops_evaluation_and_frees_the_worker(busy_server: ServerHandle) -> None:
    stats = busy_server.server.stats
    conn = DriverRemoteConnection(busy_server.url, "g")
    try:
        g = traversal().with_remote(conn)
        started = time.monotonic()
        with pytest.raises(GremlinServerError) as info:
            _long(g.with_("evaluationTimeout", 300)).next()
        assert info.value.status_code == 598
        assert "timeout" in str(info.value).lower()
        assert time.monotonic() - started < 2
        assert _wait_for(lambda: stats["running"] == 0, 1)  # the engine stopped too, not only the answer
        assert g.V("song1").count().next() == 1
    finally:
        conn.close()


def test_server_default_deadline_applies_without_evaluation_timeout() -> None:
    handle = start_server(load_grateful_like(Graph(None)), "127.0.0.1", 0,
                          Settings.from_env({}, gremlin_request_timeout_ms=400))
    conn = DriverRemoteConnection(handle.url, "g")
    try:
        started = time.monotonic()
        with pytest.raises(GremlinServerError) as info:
            _long(traversal().with_remote(conn)).next()
        assert info.value.status_code == 598
        assert 0.35 < time.monotonic() - started < 2.5
        assert _wait_for(lambda: handle.server.stats["running"] == 0, 1)
    finally:
        conn.close()
        handle.stop(grace_s=1)


def test_closing_the_connection_cancels_its_traversal(busy_server: ServerHandle) -> None:
    """A client that goes away (socket closed mid-request) does not keep a worker busy."""
    stats = busy_server.server.stats
    cancelled = stats["cancelled"]

    async def send_then_hang_up() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(busy_server.url) as ws:
                await ws.send_bytes(bytecode_frame("graphbinary", bytecode_of(_long)))
                while stats["running"] != 1:
                    await asyncio.sleep(0.02)
        # leaving the blocks closes the websocket without waiting for an answer

    asyncio.run(asyncio.wait_for(send_then_hang_up(), 10))
    started = time.monotonic()
    assert _wait_for(lambda: stats["running"] == 0, 3), "the traversal kept running after its client left"
    assert time.monotonic() - started < 3  # far sooner than its 20 s deadline
    assert stats["cancelled"] == cancelled + 1


def test_traverser_budget_answers_with_a_clear_error() -> None:
    handle = start_server(load_grateful_like(Graph(None)), "127.0.0.1", 0,
                          Settings.from_env({}, gremlin_max_traversers=50_000))
    conn = DriverRemoteConnection(handle.url, "g")
    try:
        g = traversal().with_remote(conn)
        with pytest.raises(GremlinServerError) as info:
            g.V().repeat(__.out()).times(3).path().to_list()
        assert info.value.status_code == 597
        assert "STYLEGRAPH_GREMLIN_MAX_TRAVERSERS" in str(info.value) and "50,000" in str(info.value)
        assert handle.server.stats["over_budget"] == 1
        # bulked, the same walks are a few thousand traversers: well within the budget
        assert g.V().repeat(__.out()).times(3).count().next() > 50_000
    finally:
        conn.close()
        handle.stop(grace_s=1)


def test_results_stream_while_evaluation_goes_on(busy_server: ServerHandle) -> None:
    """The first batch of a big answer arrives while the traversal is still running (the
    server holds one batch, not the whole answer); hanging up then cancels the rest."""
    stats = busy_server.server.stats
    cancelled = stats["cancelled"]

    async def first_frame() -> tuple[int, int, int]:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(busy_server.url) as ws:
                frame = bytecode_frame("graphbinary", bytecode_of(lambda g: g.V().repeat(__.out()).times(3)),
                                       batchSize=50)
                await ws.send_bytes(frame)
                first = read("graphbinary", await ws.receive_bytes())
                return first["status"]["code"], len(first["result"]["data"]), stats["running"]

    code, size, running = asyncio.run(asyncio.wait_for(first_frame(), 20))
    assert (code, size) == (206, 50)
    assert running == 1  # 836,375 walks: far from done when the first 50 arrived
    assert _wait_for(lambda: stats["running"] == 0, 3)
    assert stats["cancelled"] == cancelled + 1


def test_short_reads_are_answered_on_the_quick_path_and_big_ones_by_a_worker(busy_server: ServerHandle) -> None:
    """A read with at most one batch of results is answered by the event loop (counted as
    ``quick``); a bigger answer still streams 206..200 from a worker, with the same values."""
    stats = busy_server.server.stats
    quick = stats["quick"]

    async def answers() -> tuple[list[dict], list[dict]]:
        short = [bytecode_frame("graphbinary", bytecode_of(lambda g, i=i: g.V(f"song{i}").out().limit(3).id_()),
                                rid=rids[i]) for i in range(10)]
        big = [bytecode_frame("graphbinary", bytecode_of(lambda g: g.V().id_()), batchSize=500)]
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(busy_server.url) as ws:
                out: list[list[dict]] = []
                for frames, finals in ((short, 10), (big, 1)):
                    got: list[dict] = []
                    for frame in frames:
                        await ws.send_bytes(frame)
                    while sum(r["status"]["code"] != 206 for r in got) < finals:
                        got.append(read("graphbinary", await ws.receive_bytes()))
                    out.append(got)
                return out[0], out[1]

    rids = [uuid.uuid4() for _ in range(10)]
    short, big = asyncio.run(asyncio.wait_for(answers(), 20))
    assert [r["status"]["code"] for r in short] == [200] * 10
    assert stats["quick"] == quick + 10
    graph = busy_server.graph
    values = {uuid.UUID(str(r["requestId"])): [t.object for t in r["result"]["data"]] for r in short}
    assert [values[rid] for rid in rids] == [
        execute(graph, bytecode_of(lambda g, i=i: g.V(f"song{i}").out().limit(3).id_())) for i in range(10)]
    codes = [r["status"]["code"] for r in big]
    assert codes == [206] * (len(codes) - 1) + [200] and len(codes) == -(-len(graph.vertices) // 500)
    assert sorted(t.object for r in big for t in r["result"]["data"]) == sorted(graph.vertices)
    assert stats["quick"] == quick + 10  # the big one went to a worker


def test_a_read_answers_while_a_write_is_open_and_sees_only_what_was_committed(busy_server: ServerHandle) -> None:
    """While another thread's write transaction is open, reads over the socket answer at
    once, from the graph as last committed (not the write's vertex); an eval is refused as
    ever; once the write is undone, nothing of it was ever seen."""
    async def scenario(pending: str) -> tuple[float, dict, dict, dict]:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(busy_server.url) as reader, session.ws_connect(busy_server.url) as other:
                await other.send_bytes(GraphBinarySerializersV1().serialize_message(
                    str(uuid.uuid4()), RequestMessage("", "eval", {"gremlin": "g.V()"})))
                started = time.monotonic()
                await reader.send_bytes(bytecode_frame("graphbinary", bytecode_of(lambda g: g.V("song1").id_())))
                answered = read("graphbinary", await asyncio.wait_for(reader.receive_bytes(), 5))
                took = time.monotonic() - started
                await reader.send_bytes(bytecode_frame("graphbinary", bytecode_of(lambda g: g.V(pending).count())))
                unseen = read("graphbinary", await asyncio.wait_for(reader.receive_bytes(), 5))
                refused = read("graphbinary", await asyncio.wait_for(other.receive_bytes(), 5))
                return took, answered, unseen, refused

    with write_open(busy_server.graph, commit=False) as (_release, pending):
        took, answered, unseen, refused = asyncio.run(scenario(pending))
        assert busy_server.graph._tx is not None  # the write was still open throughout
    assert took < 2.0
    assert answered["status"]["code"] == 200 and [t.object for t in answered["result"]["data"]] == ["song1"]
    assert unseen["status"]["code"] == 200 and [t.object for t in unseen["result"]["data"]] == [0]
    assert refused["status"]["code"] == 499
    conn = DriverRemoteConnection(busy_server.url, "g")
    try:
        assert traversal().with_remote(conn).V(pending).count().next() == 0
    finally:
        conn.close()


def _codes_answered(evaluation_s: float, drain_s: float = 0.0, linger_s: float = 0.0) -> list[int]:
    """The status codes one ``g.V()`` request gets, under a 100 ms timeout, from a server whose
    evaluation ignores the deadline and takes ``evaluation_s``, writing to a socket that takes
    ``drain_s`` per frame; the test then waits ``linger_s`` for late frames."""
    @contextmanager
    def slow_stream(graph, bytecode, limits, dialect):
        def values():
            time.sleep(evaluation_s)
            yield "late"
        yield values()

    pool = ThreadPoolExecutor(1)
    processor = RequestProcessor(None, pool, RequestLimits(100, 0, 64), Stats(), stream=slow_stream)
    frames: list[bytes] = []

    async def send(frame: bytes | str) -> bool:
        await asyncio.sleep(drain_s)
        frames.append(frame)
        return True

    async def scenario() -> None:
        request = p.Request(uuid.uuid4(), "bytecode", p.TRAVERSAL_PROCESSOR,
                            {"gremlin": bytecode_of(lambda g: g.V())})
        await processor.process(request, GraphBinarySerializer(), send, processor.new_limits())
        await asyncio.sleep(linger_s)

    try:
        asyncio.run(scenario())
    finally:
        pool.shutdown(wait=True)
    return [read("graphbinary", f)["status"]["code"] for f in frames]


def test_a_request_the_server_timed_out_itself_gets_one_final_answer() -> None:
    """When an evaluation overruns its deadline and the server's grace without stopping, the
    server answers 598 itself; the worker's late answer is then not sent as well (a second
    final frame for one request id breaks drivers: the Java one throws)."""
    assert _codes_answered(0.6, linger_s=0.8) == [598]


def test_an_answer_made_just_past_the_deadline_is_never_lost() -> None:
    """An evaluation that ends after its deadline but within the server's 250 ms grace is
    answered, even on a socket slow to drain (a worker that gave up waiting for the loop at
    the deadline dropped the final frame: the Java driver then waited forever)."""
    assert _codes_answered(0.2, drain_s=0.05) == [200]
