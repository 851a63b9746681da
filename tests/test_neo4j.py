"""Neo4j as a backend: URLs and credentials, the schema, hostile ids, and faults.

The product contract itself (every operation compared with our engine) runs on
Neo4j in ``tests/test_engines_product.py`` and ``tests/gnn/test_engines_refine.py``;
this module covers what is Neo4j's own: ``bolt://`` / ``neo4j://`` URLs with
credentials from the URL or the settings, the uniqueness constraint and indexes,
ids that would break a query built from text, a wrong password or a Neo4j that
is not there (a clear error at start), and a Neo4j that goes away under the
running app (JSON 503, then answers again).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from stylegraph.gnn.dataset import export_graph
from stylegraph.loader.load import load_records
from stylegraph.loader.neptune_csv import EdgeRecord, VertexRecord
from stylegraph.queries.connect import connect, is_neo4j_url
from stylegraph.queries.cypher import Neo4jConnectError, neo4j_target
from stylegraph.queries.filters import ProductFilter
from stylegraph.settings import Settings
from tests.engines import NEO4J_PASSWORD, Neo4jProcess, free_port, running

REPO = Path(__file__).resolve().parents[1]
STYLEGRAPH = [sys.executable, "-c", "import sys; from stylegraph.cli import main; sys.exit(main())"]
HOSTILE = [
    "it's",
    'say "hi"',
    "back\\slash\\",
    "x' OR 1=1 //",
    "}) MATCH (n) DETACH DELETE n //",
    "MERGE (n) RETURN n",
    "$id",
    "`product`",
    "naïve ☂ \n tab\t",
]


def _settings(**kw: str) -> Settings:
    return Settings.from_env({}, **kw)


def test_urls_and_credentials() -> None:
    s = _settings(neo4j_user="shop", neo4j_password="from-env", neo4j_database="")
    t = neo4j_target("bolt://db.example:7687", s)
    assert (t.uri, t.auth, t.database) == ("bolt://db.example:7687", ("shop", "from-env"), None)
    # the URL's credentials win; percent-escapes are decoded; the path names the database
    t = neo4j_target("neo4j+s://ann:p%40ss%3Aword@db.example:7687/catalog", s)
    assert (t.uri, t.auth, t.database) == ("neo4j+s://db.example:7687", ("ann", "p@ss:word"), "catalog")
    assert neo4j_target("bolt+ssc://h", _settings(neo4j_database="shop")).database == "shop"
    for url in ("bolt://h", "bolt+s://h", "neo4j://h", "neo4j+s://h", "NEO4J://h"):
        assert is_neo4j_url(url), url
    for url in ("ws://h:8182/gremlin", "memory:", "embedded:///x.db"):
        assert not is_neo4j_url(url), url
    with pytest.raises(ValueError, match="no host"):
        neo4j_target("bolt://", s)
    with pytest.raises(ValueError, match="not a Neo4j URL"):
        neo4j_target("http://h:7474", s)


def test_cypher_text_is_never_built_from_input() -> None:
    """Every f-string holding Cypher in ``queries/cypher`` interpolates only module constants
    (property names, the fixed edge types), never a value: values travel as parameters."""
    import ast

    allowed = {"WEIGHT", "SCORE", "MODEL", "_FILTER", "_LABEL", "edge"}  # ``edge`` iterates the constant EDGE_LABELS
    package = REPO / "stylegraph" / "queries" / "cypher"
    found = 0
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.JoinedStr):
                continue
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if not any(word in text for word in ("MATCH", "MERGE", "RETURN", "UNWIND", "WHERE", "DELETE")):
                continue
            found += 1
            names = {n.id for v in node.values if isinstance(v, ast.FormattedValue) for n in ast.walk(v.value)
                     if isinstance(n, ast.Name)}
            assert names <= allowed, f"{path.name}:{node.lineno} builds Cypher from {sorted(names - allowed)}"
    assert found >= 3  # the check looked at the interpolated statements


def test_gremlin_connect_points_bolt_urls_to_the_interface() -> None:
    from stylegraph.graph.connect import connect as connect_gremlin

    with pytest.raises(ValueError, match="stylegraph.queries.connect"):
        connect_gremlin("bolt://127.0.0.1:7687")


def test_routing_scheme_and_settings_credentials(neo4j_server: Neo4jProcess) -> None:
    """``neo4j://`` (the routing driver) reaches the same server; the password from the settings."""
    settings = _settings(neo4j_password=NEO4J_PASSWORD)
    with connect(f"neo4j://127.0.0.1:{neo4j_server.port}", settings=settings) as graph:
        graph.clear()
        graph.merge_vertices([("R1", "product", {"title": "routed"})])
    with connect(neo4j_server.url, settings=settings) as graph:
        assert graph.get_product("R1")["title"] == "routed"
        assert graph.language == "cypher"


def test_schema_constraint_and_indexes(neo4j_server: Neo4jProcess) -> None:
    graph = neo4j_server.connect()
    try:
        names = {r["name"] for r in graph._read("SHOW CONSTRAINTS YIELD name")}
        assert {"stylegraph_vertex_id", "stylegraph_product_id"} <= names
        indexed = {tuple(r["properties"]) for r in graph._read(
            "SHOW INDEXES YIELD labelsOrTypes, properties, state WHERE labelsOrTypes = ['product'] "
            "AND state = 'ONLINE' RETURN properties")}
        assert {("category",), ("price",), ("in_stock",), ("title",), ("id",)} <= indexed
        graph.clear()
        graph.merge_vertices([("P1", "product", {"title": "one"})])
        graph.merge_vertices([("P1", "product", {"title": "one again"})])  # an upsert, not a second node
        assert graph.vertex_counts() == {"product": 1}
        assert graph.get_product("P1")["title"] == "one again"
        from neo4j.exceptions import ConstraintError

        with pytest.raises(ConstraintError):  # the constraint itself refuses a second P1
            graph._write("CREATE (:Vertex:product {id: 'P1'})")
        # connecting again (schema statements re-run) is a no-op
        connect(neo4j_server.auth_url).close()
    finally:
        graph.close()


def test_hostile_ids_round_trip(neo4j_server: Neo4jProcess) -> None:
    graph = neo4j_server.connect()
    try:
        graph.clear()
        vertices = [VertexRecord(pid, "product", {"title": f"Hostile {pid}", "category": "odd", "price": 1.0 + i,
                                                  "in_stock": True})
                    for i, pid in enumerate(HOSTILE)]
        edges = [EdgeRecord(f"SIMILAR:{a}:{b}", a, b, "SIMILAR", {"score": 0.5})
                 for a, b in zip(HOSTILE, HOSTILE[1:] + HOSTILE[:1])]
        stats = load_records(graph, vertices, edges, batch_size=4, progress=False)
        assert stats.vertices_created == len(HOSTILE) and stats.edges_created == len(HOSTILE)
        assert set(graph.get_products(HOSTILE)) == set(HOSTILE)
        for a, b in zip(HOSTILE, HOSTILE[1:] + HOSTILE[:1]):
            assert graph.get_product(a)["id"] == a
            assert [x["id"] for x in graph.similar_products(a, 3, ProductFilter(category="odd")).items] == [b]
            assert graph.search_products(a, 3)[0]["id"] == a
            assert {n["id"] for n in graph.neighborhood(a, 1).nodes} == {a, b}
        assert graph.vertex_counts() == {"meta": 1, "product": len(HOSTILE)}  # nothing was deleted
        exported = export_graph(graph, batch_size=2, progress=False)
        assert sorted(p.id for p in exported.products) == sorted(HOSTILE)
        assert sorted((e.src, e.dst) for e in exported.edges) == sorted(zip(HOSTILE, HOSTILE[1:] + HOSTILE[:1]))
        # a second load changes nothing
        assert not load_records(graph, vertices, edges, progress=False).changed
    finally:
        graph.close()


def test_wrong_password_and_no_server_are_clear_errors(neo4j_server: Neo4jProcess) -> None:
    with pytest.raises(Neo4jConnectError, match="refused the credentials of user 'neo4j'"):
        connect(f"bolt://neo4j:not-the-password@127.0.0.1:{neo4j_server.port}")
    with pytest.raises(Neo4jConnectError, match="refused the credentials"):  # from the settings
        connect(neo4j_server.url, settings=_settings(neo4j_password="also-wrong"))
    connect(neo4j_server.url, settings=_settings(neo4j_password=NEO4J_PASSWORD)).close()
    port = free_port()
    with pytest.raises(Neo4jConnectError, match=f"cannot reach Neo4j at bolt://127.0.0.1:{port}"):
        connect(f"bolt://neo4j:x@127.0.0.1:{port}", timeout_s=3)


def _env(tmp_path: Path, url: str, password: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "STYLEGRAPH_GRAPH_URL": url,
            "STYLEGRAPH_NEO4J_PASSWORD": password,
            "STYLEGRAPH_DATA_DIR": str(tmp_path / "data"), "STYLEGRAPH_CATALOG_DIR": str(tmp_path),
            "STYLEGRAPH_CACHE_SIZE": "0"}


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*STYLEGRAPH, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_start_errors_are_clear(tmp_path: Path, neo4j_server: Neo4jProcess) -> None:
    wrong = _cli("serve", "--port", str(free_port()), "--no-warm-up",
                 env=_env(tmp_path, neo4j_server.url, "wrong-password"))
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "refused the credentials of user 'neo4j'" in wrong.stderr
    in_url = _cli("graph-ping", env=_env(tmp_path, f"bolt://neo4j:s3cret-guess@127.0.0.1:{neo4j_server.port}", ""))
    assert in_url.returncode == 1 and "refused the credentials" in in_url.stderr
    assert "s3cret-guess" not in in_url.stderr + in_url.stdout  # a password never reaches a message
    down = _cli("graph-ping", env=_env(tmp_path, f"bolt://127.0.0.1:{free_port()}", NEO4J_PASSWORD))
    assert down.returncode == 1 and "cannot reach Neo4j" in down.stderr and "Traceback" not in down.stderr


@pytest.fixture
def own_neo4j(tmp_path: Path) -> Iterator[Neo4jProcess]:
    """A Neo4j of this test's own (the session's must stay up)."""
    yield from running(Neo4jProcess(tmp_path / "neo4j"))


def _load(server: Neo4jProcess) -> None:
    with server.connect() as graph:
        load_records(graph, [VertexRecord("A", "product", {"title": "a", "price": 5.0}),
                             VertexRecord("B", "product", {"title": "b", "price": 7.0})],
                     [EdgeRecord("SIMILAR:A:B", "A", "B", "SIMILAR", {"score": 0.5})], progress=False)


def test_neo4j_gone_gives_503_and_the_app_reconnects(tmp_path: Path, own_neo4j: Neo4jProcess) -> None:
    _load(own_neo4j)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = subprocess.Popen([*STYLEGRAPH, "serve", "--port", str(port), "--no-warm-up"],
                           cwd=REPO, env=_env(tmp_path, own_neo4j.url, NEO4J_PASSWORD),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    paths = ["/api/products/A", "/api/products/A/similar", "/api/products/A/recommendations",
             "/api/graph/neighborhood?id=A", "/api/stats"]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert requests.get(base + "/healthz", timeout=30).status_code == 200
                break
            except requests.ConnectionError:
                assert app.poll() is None and time.monotonic() < deadline, app.stderr.read().decode()
                time.sleep(0.2)
        before = {p: requests.get(base + p, timeout=30) for p in paths}
        assert all(r.status_code == 200 for r in before.values()), {p: r.text for p, r in before.items()}
        assert before["/api/products/A/similar"].json()["items"][0]["id"] == "B"

        own_neo4j.stop()
        for path in [*paths, "/healthz"]:
            r = requests.get(base + path, timeout=60)
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert r.headers["Content-Type"].startswith("application/json")
            assert "graph" in r.json()["error"] or "unavailable" in r.text, r.json()

        own_neo4j.start()
        _load(own_neo4j)  # the harness starts from an empty store
        deadline = time.monotonic() + 60
        while (health := requests.get(base + "/healthz", timeout=30)).status_code != 200:
            assert time.monotonic() < deadline, f"the app did not reconnect to Neo4j: {health.text}"
            time.sleep(0.5)
        for path, response in before.items():
            again = requests.get(base + path, timeout=30)
            assert again.status_code == 200, (path, again.text)
            if path != "/api/stats":
                assert again.json() == response.json(), path
        assert app.poll() is None
    finally:
        app.terminate()
        app.wait(30)
