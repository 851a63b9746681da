"""Shared fixtures for the loader tests: one tiny generated catalog per session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.torch_fixtures import N_PRODUCTS, PER_STYLE, SIZE, generated_catalog, one_torch_thread  # noqa: F401
import torch

os.environ.setdefault("DGLBACKEND", "pytorch")



@pytest.fixture(scope="session")
def catalog_master(tmp_path_factory) -> Path:
    """A 60-product catalog at 32 px (10 styles of 6); do not modify, copy it with ``catalog_dir``."""
    return generated_catalog(tmp_path_factory, "catalog")


@pytest.fixture
def catalog_dir(catalog_master: Path, tmp_path: Path) -> Path:
    """A private, modifiable copy of the session catalog."""
    dest = tmp_path / "catalog"
    shutil.copytree(catalog_master, dest)
    return dest


@pytest.fixture(scope="session")
def spec() -> dict:
    """A small, fast model spec: random-init ResNet-18 at 32 px."""
    from stylegraph.loader.embed import make_spec

    return make_spec("resnet18", "random", image_size=32, seed=0)


@pytest.fixture(scope="session")
def embedder(spec):
    """The embedder of ``spec`` (built once per session)."""
    from stylegraph.loader.embed import load_embedder

    return load_embedder(spec)
