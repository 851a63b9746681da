"""The ``withStrategies()`` strategies that change or check a traversal (TinkerPop's
decoration and verification strategies), as passes over the compiled step list.

- :mod:`.catalog`: which strategy names are accepted, and the pass each one makes;
- :mod:`.rewrite`: helpers the passes share (nested traversals, criteria as steps);
- :mod:`.subgraph`: SubgraphStrategy; :mod:`.partition`: PartitionStrategy;
  :mod:`.element_id`: ElementIdStrategy;
- :mod:`.verification`: EdgeLabelVerificationStrategy, ReservedKeysVerificationStrategy,
  StandardVerificationStrategy.
"""
