"""Load Neptune bulk-load CSVs into any product graph (Gremlin or Cypher): idempotent and batched.

Existing elements are read first and only new or changed ones are written
(idempotent upserts: chained ``mergeV``/``mergeE``, or Cypher ``UNWIND ... MERGE``), so a
re-run writes nothing and leaves the version stamp alone. With ``prune``,
out-edges of the loaded labels (e.g. ``SIMILAR``) that the file no longer
lists are dropped from the loaded vertices, so a rebuilt kNN graph replaces
the old one instead of piling up on it.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence, TypeVar

from tqdm import tqdm

from stylegraph.graph.gc_pause import gc_paused
from stylegraph.loader.neptune_csv import (
    EDGES_FILE,
    VERTICES_FILE,
    EdgeRecord,
    NeptuneCsvError,
    VertexRecord,
    read_edges,
    read_vertices,
)
from stylegraph.queries.connect import as_product_graph
from stylegraph.queries.interface import EdgeKey, ProductGraph

log = logging.getLogger(__name__)
Item = TypeVar("Item")


@dataclass
class LoadStats:
    """What a load changed."""

    vertices_created: int = 0
    vertices_updated: int = 0
    vertices_unchanged: int = 0
    edges_created: int = 0
    edges_updated: int = 0
    edges_unchanged: int = 0
    edges_dropped: int = 0
    version: int | None = None

    @property
    def changed(self) -> bool:
        """Whether the graph was written at all."""
        return bool(self.vertices_created or self.vertices_updated or self.edges_created
                    or self.edges_updated or self.edges_dropped)

    def as_dict(self) -> dict[str, Any]:
        """The counters as a plain dict."""
        return asdict(self)


def _batches(items: Sequence[Item], size: int) -> Iterator[Sequence[Item]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _same(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for key, value in wanted.items():
        have = stored.get(key)
        if isinstance(value, float) and isinstance(have, (int, float)) and not isinstance(have, bool):
            if float(have) != value:
                return False
        elif have != value:
            return False
    return True


def load_vertices(g: ProductGraph, vertices: Sequence[VertexRecord], stats: LoadStats,
                  batch_size: int, progress: bool) -> None:
    """Upsert vertices that are new or differ from the graph."""
    with tqdm(total=len(vertices), desc="load vertices", unit="v", disable=not progress) as bar:
        for batch in _batches(vertices, batch_size):
            existing = g.vertex_properties([v.id for v in batch])
            todo = []
            for v in batch:
                have = existing.get(v.id)
                if have is None:
                    stats.vertices_created += 1
                elif have.get("label") != v.label:
                    raise NeptuneCsvError(
                        f"vertex {v.id!r} exists with label {have.get('label')!r}, the file says {v.label!r}")
                elif _same(have, v.properties):
                    stats.vertices_unchanged += 1
                    continue
                else:
                    stats.vertices_updated += 1
                todo.append((v.id, v.label, v.properties))
            g.merge_vertices(todo)
            bar.update(len(batch))


def load_edges(g: ProductGraph, edges: Sequence[EdgeRecord], stats: LoadStats,
               batch_size: int, progress: bool) -> None:
    """Upsert edges that are new or differ from the graph (an edge is its label and endpoints)."""
    with tqdm(total=len(edges), desc="load edges", unit="e", disable=not progress) as bar:
        for batch in _batches(edges, batch_size):
            existing = g.edge_properties([_key(e) for e in batch])
            todo = []
            for e in batch:
                have = existing.get(_key(e))
                if have is None:
                    stats.edges_created += 1
                elif _same(have, e.properties):
                    stats.edges_unchanged += 1
                    continue
                else:
                    stats.edges_updated += 1
                todo.append((e.out_id, e.in_id, e.label, e.properties))
            g.merge_edges(todo)
            bar.update(len(batch))


def _key(e: EdgeRecord) -> EdgeKey:
    return (e.out_id, e.label, e.in_id)


def _check_unique_pairs(edges: Sequence[EdgeRecord]) -> None:
    """The graph holds one edge per (from, label, to): two records for the same one are an error."""
    seen: dict[EdgeKey, str] = {}
    for e in edges:
        first = seen.setdefault(_key(e), e.id)
        if first != e.id:
            raise NeptuneCsvError(
                f"edges {first!r} and {e.id!r} both go {e.out_id}-{e.label}->{e.in_id}; "
                "one edge per label and ordered pair of products; nothing was loaded")


def _check_endpoints(g: ProductGraph, vertices: Sequence[VertexRecord],
                     edges: Sequence[EdgeRecord], batch_size: int) -> None:
    known = {v.id for v in vertices}
    outside = sorted({x for e in edges for x in (e.out_id, e.in_id)} - known)
    found: set[str] = set()
    for batch in _batches(outside, batch_size):
        found |= g.existing_ids(list(batch))
    missing = [x for x in outside if x not in found]
    if missing:
        edge = next(e for e in edges if e.out_id in missing or e.in_id in missing)
        raise NeptuneCsvError(
            f"{len(missing)} edge endpoint(s) are neither in the vertices file nor in the graph, "
            f"e.g. {missing[:5]} (edge {edge.id!r}); nothing was loaded")


def prune_edges(g: ProductGraph, sources: Sequence[str], edges: Sequence[EdgeRecord],
                stats: LoadStats, batch_size: int) -> None:
    """Drop out-edges of ``sources`` with a loaded label that ``edges`` does not list."""
    for label in sorted({e.label for e in edges}):
        keep: dict[str, set[str]] = {}
        for e in edges:
            if e.label == label:
                keep.setdefault(e.out_id, set()).add(e.in_id)
        for batch in _batches(list(sources), batch_size):
            stale = g.stale_out_edges(list(batch), label, keep)
            stats.edges_dropped += g.drop_edges(stale)


def load_records(graph: Any, vertices: Sequence[VertexRecord], edges: Sequence[EdgeRecord], *,
                 batch_size: int = 200, prune: bool = True, progress: bool = True) -> LoadStats:
    """Make the graph (a ProductGraph, or a Gremlin ``g``) hold ``vertices`` and ``edges``;
    bump the version only if something changed."""
    g = as_product_graph(graph)
    if batch_size < 1:
        raise ValueError(f"batch size must be >= 1, got {batch_size}")
    stats = LoadStats()
    # the records and (embedded) the growing graph are millions of GC-tracked objects
    with gc_paused():
        _check_unique_pairs(edges)
        _check_endpoints(g, vertices, edges, batch_size)
        load_vertices(g, vertices, stats, batch_size, progress)
        load_edges(g, edges, stats, batch_size, progress)
        if prune and edges:
            sources = sorted({v.id for v in vertices} | {e.out_id for e in edges})
            prune_edges(g, sources, edges, stats, batch_size)
    if stats.changed:
        stats.version = g.bump_version()
    log.debug("load: %s", stats.as_dict())
    return stats


def load_csv(g: Any, csv_dir: str | Path, *, batch_size: int = 200, prune: bool = True,
             progress: bool = True) -> LoadStats:
    """Read ``vertices.csv`` and ``edges.csv`` from ``csv_dir`` (both validated first) and load them."""
    csv_dir = Path(csv_dir)
    if not csv_dir.is_dir():
        raise NeptuneCsvError(f"{csv_dir}: not a directory")
    vfile, efile = csv_dir / VERTICES_FILE, csv_dir / EDGES_FILE
    if not vfile.exists() and not efile.exists():
        raise NeptuneCsvError(f"{csv_dir}: neither {VERTICES_FILE} nor {EDGES_FILE} found")
    vertices = read_vertices(vfile) if vfile.exists() else []
    edges = read_edges(efile) if efile.exists() else []
    return load_records(g, vertices, edges, batch_size=batch_size, prune=prune, progress=progress)
