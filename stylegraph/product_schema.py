"""The product graph's data model, declared once: vertex and edge labels and property keys.

See ``docs/INTERFACES.md`` ("The product graph's data model") for what each means.
"""
from __future__ import annotations

PRODUCT = "product"  # vertex label; id = the catalog's product_id
SIMILAR = "SIMILAR"  # product -> product, cosine top-k of the image embeddings
RECOMMENDED = "RECOMMENDED"  # product -> product, the GNN's "goes with" predictions
CURATED = "CURATED"  # product -> item, a merchandiser's pin or ban (queries/curation.py)
# labels that are not relations (computed by stylegraph, or curation); every other edge
# label is a relation kind (WORN_WITH, ...)
DERIVED_LABELS = (SIMILAR, RECOMMENDED, CURATED)

SCORE = "score"  # SIMILAR and RECOMMENDED: Double
MODEL = "model"  # RECOMMENDED: the GNN run's name
WEIGHT = "weight"  # relation edges: Double, number of co-occurrences
