"""Fixtures shared by the test packages that train or run torch models on generated catalogs."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import torch

N_PRODUCTS, SIZE, PER_STYLE = 60, 32, 6


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    """One intra-op thread per test (several times faster on a busy 2-core box), restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def generated_catalog(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """The 60-product catalog at 32 px (10 styles of 6, seed 3) in a new temp dir ``name``."""
    from stylegraph.loader.sample_catalog import generate_catalog

    out = tmp_path_factory.mktemp(name)
    generate_catalog(out, N_PRODUCTS, seed=3, size=SIZE, per_style=PER_STYLE, progress=False)
    return out
