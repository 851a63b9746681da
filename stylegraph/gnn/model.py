"""An inductive GraphSAGE recommender over two edge types (after DGL's GraphSAGE and PinSAGE).

* input: a product's feature vector (image embedding, catalog attributes,
  price) plus ``log(1 + relation degree)``, projected by an MLP (PinSAGE's
  ``LinearProjector``); there is no per-item id embedding, so a product the
  model never saw is encoded from its features and neighbours alone;
* ``num_layers`` layers, each a residual sum of one ``SAGEConv`` over
  ``SIMILAR`` neighbours (every product has them, new ones too) and one over
  relation neighbours (the training relations), then LayerNorm;
* scorer: ``s(u, v) = q_u . c_v + c_u . q_v + b_u + b_v + w . x_uv`` with
  query/candidate projections ``q``, ``c``, a bias ``b`` computed *from
  features* (an inductive popularity term) and learned weights ``w`` of the
  pair's common-neighbour counts ``x_uv`` (``structure.py``). Unlike a plain dot
  product it can score a top with trousers above a look-alike top.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn as nn
import torch.nn.functional as F

from stylegraph.gnn.config import GNNConfig

if TYPE_CHECKING:
    import dgl


def configure_torch() -> None:
    """Flush denormal floats to zero on CPU (denormals slowed CPU training 40x in our runs)."""
    torch.set_flush_denormal(True)


class RelationSAGE(nn.Module):
    """Encoder + query/candidate towers; see the module docstring."""

    def __init__(self, in_size: int, hidden: int = 128, num_layers: int = 2,
                 aggregator: str = "mean", dropout: float = 0.2) -> None:
        import dgl.nn as dglnn

        super().__init__()
        self.hidden = hidden
        self.project = nn.Sequential(nn.Linear(in_size + 1, hidden), nn.ReLU(),
                                     nn.Dropout(dropout), nn.Linear(hidden, hidden))
        self.similar_convs = nn.ModuleList(
            dglnn.SAGEConv(hidden, hidden, aggregator) for _ in range(num_layers))
        self.relation_convs = nn.ModuleList(
            dglnn.SAGEConv(hidden, hidden, aggregator) for _ in range(num_layers))
        self.norms = nn.ModuleList(nn.LayerNorm(hidden) for _ in range(num_layers))
        self.dropout = nn.Dropout(dropout)
        self.query = nn.Linear(hidden, hidden)
        self.candidate = nn.Linear(hidden, hidden)
        self.bias = nn.Linear(hidden, 1)
        # weights of the common-neighbour features (structure.py); starting them at 3 makes the
        # first ranking co-occurrence-led, which the dot-product terms then refine
        self.pair_weight = nn.Linear(2, 1, bias=False)
        self.scale = nn.Parameter(torch.tensor(2.0))
        nn.init.constant_(self.pair_weight.weight, 3.0)

    @classmethod
    def from_config(cls, cfg: GNNConfig, in_size: int) -> "RelationSAGE":
        """The model a config describes, for feature vectors of width ``in_size``."""
        return cls(in_size, cfg.hidden, cfg.num_layers, cfg.aggregator, cfg.dropout)

    def encode(self, similar: "dgl.DGLGraph", relations: "dgl.DGLGraph",
               feat: torch.Tensor) -> torch.Tensor:
        """Every node's hidden vector (full-graph message passing)."""
        degree = torch.log1p(relations.in_degrees().float())[:, None]
        h = self.project(torch.cat([feat, degree], dim=1))
        for sim, rel, norm in zip(self.similar_convs, self.relation_convs, self.norms):
            h = norm(h + self.dropout(F.relu(sim(similar, h) + rel(relations, h))))
        return h

    def towers(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(q, c, b)``: query and candidate vectors and the bias of every node.

        ``q`` and ``c`` are unit vectors times a learned scale, so the embedding terms start
        on the scale of the common-neighbour terms instead of drowning them.
        """
        scale = self.scale.abs()
        q = F.normalize(self.query(h), dim=-1) * scale
        c = F.normalize(self.candidate(h), dim=-1) * scale
        return q, c, self.bias(h).squeeze(-1)

    def score_pairs(self, q: torch.Tensor, c: torch.Tensor, b: torch.Tensor, u: torch.Tensor,
                    v: torch.Tensor, pair_feat: torch.Tensor | None = None) -> torch.Tensor:
        """``s(u_i, v_i)`` for aligned index tensors (``pair_feat``: their structural features)."""
        out = (q[u] * c[v]).sum(-1) + (c[u] * q[v]).sum(-1) + b[u] + b[v]
        if pair_feat is not None:
            out = out + self.pair_weight(pair_feat).squeeze(-1)
        return out

    def score_rows(self, q: torch.Tensor, c: torch.Tensor, b: torch.Tensor, rows: torch.Tensor,
                   cols: torch.Tensor | None = None,
                   pair_feat: torch.Tensor | None = None) -> torch.Tensor:
        """``s(u, v)`` for every ``u`` in ``rows`` and every ``v`` in ``cols`` (default: all);
        ``pair_feat`` is ``(rows, cols, 2)``."""
        qc, cq, bc = (q, c, b) if cols is None else (q[cols], c[cols], b[cols])
        out = q[rows] @ cq.T + c[rows] @ qc.T + b[rows][:, None] + bc[None, :]
        if pair_feat is not None:
            out = out + self.pair_weight(pair_feat).squeeze(-1)
        return out
