"""The product catalog: a CSV with at least ``product_id,image``.

Optional columns: ``title, brand, category, subcategory, color, pattern,
price, in_stock``. Any other column is kept as a string property of the
product (``Product.extra``) and can be a training or evaluation label.
``image`` is a path relative to the catalog directory. A column can be
mapped onto a known one when read (``columns={"category": "articleType"}``).
Every validation failure raises :class:`CatalogError` naming the file and the
line, so a merchandiser can fix the row.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Iterable, Iterator, Mapping

CATALOG_FILE = "catalog.csv"
REQUIRED_COLUMNS = ("product_id", "image")
OPTIONAL_COLUMNS = ("title", "brand", "category", "subcategory", "color", "pattern", "price", "in_stock")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# the ground-truth style of a generated catalog is family (subcategory) + pattern + colour
STYLE_COLUMNS = ("subcategory", "pattern", "color")
# names an extra column may not take: the graph's own keys
RESERVED_COLUMNS = ("id", "label", "extra")

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


class CatalogError(ValueError):
    """The catalog file is missing or a row is invalid (the message names the line)."""


@dataclass(frozen=True)
class Product:
    """One catalog row. String fields are ``""`` when the column is absent or empty."""

    product_id: str
    image: str
    title: str = ""
    brand: str = ""
    category: str = ""
    subcategory: str = ""
    color: str = ""
    pattern: str = ""
    price: float | None = None
    in_stock: bool | None = None
    # every other catalog column, as text
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def properties(self) -> dict[str, object]:
        """The vertex properties of this product (absent values left out)."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("product_id", "extra") or value is None or value == "":
                continue
            out[f.name] = value
        out.update((k, v) for k, v in self.extra.items() if v != "")
        return out

    def value(self, column: str) -> str:
        """The text of one column, known or extra (``""`` when absent)."""
        if column in _KNOWN:
            got = getattr(self, column)
            return "" if got is None else str(got)
        return self.extra.get(column, "")


@dataclass
class Catalog:
    """The rows of a catalog plus the directory image paths are relative to."""

    root: Path
    products: list[Product]

    def __len__(self) -> int:
        return len(self.products)

    def __iter__(self) -> Iterator[Product]:
        return iter(self.products)

    def image_path(self, product: Product) -> Path:
        """The absolute path of a product's image."""
        path = Path(product.image)
        return path if path.is_absolute() else self.root / path

    def by_id(self) -> dict[str, Product]:
        """Products keyed by ``product_id``."""
        return {p.product_id: p for p in self.products}

    def columns(self) -> list[str]:
        """Every column this catalog has values in (known ones first)."""
        extra = sorted({k for p in self.products for k in p.extra})
        known = [c for c in ALL_COLUMNS if any(p.value(c) for p in self.products)]
        return known + extra

    def labels(self, columns: Iterable[str] = STYLE_COLUMNS) -> list[str]:
        """One label per product joining ``columns`` (e.g. the ground-truth style)."""
        columns = tuple(columns)
        have = set(self.columns())
        unknown = [c for c in columns if c not in have]
        if unknown:
            raise CatalogError(f"the catalog has no values in label column(s) {unknown}; "
                               f"columns with values: {sorted(have)}")
        return ["/".join(p.value(c) for c in columns) for p in self.products]


_KNOWN = frozenset(ALL_COLUMNS)


def catalog_file(path: str | Path) -> Path:
    """``path`` itself if it is a file, else ``path/catalog.csv``."""
    path = Path(path)
    return path / CATALOG_FILE if path.is_dir() else path


def _parse_bool(text: str, where: str) -> bool | None:
    low = text.strip().lower()
    if low == "":
        return None
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise CatalogError(f"{where}: in_stock must be true/false, got {text!r}")


def _parse_price(text: str, where: str) -> float | None:
    if text.strip() == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise CatalogError(f"{where}: price must be a number, got {text!r}") from None
    if value != value or value < 0 or value == float("inf"):
        raise CatalogError(f"{where}: price must be a finite number >= 0, got {text!r}")
    return value


def parse_column_map(items: Iterable[str]) -> dict[str, str]:
    """``["category=articleType", ...]`` as ``{"category": "articleType"}`` (target = source)."""
    out: dict[str, str] = {}
    for item in items:
        target, sep, source = item.partition("=")
        target, source = target.strip(), source.strip()
        if not sep or not target or not source:
            raise CatalogError(f"column mapping must look like TARGET=SOURCE (e.g. category=articleType), got {item!r}")
        out[target] = source
    return out


def read_catalog(path: str | Path, columns: Mapping[str, str] | None = None) -> Catalog:
    """Read and validate a catalog CSV (a directory means ``DIR/catalog.csv``).

    ``columns`` maps a column name the product uses onto the file's column
    holding it, e.g. ``{"category": "articleType"}``.
    """
    columns = dict(columns or {})
    bad = [t for t in columns if t in REQUIRED_COLUMNS or t in RESERVED_COLUMNS]
    if bad:
        raise CatalogError(f"column(s) {bad} cannot be mapped")
    file = catalog_file(path)
    if not file.is_file():
        raise CatalogError(f"{file}: catalog file not found")
    products: list[Product] = []
    seen: dict[str, int] = {}
    try:
        with file.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            try:
                header = [h.strip() for h in next(reader)]
            except StopIteration:
                raise CatalogError(f"{file}:1: empty file, expected a header with {REQUIRED_COLUMNS}") from None
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise CatalogError(f"{file}:1: header lacks required column(s) {missing}; got {header}")
            dupes = sorted({h for h in header if header.count(h) > 1})
            if dupes:
                raise CatalogError(f"{file}:1: duplicate column(s) {dupes}")
            absent = sorted(src for src in columns.values() if src not in header)
            if absent:
                raise CatalogError(f"{file}:1: mapped column(s) {absent} not in the header {header}")
            reserved = [h for h in header if h in RESERVED_COLUMNS]
            if reserved:
                raise CatalogError(f"{file}:1: column name(s) {reserved} are reserved; rename them")
            index = {name: i for i, name in enumerate(header)}
            mapped_sources = set(columns.values())
            for target, source in columns.items():
                index[target] = index[source]
            for row in reader:
                line = reader.line_num
                where = f"{file}:{line}"
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise CatalogError(f"{where}: expected {len(header)} fields, got {len(row)}")
                values = {name: row[i].strip() for name, i in index.items() if name in ALL_COLUMNS}
                extra = {name: row[i].strip() for name, i in index.items()
                         if name not in ALL_COLUMNS and name not in mapped_sources}
                pid = values["product_id"]
                if not pid:
                    raise CatalogError(f"{where}: empty product_id")
                if pid in seen:
                    raise CatalogError(f"{where}: duplicate product_id {pid!r} (first on line {seen[pid]})")
                if not values["image"]:
                    raise CatalogError(f"{where}: product {pid!r} has an empty image path")
                seen[pid] = line
                products.append(
                    Product(
                        product_id=pid,
                        image=values["image"],
                        title=values.get("title", ""),
                        brand=values.get("brand", ""),
                        category=values.get("category", ""),
                        subcategory=values.get("subcategory", ""),
                        color=values.get("color", ""),
                        pattern=values.get("pattern", ""),
                        price=_parse_price(values.get("price", ""), where),
                        in_stock=_parse_bool(values.get("in_stock", ""), where),
                        extra=extra,
                    )
                )
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{file}: not UTF-8 text ({exc})") from None
    except csv.Error as exc:
        raise CatalogError(f"{file}: malformed CSV ({exc})") from None
    return Catalog(root=file.parent.resolve(), products=products)


def _format(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def write_catalog(path: str | Path, products: Iterable[Product]) -> Path:
    """Write ``products`` as a catalog CSV with every column (extra ones too); returns the file written."""
    products = list(products)
    file = catalog_file(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    extra = sorted({k for p in products for k in p.extra})
    tmp = file.with_name(file.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(ALL_COLUMNS + tuple(extra))
        for p in products:
            writer.writerow([_format(getattr(p, c)) for c in ALL_COLUMNS] + [p.extra.get(c, "") for c in extra])
    tmp.replace(file)
    return file


def append_product(path: str | Path, product: Product) -> Path:
    """Add or replace one product in an existing catalog file (rewrites it atomically)."""
    catalog = read_catalog(path)
    rows = [p for p in catalog.products if p.product_id != product.product_id]
    rows.append(product)
    return write_catalog(catalog_file(path), rows)
