"""``report.html`` (pictures and inline SVG charts) and ``clusters.csv`` of an analysis."""
from __future__ import annotations

import base64
import csv
import html
import io
import json
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from stylegraph.analytics.analyze import Analysis
from stylegraph.analytics.graphdata import SIMILAR

THUMB_PX = 96
REPORT_CLUSTERS = 30

Thumb = Callable[[Optional[str]], Optional[str]]


def catalog_thumbnails(catalog_dir: Optional[Path]) -> Thumb:
    """A function turning a product's image path into a small inline ``data:`` JPEG (or None)."""
    cache: dict[str, Optional[str]] = {}

    def thumb(relpath: Optional[str]) -> Optional[str]:
        if not relpath or catalog_dir is None:
            return None
        if relpath not in cache:
            cache[relpath] = _thumbnail(Path(catalog_dir), relpath)
        return cache[relpath]

    return thumb


def _thumbnail(catalog_dir: Path, relpath: str) -> Optional[str]:
    from PIL import Image

    path = (catalog_dir / relpath).resolve()
    if catalog_dir.resolve() not in path.parents:
        return None  # never read outside the catalog
    try:
        with Image.open(path) as img:
            img = img.convert("RGB")
            img.thumbnail((THUMB_PX, THUMB_PX))
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=80)
    except OSError:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def write_clusters_csv(analysis: Analysis, path: Path, label: str = SIMILAR) -> int:
    """``product_id,cluster`` for every product; returns the number of rows."""
    rows = analysis.assignments(label)
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["product_id", "cluster"])
        writer.writerows(rows.items())
    return len(rows)


def bar_chart(rows: Sequence[tuple[str, float]], width: int = 560, bar_h: int = 16,
              fmt: str = "{:,.0f}") -> str:
    """A horizontal SVG bar chart of ``(label, value)`` rows."""
    if not rows:
        return "<p class=empty>nothing to chart</p>"
    top = max(v for _, v in rows) or 1.0
    label_w, gap = 160, 4
    height = len(rows) * (bar_h + gap)
    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img">']
    for i, (label, value) in enumerate(rows):
        y = i * (bar_h + gap)
        w = max(1.0, (width - label_w - 70) * value / top)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end">{html.escape(str(label))[:24]}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}"></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}">{fmt.format(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _product_card(p: dict[str, Any], thumb: Thumb, extra: str = "") -> str:
    src = thumb(p.get("image"))
    img = f'<img src="{src}" alt="">' if src else '<div class="noimg"></div>'
    return (f'<figure title="{html.escape(str(p.get("title") or ""))}">{img}'
            f'<figcaption>{html.escape(p["id"])}{extra}</figcaption></figure>')


def render_report(analysis: Analysis, thumb: Thumb, title: str = "stylegraph analytics") -> str:
    """The standalone report page (no external resources)."""
    s = analysis.summary(clusters=REPORT_CLUSTERS)
    e = html.escape
    out = [f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{e(title)}</title>",
           "<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}h2{margin-top:32px}"
           "table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}"
           ".chart rect{fill:#4e79a7}.chart text{font-size:11px}figure{display:inline-block;margin:4px;width:100px;"
           "text-align:center;font-size:11px}figure img,.noimg{width:96px;height:96px;object-fit:contain;"
           "background:#f4f4f4}.cluster{border:1px solid #ddd;border-radius:6px;padding:8px;margin:8px 0}"
           "</style></head><body>",
           f"<h1>{e(title)}</h1>",
           f"<p>{s['products']:,} products; "
           + ", ".join(f"{n:,} {e(lbl)} edges" for lbl, n in s["edges"].items()) + "</p>"]
    for label, info in s["clusters"].items():
        out.append(f'<h2 id="clusters-{e(label)}">Style clusters of the {e(label)} graph</h2>'
                   f"<p>{info['count']:,} clusters ({e(info['method'])}, modularity {info['modularity']}), "
                   f"largest {info['largest']:,} products, {info['singletons']:,} singletons.</p>")
        out.append(bar_chart([(f"cluster {c['cluster']}", c["size"]) for c in info["top"]]))
        for c in info["top"]:
            cats = ", ".join(f"{e(str(t['category']))} ({t['count']})" for t in c["top_categories"])
            out.append(f'<div class="cluster" data-cluster="{c["cluster"]}"><b>cluster {c["cluster"]}</b> '
                       f"&middot; {c['size']:,} products &middot; {cats}<br>"
                       + "".join(_product_card(p, thumb) for p in c["representatives"]) + "</div>")
    hubs = s["hubs"]
    out.append(f"<h2 id=hubs>Hubs (PageRank on {e(str(hubs['graph']))})</h2>")
    out.append(bar_chart([(h["id"], h["pagerank"] * 1000) for h in hubs["items"]], fmt="{:.3f}‰"))
    out.append("".join(_product_card(h, thumb, f"<br>in {h['in_degree']}") for h in hubs["items"]))
    blind = s["blind_spots"]
    out.append("<h2 id=blind-spots>Blind spots</h2>")
    out.append(f"<h3>Never recommended: {blind['never_recommended']['count']:,} products</h3>"
               + "".join(_product_card(p, thumb) for p in blind["never_recommended"]["sample"]))
    out.append(f"<h3>Without a close look-alike (best SIMILAR score &lt; "
               f"{blind['no_lookalike']['threshold']}): {blind['no_lookalike']['count']:,} products</h3>"
               + "".join(_product_card(p, thumb) for p in blind["no_lookalike"]["sample"]))
    out.append("<h2 id=coverage>Coverage per category</h2>")
    out.append(bar_chart([(str(r["category"]), r["share_recommended"] * 100) for r in s["coverage"]],
                         fmt="{:.1f}%"))
    out.append("<table><tr><th>category</th><th>products</th><th>recommended somewhere</th>"
               "<th>share</th><th>with recommendations</th></tr>")
    for r in s["coverage"]:
        out.append(f"<tr><td>{e(str(r['category']))}</td><td>{r['products']:,}</td><td>{r['recommended']:,}</td>"
                   f"<td>{r['share_recommended']:.1%}</td><td>{r['with_recommendations']:,}</td></tr>")
    out.append("</table>")
    embedded = json.dumps(s).replace("</", "<\\/")
    out.append(f'<script type="application/json" id="summary">{embedded}</script></body></html>')
    return "".join(out)


def write_report(analysis: Analysis, out_dir: Path, catalog_dir: Optional[Path] = None) -> dict[str, Path]:
    """Write ``report.html``, ``clusters.csv`` (SIMILAR clusters), ``clusters-RECOMMENDED.csv``
    (when there are RECOMMENDED edges) and ``summary.json`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"report": out_dir / "report.html", "clusters": out_dir / "clusters.csv",
             "summary": out_dir / "summary.json"}
    paths["report"].write_text(render_report(analysis, catalog_thumbnails(catalog_dir)))
    write_clusters_csv(analysis, paths["clusters"], SIMILAR)
    for label in analysis.clusterings:
        if label != SIMILAR:
            paths[f"clusters_{label}"] = out_dir / f"clusters-{label}.csv"
            write_clusters_csv(analysis, paths[f"clusters_{label}"], label)
    paths["summary"].write_text(json.dumps(analysis.summary(), indent=1))
    return paths
