"""GraphSAGE encoder with a dot-product or MLP edge scorer (after DGL's link_pred example).

``forward(blocks, x)`` encodes the seed nodes of a sampled minibatch;
``inference(graph, ...)`` computes every node's embedding layer by layer
over full neighbourhoods, so memory stays bounded by the batch size rather
than by the fan-out of a multi-hop neighbourhood.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm import tqdm

from stylegraph.gnn.sampler import quiet_dgl
from stylegraph.gnn.config import GNNConfig

if TYPE_CHECKING:
    import dgl


def configure_torch() -> None:
    """Flush denormal floats to zero on CPU.

    Weight decay drives many weights towards zero; once their gradients turn
    denormal, CPU training slowed down 40x in our runs (2 s -> 90 s per epoch).
    """
    torch.set_flush_denormal(True)


class SAGE(nn.Module):
    """``num_layers`` SAGEConv layers and an edge scorer on ``(h_u, h_v)``."""

    def __init__(self, in_size: int, hidden: int, num_layers: int = 2, aggregator: str = "mean",
                 dropout: float = 0.1, scorer: str = "mlp") -> None:
        import dgl.nn as dglnn

        super().__init__()
        if scorer not in ("dot", "mlp"):
            raise ValueError(f"scorer must be 'dot' or 'mlp', got {scorer!r}")
        self.hidden = hidden
        self.scorer = scorer
        self.layers = nn.ModuleList()
        for i in range(num_layers):
            self.layers.append(dglnn.SAGEConv(in_size if i == 0 else hidden, hidden, aggregator))
        self.dropout = nn.Dropout(dropout)
        if scorer == "mlp":
            self.predictor = nn.Sequential(
                nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1)
            )
        else:
            self.predictor = None

    @classmethod
    def from_config(cls, cfg: GNNConfig, in_size: int) -> "SAGE":
        """The model a config describes, for inputs of width ``in_size``."""
        return cls(in_size, cfg.hidden, cfg.num_layers, cfg.aggregator, cfg.dropout, cfg.scorer)

    def _layer(self, i: int, block: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
        h = self.layers[i](block, h)
        if i != len(self.layers) - 1:
            h = self.dropout(F.relu(h))
        return h

    def forward(self, blocks: list["dgl.DGLGraph"], x: torch.Tensor) -> torch.Tensor:
        """Embeddings of the output nodes of ``blocks`` from input features ``x``."""
        h = x
        for i, block in enumerate(blocks):
            h = self._layer(i, block, h)
        return h

    def score(self, h_src: torch.Tensor, h_dst: torch.Tensor) -> torch.Tensor:
        """Link logits for aligned rows (or broadcastable stacks) of source/destination embeddings."""
        if self.predictor is None:
            return (h_src * h_dst).sum(-1)
        return self.predictor(h_src * h_dst).squeeze(-1)

    def score_pairs(self, h: torch.Tensor, pair_graph: "dgl.DGLGraph") -> torch.Tensor:
        """Logits of every edge of ``pair_graph`` (whose nodes index ``h``)."""
        src, dst = pair_graph.edges()
        return self.score(h[src], h[dst])

    @torch.no_grad()
    def inference(self, graph: "dgl.DGLGraph", feat: torch.Tensor, batch_size: int = 1024,
                  device: str | torch.device = "cpu", progress: bool = False) -> torch.Tensor:
        """Every node's embedding, one layer at a time over full neighbourhoods."""
        from dgl.dataloading import DataLoader, MultiLayerFullNeighborSampler

        was_training = self.training
        self.eval()
        sampler = MultiLayerFullNeighborSampler(1)
        nodes = torch.arange(graph.num_nodes())
        loader = DataLoader(graph, nodes, sampler, batch_size=batch_size, shuffle=False,
                            drop_last=False, num_workers=0, device=device)
        h_all = feat
        with quiet_dgl():
            h_all = self._inference_layers(loader, graph, h_all, device, progress)
        self.train(was_training)
        return h_all

    def _inference_layers(self, loader, graph, h_all: torch.Tensor,
                          device: str | torch.device, progress: bool) -> torch.Tensor:
        for i in range(len(self.layers)):
            out = torch.empty(graph.num_nodes(), self.hidden)
            for input_nodes, output_nodes, blocks in tqdm(
                loader, desc=f"inference layer {i + 1}", disable=not progress, leave=False
            ):
                x = h_all[input_nodes].to(device)
                out[output_nodes] = self._layer(i, blocks[0], x).cpu()
            h_all = out
        return h_all
