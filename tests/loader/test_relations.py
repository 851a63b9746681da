"""load-relations: groups / pairs / transactions -> weighted relation edges, idempotent, validated."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __

from stylegraph.cli import main
from stylegraph.graph.connect import close, connect
from stylegraph.loader.neptune_csv import read_edges
from stylegraph.loader.relations import (RelationsError, load_relations, parse_relations,
                                         write_relations_csv)
from stylegraph.queries.meta import get_version
from stylegraph.queries.bulk import merge_vertices


def _weights(g, kind):
    rows = (g.E().has_label(kind).project("a", "b", "w").by(__.out_v().id_())
            .by(__.in_v().id_()).by("weight").to_list())
    return {(r["a"], r["b"]): r["w"] for r in rows}


@pytest.fixture(params=["memory", "gremlin-server"])
def g(request):
    """A graph with products A..E, in-process or behind our Gremlin server."""
    if request.param == "memory":
        g, handle = connect("memory:"), None
    else:
        from stylegraph.graph.graph import Graph
        from stylegraph.graph.server import start_server
        from stylegraph.settings import Settings

        handle = start_server(Graph(None), "127.0.0.1", 0, Settings.from_env({}))
        g = connect(handle.url)
    merge_vertices(g, [(x, "product", {"title": x}) for x in "ABCDE"])
    yield g
    close(g)
    if handle is not None:
        handle.stop()


def test_groups_weighted_idempotent_unknown_reported(g, tmp_path):
    f = tmp_path / "outfits.csv"
    f.write_text("outfit_id,product_id\n1,A\n1,B\n1,C\n2,B\n2,A\n2,A\n3,A\n3,ZZ\n")
    stats = load_relations(g, f, "groups", "WORN_WITH", progress=False)
    assert _weights(g, "WORN_WITH") == {("A", "B"): 2.0, ("A", "C"): 1.0, ("B", "C"): 1.0}
    assert (stats.rows, stats.groups, stats.pairs) == (8, 3, 4)
    assert (stats.edges_created, stats.edges_updated, stats.unknown_ids) == (3, 0, 1)
    assert stats.unknown_examples == ["ZZ"] and stats.pairs_skipped == 1
    version = get_version(g)
    again = load_relations(g, f, "groups", "WORN_WITH", progress=False)
    assert (again.edges_created, again.edges_updated, again.edges_unchanged) == (0, 0, 3)
    assert get_version(g) == version and g.E().count().next() == 3


def test_pairs_update_weight_in_place(g, tmp_path):
    f = tmp_path / "pairs.csv"
    f.write_text("a,b,weight\nB,A,2\nC,D\nD,C,0.5\n")
    load_relations(g, f, "pairs", "BOUGHT_WITH", progress=False)
    assert _weights(g, "BOUGHT_WITH") == {("A", "B"): 2.0, ("C", "D"): 1.5}
    f.write_text("a,b,weight\nA,B,5\n")
    stats = load_relations(g, f, "pairs", "BOUGHT_WITH", progress=False)
    assert stats.edges_updated == 1
    assert _weights(g, "BOUGHT_WITH")[("A", "B")] == 5.0
    assert g.E().has_label("BOUGHT_WITH").count().next() == 2


def test_transactions_same_day_and_window(tmp_path):
    f = tmp_path / "tx.csv"
    f.write_text("customer,timestamp,product,store\n"
                 "c1,2024-03-01T09:00:00,A,s1\nc1,2024-03-01T20:00:00,B,s1\n"
                 "c1,2024-03-02T08:00:00,C,s2\nc2,2024-03-01T10:00:00,A,s1\n"
                 "c2,2024-03-01T10:30:00,C,s1\n")
    day = parse_relations(f, "transactions")
    assert day.weights == {("A", "B"): 1.0, ("A", "C"): 1.0} and day.groups == 3
    wide = parse_relations(f, "transactions", window="2d")
    assert wide.weights == {("A", "B"): 1.0, ("A", "C"): 2.0, ("B", "C"): 1.0}
    with pytest.raises(RelationsError, match="window"):
        parse_relations(f, "transactions", window="soon")


def test_malformed_rows_named_and_nothing_loaded(g, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("a,b,w\nA,B,1\nA\nC,C\nD,E,lots\nB,C,-2\n")
    with pytest.raises(RelationsError) as info:
        load_relations(g, f, "pairs", "WORN_WITH", progress=False)
    text = str(info.value)
    for line in ("bad.csv:3:", "bad.csv:4:", "bad.csv:5:", "bad.csv:6:"):
        assert line in text
    assert "bad.csv:2:" not in text and "4 malformed" in text
    assert g.E().count().next() == 0
    with pytest.raises(RelationsError, match="UPPER_SNAKE"):
        load_relations(g, tmp_path / "x.csv", "pairs", "worn with", progress=False)
    with pytest.raises(RelationsError, match="derived"):
        load_relations(g, tmp_path / "x.csv", "pairs", "SIMILAR", progress=False)


def test_neptune_csv_and_cli(tmp_path, capsys):
    f = tmp_path / "outfits.csv"
    f.write_text("outfit,product\n1,A\n1,B\n2,A\n2,B\n2,C\n")
    path = write_relations_csv(tmp_path / "csv", parse_relations(f, "groups"), "WORN_WITH")
    edges = {(e.out_id, e.in_id): e for e in read_edges(path)}
    assert edges[("A", "B")].label == "WORN_WITH" and edges[("A", "B")].properties == {"weight": 2.0}
    assert len(edges) == 3
    db = tmp_path / "graph.db"
    g = connect(f"embedded://{db}")
    merge_vertices(g, [(x, "product", {}) for x in "AB"])
    close(g)
    assert main(["load-relations", "--file", str(f), "--format", "groups", "--kind", "WORN_WITH",
                 "--graph", f"embedded://{db}", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "1 created" in out and "1 product ids not in the graph (e.g. C)" in out
    assert main(["load-relations", "--file", str(tmp_path / "none.csv"), "--format", "groups",
                 "--kind", "WORN_WITH", "--graph", f"embedded://{db}"]) == 1
    assert "file not found" in capsys.readouterr().err
