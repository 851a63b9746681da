"""The procedural sample catalog: deterministic, varied, with a usable ground truth."""
from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from stylegraph.loader.catalog import read_catalog
from stylegraph.loader.sample_catalog import FAMILIES, PATTERNS, Style, generate_catalog, render_product


def _digest(folder) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def test_catalog_columns_and_styles(catalog_master):
    cat = read_catalog(catalog_master)
    assert len(cat) == 60
    assert {p.product_id for p in cat} == {f"P{i:06d}" for i in range(60)}
    styles = Counter(cat.labels())
    assert len(styles) == 10 and set(styles.values()) == {6}
    for p in cat:
        assert p.subcategory in FAMILIES and p.pattern in PATTERNS
        assert p.category == FAMILIES[p.subcategory][0]
        assert p.price and p.price > 0 and p.in_stock in (True, False)
        assert p.title.lower().startswith(p.color)
        img = Image.open(cat.image_path(p))
        assert img.format == "PNG" and img.size == (32, 32) and img.mode == "RGB"


def test_same_seed_same_bytes_other_seed_differs(tmp_path, catalog_master):
    generate_catalog(tmp_path / "a", 60, seed=3, size=32, per_style=6, progress=False)
    generate_catalog(tmp_path / "b", 60, seed=4, size=32, per_style=6, progress=False)
    assert _digest(tmp_path / "a") == _digest(catalog_master)
    assert _digest(tmp_path / "b") != _digest(catalog_master)


def test_variation_inside_a_style_and_between_families():
    style = Style("boot", "stripes", "red")
    a = np.asarray(render_product(style, 64, np.random.default_rng(1)), np.float32)
    b = np.asarray(render_product(style, 64, np.random.default_rng(2)), np.float32)
    assert np.abs(a - b).mean() > 5  # same style, visibly different photo
    masks = {}
    for family in FAMILIES:
        img = np.asarray(render_product(Style(family, "plain", "black"), 64, np.random.default_rng(0)))
        masks[family] = img.mean(axis=2) < 100  # dark object on a light background
        assert 0.05 < masks[family].mean() < 0.7
    families = list(masks)
    for i, f1 in enumerate(families):
        for f2 in families[i + 1:]:
            iou = (masks[f1] & masks[f2]).sum() / (masks[f1] | masks[f2]).sum()
            assert iou < 0.85, (f1, f2, iou)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="at least 1"):
        generate_catalog(tmp_path, 0)
    with pytest.raises(ValueError, match="at least 16 px"):
        render_product(Style("hat", "dots", "red"), 8, np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown family"):
        render_product(Style("sock", "dots", "red"), 32, np.random.default_rng(0))


def test_outfits_follow_the_documented_rule(tmp_path):
    from stylegraph.loader.catalog import read_catalog
    from stylegraph.loader.relations import parse_relations
    from stylegraph.loader.sample_catalog import NEUTRALS, PALETTES, generate_catalog

    generate_catalog(tmp_path, 80, seed=1, size=16, per_style=4, progress=False)
    by_id = {p.product_id: p for p in read_catalog(tmp_path).products}
    groups: dict[str, list[str]] = {}
    for line in (tmp_path / "outfits.csv").read_text().splitlines()[1:]:
        outfit, pid = line.split(",")
        groups.setdefault(outfit, []).append(pid)
    assert len(groups) > 40
    for members in groups.values():
        cats = [by_id[m].category for m in members]
        assert 2 <= len(members) <= 4 and len(set(cats)) == len(cats)  # complementary
        colours = {by_id[m].color for m in members} - set(NEUTRALS)
        assert any(colours <= set(p) for p in PALETTES.values())  # one palette
    assert len(parse_relations(tmp_path / "outfits.csv", "groups").weights) > 50
