"""SASL PLAIN authentication and TLS, with gremlinpython's DriverRemoteConnection."""
from __future__ import annotations

import asyncio
import ssl
import subprocess
import uuid
from pathlib import Path

import aiohttp
import pytest
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.driver.protocol import ConfigurationError, GremlinServerError
from gremlin_python.driver.request import RequestMessage
from gremlin_python.driver.serializer import GraphBinarySerializersV1, GraphSONSerializersV3d0
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.traversal import T

from stylegraph.graph.connect import close, connect
from stylegraph.graph.graph import Graph
from stylegraph.graph.server import start_server
from stylegraph.graph.server.auth import AuthenticationFailed, PlainAuthenticator, encode_plain
from stylegraph.settings import Settings

SERIALIZERS = [GraphBinarySerializersV1, GraphSONSerializersV3d0]


@pytest.fixture(scope="module")
def auth_server():
    graph = Graph(None)
    handle = start_server(graph, "127.0.0.1", 0,
                          Settings.from_env({}, gremlin_users="alice:s3cret,bob:pa:ss"))
    yield handle
    handle.stop()


@pytest.mark.parametrize("serializer", SERIALIZERS)
def test_driver_authenticates(auth_server, serializer) -> None:
    conn = DriverRemoteConnection(auth_server.url, "g", username="alice", password="s3cret",
                                  message_serializer=serializer())
    try:
        g = traversal().with_remote(conn)
        vid = "auth-" + uuid.uuid4().hex
        g.add_v("product").property(T.id, vid).iterate()
        assert g.V(vid).id_().to_list() == [vid]  # later requests on the connection need no new handshake
    finally:
        conn.close()


@pytest.mark.parametrize("serializer", SERIALIZERS)
def test_wrong_password_is_401(auth_server, serializer) -> None:
    conn = DriverRemoteConnection(auth_server.url, "g", username="alice", password="nope",
                                  message_serializer=serializer())
    try:
        with pytest.raises(GremlinServerError) as info:
            traversal().with_remote(conn).inject(1).to_list()
        assert info.value.status_code == 401
    finally:
        conn.close()


def test_no_credentials_is_refused(auth_server) -> None:
    conn = DriverRemoteConnection(auth_server.url, "g")
    try:
        with pytest.raises(ConfigurationError):  # the driver's reaction to our 407 without credentials
            traversal().with_remote(conn).inject(1).to_list()
    finally:
        conn.close()


def test_raw_handshake_407_then_held_request(auth_server) -> None:
    ser = GraphBinarySerializersV1()
    rid = str(uuid.uuid4())

    async def go() -> list[dict]:
        out = []
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(auth_server.url) as ws:
                from gremlin_python.process.graph_traversal import GraphTraversalSource
                from gremlin_python.process.traversal import TraversalStrategies

                bc = GraphTraversalSource(None, TraversalStrategies()).inject("held").bytecode
                await ws.send_bytes(ser.serialize_message(
                    rid, RequestMessage("traversal", "bytecode", {"gremlin": bc, "aliases": {"g": "g"}})))
                out.append(ser.deserialize_message((await ws.receive()).data))
                await ws.send_bytes(ser.serialize_message(
                    rid, RequestMessage("traversal", "authentication", {"sasl": encode_plain("bob", "pa:ss")})))
                out.append(ser.deserialize_message((await ws.receive()).data))
        return out

    challenge, result = asyncio.run(go())
    assert challenge["status"]["code"] == 407 and challenge["requestId"] == rid
    assert result["status"]["code"] == 200 and [t.object for t in result["result"]["data"]] == ["held"]


def test_plain_authenticator_rejects_bad_tokens() -> None:
    auth = PlainAuthenticator({"alice": "s3cret"})
    assert auth.authenticate({"sasl": encode_plain("alice", "s3cret")}) == "alice"
    for args in ({}, {"sasl": "%%%"}, {"sasl": encode_plain("eve", "s3cret")},
                 {"sasl": encode_plain("alice", "s3cret"), "saslMechanism": "GSSAPI"}):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate(args)


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost, made with the openssl CLI."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


def test_tls_with_self_signed_certificate(tmp_path) -> None:
    cert, key = _self_signed(tmp_path)
    graph = Graph(None)
    handle = start_server(graph, "127.0.0.1", 0,
                          Settings.from_env({}, gremlin_tls_cert=str(cert), gremlin_tls_key=str(key)))
    try:
        assert handle.url.startswith("wss://")
        trusting = ssl.create_default_context(cafile=str(cert))
        conn = DriverRemoteConnection(handle.url, "g", ssl=trusting)
        try:
            assert traversal().with_remote(conn).inject("secure").to_list() == ["secure"]
        finally:
            conn.close()
        g = connect(handle.url, ssl=trusting, serializer="graphson")  # the same through connect()
        try:
            assert g.inject("via connect").to_list() == ["via connect"]
        finally:
            close(g)
        # a client that does not trust the certificate cannot connect
        async def untrusting() -> None:
            async with aiohttp.ClientSession() as session:
                await session.ws_connect(handle.url, ssl=ssl.create_default_context())

        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            asyncio.run(untrusting())
    finally:
        handle.stop()
