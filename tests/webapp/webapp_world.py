"""Shared pieces of the web app tests (used by ``conftest.py`` and the test modules).

The session fixtures in ``conftest.py`` build, once:

* ``world``: 24 rendered product photos (``stylegraph.loader.sample_catalog``),
  embedded with a small random-weight ResNet-18 (``stylegraph.loader.embed``,
  saved and activated in ``data/embeddings``), and an embedded (SQLite) graph
  loaded by the real loader (``stylegraph.loader.load``) with the products and
  their top-3 ``SIMILAR`` edges (faiss, ``stylegraph.loader.knn``), plus
  ``RECOMMENDED`` edges written by the GNN's writer
  (``stylegraph.queries.recommended``) for the first eight products only (the
  others exercise the fallback);
* ``live``: the app served by waitress on an ephemeral port.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from stylegraph.settings import Settings

N_PRODUCTS = 24
KNN_K = 3
RECOMMENDED_FOR = 8
MODEL_RUN = "test-gnn-run"
UPLOAD_LIMIT = 256 * 1024


@dataclass
class World:
    """Everything the tests know about the generated data."""

    root: Path
    catalog: Any  # stylegraph.loader.catalog.Catalog
    g: Any
    similar: dict[str, list[tuple[str, float]]]
    recommended: dict[str, list[tuple[str, float]]]

    def product(self, pid: str) -> Any:
        """The catalog row of ``pid``."""
        return self.catalog.by_id()[pid]


def app_settings(world: World, **overrides: Any) -> Settings:
    """Settings pointing at the world's catalog and data directories."""
    values: dict[str, Any] = dict(
        data_dir=world.root / "data",
        catalog_dir=world.root / "catalog",
        graph_url="embedded://" + str(world.root / "graph.db"),
        cache_check_ms=20,
        upload_max_bytes=UPLOAD_LIMIT,
        search_max_batch=8,
        search_max_wait_ms=40.0,
    )
    values.update(overrides)
    return Settings.from_env({}, **values)


@dataclass
class Live:
    """A running server and a session to talk to it."""

    url: str
    app: Any
    http: requests.Session

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET ``path`` on the live server."""
        return self.http.get(self.url + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """POST ``path`` on the live server."""
        return self.http.post(self.url + path, timeout=60, **kwargs)
