"""Pausing Python's cyclic garbage collector around bulk work on the graph.

A graph of a million elements is a million GC-tracked objects; every full
collection walks all of them, and a traversal or bulk load that allocates
many objects triggers collections again and again (10x slowdowns measured on
bulk writes). The garbage those loops make is acyclic and freed by reference
counting, so the collector can wait until the work is done.

The switch is process-wide, so it is used only around one-off bulk work (opening
a graph from its store, the loaders), never per request: concurrent requests
would turn it on and off under each other. Traversals instead keep what they
hold small (``repeat()`` works in chunks), and the graph loaded at start-up is
moved out of the collector's sight (:func:`freeze_survivors`).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC for the block (re-enabled after, if it was on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_survivors() -> None:
    """Move every object alive now (the loaded graph) out of the collector's sight."""
    gc.collect()
    gc.freeze()
