"""Neptune Gremlin bulk-load CSV files: write them, and read them back.

Vertices: ``~id,~label,title:String,...,price:Double,in_stock:Bool``.
Edges: ``~id,~from,~to,~label,score:Double``. A property column is
``name:Type`` with an optional ``(single)`` or ``[]`` (set/list, values joined
by ``;``, a literal ``;`` escaped as ``\\;``). An empty cell means "no value".
Types follow Neptune: String, Bool/Boolean, Byte, Short, Int, Long, Float,
Double, Date. Every parse failure names the file and line.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from stylegraph.loader.catalog import Catalog
from stylegraph.product_schema import PRODUCT, SCORE, SIMILAR

if TYPE_CHECKING:  # knn imports faiss; reading CSVs must not need it
    from stylegraph.loader.knn import SimilarEdge

VERTEX_SYSTEM = ("~id", "~label")
EDGE_SYSTEM = ("~id", "~from", "~to", "~label")
VERTICES_FILE = "vertices.csv"
EDGES_FILE = "edges.csv"
# the product vertex columns, in the data model's order
PRODUCT_COLUMNS = (
    ("title", "String"), ("brand", "String"), ("category", "String"), ("subcategory", "String"),
    ("color", "String"), ("pattern", "String"), ("price", "Double"), ("in_stock", "Bool"),
    ("image", "String"),
)
_HEADER = re.compile(r"^(?P<name>[^:~][^:]*):(?P<type>[A-Za-z]+)(?P<card>\[\]|\(single\)|\(set\))?$")
_INTS = {"Byte": (-(2**7), 2**7 - 1), "Short": (-(2**15), 2**15 - 1),
         "Int": (-(2**31), 2**31 - 1), "Long": (-(2**63), 2**63 - 1)}


class NeptuneCsvError(ValueError):
    """A bulk-load file is malformed (the message names file and line)."""


@dataclass(frozen=True)
class Column:
    """A typed property column."""

    name: str
    type: str
    multi: bool = False

    @property
    def header(self) -> str:
        """The column's header text."""
        return f"{self.name}:{self.type}{'[]' if self.multi else ''}"


@dataclass
class VertexRecord:
    """One vertex row."""

    id: str
    label: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class EdgeRecord:
    """One edge row."""

    id: str
    out_id: str
    in_id: str
    label: str
    properties: dict[str, Any] = field(default_factory=dict)


def _parse_bool(text: str) -> bool:
    low = text.strip().lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    raise ValueError(f"not a Bool: {text!r}")


def _parse_int(kind: str) -> Callable[[str], int]:
    lo, hi = _INTS[kind]

    def parse(text: str) -> int:
        value = int(text)
        if not lo <= value <= hi:
            raise ValueError(f"{value} out of range for {kind}")
        return value
    return parse


def _parse_float(text: str) -> float:
    low = text.strip().lower()
    if low in ("nan", "infinity", "+infinity", "-infinity", "inf", "-inf"):
        return float(low.replace("infinity", "inf"))
    return float(text)


PARSERS: dict[str, Callable[[str], Any]] = {
    "String": str, "Bool": _parse_bool, "Boolean": _parse_bool, "Float": _parse_float,
    "Double": _parse_float, "Date": lambda t: datetime.fromisoformat(t.strip().replace("Z", "+00:00")),
    **{k: _parse_int(k) for k in _INTS},
}


def _format_value(value: Any, typ: str) -> str:
    if value is None:
        return ""
    if typ in ("Bool", "Boolean"):
        return "true" if value else "false"
    if typ in ("Double", "Float"):
        value = float(value)
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if typ == "Date":
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return str(value)


def _format_cell(value: Any, col: Column) -> str:
    if col.multi and isinstance(value, (list, tuple, set)):
        return ";".join(_format_value(v, col.type).replace(";", "\\;") for v in value)
    return _format_value(value, col.type)


def parse_header(header: Sequence[str], system: Sequence[str], where: str) -> list[Column | str]:
    """Columns of a header row: system names (``~id``...) as str, properties as :class:`Column`."""
    cols: list[Column | str] = []
    seen: set[str] = set()
    for cell in header:
        cell = cell.strip()
        if cell.startswith("~"):
            if cell not in system:
                raise NeptuneCsvError(f"{where}: unknown system column {cell!r} (allowed: {list(system)})")
            name: str = cell
            cols.append(cell)
        else:
            m = _HEADER.match(cell)
            if not m:
                raise NeptuneCsvError(f"{where}: bad column header {cell!r}, expected name:Type")
            if m["type"] not in PARSERS:
                raise NeptuneCsvError(f"{where}: column {cell!r} has unknown type {m['type']!r} "
                                      f"(known: {sorted(PARSERS)})")
            name = m["name"]
            cols.append(Column(name, m["type"], multi=m["card"] in ("[]", "(set)")))
        if name in seen:
            raise NeptuneCsvError(f"{where}: duplicate column {name!r}")
        seen.add(name)
    for required in system:
        if required != "~label" and required not in seen:
            raise NeptuneCsvError(f"{where}: header lacks required column {required!r}")
    return cols


def _split_multi(text: str) -> list[str]:
    return [part.replace("\\;", ";") for part in re.split(r"(?<!\\);", text)]


def _read_rows(path: Path, system: Sequence[str]) -> Iterable[tuple[str, dict[str, str], dict[str, Any]]]:
    if not path.is_file():
        raise NeptuneCsvError(f"{path}: file not found")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            try:
                header = next(reader)
            except StopIteration:
                raise NeptuneCsvError(f"{path}:1: empty file, expected a header") from None
            cols = parse_header(header, system, f"{path}:1")
            for row in reader:
                where = f"{path}:{reader.line_num}"
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) != len(cols):
                    raise NeptuneCsvError(f"{where}: expected {len(cols)} fields, got {len(row)}")
                sysvals: dict[str, str] = {}
                props: dict[str, Any] = {}
                for col, cell in zip(cols, row):
                    if isinstance(col, str):
                        sysvals[col] = cell
                        continue
                    if cell == "":
                        continue
                    try:
                        if col.multi:
                            props[col.name] = [PARSERS[col.type](v) for v in _split_multi(cell)]
                        else:
                            props[col.name] = PARSERS[col.type](cell)
                    except ValueError as exc:
                        raise NeptuneCsvError(f"{where}: column {col.header}: {exc}") from None
                if not sysvals.get("~id"):
                    raise NeptuneCsvError(f"{where}: empty ~id")
                yield where, sysvals, props
    except UnicodeDecodeError as exc:
        raise NeptuneCsvError(f"{path}: not UTF-8 text ({exc})") from None
    except csv.Error as exc:
        raise NeptuneCsvError(f"{path}: malformed CSV ({exc})") from None


def read_vertices(path: str | Path) -> list[VertexRecord]:
    """Parse a vertices file; typed values come back as Python values."""
    out, seen = [], set()
    for where, sysvals, props in _read_rows(Path(path), VERTEX_SYSTEM):
        vid = sysvals["~id"]
        if vid in seen:
            raise NeptuneCsvError(f"{where}: duplicate vertex id {vid!r}")
        seen.add(vid)
        out.append(VertexRecord(vid, sysvals.get("~label") or "vertex", props))
    return out


def read_edges(path: str | Path) -> list[EdgeRecord]:
    """Parse an edges file (``~label`` is required for edges)."""
    out, seen = [], set()
    for where, sysvals, props in _read_rows(Path(path), EDGE_SYSTEM):
        for key in ("~from", "~to", "~label"):
            if not sysvals.get(key):
                raise NeptuneCsvError(f"{where}: empty {key}")
        eid = sysvals["~id"]
        if eid in seen:
            raise NeptuneCsvError(f"{where}: duplicate edge id {eid!r}")
        seen.add(eid)
        out.append(EdgeRecord(eid, sysvals["~from"], sysvals["~to"], sysvals["~label"], props))
    return out


def _infer_columns(records: Iterable[VertexRecord | EdgeRecord], fixed: Sequence[tuple[str, str]]) -> list[Column]:
    cols = [Column(n, t) for n, t in fixed]
    known = {c.name for c in cols}
    for rec in records:
        for key, value in rec.properties.items():
            if key in known:
                continue
            sample = value[0] if isinstance(value, list) and value else value
            typ = ("Bool" if isinstance(sample, bool) else "Long" if isinstance(sample, int)
                   else "Double" if isinstance(sample, float) else "String")
            cols.append(Column(key, typ, multi=isinstance(value, list)))
            known.add(key)
    return cols


def write_vertices(path: str | Path, vertices: Sequence[VertexRecord],
                   columns: Sequence[tuple[str, str]] = PRODUCT_COLUMNS) -> Path:
    """Write a vertices file; properties outside ``columns`` get inferred typed columns."""
    cols = _infer_columns(vertices, columns)
    return _write(Path(path), [*VERTEX_SYSTEM, *(c.header for c in cols)],
                  ([v.id, v.label, *(_format_cell(v.properties.get(c.name), c) for c in cols)] for v in vertices))


def write_edges(path: str | Path, edges: Sequence[EdgeRecord],
                columns: Sequence[tuple[str, str]] = ((SCORE, "Double"),)) -> Path:
    """Write an edges file; properties outside ``columns`` get inferred typed columns."""
    cols = _infer_columns(edges, columns)
    return _write(Path(path), [*EDGE_SYSTEM, *(c.header for c in cols)],
                  ([e.id, e.out_id, e.in_id, e.label, *(_format_cell(e.properties.get(c.name), c) for c in cols)]
                   for e in edges))


def _write(path: Path, header: list[str], rows: Iterable[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    tmp.replace(path)
    return path


def product_vertices(catalog: Catalog, only: Iterable[str] | None = None) -> list[VertexRecord]:
    """``product`` vertex records of the catalog (optionally only the ids in ``only``)."""
    keep = set(only) if only is not None else None
    return [VertexRecord(p.product_id, PRODUCT, p.properties())
            for p in catalog.products if keep is None or p.product_id in keep]


def similar_edge_records(edges: Iterable["SimilarEdge"]) -> list[EdgeRecord]:
    """``SIMILAR`` edge records (id ``SIMILAR:<from>:<to>``, property ``score``)."""
    return [EdgeRecord(e.edge_id, e.out_id, e.in_id, SIMILAR, {SCORE: e.score}) for e in edges]


def write_graph_csv(out_dir: str | Path, vertices: Sequence[VertexRecord],
                    edges: Sequence[EdgeRecord]) -> tuple[Path, Path]:
    """Write ``vertices.csv`` and ``edges.csv`` into ``out_dir``."""
    out_dir = Path(out_dir)
    return write_vertices(out_dir / VERTICES_FILE, vertices), write_edges(out_dir / EDGES_FILE, edges)
