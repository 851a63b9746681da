"""Fixtures for the image inspection routes: a tiny trained classifier and the app under a real server."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
import torch
from PIL import Image

TOKEN = "review-t0ken"


@dataclass
class InspectLive:
    """The running app, its settings and a session."""

    url: str
    app: Any
    http: requests.Session
    review_db: Path
    classes: list[str]
    photos: list[Path]


def png_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    """``image`` encoded as ``fmt``."""
    buf = io.BytesIO()
    image.save(buf, format=fmt)
    return buf.getvalue()


@pytest.fixture(scope="session")
def inspect_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A probe-only classifier on a generated catalog, saved with threshold 2 (every photo to review)."""
    from stylegraph.inspect.model import CHECKPOINT
    from stylegraph.inspect.train import InspectConfig, train_inspector
    from stylegraph.loader.sample_catalog import generate_catalog

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        root = tmp_path_factory.mktemp("inspect-web")
        generate_catalog(root / "catalog", 40, seed=5, size=32, per_style=4, progress=False)
        run, _ = train_inspector(InspectConfig(catalog=str(root / "catalog"), label="subcategory", weights="random",
                                               image_size=32, epochs=0, val_fraction=0.25,
                                               runs_dir=str(root / "runs")), progress=False)
        ckpt = torch.load(run / CHECKPOINT, weights_only=True)
        ckpt["threshold"] = 2.0  # the queue tests need doubtful photos; accepted ones are tested in tests/inspect
        torch.save(ckpt, run / CHECKPOINT)
    finally:
        torch.set_num_threads(before)
    return run, root / "catalog"


@pytest.fixture
def inspect_live(inspect_run: tuple[Path, Path], tmp_path: Path) -> Iterator[InspectLive]:
    """A fresh app (own empty review queue) under waitress on an ephemeral port."""
    from stylegraph.settings import Settings
    from stylegraph.webapp import close_app, create_app
    from stylegraph.webapp.server import BackgroundServer

    run, catalog = inspect_run
    settings = Settings.from_env({}, graph_url="memory:", cache_size=0, data_dir=tmp_path / "data",
                                 inspect_run=str(run), review_db=tmp_path / "review" / "queue.db",
                                 app_write_token=TOKEN, search_max_batch=8, search_max_wait_ms=60.0)
    app = create_app(settings)
    import json

    classes = json.loads((run / "metrics.json").read_text())["classes"]
    with BackgroundServer(app, threads=8) as server, requests.Session() as http:
        yield InspectLive(server.url, app, http, settings.review_db, classes,
                          sorted((catalog / "images").glob("*.png")))
    close_app(app)
