"""Gremlin steps, one module per category; importing this package registers them all."""
from stylegraph.graph.steps import (  # noqa: F401  (imported for registration)
    barrier, branch, call, collection, conversion, dates, filter, flatmap, format, graph_files, group, map,
    match, math, merge, mutation, range, side_effect, start, string, tree, where,
)
from stylegraph.graph.steps.base import STEPS, Context, Step, Traversal

__all__ = ["STEPS", "Context", "Step", "Traversal"]
