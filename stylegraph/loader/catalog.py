"""The product catalog: a CSV with at least ``product_id,image``.

Optional columns: ``title, brand, category, subcategory, color, pattern,
price, in_stock``. ``image`` is a path relative to the catalog directory.
Every validation failure raises :class:`CatalogError` naming the file and the
line, so a merchandiser can fix the row.
"""
from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Iterable, Iterator

CATALOG_FILE = "catalog.csv"
REQUIRED_COLUMNS = ("product_id", "image")
OPTIONAL_COLUMNS = ("title", "brand", "category", "subcategory", "color", "pattern", "price", "in_stock")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# the ground-truth style of a generated catalog is family (subcategory) + pattern + colour
STYLE_COLUMNS = ("subcategory", "pattern", "color")

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

    def properties(self) -> dict[str, object]:
        """The vertex properties of this product (absent values left out)."""
        out: dict[str, object] = {}
        for key, value in asdict(self).items():
            if key == "product_id" or value is None or value == "":
                continue
            out[key] = value
        return out

    def style(self) -> str:
        """The ground-truth style label ``subcategory/pattern/color``."""
        return "/".join(getattr(self, c) for c in STYLE_COLUMNS)


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

    def labels(self, columns: Iterable[str] = STYLE_COLUMNS) -> list[str]:
        """One label per product joining ``columns`` (e.g. the ground-truth style)."""
        columns = tuple(columns)
        known = {f.name for f in fields(Product)}
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise CatalogError(f"unknown label column(s) {unknown}; known: {sorted(known)}")
        if not any(getattr(p, c) not in ("", None) for p in self.products for c in columns):
            raise CatalogError(f"the catalog has no values in label column(s) {list(columns)}")
        return ["/".join(str(getattr(p, c) or "") for c in columns) for p in self.products]


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


def read_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog CSV (a directory means ``DIR/catalog.csv``)."""
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
            index = {name: i for i, name in enumerate(header)}
            for row in reader:
                line = reader.line_num
                where = f"{file}:{line}"
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise CatalogError(f"{where}: expected {len(header)} fields, got {len(row)}")
                values = {name: row[i].strip() for name, i in index.items() if name in ALL_COLUMNS}
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
    """Write ``products`` as a catalog CSV with every column; returns the file written."""
    file = catalog_file(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(ALL_COLUMNS)
        for p in products:
            writer.writerow([_format(getattr(p, c)) for c in ALL_COLUMNS])
    tmp.replace(file)
    return file


def append_product(path: str | Path, product: Product) -> Path:
    """Add or replace one product in an existing catalog file (rewrites it atomically)."""
    catalog = read_catalog(path)
    rows = [p for p in catalog.products if p.product_id != product.product_id]
    rows.append(product)
    return write_catalog(catalog_file(path), rows)
