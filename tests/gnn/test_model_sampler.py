"""The GraphSAGE model and the edge-prediction sampler."""
from __future__ import annotations

import dgl
import pytest
import torch
from dgl.dataloading import MultiLayerFullNeighborSampler

from .conftest import small_config
from stylegraph.gnn.model import SAGE
from stylegraph.gnn.sampler import quiet_dgl, train_loader


@pytest.mark.parametrize("scorer", ["dot", "mlp"])
def test_layerwise_inference_equals_full_neighbour_forward(dataset, scorer):
    torch.manual_seed(0)
    model = SAGE(dataset.spec.dim, 16, num_layers=2, scorer=scorer).eval()
    g = dataset.train_graph
    nodes = torch.arange(g.num_nodes())
    _, _, blocks = MultiLayerFullNeighborSampler(2).sample_blocks(g, nodes)
    with torch.no_grad():
        direct = model(blocks, dataset.feat[blocks[0].srcdata[dgl.NID]])
    layerwise = model.inference(g, dataset.feat, batch_size=7)
    assert layerwise.shape == (g.num_nodes(), 16)
    assert torch.allclose(direct, layerwise, atol=1e-5)


@pytest.mark.parametrize("scorer", ["dot", "mlp"])
def test_scorers_are_symmetric_and_batched(scorer):
    torch.manual_seed(0)
    model = SAGE(8, 16, scorer=scorer).eval()
    a, b = torch.randn(5, 16), torch.randn(5, 16)
    assert torch.allclose(model.score(a, b), model.score(b, a), atol=1e-6)
    # one source against a stack of destinations
    stacked = model.score(a[:, None, :], torch.stack([b, a], 1))
    assert stacked.shape == (5, 2)
    assert torch.allclose(stacked[:, 0], model.score(a, b), atol=1e-6)


def test_layer_count_is_configurable():
    assert len(SAGE(8, 4, num_layers=3).layers) == 3
    with pytest.raises(ValueError, match="scorer"):
        SAGE(8, 4, scorer="cosine")


def test_sampler_never_shows_a_seed_edge_or_its_reverse(dataset):
    cfg = small_config(batch_size=16, fanouts=[-1, -1], neg_ratio=3)  # full neighbourhoods
    g = dataset.train_graph
    loader = train_loader(g, torch.arange(g.num_edges()), cfg, dataset.reverse_eids)
    batches = 0
    with quiet_dgl():
        minibatches = list(loader)
    for input_nodes, pair_graph, neg_graph, blocks in minibatches:
        seeds = pair_graph.edata[dgl.EID]
        banned = set(seeds.tolist()) | set(dataset.reverse_eids[seeds].tolist())
        for block in blocks:
            assert not banned & set(block.edata[dgl.EID].tolist())
        # neg_ratio uniform negatives per positive, each sharing its positive's source
        assert neg_graph.num_edges() == 3 * pair_graph.num_edges()
        assert torch.equal(neg_graph.edges()[0], pair_graph.edges()[0].repeat_interleave(3))
        batches += 1
    assert batches == -(-g.num_edges() // 16)


def test_sampler_respects_fanouts(dataset):
    cfg = small_config(batch_size=32, fanouts=[2, 3])
    g = dataset.train_graph
    loader = train_loader(g, torch.arange(g.num_edges()), cfg, dataset.reverse_eids)
    with quiet_dgl():
        _, _, _, blocks = next(iter(loader))
    # blocks[-1] feeds the output layer: at most fanouts[-1] in-edges per destination
    assert int(blocks[-1].in_degrees().max()) <= 3
    assert int(blocks[0].in_degrees().max()) <= 2
