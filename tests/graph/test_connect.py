"""connect(url) -> g for every backend URL, and close(g)."""
from __future__ import annotations

import re
import sys

import pytest
from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import T

from stylegraph.graph.connect import EmbeddedConnection, _region_of, close, connect, neptune_headers
from stylegraph.graph.errors import GremlinError
from stylegraph.graph.graph import Graph


def test_memory_graphs_are_independent() -> None:
    g1, g2 = connect("memory:"), connect("memory:")
    try:
        assert isinstance(g1, GraphTraversalSource)
        assert isinstance(g1.remote_connection, EmbeddedConnection)
        g1.add_v("product").property(T.id, "a").property("price", 3.5).iterate()
        assert g1.V("a").element_map().next() == {T.id: "a", T.label: "product", "price": 3.5}
        assert g2.V().count().next() == 0
    finally:
        close(g1)
        close(g2)
    assert g1.remote_connection.is_closed()
    close(g1)  # idempotent


def test_embedded_is_shared_by_path_and_durable(tmp_path) -> None:
    url = f"embedded://{tmp_path}/graph.db"
    g1, g2 = connect(url), connect(url)
    assert g1.remote_connection.graph is g2.remote_connection.graph
    g1.add_v("product").property(T.id, "p1").iterate()
    g1.add_v("product").property(T.id, "p2").iterate()
    g2.V("p1").add_e("SIMILAR").to(__.V("p2")).property(T.id, "SIMILAR:p1:p2").property("score", 0.9).iterate()
    assert g1.V("p1").out("SIMILAR").id_().to_list() == ["p2"]
    close(g1)
    assert g2.V().count().next() == 2  # still open for the other user
    close(g2)
    graph = Graph(str(tmp_path / "graph.db"))  # closed with its last user: another opener may take it
    try:
        assert sorted(graph.vertices) == ["p1", "p2"]
        assert graph.edge("SIMILAR:p1:p2").properties["score"] == 0.9
    finally:
        graph.close()


def test_embedded_honours_evaluation_timeout() -> None:
    g = connect("memory:")
    try:
        for i in range(12):
            g.add_v("n").property(T.id, f"n{i}").iterate()
        for i in range(12):
            for j in range(12):
                if i != j:
                    g.V(f"n{i}").add_e("l").to(__.V(f"n{j}")).iterate()
        with pytest.raises(GremlinError) as info:
            g.with_("evaluationTimeout", 100).V().out().out().out().out().out().out().path().count().next()  # path(): no bulking
        assert info.value.code == 598
    finally:
        close(g)


@pytest.mark.parametrize("serializer", ["graphbinary", "graphson"])
def test_websocket_url(server, serializer: str) -> None:
    g = connect(server.url, serializer=serializer)
    try:
        g.add_v("product").property(T.id, f"ws-{serializer}").iterate()
        assert g.V(f"ws-{serializer}").label().next() == "product"
    finally:
        close(g)
    assert g.remote_connection.is_closed()


def test_unsupported_urls_say_what_is_supported() -> None:
    with pytest.raises(ValueError, match="embedded:///abs/path.db, memory:, ws://"):
        connect("http://localhost:8182/gremlin")
    with pytest.raises(ValueError, match="stylegraph.queries.connect"):
        connect("bolt://localhost:7687")
    with pytest.raises(ValueError, match="absolute path"):
        connect("embedded://relative/graph.db")
    with pytest.raises(ValueError, match="serializer must be one of"):
        connect("ws://127.0.0.1:1/gremlin", serializer="gryo")


NEPTUNE_URL = "wss://db.cluster-abc123.us-east-1.neptune.amazonaws.com:8182/gremlin"


def test_neptune_without_botocore_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("botocore", "botocore.auth", "botocore.awsrequest", "botocore.session"):
        monkeypatch.setitem(sys.modules, module, None)  # as if botocore were not installed
    with pytest.raises(RuntimeError, match="botocore.*iam=False"):
        connect(NEPTUNE_URL)
    g = connect(NEPTUNE_URL, iam=False)  # lazily connecting: no network needed here
    close(g)
    assert _region_of("db.cluster-abc123.us-east-1.neptune.amazonaws.com") == "us-east-1"


def test_neptune_handshake_is_signed_with_sigv4(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    headers = neptune_headers(NEPTUNE_URL)
    auth = headers["Authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-east-1/neptune-db/aws4_request" in auth  # region from the host name
    assert "SignedHeaders=host;x-amz-date" in auth
    assert re.fullmatch(r"\d{8}T\d{6}Z", headers["X-Amz-Date"])
    assert "/eu-west-1/" in neptune_headers(NEPTUNE_URL, region="eu-west-1")["Authorization"]
    close(connect(NEPTUNE_URL))  # IAM is on by default for Neptune hosts; signing needs no network
