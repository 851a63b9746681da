"""Fixtures for the inspection tests: a tiny generated catalog and one trained classifier run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.torch_fixtures import N_PRODUCTS, PER_STYLE, SIZE, generated_catalog, one_torch_thread  # noqa: F401
import torch

os.environ.setdefault("DGLBACKEND", "pytorch")



@pytest.fixture(scope="session")
def catalog(tmp_path_factory) -> Path:
    """60 generated products at 32 px; ``subcategory`` has 10 classes. Do not modify."""
    return generated_catalog(tmp_path_factory, "inspect-catalog")


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
