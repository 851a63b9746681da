"""Run directories: ``runs/<timestamp>-<name>/``, the ``latest`` pointer, loading a trained run.

A run dir holds ``config.json``, ``features.json`` (the feature layout),
``split.npz`` (the cold-start and warm held-out parts as product ids),
``model.pt`` (a ``state_dict``), ``metrics.json``, ``curve.png``,
``metrics.png``, ``train.log`` and, once promoted, ``promotions.jsonl``
(every promotion: metric, GNN and best-baseline figures, forced or not).
Nothing in an existing run is ever overwritten; ``runs/latest`` is a symlink
to the promoted run, replaced atomically by :func:`promote`.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from stylegraph.gnn.config import GNNConfig
from stylegraph.gnn.dataset import FeatureSpec
from stylegraph.gnn.evaluate import METRICS, best_baseline, evaluate_part
from stylegraph.gnn.model import RelationSAGE, configure_torch

LATEST = "latest"
CONFIG_FILE = "config.json"
FEATURES_FILE = "features.json"
SPLIT_FILE = "split.npz"
WEIGHTS_FILE = "model.pt"
METRICS_FILE = "metrics.json"
CURVE_FILE = "curve.png"
METRICS_PNG = "metrics.png"
LOG_FILE = "train.log"
PROMOTIONS_FILE = "promotions.jsonl"


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


SPLITS = ("cold", "warm")


@dataclass
class PromotionCheck:
    """The GNN against the best baseline on one split: what ``promote`` decides on."""

    split: str
    metric: str
    gnn: float
    baseline: str
    baseline_value: float

    @property
    def beats(self) -> bool:
        """Whether the GNN is strictly better."""
        return self.gnn > self.baseline_value

    def describe(self) -> str:
        """One line for the terminal."""
        verdict = "beats" if self.beats else "does not beat"
        return (f"{self.split}: gnn {self.metric} {self.gnn:.4f} {verdict} "
                f"{self.baseline} {self.baseline_value:.4f}")


def promotion_checks(run_dir: Path, metric: str = "recall@10",
                     splits: tuple[str, ...] = SPLITS) -> list[PromotionCheck]:
    """The GNN vs the best baseline of each split, from the run's test metrics."""
    if metric not in METRICS:
        raise RunError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    path = Path(run_dir) / METRICS_FILE
    if not path.exists():
        raise RunError(f"{run_dir} has no {METRICS_FILE}: only finished runs can be promoted")
    test = json.loads(path.read_text()).get("test", {})
    checks = []
    for split in splits:
        if split not in test or "gnn" not in test[split]:
            raise RunError(f"{run_dir.name} has no {split} test metrics")
        name, value = best_baseline(test[split], metric)
        checks.append(PromotionCheck(split, metric, float(test[split]["gnn"][metric]), name,
                                     float(value)))
    return checks


def promote(runs_dir: Path, run: str | Path, metric: str = "recall@10",
            splits: tuple[str, ...] = SPLITS, force: bool = False
            ) -> tuple[Path, list[PromotionCheck]]:
    """Point ``<runs_dir>/latest`` at ``run`` if it beats the best baseline on ``metric`` on
    every split of ``splits`` (or ``force``); the decision is appended to the run's
    ``promotions.jsonl``. Returns the run dir and the checks; RunError when refused."""
    run_dir = resolve_run(runs_dir, str(run))
    if not (run_dir / WEIGHTS_FILE).exists():
        raise RunError(f"{run_dir} has no {WEIGHTS_FILE}: only finished runs can be promoted")
    checks = promotion_checks(run_dir, metric, splits)
    failed = [c for c in checks if not c.beats]
    if failed and not force:
        raise RunError("not promoted: " + "; ".join(c.describe() for c in failed)
                       + " (--force promotes anyway, and records it in the run)")
    record = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "metric": metric,
              "forced": bool(failed), "checks": [{**c.__dict__, "beats": c.beats} for c in checks]}
    with (run_dir / PROMOTIONS_FILE).open("a") as fh:
        fh.write(json.dumps(record) + "\n")
    _point_latest(runs_dir, run_dir)
    return run_dir, checks


def _point_latest(runs_dir: Path, run_dir: Path) -> None:
    link = Path(runs_dir) / LATEST
    tmp = Path(runs_dir) / f".{LATEST}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(run_dir.name, tmp)
    os.replace(tmp, link)


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
    model: RelationSAGE

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
    model = RelationSAGE.from_config(cfg, spec.dim)
    state = torch.load(run_dir / WEIGHTS_FILE, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    model.eval()
    return TrainedRun(path=run_dir, config=cfg, spec=spec, model=model)


def evaluate_run(g: Any, run_dir: str | Path, embeddings: Any, batch_size: int = 1000,
                 progress: bool = True) -> dict:
    """Re-export the graph and evaluate a finished run on its own saved test split.

    On an unchanged graph the figures equal the run's ``metrics.json`` test figures.
    """
    from stylegraph.gnn.dataset import RelationSplit, build_dataset, export_graph

    trained = load_run(run_dir)
    cfg = trained.config
    exported = export_graph(g, batch_size, progress, kinds=cfg.target or None)
    ids = sorted(p.id for p in exported.products)
    split = RelationSplit.load(Path(run_dir) / SPLIT_FILE,
                               {pid: i for i, pid in enumerate(ids)})
    ds = build_dataset(exported, embeddings, spec=trained.spec, split=split, seed=cfg.seed,
                       target_column=cfg.target_column,
                       label_pairs_per_product=cfg.label_pairs_per_product)
    results: dict[str, Any] = evaluate_part(trained.model, ds, "test", cfg.seed + 2)
    return {"run": trained.name, "test": results}
