"""Relation files (outfits, baskets, transactions) -> weighted product-product edges in the graph.

Formats (CSV, first line a header, columns taken by position):

* ``groups``: ``group_id,product_id`` -- every pair of products in a group
  (an outfit, a basket, a room) is related;
* ``pairs``: ``product_a,product_b[,weight]`` -- weight defaults to 1;
* ``transactions``: ``customer_id,timestamp,product_id`` (extra columns
  ignored) -- one customer's purchases within a window form a basket:
  by default the same calendar day; with a duration (``2h``, ``3d``) a new
  basket starts when a purchase is more than the window after the first
  purchase of the current basket.

The weight of a pair is its number of co-occurrences (groups, baskets, or the
sum of ``pairs`` weights). The whole file is validated before anything is
written: malformed rows are reported with their line numbers and nothing is
loaded. Product ids that are not in the graph are counted and reported; their
pairs are not loaded. Loading is idempotent: a re-run of the same file sets
the same weights and writes nothing.
"""
from __future__ import annotations

import csv
import itertools
import logging
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from tqdm import tqdm

from stylegraph.graph.gc_pause import gc_paused
from stylegraph.product_schema import PRODUCT, WEIGHT
from stylegraph.queries.connect import as_product_graph
from stylegraph.queries.relations import RelationEdge, check_kind, ordered

log = logging.getLogger(__name__)
FORMATS = ("groups", "pairs", "transactions")
MAX_REPORTED_ERRORS = 20
DEFAULT_MAX_GROUP = 200
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RelationsError(ValueError):
    """A relations file cannot be loaded (the message names the lines at fault)."""


@dataclass
class RelationStats:
    """What reading and loading a relations file found and changed."""

    kind: str
    rows: int = 0
    groups: int = 0
    groups_too_large: int = 0
    pairs: int = 0
    unknown_ids: int = 0
    unknown_examples: list[str] = field(default_factory=list)
    pairs_skipped: int = 0
    edges_created: int = 0
    edges_updated: int = 0
    edges_unchanged: int = 0
    version: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The counters as a plain dict."""
        return asdict(self)

    def summary(self) -> str:
        """A few human-readable lines."""
        lines = [f"{self.kind}: {self.rows} rows, {self.groups} groups, {self.pairs} distinct pairs",
                 f"edges: {self.edges_created} created, {self.edges_updated} updated, "
                 f"{self.edges_unchanged} unchanged"]
        if self.groups_too_large:
            lines.append(f"{self.groups_too_large} groups larger than the group limit were skipped")
        if self.unknown_ids:
            lines.append(f"{self.unknown_ids} product ids not in the graph (e.g. "
                         f"{', '.join(self.unknown_examples)}): {self.pairs_skipped} pairs not loaded")
        return "\n".join(lines)


def parse_window(text: str | None) -> timedelta | None:
    """``None``/``day`` (the same calendar day) or a duration like ``30m``, ``2h``, ``3d``."""
    if text is None or text.strip().lower() in ("", "day"):
        return None
    m = _DURATION.match(text)
    if not m or float(m[1]) <= 0:
        raise RelationsError(f"window must be 'day' or a positive duration like 30m, 2h, 3d; got {text!r}")
    return timedelta(seconds=float(m[1]) * _UNIT_SECONDS[m[2]])


def _parse_time(text: str) -> datetime:
    text = text.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):  # a Unix timestamp
        return datetime.utcfromtimestamp(float(text))
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:  # compare everything as naive UTC
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` of the data rows (after the header; blank lines skipped)."""
    if not path.is_file():
        raise RelationsError(f"{path}: file not found")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            if next(reader, None) is None:
                raise RelationsError(f"{path}:1: empty file, expected a header line")
            for row in reader:
                if not row or all(not c.strip() for c in row):
                    continue
                yield reader.line_num, [c.strip() for c in row]
    except UnicodeDecodeError as exc:
        raise RelationsError(f"{path}: not UTF-8 text ({exc})") from None
    except csv.Error as exc:
        raise RelationsError(f"{path}: malformed CSV ({exc})") from None


@dataclass
class ParsedRelations:
    """A validated relations file: pair weights (``a < b``) and counters."""

    weights: dict[tuple[str, str], float]
    rows: int
    groups: int
    groups_too_large: int = 0


def _group_pairs(groups: Iterable[Iterable[str]], max_group: int) -> ParsedRelations:
    weights: Counter = Counter()
    n = too_large = 0
    for members in groups:
        items = sorted(set(members))
        n += 1
        if len(items) > max_group:
            too_large += 1
            continue
        for a, b in itertools.combinations(items, 2):
            weights[(a, b)] += 1.0
    return ParsedRelations(weights=dict(weights), rows=0, groups=n, groups_too_large=too_large)


def parse_relations(path: str | Path, fmt: str, window: str | None = None,
                    max_group: int = DEFAULT_MAX_GROUP) -> ParsedRelations:
    """Read and validate a whole relations file; RelationsError lists every malformed line."""
    if fmt not in FORMATS:
        raise RelationsError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if max_group < 2:
        raise RelationsError(f"the group limit must be >= 2, got {max_group}")
    path = Path(path)
    win = parse_window(window) if fmt == "transactions" else None
    errors: list[str] = []
    n_errors = 0
    rows = 0
    groups: dict[str, list[str]] = defaultdict(list)
    purchases: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    pair_weights: Counter = Counter()
    need = {"groups": 2, "pairs": 2, "transactions": 3}[fmt]

    def bad(line: int, reason: str) -> None:
        nonlocal n_errors
        n_errors += 1
        if len(errors) < MAX_REPORTED_ERRORS:
            errors.append(f"{path}:{line}: {reason}")

    for line, cells in _rows(path):
        rows += 1
        if len(cells) < need:
            bad(line, f"expected at least {need} fields, got {len(cells)}")
            continue
        if fmt == "pairs" and len(cells) > 3:
            bad(line, f"expected product_a,product_b[,weight], got {len(cells)} fields")
            continue
        if any(not c for c in cells[:need]):
            bad(line, "empty field")
            continue
        if fmt == "groups":
            groups[cells[0]].append(cells[1])
        elif fmt == "pairs":
            a, b = cells[0], cells[1]
            if a == b:
                bad(line, f"a product cannot be related to itself ({a!r})")
                continue
            weight = 1.0
            if len(cells) == 3 and cells[2]:
                try:
                    weight = float(cells[2])
                except ValueError:
                    bad(line, f"weight {cells[2]!r} is not a number")
                    continue
                if not weight > 0 or weight == float("inf"):
                    bad(line, f"weight must be a positive number, got {cells[2]!r}")
                    continue
            pair_weights[ordered(a, b)] += weight
        else:
            try:
                when = _parse_time(cells[1])
            except (ValueError, OverflowError, OSError):
                bad(line, f"timestamp {cells[1]!r} is neither ISO 8601 nor a Unix time")
                continue
            purchases[cells[0]].append((when, cells[2]))
    if n_errors:
        more = f" (and {n_errors - len(errors)} more)" if n_errors > len(errors) else ""
        raise RelationsError(f"{n_errors} malformed row(s), nothing was loaded{more}:\n"
                             + "\n".join(errors))
    if fmt == "pairs":
        return ParsedRelations(weights=dict(pair_weights), rows=rows, groups=0)
    if fmt == "transactions":
        parsed = _group_pairs(_baskets(purchases, win), max_group)
    else:
        parsed = _group_pairs(groups.values(), max_group)
    parsed.rows = rows
    return parsed


def _baskets(purchases: dict[str, list[tuple[datetime, str]]],
             window: timedelta | None) -> Iterator[list[str]]:
    """Each customer's purchases cut into baskets (same day, or within ``window`` of a basket's start)."""
    for customer in sorted(purchases):
        items = sorted(purchases[customer])
        basket: list[str] = []
        start: datetime | None = None
        for when, pid in items:
            if start is not None and (when.date() != start.date() if window is None
                                      else when - start > window):
                yield basket
                basket, start = [], None
            if start is None:
                start = when
            basket.append(pid)
        if basket:
            yield basket


def _batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_relations(g: Any, path: str | Path, fmt: str, kind: str, *,
                   window: str | None = None, max_group: int = DEFAULT_MAX_GROUP,
                   batch_size: int = 200, progress: bool = True) -> RelationStats:
    """Validate ``path`` whole, then upsert its pairs as ``kind`` edges through ``g``."""
    try:
        check_kind(kind)
    except ValueError as exc:
        raise RelationsError(str(exc)) from None
    parsed = parse_relations(path, fmt, window, max_group)
    return load_parsed(g, parsed, kind, batch_size=batch_size, progress=progress)


def load_parsed(graph: Any, parsed: ParsedRelations, kind: str, *,
                batch_size: int = 200, progress: bool = True) -> RelationStats:
    """Upsert a validated file's pairs as ``kind`` edges; pairs with unknown products are skipped
    (``graph``: a ProductGraph, or a Gremlin ``g``)."""
    check_kind(kind)
    g = as_product_graph(graph)
    if batch_size < 1:
        raise RelationsError(f"batch size must be >= 1, got {batch_size}")
    stats = RelationStats(kind=kind, rows=parsed.rows, groups=parsed.groups,
                          groups_too_large=parsed.groups_too_large, pairs=len(parsed.weights))
    ids = sorted({x for pair in parsed.weights for x in pair})
    known: set[str] = set()
    for batch in _batches(ids, batch_size):
        known |= g.existing_ids(list(batch), label=PRODUCT)
    unknown = [x for x in ids if x not in known]
    stats.unknown_ids, stats.unknown_examples = len(unknown), unknown[:5]
    edges = [RelationEdge(a, b, kind, w) for (a, b), w in sorted(parsed.weights.items())
             if a in known and b in known]
    stats.pairs_skipped = stats.pairs - len(edges)
    by_source: dict[str, list[RelationEdge]] = defaultdict(list)
    for e in edges:
        by_source[e.a].append(e)
    sources = sorted(by_source)
    with gc_paused(), tqdm(total=len(edges), desc=f"load {kind}", unit="e",
                           disable=not progress) as bar:
        todo: list[RelationEdge] = []
        for batch in _batches(sources, max(1, batch_size // 10)):
            have = g.relation_weights(list(batch), kind)
            for src in batch:
                for e in by_source[src]:
                    old = have.get((e.a, e.b), "absent")
                    if old == "absent":
                        stats.edges_created += 1
                    elif old == e.weight:
                        stats.edges_unchanged += 1
                        bar.update(1)
                        continue
                    else:
                        stats.edges_updated += 1
                    todo.append(e)
            while len(todo) >= batch_size:
                bar.update(g.merge_relations(todo[:batch_size]))
                todo = todo[batch_size:]
        bar.update(g.merge_relations(todo))
    if stats.edges_created or stats.edges_updated:
        stats.version = g.bump_version()
    log.info("load-relations: %s", stats.as_dict())
    return stats


def relation_records(edges: Iterable[RelationEdge]) -> list:
    """Neptune bulk-load edge records of relation edges (id ``<KIND>:<a>:<b>``, ``weight:Double``)."""
    from stylegraph.loader.neptune_csv import EdgeRecord

    return [EdgeRecord(f"{e.kind}:{e.a}:{e.b}", e.a, e.b, e.kind, {WEIGHT: float(e.weight)})
            for e in edges]


def write_relations_csv(out_dir: str | Path, parsed: ParsedRelations, kind: str) -> Path:
    """Write ``relations_<kind>.csv`` (Neptune Gremlin edge format) beside vertices/edges.csv."""
    from stylegraph.loader.neptune_csv import write_edges

    edges = [RelationEdge(a, b, kind, w) for (a, b), w in sorted(parsed.weights.items())]
    return write_edges(Path(out_dir) / f"relations_{kind}.csv", relation_records(edges),
                       columns=((WEIGHT, "Double"),))
