"""A procedurally rendered sample catalog with a known ground-truth style.

Each product is a PNG of one silhouette family (sneaker, boot, sandal, heel,
handbag, backpack, t-shirt, dress, trousers, hat) filled with a colour and a
surface pattern (plain, stripes, dots, checks, gradient, zigzag). Inside one
style (family + pattern + colour) pictures still vary: position, scale,
rotation, mirror, pattern frequency and phase, colour jitter, background,
lighting and noise. The same seed gives byte-identical files.

Beside ``catalog.csv`` it writes ``outfits.csv``, a relations file of outfits
made by a documented rule (:func:`write_outfits`: complementary categories in
matching palettes), for ``stylegraph load-relations --format groups``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from tqdm import tqdm

from stylegraph.loader.catalog import Product, write_catalog

Point = tuple[float, float]

COLORS: dict[str, tuple[int, int, int]] = {
    "red": (200, 30, 40), "blue": (40, 80, 200), "green": (40, 150, 60), "yellow": (235, 200, 40),
    "black": (30, 30, 32), "white": (238, 238, 232), "pink": (240, 130, 170), "brown": (120, 75, 40),
    "navy": (25, 35, 90), "orange": (240, 120, 30), "purple": (120, 50, 150), "grey": (130, 130, 135),
}
PATTERNS = ("plain", "stripes", "dots", "checks", "gradient", "zigzag")
FAMILIES: dict[str, tuple[str, float]] = {  # family -> (category, typical price)
    "sneaker": ("footwear", 90.0), "boot": ("footwear", 140.0), "sandal": ("footwear", 45.0),
    "heel": ("footwear", 110.0), "handbag": ("bags", 160.0), "backpack": ("bags", 70.0),
    "t-shirt": ("apparel", 25.0), "dress": ("apparel", 80.0), "trousers": ("apparel", 60.0),
    "hat": ("accessories", 30.0),
}
# outfit rule of the sample relations file: one product per category, colours from one palette
# (neutrals go with every palette)
PALETTES: dict[str, tuple[str, ...]] = {
    "warm": ("red", "orange", "yellow", "brown", "pink"),
    "cool": ("blue", "navy", "purple", "green"),
}
NEUTRALS = ("black", "white", "grey")
OUTFITS_FILE = "outfits.csv"
BRANDS = ("Northwind", "Aster", "Lumen", "Kestrel", "Marlow", "Oakridge", "Vela", "Juniper")
BACKGROUNDS = ((250, 250, 250), (232, 232, 232), (240, 232, 215), (222, 232, 242), (236, 244, 234))


def _ellipse(cx: float, cy: float, rx: float, ry: float, start: float = 0.0, end: float = 360.0,
             n: int = 28) -> list[Point]:
    return [(cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
            for a in np.linspace(start, end, n)]


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[Point]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


# a part: (role, kind, points, width); role "body" takes the pattern, "accent" a trim colour
Part = tuple[str, str, list[Point], float]


def family_parts(family: str) -> list[Part]:
    """The silhouette of ``family`` in unit coordinates (x right, y down)."""
    if family == "sneaker":
        return [("body", "poly", [(0.12, 0.63), (0.14, 0.46), (0.34, 0.42), (0.48, 0.30), (0.62, 0.30),
                                  (0.68, 0.45), (0.88, 0.52), (0.91, 0.63)], 0),
                ("accent", "poly", _rect(0.10, 0.62, 0.93, 0.71), 0),
                ("accent", "line", [(0.50, 0.38), (0.60, 0.44)], 0.02),
                ("accent", "line", [(0.46, 0.44), (0.56, 0.50)], 0.02)]
    if family == "boot":
        return [("body", "poly", [(0.30, 0.12), (0.56, 0.12), (0.58, 0.55), (0.84, 0.62), (0.87, 0.76),
                                  (0.28, 0.76)], 0),
                ("accent", "poly", _rect(0.26, 0.75, 0.89, 0.83), 0),
                ("accent", "poly", _rect(0.28, 0.12, 0.58, 0.17), 0)]
    if family == "sandal":
        return [("accent", "poly", _rect(0.10, 0.66, 0.90, 0.73), 0),
                ("body", "line", [(0.25, 0.66), (0.40, 0.48), (0.55, 0.66)], 0.07),
                ("body", "line", [(0.58, 0.66), (0.70, 0.52), (0.82, 0.66)], 0.07),
                ("body", "line", [(0.16, 0.66), (0.18, 0.52), (0.30, 0.50)], 0.05)]
    if family == "heel":
        return [("body", "poly", [(0.14, 0.34), (0.26, 0.32), (0.42, 0.50), (0.84, 0.60), (0.89, 0.68),
                                  (0.50, 0.67), (0.22, 0.52), (0.14, 0.48)], 0),
                ("accent", "line", [(0.18, 0.48), (0.21, 0.80)], 0.035),
                ("accent", "poly", _rect(0.48, 0.665, 0.90, 0.69), 0)]
    if family == "handbag":
        return [("body", "poly", [(0.22, 0.42), (0.78, 0.42), (0.86, 0.84), (0.14, 0.84)], 0),
                ("accent", "line", _ellipse(0.5, 0.42, 0.20, 0.22, 180, 360), 0.035),
                ("accent", "poly", [(0.22, 0.42), (0.78, 0.42), (0.74, 0.55), (0.26, 0.55)], 0)]
    if family == "backpack":
        return [("body", "poly", _ellipse(0.5, 0.40, 0.22, 0.20, 180, 360) + [(0.74, 0.86), (0.26, 0.86)], 0),
                ("accent", "poly", _rect(0.33, 0.58, 0.67, 0.80), 0),
                ("accent", "line", _ellipse(0.5, 0.20, 0.08, 0.07, 180, 360), 0.03)]
    if family == "t-shirt":
        return [("body", "poly", [(0.30, 0.18), (0.42, 0.14), (0.50, 0.20), (0.58, 0.14), (0.70, 0.18),
                                  (0.90, 0.33), (0.80, 0.44), (0.70, 0.37), (0.70, 0.86), (0.30, 0.86),
                                  (0.30, 0.37), (0.20, 0.44), (0.10, 0.33)], 0),
                ("accent", "line", [(0.42, 0.15), (0.50, 0.21), (0.58, 0.15)], 0.025)]
    if family == "dress":
        return [("body", "poly", [(0.40, 0.14), (0.60, 0.14), (0.62, 0.30), (0.57, 0.42), (0.82, 0.90),
                                  (0.18, 0.90), (0.43, 0.42), (0.38, 0.30)], 0),
                ("accent", "poly", _rect(0.42, 0.40, 0.58, 0.45), 0),
                ("accent", "line", [(0.41, 0.15), (0.43, 0.06)], 0.02),
                ("accent", "line", [(0.59, 0.15), (0.57, 0.06)], 0.02)]
    if family == "trousers":
        return [("body", "poly", [(0.30, 0.12), (0.70, 0.12), (0.75, 0.90), (0.56, 0.90), (0.50, 0.38),
                                  (0.44, 0.90), (0.25, 0.90)], 0),
                ("accent", "poly", _rect(0.30, 0.10, 0.70, 0.16), 0)]
    if family == "hat":
        return [("body", "poly", _ellipse(0.5, 0.64, 0.40, 0.09), 0),
                ("body", "poly", [(0.32, 0.64), (0.35, 0.34), (0.50, 0.28), (0.65, 0.34), (0.68, 0.64)], 0),
                ("accent", "poly", _rect(0.33, 0.54, 0.67, 0.61), 0)]
    raise ValueError(f"unknown family {family!r}; known: {sorted(FAMILIES)}")


@dataclass(frozen=True)
class Style:
    """A ground-truth style: silhouette family, surface pattern and colour name."""

    family: str
    pattern: str
    color: str


def _jitter(rgb: tuple[int, int, int], rng: np.random.Generator, amount: float) -> np.ndarray:
    return np.clip(np.asarray(rgb, np.float32) + rng.normal(0, amount, 3), 0, 255)


def _pattern_mask(pattern: str, u: np.ndarray, v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Weight in [0, 1] of the secondary colour at object coordinates (u, v)."""
    freq = rng.uniform(6.0, 10.0)
    phase = rng.uniform(0, 1)
    if pattern == "plain":
        return np.zeros_like(u)
    if pattern == "stripes":
        return (np.sin(2 * np.pi * (v * freq + phase)) > 0.2).astype(np.float32)
    if pattern == "dots":
        cu, cv = (u * freq + phase) % 1.0 - 0.5, (v * freq + phase) % 1.0 - 0.5
        return ((cu * cu + cv * cv) < rng.uniform(0.05, 0.09)).astype(np.float32)
    if pattern == "checks":
        f = freq * 0.7
        return ((np.floor(u * f + phase) + np.floor(v * f + phase)) % 2).astype(np.float32)
    if pattern == "gradient":
        return np.clip((v - 0.15) / 0.7, 0, 1).astype(np.float32)
    if pattern == "zigzag":
        tri = np.abs((u * freq * 1.2 + phase) % 1.0 - 0.5)
        return (((v * freq * 0.8 + tri) % 1.0) < 0.4).astype(np.float32)
    raise ValueError(f"unknown pattern {pattern!r}; known: {PATTERNS}")


def _secondary(pattern: str, base: np.ndarray) -> np.ndarray:
    if pattern == "gradient":
        return base * 0.35
    light = base.mean() > 150
    return np.array((35, 35, 45), np.float32) if light else np.array((240, 236, 225), np.float32)


def render_product(style: Style, size: int, rng: np.random.Generator) -> Image.Image:
    """Render one product photo of ``style`` as a ``size`` x ``size`` RGB image."""
    if size < 16:
        raise ValueError(f"image size must be at least 16 px, got {size}")
    ss = 2 if size < 256 else 1  # supersample small images for smooth edges
    n = size * ss
    scale = rng.uniform(0.72, 1.02)
    angle = math.radians(rng.uniform(-22, 22))
    flip = rng.random() < 0.5
    tx, ty = rng.uniform(-0.09, 0.09, 2)
    cos_a, sin_a = math.cos(angle), math.sin(angle)

    def to_px(p: Point) -> Point:
        x, y = p[0] - 0.5, p[1] - 0.5
        if flip:
            x = -x
        x, y = scale * (cos_a * x - sin_a * y), scale * (sin_a * x + cos_a * y)
        return ((x + 0.5 + tx) * n, (y + 0.5 + ty) * n)

    body = Image.new("L", (n, n), 0)
    accent = Image.new("L", (n, n), 0)
    for role, kind, points, width in family_parts(style.family):
        draw = ImageDraw.Draw(body if role == "body" else accent)
        pts = [to_px(p) for p in points]
        if kind == "poly":
            draw.polygon(pts, fill=255)
        else:
            draw.line(pts, fill=255, width=max(1, int(width * n * scale)), joint="curve")
    body_m = np.asarray(body, np.float32)[..., None] / 255.0
    accent_m = np.asarray(accent, np.float32)[..., None] / 255.0

    # object coordinates of every pixel (inverse of to_px), for the pattern
    ys, xs = np.mgrid[0:n, 0:n].astype(np.float32) / n
    x, y = xs - 0.5 - tx, ys - 0.5 - ty
    u, v = (cos_a * x + sin_a * y) / scale, (-sin_a * x + cos_a * y) / scale
    if flip:
        u = -u
    u, v = u + 0.5, v + 0.5

    base = _jitter(COLORS[style.color], rng, 10)
    second = _secondary(style.pattern, base)
    weight = _pattern_mask(style.pattern, u, v, rng)[..., None]
    texture = base * (1 - weight) + second * weight
    trim = np.array((236, 236, 230), np.float32) if style.family == "sneaker" else base * 0.45 + 20
    bg_rgb = _jitter(BACKGROUNDS[rng.integers(len(BACKGROUNDS))], rng, 6)
    bg_slope = rng.uniform(-20, 20)
    background = bg_rgb + bg_slope * (ys[..., None] - 0.5)

    img = background * (1 - body_m) + texture * body_m
    img = img * (1 - accent_m) + trim * accent_m
    # directional lighting and exposure
    phi = rng.uniform(0, 2 * np.pi)
    light = 1 + rng.uniform(0, 0.3) * ((xs - 0.5) * math.cos(phi) + (ys - 0.5) * math.sin(phi))
    img = img * light[..., None] * rng.uniform(0.88, 1.08)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    if ss > 1:
        out = out.resize((size, size), Image.LANCZOS)
    arr = np.asarray(out, np.float32) + rng.normal(0, rng.uniform(0, 6), (size, size, 3))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def choose_styles(n_products: int, per_style: int, rng: np.random.Generator) -> list[Style]:
    """Distinct styles for a catalog of ``n_products``, about ``per_style`` products each."""
    space = [Style(f, p, c) for f in FAMILIES for p in PATTERNS for c in COLORS]
    n_styles = max(1, min(len(space), math.ceil(n_products / max(1, per_style))))
    picks = rng.choice(len(space), size=n_styles, replace=False)
    return [space[i] for i in sorted(picks)]


def generate_catalog(out: str | Path, n_products: int, seed: int = 0, size: int = 128,
                     per_style: int = 20, progress: bool = True) -> Path:
    """Render ``n_products`` product photos into ``out/images`` and write ``out/catalog.csv``."""
    if n_products < 1:
        raise ValueError(f"--products must be at least 1, got {n_products}")
    if per_style < 1:
        raise ValueError(f"products per style must be at least 1, got {per_style}")
    out = Path(out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    styles = choose_styles(n_products, per_style, np.random.default_rng([seed, 0xC0FFEE]))
    products: list[Product] = []
    for i in tqdm(range(n_products), desc="render", unit="img", disable=not progress):
        rng = np.random.default_rng([seed, i])
        style = styles[i % len(styles)]
        pid = f"P{i:06d}"
        rel = f"images/{pid}.png"
        render_product(style, size, rng).save(out / rel, format="PNG", optimize=False)
        category, typical = FAMILIES[style.family]
        pattern_word = "" if style.pattern == "plain" else f" {style.pattern}"
        products.append(Product(
            product_id=pid, image=rel,
            title=f"{style.color.capitalize()}{pattern_word} {style.family}",
            brand=BRANDS[int(rng.integers(len(BRANDS)))], category=category,
            subcategory=style.family, color=style.color, pattern=style.pattern,
            price=round(typical * float(rng.lognormal(0, 0.25)), 2),
            in_stock=bool(rng.random() < 0.85),
        ))
    path = write_catalog(out, products)
    write_outfits(out / OUTFITS_FILE, products, seed)
    return path


def write_outfits(path: str | Path, products: list[Product], seed: int = 0,
                  per_product: float = 0.8) -> Path:
    """Write ``outfit_id,product_id`` rows (``stylegraph load-relations --format groups``).

    The rule: an outfit picks a palette (warm or cool), then two to four of the
    categories (apparel, footwear, bags, accessories) and one product of each
    whose colour is in the palette or neutral (black, white, grey). So outfits
    join *complementary* products (never two of one category) in *matching*
    colours: a red sneaker goes with brown trousers and a black handbag, not
    with another red sneaker. About ``per_product`` outfits per product.
    """
    rng = np.random.default_rng([seed, 0x0F17])
    pools: dict[tuple[str, str], list[str]] = {}
    for p in products:
        for palette, colours in PALETTES.items():
            if p.color in colours or p.color in NEUTRALS:
                pools.setdefault((palette, p.category), []).append(p.product_id)
    categories = sorted({p.category for p in products})
    rows = []
    for outfit in range(int(len(products) * per_product)):
        palette = sorted(PALETTES)[int(rng.integers(len(PALETTES)))]
        usable = [c for c in categories if pools.get((palette, c))]
        if len(usable) < 2:
            continue
        size = int(rng.integers(2, min(4, len(usable)) + 1))
        for cat in rng.choice(usable, size=size, replace=False):
            pool = pools[(palette, str(cat))]
            rows.append((outfit + 1, pool[int(rng.integers(len(pool)))]))
    path = Path(path)
    with path.open("w", newline="") as fh:
        fh.write("outfit_id,product_id\n")
        fh.writelines(f"{o},{pid}\n" for o, pid in rows)
    return path
