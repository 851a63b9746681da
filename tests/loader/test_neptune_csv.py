"""Neptune bulk-load CSVs: typed headers written and parsed back, malformed files rejected."""
from __future__ import annotations

import pytest

from stylegraph.loader.catalog import read_catalog
from stylegraph.loader.neptune_csv import (
    EdgeRecord,
    NeptuneCsvError,
    VertexRecord,
    product_vertices,
    read_edges,
    read_vertices,
    write_edges,
    write_graph_csv,
    write_vertices,
)


def test_round_trip_typed_values(tmp_path):
    vertices = [
        VertexRecord("P1", "product", {"title": "Red, \"striped\" boot", "price": 12.5, "in_stock": True,
                                       "rank": 3, "tags": ["a;b", "c"]}),
        VertexRecord("P2", "product", {"title": "", "price": 0.1 + 0.2, "in_stock": False}),
    ]
    edges = [EdgeRecord("SIMILAR:P1:P2", "P1", "P2", "SIMILAR", {"score": 0.987654321}),
             EdgeRecord("RECOMMENDED:P2:P1", "P2", "P1", "RECOMMENDED", {"score": 0.5, "model": "run-1"})]
    vpath = write_vertices(tmp_path / "vertices.csv", vertices)
    epath = write_edges(tmp_path / "edges.csv", edges)
    header = vpath.read_text().splitlines()[0]
    assert header.startswith("~id,~label,title:String,brand:String")
    assert "price:Double,in_stock:Bool" in header and "rank:Long" in header and "tags:String[]" in header
    assert epath.read_text().splitlines()[0] == "~id,~from,~to,~label,score:Double,model:String"
    back = read_vertices(vpath)
    assert back[0] == vertices[0]
    assert back[1].properties == {"price": 0.1 + 0.2, "in_stock": False}  # empty cell = no property
    assert read_edges(epath) == edges


def test_product_vertices_from_catalog(catalog_master, tmp_path):
    cat = read_catalog(catalog_master)
    vpath, epath = write_graph_csv(tmp_path, product_vertices(cat), [])
    back = {v.id: v for v in read_vertices(vpath)}
    p = cat.products[0]
    assert back[p.product_id].label == "product"
    assert back[p.product_id].properties == {k: v for k, v in p.properties().items()}
    assert read_edges(epath) == []


def test_reads_neptune_style_headers(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("~id,~label,age:Int(single),born:Date,nick:String(set),ok:Boolean,w:Float\n"
                    "v1,person,42,2020-01-02,a;b,TRUE,1.5\n")
    (v,) = read_vertices(path)
    assert v.properties["age"] == 42 and v.properties["nick"] == ["a", "b"]
    assert v.properties["ok"] is True and v.properties["born"].year == 2020 and v.properties["w"] == 1.5


@pytest.mark.parametrize("text,fragment", [
    ("~label,name:String\nperson,x\n", ":1: header lacks required column '~id'"),
    ("~id,~label,price:Money\nv1,p,3\n", ":1: column 'price:Money' has unknown type 'Money'"),
    ("~id,~label,price\nv1,p,3\n", ":1: bad column header 'price'"),
    ("~id,~label,~weird\nv1,p,3\n", ":1: unknown system column '~weird'"),
    ("~id,~label,price:Double\nv1,p,cheap\n", ":2: column price:Double:"),
    ("~id,~label,ok:Bool\nv1,p,1\nv2,p,maybe\n", ":3: column ok:Bool: not a Bool"),
    ("~id,~label,n:Byte\nv1,p,300\n", ":2: column n:Byte: 300 out of range"),
    ("~id,~label\nv1,p,extra\n", ":2: expected 2 fields, got 3"),
    ("~id,~label\nv1,p\nv1,p\n", ":3: duplicate vertex id 'v1'"),
    ("~id,~label\n,p\n", ":2: empty ~id"),
    ("", ":1: empty file"),
    ("~id,~label,a:String,a:Int\n", ":1: duplicate column 'a'"),
])
def test_malformed_vertices(tmp_path, text, fragment):
    path = tmp_path / "vertices.csv"
    path.write_text(text)
    with pytest.raises(NeptuneCsvError) as info:
        read_vertices(path)
    assert fragment in str(info.value) and "vertices.csv" in str(info.value)


def test_malformed_edges(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("~id,~from,~label,score:Double\ne1,a,S,1\n")
    with pytest.raises(NeptuneCsvError, match="lacks required column '~to'"):
        read_edges(path)
    path.write_text("~id,~from,~to,~label\ne1,a,,S\n")
    with pytest.raises(NeptuneCsvError, match=":2: empty ~to"):
        read_edges(path)
    with pytest.raises(NeptuneCsvError, match="file not found"):
        read_edges(tmp_path / "nope.csv")
