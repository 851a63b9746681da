"""The trained image model: a whole torchvision ResNet plus a linear embedding layer.

``stylegraph finetune`` trains every layer of it end to end with a metric
learning loss; ``stylegraph embed --weights RUN`` and visual search load it
back from the run's ``model.pth`` (format :data:`EMBEDDER_FORMAT`).

An embedding is ``normalize(net(x) - center)``: ``center`` is the mean
output over the training products, so cosine scores spread over [-1, 1]
instead of bunching near 1 (ReLU features share a large common direction).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torchvision
from torch import nn

EMBEDDER_FORMAT = "stylegraph-embedder/2"


def out_channels(layer: nn.Module) -> int:
    """Channels out of a ResNet stage (its last block's last convolution)."""
    last = layer[-1]
    conv = getattr(last, "conv3", None) or last.conv2
    return int(conv.out_channels)


class EmbeddingNet(nn.Module):
    """Backbone (classifier removed) -> global average pool -> Linear(dims)."""

    def __init__(self, arch: str, dims: int, backbone: nn.Module | None = None, seed: int = 0):
        super().__init__()
        if backbone is None:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                backbone = getattr(torchvision.models, arch)(weights=None)
        backbone.fc = nn.Identity()
        width = out_channels(backbone.layer4)
        self.arch = arch
        self.backbone = backbone
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed + 1)
            self.head = nn.Linear(width, dims)
        self.register_buffer("center", torch.zeros(dims))

    @property
    def dims(self) -> int:
        """The embedding size."""
        return int(self.head.out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Raw (not centred, not normalised) embeddings, what the loss sees."""
        return self.head(self.backbone(x))

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Centred, L2-normalised embeddings, what the graph and search use."""
        return nn.functional.normalize(self(x) - self.center, dim=1)


def save_embedder(net: EmbeddingNet, path: str | Path, image_size: int, extra: dict[str, Any]) -> Path:
    """Write ``net`` as a weights-only checkpoint (tensors and plain values, no pickled code)."""
    torch.save({"format": EMBEDDER_FORMAT, "arch": net.arch, "dims": net.dims, "image_size": int(image_size),
                "state_dict": {k: v.detach().clone() for k, v in net.state_dict().items()}, **extra}, path)
    return Path(path)


def load_embedding_net(ckpt: dict[str, Any]) -> EmbeddingNet:
    """Rebuild the network of a checkpoint written by :func:`save_embedder`."""
    net = EmbeddingNet(str(ckpt["arch"]), int(ckpt["dims"]))
    net.load_state_dict(ckpt["state_dict"])
    return net.eval()
