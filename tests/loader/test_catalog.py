"""Catalog CSV reading, validation errors naming the line, writing."""
from __future__ import annotations

from pathlib import Path

import pytest

from stylegraph.loader.catalog import (
    CatalogError,
    Product,
    append_product,
    parse_column_map,
    read_catalog,
    write_catalog,
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_columns_and_optional_values(tmp_path):
    path = _write(tmp_path, "product_id,image,price,in_stock\nA,a.png,12.5,yes\nB,b.png,,\n")
    cat = read_catalog(tmp_path)
    assert [p.product_id for p in cat] == ["A", "B"]
    assert cat.products[0].price == 12.5 and cat.products[0].in_stock is True
    assert cat.products[1].price is None and cat.products[1].in_stock is None
    assert cat.image_path(cat.products[0]) == path.parent.resolve() / "a.png"
    assert cat.products[1].properties() == {"image": "b.png"}


@pytest.mark.parametrize("text,fragment", [
    ("product_id,title\nA,x\n", ":1: header lacks required column(s) ['image']"),
    ("product_id,image\nA,a.png\nA,b.png\n", ":3: duplicate product_id 'A' (first on line 2)"),
    ("product_id,image,price\nA,a.png,1\nB,b.png,cheap\n", ":3: price must be a number"),
    ("product_id,image,price\nA,a.png,-3\n", ":2: price must be a finite number >= 0"),
    ("product_id,image,in_stock\nA,a.png,maybe\n", ":2: in_stock must be true/false"),
    ("product_id,image\nA,a.png,extra\n", ":2: expected 2 fields, got 3"),
    ("product_id,image\n,a.png\n", ":2: empty product_id"),
    ("product_id,image\nA,\n", ":2: product 'A' has an empty image path"),
    ("", ":1: empty file"),
    ("product_id,image,image\n", ":1: duplicate column(s) ['image']"),
])
def test_errors_name_the_line(tmp_path, text, fragment):
    _write(tmp_path, text)
    with pytest.raises(CatalogError) as info:
        read_catalog(tmp_path / "catalog.csv")
    assert fragment in str(info.value)
    assert "catalog.csv" in str(info.value)


def test_missing_file_and_non_utf8(tmp_path):
    with pytest.raises(CatalogError, match="catalog file not found"):
        read_catalog(tmp_path)
    (tmp_path / "catalog.csv").write_bytes(b"product_id,image\n\xff\xfe,a.png\n")
    with pytest.raises(CatalogError, match="not UTF-8"):
        read_catalog(tmp_path)


def test_write_read_round_trip_and_append(tmp_path):
    rows = [Product("A", "images/a.png", title="Red, striped \"boot\"", price=9.99, in_stock=False,
                    subcategory="boot", pattern="stripes", color="red")]
    write_catalog(tmp_path, rows)
    assert read_catalog(tmp_path).products == rows
    append_product(tmp_path, Product("B", "images/b.png"))
    append_product(tmp_path, Product("A", "images/a2.png"))
    cat = read_catalog(tmp_path)
    assert [(p.product_id, p.image) for p in cat] == [("B", "images/b.png"), ("A", "images/a2.png")]


def test_labels_require_values(tmp_path):
    write_catalog(tmp_path, [Product("A", "a.png"), Product("B", "b.png")])
    cat = read_catalog(tmp_path)
    with pytest.raises(CatalogError, match="no values in label column"):
        cat.labels()
    with pytest.raises(CatalogError, match=r"no values in label column\(s\) \['nope'\]"):
        cat.labels(["nope"])


def test_extra_columns_are_kept_as_properties_and_labels(tmp_path):
    _write(tmp_path, "product_id,image,category,gender,articleType\nA,a.png,top,women,Tshirts\nB,b.png,top,,Shirts\n")
    cat = read_catalog(tmp_path)
    assert cat.products[0].extra == {"gender": "women", "articleType": "Tshirts"}
    assert cat.products[0].properties() == {"image": "a.png", "category": "top", "gender": "women",
                                            "articleType": "Tshirts"}
    assert cat.products[1].properties()["articleType"] == "Shirts" and "gender" not in cat.products[1].properties()
    assert cat.labels(["gender"]) == ["women", ""] and cat.labels(["category", "articleType"]) == ["top/Tshirts", "top/Shirts"]
    assert cat.columns() == ["product_id", "image", "category", "articleType", "gender"]
    write_catalog(tmp_path / "copy", cat.products)
    assert [p.extra for p in read_catalog(tmp_path / "copy")] == [p.extra for p in cat.products]


def test_column_mapping(tmp_path):
    _write(tmp_path, "product_id,image,category,articleType\nA,a.png,Apparel,Tshirts\n")
    (p,) = read_catalog(tmp_path, parse_column_map(["category=articleType"])).products
    assert p.category == "Tshirts" and p.extra == {}
    with pytest.raises(CatalogError, match=r"mapped column\(s\) \['nope'\] not in the header"):
        read_catalog(tmp_path, {"category": "nope"})
    with pytest.raises(CatalogError, match="TARGET=SOURCE"):
        parse_column_map(["category"])
    with pytest.raises(CatalogError, match="cannot be mapped"):
        read_catalog(tmp_path, {"product_id": "articleType"})
    _write(tmp_path, "product_id,image,label\nA,a.png,x\n")
    with pytest.raises(CatalogError, match="reserved"):
        read_catalog(tmp_path)
