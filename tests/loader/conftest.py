"""Shared fixtures for the loader tests: one tiny generated catalog per session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import torch

os.environ.setdefault("DGLBACKEND", "pytorch")

N_PRODUCTS = 60
SIZE = 32
PER_STYLE = 6


@pytest.fixture(autouse=True)
def one_torch_thread():
    """One intra-op thread per loader test (several times faster on a busy 2-core box), restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def catalog_master(tmp_path_factory) -> Path:
    """A 60-product catalog at 32 px (10 styles of 6); do not modify, copy it with ``catalog_dir``."""
    from stylegraph.loader.sample_catalog import generate_catalog

    out = tmp_path_factory.mktemp("catalog")
    generate_catalog(out, N_PRODUCTS, seed=3, size=SIZE, per_style=PER_STYLE, progress=False)
    return out


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
