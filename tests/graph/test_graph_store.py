"""The Graph object and its SQLite store: transactions, indexes, durability."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from gremlin_python.statics import long

from stylegraph.graph.errors import ElementExistsError, GremlinError, StoreError
from stylegraph.graph.graph import Graph


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "graph.db"


def _two_products(graph: Graph) -> None:
    with graph.transaction():
        a = graph.add_vertex("product", "a", {"category": "shoe", "price": 10.0})
        b = graph.add_vertex("product", "b", {"category": "bag", "price": 20.0})
        graph.add_edge("SIMILAR", a, b, "a-b", {"score": 0.75})


def test_reopen_restores_graph_exactly(db: Path) -> None:
    graph = Graph(db)
    values = {
        "s": "text", "i": 7, "l": long(2**40), "f": 1.25, "t": True,
        "d": dt.datetime(2026, 1, 2, 3, 4, 5), "u": uuid.UUID(int=5), "lst": [1, "x"],
    }
    with graph.transaction():
        a = graph.add_vertex("product", "a", values)
        b = graph.add_vertex("brand", "b")
        graph.add_edge("MADE_BY", a, b, "e", {"w": 0.5})
        graph.set_property(a, "tag", "x", "list")
        graph.set_property(a, "tag", "y", "list")
        graph.set_property(a, "tag", "y", "set")
    graph.close()

    again = Graph(db)
    v = again.vertex("a")
    assert v is not None and v.label == "product"
    assert {k: v.properties[k][0] for k in values} == values
    assert type(v.properties["l"][0]) is long
    assert type(v.properties["t"][0]) is bool
    assert v.properties["tag"] == ["x", "y"]
    e = again.edge("e")
    assert e is not None and e.out_v is v and e.in_v is again.vertex("b")
    assert e.properties == {"w": 0.5}
    assert list(v.out_edges) == ["MADE_BY"]
    assert again.version == graph.version == 1
    again.close()


def test_failed_transaction_leaves_nothing_in_memory_or_on_disk(db: Path) -> None:
    graph = Graph(db, indexed_keys=["category"])
    _two_products(graph)
    a, b = graph.vertex("a"), graph.vertex("b")
    with pytest.raises(RuntimeError):
        with graph.transaction():
            graph.add_vertex("product", "c", {"category": "shoe"})
            graph.set_property(a, "category", "boot")
            graph.set_property(graph.edge("a-b"), "score", 0.1)
            graph.remove_vertex(b)
            raise RuntimeError("half-way failure")
    assert sorted(graph.vertices) == ["a", "b"]
    assert graph.edge("a-b").properties["score"] == 0.75
    assert graph.vertex("b").in_edges["SIMILAR"]["a-b"].out_v is a
    assert [v.id for v in graph.lookup_vertices("category", "shoe")] == ["a"]
    assert graph.lookup_vertices("category", "boot") == []
    assert graph.version == 1
    graph.close()
    again = Graph(db)
    assert sorted(again.vertices) == ["a", "b"]
    assert again.vertex("a").properties["category"] == ["shoe"]
    again.close()


def test_duplicate_ids_and_bad_values_are_refused(db: Path) -> None:
    graph = Graph(db)
    _two_products(graph)
    with pytest.raises(ElementExistsError, match="already exists: a"):
        with graph.transaction():
            graph.add_vertex("product", "a")
    with pytest.raises(GremlinError, match="null"):
        with graph.transaction():
            graph.set_property(graph.vertex("a"), "x", None)
    with pytest.raises(GremlinError, match="inside graph.transaction"):
        graph.add_vertex("product", "z")
    with pytest.raises(GremlinError, match="id must be a string"):
        with graph.transaction():
            graph.add_vertex("product", 1.5)
    graph.close()


def test_index_is_maintained_and_type_strict() -> None:
    graph = Graph(None)
    with graph.transaction():
        for i in range(1000):
            graph.add_vertex("product", f"p{i}", {"category": f"c{i % 10}", "n": i % 2 == 0})
        graph.add_vertex("product", "one", {"n": 1})
    index = graph.ensure_index("category")
    assert len(index["c3"]) == 100
    assert {v.id for v in graph.lookup_vertices("n", 1)} == {"one"}
    assert len(graph.lookup_vertices("n", True)) == 500
    with graph.transaction():
        graph.set_property(graph.vertex("p3"), "category", "new")
        graph.remove_vertex(graph.vertex("p13"))
    assert len(graph.lookup_vertices("category", "c3")) == 98
    assert [v.id for v in graph.lookup_vertices("category", "new", label="product")] == ["p3"]
    assert graph.lookup_vertices("category", "new", label="brand") == []
    assert len(list(graph.vertices_by_label("product"))) == 1000


def test_second_process_gets_a_clear_error(db: Path) -> None:
    graph = Graph(db)
    code = f"from stylegraph.graph.graph import Graph; Graph({str(db)!r})"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "is open in pid" in proc.stderr and "Gremlin server" in proc.stderr
    graph.close()
    subprocess.run([sys.executable, "-c", code], check=True)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable graph store"):
        Graph(bad)
