"""The DGL recommender that learns "goes with" from relation edges (GraphSAGE/PinSAGE-shaped).

Modules, in pipeline order:

* ``config``    -- ``GNNConfig``, every hyperparameter, the target and the split; ``config.json``.
* ``dataset``   -- streamed export through ``g``; node features (whitened image embedding,
  one-hot catalog attributes, scaled log-price); target pairs (relation edges, or pairs
  sharing a catalog label); the cold-start + warm split.
* ``structure`` -- common-neighbour counts of a pair (through a shared partner, through
  look-alikes), computed on the message-passing graph.
* ``model``     -- ``RelationSAGE``: feature projection, SAGEConv over SIMILAR + relations,
  query/candidate towers, inductive bias; no per-item id embedding.
* ``train``     -- full-graph training with per-epoch message/supervision cuts and simulated
  cold products, sampled softmax with uniform and two-hop negatives, early stopping on
  validation Recall@10.
* ``evaluate``  -- full-ranking Recall@10, Hits@10, MRR, NDCG@10 vs cosine, popularity and
  item-item co-occurrence on the same split; table and PNG.
* ``refine``    -- every product's top-k as ``RECOMMENDED`` edges; products added later.
* ``apply_new`` -- ``add-product``'s hook: RECOMMENDED edges from the promoted run.
* ``runs``      -- ``runs/<timestamp>-<name>/``, re-evaluating a saved run, the promotion gate and
  ``runs/latest``.
* ``cli``       -- ``stylegraph gnn train|evaluate|refine|promote|runs``.

torch and DGL are imported by these modules, so import them lazily from CLIs.
"""
