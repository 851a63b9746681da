"""A small hand-made shop for the merchandiser tools (analytics, explanations, curation).

Two looks of six products each (``A*`` red/white sneakers, ``B*`` dresses) plus
one bag ``C0`` with no edges: SIMILAR edges inside each look (score
``0.9 - 0.05 * |i - j|``), RECOMMENDED ``Ai -> Bi`` (0.8) and ``Ai -> B(i+1)``
(0.6) from model ``run-1``, and two outfits: ``A1 -WORN_WITH- B0`` (3) and
``A0 -WORN_WITH- B2`` (2). Served by its own app with a write token.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from PIL import Image

from stylegraph.settings import Settings

TOKEN = "s3cret-token"
MODEL = "run-1"
N = 6


def sim_score(i: int, j: int) -> float:
    """SIMILAR score between two products of the same look."""
    return round(0.9 - 0.05 * abs(i - j), 3)


@dataclass
class Shop:
    """The running shop app."""

    url: str
    g: Any
    app: Any
    http: requests.Session

    def get(self, path: str, **kw: Any) -> requests.Response:
        """GET on the shop app."""
        return self.http.get(self.url + path, timeout=30, **kw)

    def write(self, method: str, path: str, token: str | None = TOKEN, **kw: Any) -> requests.Response:
        """A write request, with the token unless ``token`` is None."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return self.http.request(method, self.url + path, headers=headers, timeout=30, **kw)


def build_shop(g: Any, catalog: Path) -> None:
    """Write the shop's products and edges through the queries layer."""
    from stylegraph.queries.meta import bump_version
    from stylegraph.queries.recommended import Recommendation, upsert_recommended
    from stylegraph.queries.relations import RelationEdge, merge_relations
    from stylegraph.queries.bulk import merge_edges, merge_vertices

    catalog.mkdir(parents=True, exist_ok=True)
    vertices = []
    for look, category in (("A", "sneaker"), ("B", "dress")):
        for i in range(N):
            pid = f"{look}{i}"
            Image.new("RGB", (48, 48), (40 * i, 120 if look == "A" else 30, 200)).save(catalog / f"{pid}.png")
            vertices.append((pid, "product", {
                "title": f"{'red' if i < 3 else 'white'} {category} {i}", "category": category,
                "color": "red" if i < 3 else "white", "brand": "acme", "price": 20.0 + 10 * i,
                "in_stock": i != 5, "image": f"{pid}.png"}))
    Image.new("RGB", (48, 48), (0, 0, 0)).save(catalog / "C0.png")
    vertices.append(("C0", "product", {"title": "black bag", "category": "bag", "color": "black",
                                       "price": 50.0, "in_stock": True, "image": "C0.png"}))
    merge_vertices(g, vertices)
    merge_edges(g, [(f"{look}{i}", f"{look}{j}", "SIMILAR", {"score": sim_score(i, j)})
                    for look in "AB" for i in range(N) for j in range(N) if i != j])
    upsert_recommended(g, [Recommendation(f"A{i}", f"B{(i + d) % N}", s)
                           for i in range(N) for d, s in ((0, 0.8), (1, 0.6))], MODEL)
    merge_relations(g, [RelationEdge("A1", "B0", "WORN_WITH", 3.0), RelationEdge("A0", "B2", "WORN_WITH", 2.0)])
    bump_version(g)


def shop_settings(root: Path, **overrides: Any) -> Settings:
    """Settings of the shop app."""
    values: dict[str, Any] = dict(data_dir=root / "data", catalog_dir=root / "catalog", graph_url="memory:",
                                  cache_check_ms=60_000, app_write_token=TOKEN)
    values.update(overrides)
    return Settings.from_env({}, **values)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """The shop graph (in memory) served by its own app; the version is re-read only every
    minute, so a curation answer that changes at once proves the write refreshed the cache."""
    from stylegraph.graph.connect import close, connect
    from stylegraph.webapp import close_app, create_app
    from stylegraph.webapp.server import BackgroundServer

    root = tmp_path_factory.mktemp("shop")
    g = connect("memory:")
    build_shop(g, root / "catalog")
    app = create_app(shop_settings(root), g=g)
    with BackgroundServer(app, threads=4) as server, requests.Session() as http:
        yield Shop(url=server.url, g=g, app=app, http=http)
    close_app(app)
    close(g)
