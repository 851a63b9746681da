"""Fixtures for the web app tests: a tiny generated catalog, the real graph store, a live server."""
from __future__ import annotations

from typing import Iterator

import pytest
import requests

# the browser fixture declared once for every explorer test module (a fixture imported into two
# modules would start two Playwright drivers, and the second refuses to run inside the first's loop)
from .explorer_fixtures import browser, tab  # noqa: F401 (fixtures)
from .webapp_world import KNN_K, MODEL_RUN, N_PRODUCTS, RECOMMENDED_FOR, Live, World, app_settings


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The generated catalog, its embeddings and the loaded graph."""
    from stylegraph.graph.connect import close, connect
    from stylegraph.loader.catalog import read_catalog
    from stylegraph.loader.embed import load_embedder, make_spec
    from stylegraph.loader.embed_catalog import embed_catalog
    from stylegraph.loader.knn import similar_edges, top_k
    from stylegraph.loader.load import load_records
    from stylegraph.loader.neptune_csv import product_vertices, similar_edge_records
    from stylegraph.loader.sample_catalog import generate_catalog
    from stylegraph.queries.meta import bump_version
    from stylegraph.queries.recommended import Recommendation, upsert_recommended

    root = tmp_path_factory.mktemp("webapp")
    generate_catalog(root / "catalog", N_PRODUCTS, seed=3, size=64, per_style=4, progress=False)
    catalog = read_catalog(root / "catalog")
    embedder = load_embedder(make_spec("resnet18", "random", image_size=64, seed=0))
    emb = embed_catalog(catalog, embedder, root / "data", batch_size=32, progress=False).embeddings
    ids = emb.ids.tolist()
    nbr_ids, scores = top_k(ids, emb.vectors, KNN_K, kind="exact")

    edges = similar_edges(ids, nbr_ids, scores)
    similar: dict[str, list[tuple[str, float]]] = {}
    for edge in edges:
        similar.setdefault(edge.out_id, []).append((edge.in_id, float(edge.score)))
    recs = [
        Recommendation(src, ids[(i + j * 5) % len(ids)], round(0.9 - 0.1 * j, 3))
        for i, src in enumerate(ids[:RECOMMENDED_FOR])
        for j in range(1, 4)
    ]
    recommended: dict[str, list[tuple[str, float]]] = {}
    for rec in recs:
        recommended.setdefault(rec.src, []).append((rec.dst, rec.score))

    g = connect("embedded://" + str(root / "graph.db"))
    # the real write paths: the loader's batched mergeV/mergeE, the GNN's RECOMMENDED upsert
    load_records(g, product_vertices(catalog), similar_edge_records(edges), progress=False)
    upsert_recommended(g, recs, MODEL_RUN)
    bump_version(g)
    yield World(root=root, catalog=catalog, g=g, similar=similar, recommended=recommended)
    close(g)


@pytest.fixture(scope="session")
def live(world: World) -> Iterator[Live]:
    """The app (sharing the world's ``g``) under waitress on an ephemeral port."""
    from stylegraph.webapp import close_app, create_app
    from stylegraph.webapp.server import BackgroundServer

    app = create_app(app_settings(world), g=world.g)
    with BackgroundServer(app, threads=8) as server, requests.Session() as http:
        yield Live(url=server.url, app=app, http=http)
    close_app(app)
