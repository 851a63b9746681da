"""The DGL link predictor that refines the product graph (GraphSAGE, after DGL's link_pred example).

Modules, in pipeline order:

* ``config``   -- ``GNNConfig``, every hyperparameter; saved as ``config.json`` in the run dir.
* ``dataset``  -- export through ``g`` (paged), node features (standardised CNN embedding +
  one-hot category + scaled log-price), train/val/test split of *unordered* pairs.
* ``sampler``  -- ``NeighborSampler`` + ``as_edge_prediction_sampler`` (uniform negatives,
  ``exclude="reverse_id"``).
* ``model``    -- ``SAGE``: SAGEConv layers, dot or MLP edge scorer, layer-wise ``inference()``.
* ``train``    -- minibatch BCE training, early stopping on validation MRR, the run dir.
* ``evaluate`` -- ROC-AUC, Hits@10, MRR on held-out edges next to the cosine baseline.
* ``refine``   -- candidates (2-hop ∪ top-m in GNN space) scored into ``RECOMMENDED`` edges.
* ``runs``     -- ``runs/<timestamp>-<name>/`` (config.json, features.json, split.npz,
  model.pt, metrics.json, curve.png, train.log) and the ``runs/latest`` symlink.
* ``cli``      -- ``stylegraph gnn train|evaluate|refine|promote|runs``.

torch and DGL are imported by these modules, so import them lazily from CLIs.
"""
