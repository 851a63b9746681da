"""Recommendation snapshots: a GNN run's top-k for every product, kept beside the graph so two
runs can be compared side by side (the graph holds one run's RECOMMENDED edges at a time).

``<data_dir>/recommendations/<run>.npz`` (numpy, no pickles): ``src``, ``dst`` (str) and
``score`` (float32), written by ``stylegraph gnn refine`` (``--snapshot-only`` leaves the
graph as it is).
"""
from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

SUBDIR = "recommendations"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_cache: dict[Path, tuple[float, dict[str, list[tuple[str, float]]]]] = {}
_lock = threading.Lock()


def snapshot_dir(data_dir: Path) -> Path:
    """Where snapshots live."""
    return Path(data_dir) / SUBDIR


def valid_run_name(run: str) -> bool:
    """True for a plain run directory name (no path separators)."""
    return bool(_NAME.match(run or "")) and ".." not in run


def save_snapshot(data_dir: Path, run: str, recs: Iterable) -> Path:
    """Write ``recs`` (objects with ``src``, ``dst``, ``score``) as the snapshot of ``run``."""
    if not valid_run_name(run):
        raise ValueError(f"not a run name: {run!r}")
    recs = list(recs)
    path = snapshot_dir(data_dir) / f"{run}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, src=np.array([r.src for r in recs], dtype=str), dst=np.array([r.dst for r in recs], dtype=str),
             score=np.array([r.score for r in recs], dtype=np.float32))
    tmp.replace(path)
    return path


def list_snapshots(data_dir: Path) -> list[str]:
    """Runs with a snapshot, sorted."""
    folder = snapshot_dir(data_dir)
    if not folder.is_dir():
        return []
    return sorted(p.name[:-4] for p in folder.glob("*.npz") if not p.name.endswith(".tmp.npz"))


def load_snapshot(data_dir: Path, run: str) -> Optional[dict[str, list[tuple[str, float]]]]:
    """``{src: [(dst, score), ...] best first}`` of ``run``'s snapshot (None when there is none);
    kept in memory until the file changes."""
    if not valid_run_name(run):
        return None
    path = snapshot_dir(data_dir) / f"{run}.npz"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    with _lock:
        hit = _cache.get(path)
        if hit is not None and hit[0] == mtime:
            return hit[1]
    with np.load(path, allow_pickle=False) as data:
        table: dict[str, list[tuple[str, float]]] = {}
        for s, d, x in zip(data["src"].tolist(), data["dst"].tolist(), data["score"].tolist()):
            table.setdefault(s, []).append((d, float(x)))
    for rows in table.values():
        rows.sort(key=lambda r: (-r[1], r[0]))
    with _lock:
        _cache[path] = (mtime, table)
    return table
