"""Fixtures for the inspection tests: a tiny generated catalog and one trained classifier run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

os.environ.setdefault("DGLBACKEND", "pytorch")

N_PRODUCTS, SIZE, PER_STYLE = 60, 32, 6


@pytest.fixture(autouse=True)
def one_torch_thread():
    """One intra-op thread per test (several times faster on a busy 2-core box), restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def catalog(tmp_path_factory) -> Path:
    """60 generated products at 32 px; ``subcategory`` has 10 classes. Do not modify."""
    from stylegraph.loader.sample_catalog import generate_catalog

    out = tmp_path_factory.mktemp("inspect-catalog")
    generate_catalog(out, N_PRODUCTS, seed=3, size=SIZE, per_style=PER_STYLE, progress=False)
    return out


def tiny_config(catalog: Path, runs: Path, **kw):
    """A fast training configuration on the tiny catalog."""
    from stylegraph.inspect.train import InspectConfig

    base = dict(catalog=str(catalog), label="subcategory", weights="random", image_size=SIZE, epochs=1,
                batch_size=16, val_fraction=0.25, runs_dir=str(runs), name="tiny")
    base.update(kw)
    return InspectConfig(**base)


@pytest.fixture(scope="session")
def trained(catalog: Path, tmp_path_factory) -> tuple[Path, dict]:
    """One run: linear probe + one end-to-end epoch from random weights."""
    from stylegraph.inspect.train import train_inspector

    torch.set_num_threads(1)
    return train_inspector(tiny_config(catalog, tmp_path_factory.mktemp("inspect-runs")), progress=False)
