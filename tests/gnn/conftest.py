"""Shared fixtures for the GNN tests: one tiny synthetic catalog with outfits, one trained run."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("DGLBACKEND", "pytorch")

import torch  # noqa: E402

from .synthetic import make_catalog  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def catalog():
    """``(products, similar, relations, embeddings, style_of)`` for 90 products in 6 styles."""
    return make_catalog(90)


@pytest.fixture(scope="session")
def dataset(catalog):
    """The synthetic catalog as a :class:`RelationDataset` (seed 0)."""
    from stylegraph.gnn.dataset import ExportedGraph, build_dataset

    products, edges, relations, emb, _ = catalog
    return build_dataset(ExportedGraph(products, edges, relations), emb, seed=0)


def small_config(**changes):
    """A config small enough for the 2-core test machines."""
    from stylegraph.gnn.config import GNNConfig

    values = dict(name="t", hidden=32, batch_size=64, epochs=25, patience=8, negatives=64, seed=0)
    values.update(changes)
    return GNNConfig(**values)


@pytest.fixture(scope="session")
def trained(dataset, tmp_path_factory):
    """One finished training run on the synthetic dataset: ``TrainResult``."""
    from stylegraph.gnn.train import train_run

    runs_dir = tmp_path_factory.mktemp("runs")
    return train_run(dataset, small_config(), runs_dir, progress=False)
