"""Minibatch sampling for link prediction: DGL neighbour sampling + uniform negatives.

Composed as in DGL's GraphSAGE link-prediction example: a ``NeighborSampler``
with one fan-out per layer, wrapped by ``as_edge_prediction_sampler`` with
``exclude="reverse_id"`` so neither a seed edge nor its reverse is visible to
the encoder while it predicts that edge.
"""
from __future__ import annotations

import contextlib
import warnings
from typing import TYPE_CHECKING, Iterator

import torch

from stylegraph.gnn.config import GNNConfig

if TYPE_CHECKING:
    import dgl
    from dgl.dataloading import DataLoader, EdgePredictionSampler


_AFFINITY_WARNING = "Dataloader CPU affinity opt is not enabled"


@contextlib.contextmanager
def quiet_dgl() -> Iterator[None]:
    """Silence DGL's per-iteration CPU-affinity hint (it only matters with worker processes)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_AFFINITY_WARNING)
        yield


def edge_sampler(cfg: GNNConfig, reverse_eids: torch.Tensor) -> "EdgePredictionSampler":
    """The edge-prediction sampler for ``cfg``: fan-outs, uniform negatives, reverse exclusion."""
    from dgl.dataloading import NeighborSampler, as_edge_prediction_sampler, negative_sampler

    return as_edge_prediction_sampler(
        NeighborSampler(list(cfg.fanouts)),
        exclude="reverse_id",
        reverse_eids=reverse_eids,
        negative_sampler=negative_sampler.Uniform(cfg.neg_ratio),
    )


def train_loader(graph: "dgl.DGLGraph", seed_eids: torch.Tensor, cfg: GNNConfig,
                 reverse_eids: torch.Tensor, device: str | torch.device = "cpu") -> "DataLoader":
    """A shuffled DGL DataLoader over ``seed_eids`` yielding
    ``(input_nodes, pair_graph, neg_pair_graph, blocks)``."""
    from dgl.dataloading import DataLoader

    return DataLoader(
        graph, seed_eids, edge_sampler(cfg, reverse_eids), device=device,
        batch_size=cfg.batch_size, shuffle=True, drop_last=False, num_workers=0,
    )
