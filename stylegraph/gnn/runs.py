"""Run directories: ``runs/<timestamp>-<name>/``, the ``latest`` pointer, loading a trained run.

A run dir holds ``config.json``, ``features.json`` (the feature layout),
``split.npz`` (held-out edges as product-id pairs), ``model.pt`` (a
``state_dict``), ``metrics.json``, ``curve.png`` and ``train.log``.
Nothing in an existing run is ever overwritten; ``runs/latest`` is a symlink
to the promoted run, replaced atomically by :func:`promote`.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from stylegraph.gnn.config import GNNConfig
from stylegraph.gnn.dataset import FeatureSpec
from stylegraph.gnn.model import SAGE, configure_torch

LATEST = "latest"
CONFIG_FILE = "config.json"
FEATURES_FILE = "features.json"
SPLIT_FILE = "split.npz"
WEIGHTS_FILE = "model.pt"
METRICS_FILE = "metrics.json"
CURVE_FILE = "curve.png"
LOG_FILE = "train.log"


class RunError(ValueError):
    """A run dir that does not exist or is incomplete."""


def new_run_dir(runs_dir: Path, name: str) -> Path:
    """Create and return a fresh ``<runs_dir>/<UTC timestamp>-<name>`` (suffixed if taken)."""
    runs_dir = Path(runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    base = f"{stamp}-{name}"
    for n in range(1, 1000):
        path = runs_dir / (base if n == 1 else f"{base}-{n}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise RunError(f"could not create a new run dir under {runs_dir}")


def promote(runs_dir: Path, run: str | Path) -> Path:
    """Point ``<runs_dir>/latest`` at ``run`` (atomically) and return the run dir."""
    run_dir = resolve_run(runs_dir, str(run))
    if not (run_dir / WEIGHTS_FILE).exists():
        raise RunError(f"{run_dir} has no {WEIGHTS_FILE}: only finished runs can be promoted")
    link = Path(runs_dir) / LATEST
    tmp = Path(runs_dir) / f".{LATEST}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(run_dir.name, tmp)
    os.replace(tmp, link)
    return run_dir


def latest_run(runs_dir: Path) -> Path | None:
    """The promoted run dir, or None when nothing has been promoted."""
    link = Path(runs_dir) / LATEST
    if not link.is_symlink():
        return None
    target = Path(runs_dir) / os.readlink(link)
    return target if target.is_dir() else None


def resolve_run(runs_dir: Path, run: str | None) -> Path:
    """A run dir from a name under ``runs_dir``, a path, or None/"latest" for the promoted run."""
    runs_dir = Path(runs_dir)
    if run in (None, "", LATEST):
        found = latest_run(runs_dir)
        if found is None:
            raise RunError(
                f"no promoted run in {runs_dir}: pass --run or run `stylegraph gnn promote RUN`"
            )
        return found
    for candidate in (Path(run), runs_dir / run):
        if candidate.is_dir() and (candidate / CONFIG_FILE).exists():
            return candidate.resolve() if candidate.is_symlink() else candidate
    raise RunError(f"no run {run!r} (looked in {runs_dir} and as a path)")


@dataclass
class RunInfo:
    """One run as listed by ``stylegraph gnn runs``."""

    name: str
    path: Path
    latest: bool
    metrics: dict


def list_runs(runs_dir: Path) -> list[RunInfo]:
    """Every run dir under ``runs_dir`` (oldest first) with its metrics, if finished."""
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return []
    latest = latest_run(runs_dir)
    out = []
    for path in sorted(p for p in runs_dir.iterdir()
                       if p.is_dir() and not p.is_symlink() and (p / CONFIG_FILE).exists()):
        metrics_path = path / METRICS_FILE
        metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
        out.append(RunInfo(name=path.name, path=path,
                           latest=latest is not None and latest.name == path.name,
                           metrics=metrics))
    return out


@dataclass
class TrainedRun:
    """A finished run loaded back: its config, feature layout and model (eval mode)."""

    path: Path
    config: GNNConfig
    spec: FeatureSpec
    model: SAGE

    @property
    def name(self) -> str:
        """The run's name (its directory name), used as ``model`` on RECOMMENDED edges."""
        return self.path.name


def load_run(run_dir: Path) -> TrainedRun:
    """Load a finished run's config, feature spec and weights."""
    run_dir = Path(run_dir)
    for f in (CONFIG_FILE, FEATURES_FILE, WEIGHTS_FILE):
        if not (run_dir / f).exists():
            raise RunError(f"{run_dir} has no {f}: the run did not finish")
    configure_torch()
    cfg = GNNConfig.load(run_dir / CONFIG_FILE)
    spec = FeatureSpec.load(run_dir / FEATURES_FILE)
    model = SAGE.from_config(cfg, spec.dim)
    state = torch.load(run_dir / WEIGHTS_FILE, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    model.eval()
    return TrainedRun(path=run_dir, config=cfg, spec=spec, model=model)
