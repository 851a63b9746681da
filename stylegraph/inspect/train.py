"""``stylegraph inspect train``: a calibrated photo classifier on one catalog label column.

It reuses the end-to-end training issue's pieces (:mod:`stylegraph.loader.finetune`):
the photo check and label encoding (``training_data``), the split by product
(``split_products``), the streamed ``PhotoDataset`` with the shared
preprocessing and augmentations, the backbone builder (``embed.build_backbone``
with ``embed.backbone_state`` for a trained run or ``.pth``), run directories.

Two stages: a linear probe on the frozen backbone's pooled features (L2
strength chosen on the validation products), then, with ``epochs > 0``, every
layer trained end to end with cross-entropy from that probe (early stopping
on validation accuracy). The validation products then fit the temperature
and the confidence threshold reaching ``target_precision``.

Photos a reviewer labelled in the review queue (:mod:`stylegraph.inspect.queue`)
join training: a decision on a catalog product replaces its catalog label,
other photos (customer uploads) are extra training rows.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm import tqdm

from stylegraph.inspect import calibrate
from stylegraph.inspect.model import CHECKPOINT, ClassifierNet, save_classifier
from stylegraph.inspect.plots import plot_confusion, plot_reliability
from stylegraph.loader.embed import ARCHS, backbone_state, build_backbone, make_spec
from stylegraph.loader.training import plot_training_curves, run_epoch
from stylegraph.loader.finetune import (IDS_FILE, FinetuneConfig, PhotoDataset, TrainingData, new_run_dir,
                                        peak_rss_mb, split_products, training_data)
from stylegraph.loader.preprocess import default_image_size, eval_transform, train_transform

log = logging.getLogger(__name__)

L2_GRID = (1e-4, 1e-3, 1e-2, 1e-1)


class InspectTrainError(ValueError):
    """The configuration or the data cannot train a classifier."""


@dataclass
class InspectConfig:
    """Everything an inspection training run depends on (saved as ``config.json``)."""

    catalog: str
    label: str = "category"
    columns: dict[str, str] | None = None
    model: str = "resnet18"
    weights: str = "random"  # random | torchvision | PATH.pth | finetune run dir
    image_size: int = 0  # 0: the trained model's own, else chosen from the photos
    epochs: int = 0  # end-to-end epochs after the linear probe (0: probe only)
    patience: int = 4
    max_minutes: float = 0.0  # end-to-end training stops before an epoch that would pass this (0: no limit)
    lr: float = 1e-3
    weight_decay: float = 1e-4
    batch_size: int = 32
    val_fraction: float = 0.15
    target_precision: float = 0.95
    review_db: str = ""  # review queue whose decisions become training labels
    workers: int = 0
    seed: int = 0
    name: str = "inspect"
    runs_dir: str = "runs"

    def validate(self) -> None:
        """Raise :class:`InspectTrainError` for an unusable setting."""
        if self.model not in ARCHS:
            raise InspectTrainError(f"--model must be one of {ARCHS}, got {self.model!r}")
        if not 0.5 <= self.target_precision < 1.0:
            raise InspectTrainError(f"--precision must be in [0.5, 1), got {self.target_precision}")
        if self.epochs < 0 or self.patience < 1 or self.batch_size < 2:
            raise InspectTrainError("--epochs must be >= 0, --patience >= 1, --batch-size >= 2")
        if not 0.05 <= self.val_fraction <= 0.5:
            raise InspectTrainError(f"validation fraction must be in [0.05, 0.5], got {self.val_fraction}")
        if self.image_size and not 32 <= self.image_size <= 512:
            raise InspectTrainError(f"--image-size must be 0 (auto) or 32..512, got {self.image_size}")


def add_review_labels(data: TrainingData, review_db: str) -> tuple[TrainingData, np.ndarray, int]:
    """``data`` with the queue's reviewed labels: catalog products relabelled, other photos appended.

    Returns the data, the indexes of appended rows (training only) and how many labels were used.
    """
    from stylegraph.inspect.queue import ReviewQueue

    extra_rows: list[int] = []
    if not review_db or not Path(review_db).exists():
        return data, np.zeros(0, np.int64), 0
    labelled = ReviewQueue(review_db).labelled()
    if not labelled:
        return data, np.zeros(0, np.int64), 0
    classes = list(data.classes[0])
    labels = [int(v) for v in data.labels[:, 0]]
    row_of = {pid: i for i, pid in enumerate(data.ids)}
    ids, paths, sizes = list(data.ids), list(data.paths), list(data.sizes)
    for item in labelled:
        if item.label not in classes:
            classes.append(item.label)
        k = classes.index(item.label)
        if item.product_id and item.product_id in row_of:
            labels[row_of[item.product_id]] = k
        else:
            extra_rows.append(len(ids))
            ids.append(f"review:{item.sha256}")
            paths.append(Path(item.image_path))
            sizes.append((0, 0))
            labels.append(k)
    # keep class indexes sorted by name, as training_data makes them
    order = sorted(range(len(classes)), key=lambda i: classes[i])
    remap = {old: new for new, old in enumerate(order)}
    arr = np.array([[remap[v]] for v in labels], dtype=np.int64)
    out = TrainingData(ids, paths, arr, [[classes[i] for i in order]], sizes, data.skipped)
    return out, np.array(extra_rows, np.int64), len(labelled)


@torch.no_grad()
def features_of(net: ClassifierNet, data: TrainingData, rows: np.ndarray, image_size: int, flip: bool = False,
                batch_size: int = 64, workers: int = 0, progress: bool = True, desc: str = "features") -> np.ndarray:
    """Pooled backbone features of ``rows`` (of their mirror images with ``flip``)."""
    net.eval()
    loader = DataLoader(PhotoDataset(data, rows, eval_transform(image_size)), batch_size=batch_size,
                        num_workers=workers)
    parts = []
    for x, _ in tqdm(loader, desc=desc, unit="batch", leave=False, disable=not progress):
        parts.append(net.features(x.flip(-1) if flip else x))
    return torch.cat(parts).numpy() if parts else np.zeros((0, net.width), np.float32)


@torch.no_grad()
def logits_of(net: ClassifierNet, data: TrainingData, rows: np.ndarray, image_size: int,
              workers: int = 0, progress: bool = False) -> np.ndarray:
    """Logits of ``rows`` (eval transform)."""
    feats = features_of(net, data, rows, image_size, workers=workers, progress=progress, desc="logits")
    return net.head(torch.from_numpy(feats)).numpy()


@torch.no_grad()
def recalibrate_batch_norm(net: ClassifierNet, data: TrainingData, rows: np.ndarray, image_size: int,
                           max_photos: int = 512, workers: int = 0) -> None:
    """Set every batch-norm layer's running statistics from ``rows`` (random weights have none worth using)."""
    norms = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the batches below
    net.train()
    loader = DataLoader(PhotoDataset(data, rows[:max_photos], eval_transform(image_size)), batch_size=64,
                        num_workers=workers)
    for x, _ in loader:
        net.backbone(x)
    for m in norms:
        m.momentum = 0.1
    net.eval()


def fit_linear(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
               n_classes: int, grid: tuple[float, ...] = L2_GRID,
               seed: int = 0) -> tuple[nn.Linear, np.ndarray, np.ndarray, dict[str, Any]]:
    """Multinomial logistic regression on standardised features; L2 strength chosen on validation.

    Returns the layer (it reads standardised features), the features' mean and std, and the probe's report.
    """
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.maximum(std, 0.1 * float(std.mean())) + 1e-6  # near-constant features must not explode later
    xt = torch.from_numpy((x_train - mean) / std).float()
    xv = torch.from_numpy((x_val - mean) / std).float()
    yt, yv = torch.from_numpy(y_train).long(), torch.from_numpy(y_val).long()
    best: tuple[float, float, float, nn.Linear] | None = None
    trials = []
    for l2 in grid:
        torch.manual_seed(seed)
        layer = nn.Linear(xt.shape[1], n_classes)
        opt = torch.optim.LBFGS(layer.parameters(), lr=1.0, max_iter=200, history_size=20,
                                line_search_fn="strong_wolfe")

        def closure() -> torch.Tensor:
            opt.zero_grad()
            loss = nn.functional.cross_entropy(layer(xt), yt) + l2 * layer.weight.pow(2).sum()
            loss.backward()
            return loss

        opt.step(closure)
        with torch.no_grad():
            out = layer(xv)
            acc = float((out.argmax(1) == yv).float().mean())
            loss = float(nn.functional.cross_entropy(out, yv))
        trials.append({"l2": l2, "val_accuracy": acc, "val_nll": loss})
        if best is None or (acc, -loss) > (best[0], -best[1]):
            best = (acc, loss, l2, layer)
    assert best is not None
    report = {"l2": best[2], "val_accuracy": best[0], "val_nll": best[1], "trials": trials}
    return best[3], mean.astype(np.float32), std.astype(np.float32), report


def _backbone(cfg: InspectConfig) -> tuple[nn.Module, dict[str, Any]]:
    spec = make_spec(cfg.model, cfg.weights, image_size=cfg.image_size or 224, seed=cfg.seed)
    local = spec["weights"] not in ("random", "torchvision")
    backbone = build_backbone(spec["model"], spec["weights"], cfg.seed,
                              state_dict=backbone_state(spec["weights"]) if local else None)
    return backbone, spec


def train_inspector(cfg: InspectConfig, progress: bool = True,
                    data: TrainingData | None = None) -> tuple[Path, dict[str, Any]]:
    """Train, calibrate, choose the threshold, save a run; returns the run directory and its metrics."""
    cfg.validate()
    start = time.perf_counter()
    torch.manual_seed(cfg.seed)
    if data is None:
        fcfg = FinetuneConfig(catalog=cfg.catalog, labels={cfg.label: 1.0}, columns=dict(cfg.columns or {}))
        data = training_data(fcfg, progress)
    n_catalog = len(data.ids)
    train_rows, val_rows = split_products(n_catalog, cfg.val_fraction, cfg.seed)
    data, extra, n_review = add_review_labels(data, cfg.review_db)
    train_rows = np.concatenate([train_rows, extra])
    backbone, spec = _backbone(cfg)
    trained_size = spec["image_size"] if spec["weights"] not in ("random", "torchvision") else 0
    image_size = cfg.image_size or trained_size or default_image_size([s for s in data.sizes if s != (0, 0)])
    classes = data.classes[0]
    y = data.labels[:, 0]
    net = ClassifierNet(spec["model"], len(classes), backbone)
    run = new_run_dir(cfg.runs_dir, cfg.name)
    handler = logging.FileHandler(run / "train.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    old_level = log.level
    log.setLevel(logging.INFO)
    try:
        log.info("inspect: %s from %s at %d px, %d classes of %r, %d training photos (%d from review), "
                 "%d validation", spec["model"], spec["weights"], image_size, len(classes), cfg.label,
                 len(train_rows), len(extra), len(val_rows))
        if spec["weights"] == "random" and cfg.epochs:
            # from scratch a probe on random features is no head start: train everything from the first step
            probe: dict[str, Any] = {"skipped": "random weights train end to end from scratch"}
        else:
            probe = _probe(cfg, net, data, (train_rows, val_rows), image_size, progress)
        curves = {"train_loss": [], "val_accuracy": [], "probe_val_accuracy": probe.get("val_accuracy", -1.0)}
        if cfg.epochs:
            _finetune(cfg, net, data, (train_rows, val_rows), image_size, curves, progress)
        metrics = _calibrate_and_save(cfg, net, data, val_rows, image_size, spec, run)
        metrics.update(probe=probe, curves=curves, n_train=len(train_rows), n_val=len(val_rows),
                       n_review_labels=n_review, image_size=image_size, skipped_images=data.skipped,
                       majority_val_accuracy=_majority(y[train_rows], y[val_rows]),
                       seconds=time.perf_counter() - start, peak_rss_mb=peak_rss_mb())
        (run / IDS_FILE).write_text(json.dumps({"train": [data.ids[i] for i in train_rows],
                                                "validation": [data.ids[i] for i in val_rows]}) + "\n")
        (run / "config.json").write_text(json.dumps({**asdict(cfg), "base_spec": spec}, indent=2,
                                                    sort_keys=True) + "\n")
        (run / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
        if curves["train_loss"]:
            plot_training_curves(run / "curves.png", curves["train_loss"], "cross-entropy", "accuracy",
                                 curves["probe_val_accuracy"], curves["val_accuracy"])
        log.info("validation accuracy %.4f; threshold %.4f gives coverage %.3f at precision %.3f",
                 metrics["val_accuracy"], metrics["threshold"], metrics["val_coverage"], metrics["val_precision_at_threshold"])
        return run, metrics
    finally:
        log.removeHandler(handler)
        log.setLevel(old_level)
        handler.close()


def _probe(cfg: InspectConfig, net: ClassifierNet, data: TrainingData, split: tuple[np.ndarray, np.ndarray],
           image_size: int, progress: bool) -> dict[str, Any]:
    """Stage 1: the linear probe on frozen features (mirror images double the training set), set into ``net``."""
    train_rows, val_rows = split
    y = data.labels[:, 0]
    if cfg.weights == "random":  # random weights come with no batch-norm statistics worth using
        recalibrate_batch_norm(net, data, train_rows, image_size, workers=cfg.workers)
    f_train = np.concatenate([features_of(net, data, train_rows, image_size, workers=cfg.workers,
                                          progress=progress, desc="features (train)"),
                              features_of(net, data, train_rows, image_size, flip=True, workers=cfg.workers,
                                          progress=progress, desc="features (train, mirrored)")])
    f_val = features_of(net, data, val_rows, image_size, workers=cfg.workers, progress=progress,
                        desc="features (validation)")
    layer, mean, std, probe = fit_linear(f_train, np.concatenate([y[train_rows], y[train_rows]]), f_val,
                                         y[val_rows], len(data.classes[0]), seed=cfg.seed)
    net.fc = layer
    net.feat_mean.copy_(torch.from_numpy(mean))
    net.feat_std.copy_(torch.from_numpy(std))
    log.info("linear probe: L2 %g, validation accuracy %.4f", probe["l2"], probe["val_accuracy"])
    return probe


def _majority(y_train: np.ndarray, y_val: np.ndarray) -> float:
    """Validation accuracy of always answering the most frequent training class."""
    top = int(np.bincount(y_train).argmax())
    return float(np.mean(y_val == top))


def _finetune(cfg: InspectConfig, net: ClassifierNet, data: TrainingData, split: tuple[np.ndarray, np.ndarray],
              image_size: int, curves: dict[str, Any], progress: bool) -> None:
    """Every layer, end to end, cross-entropy; the best validation epoch is kept."""
    train_rows, val_rows = split
    y_val = data.labels[val_rows, 0]
    loader = DataLoader(PhotoDataset(data, train_rows, train_transform(image_size)), batch_size=cfg.batch_size,
                        shuffle=True, num_workers=cfg.workers, drop_last=len(train_rows) > cfg.batch_size,
                        generator=torch.Generator().manual_seed(cfg.seed))
    # from trained weights the backbone moves ten times slower than the linear layer, and its batch-norm
    # statistics stay as the probe saw them; from random weights everything trains at full speed
    from_scratch = cfg.weights == "random"
    opt = torch.optim.AdamW([{"params": net.backbone.parameters(), "lr": cfg.lr if from_scratch else cfg.lr / 10},
                             {"params": net.fc.parameters(), "lr": cfg.lr}], weight_decay=cfg.weight_decay)
    started = time.perf_counter()
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg.epochs)
    best = float(curves["probe_val_accuracy"])
    best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
    best_epoch = 0
    for epoch in range(1, cfg.epochs + 1):
        elapsed = time.perf_counter() - started
        if cfg.max_minutes and epoch > 1 and elapsed + elapsed / (epoch - 1) > cfg.max_minutes * 60:
            log.info("stopping before epoch %d: the next epoch would pass the %.0f-minute budget", epoch,
                     cfg.max_minutes)
            curves["stopped_by_budget"] = True
            break
        net.train()
        for module in net.modules():
            if not from_scratch and isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.eval()
        mean_loss = run_epoch(loader, opt, lambda x, yb: nn.functional.cross_entropy(net(x), yb[:, 0]),
                              f"epoch {epoch}/{cfg.epochs}", progress)
        sched.step()
        acc = float(np.mean(logits_of(net, data, val_rows, image_size, cfg.workers).argmax(1) == y_val))
        curves["train_loss"].append(mean_loss)
        curves["val_accuracy"].append(acc)
        log.info("epoch %d: loss %.4f, validation accuracy %.4f", epoch, curves["train_loss"][-1], acc)
        if progress:
            tqdm.write(f"epoch {epoch}: loss {curves['train_loss'][-1]:.4f}, val accuracy {acc:.4f}")
        if acc > best:
            best, best_epoch = acc, epoch
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        if epoch - best_epoch >= cfg.patience:
            log.info("early stop: no improvement for %d epochs", cfg.patience)
            break
    net.load_state_dict(best_state)
    net.eval()
    curves["best_epoch"] = best_epoch


def _calibrate_and_save(cfg: InspectConfig, net: ClassifierNet, data: TrainingData, val_rows: np.ndarray,
                        image_size: int, spec: dict[str, Any], run: Path) -> dict[str, Any]:
    classes = data.classes[0]
    y_val = data.labels[val_rows, 0]
    logits = logits_of(net, data, val_rows, image_size, cfg.workers)
    temperature = calibrate.fit_temperature(logits, y_val)
    raw = calibrate.softmax(logits)
    probs = calibrate.softmax(logits, temperature)
    pred = probs.argmax(1)
    correct = pred == y_val
    conf = probs.max(1)
    thr = calibrate.threshold_for_precision(conf, correct, cfg.target_precision)
    rel_before = calibrate.reliability(raw.max(1), correct)
    rel_after = calibrate.reliability(conf, correct)
    save_classifier(net, run / CHECKPOINT, image_size=image_size, label=cfg.label, classes=classes,
                    temperature=temperature, threshold=thr.threshold, target_precision=cfg.target_precision,
                    base_spec=spec)
    matrix = calibrate.confusion(pred, y_val, len(classes))
    plot_confusion(matrix, classes, run / "confusion.png", title=f"validation confusion ({cfg.label})")
    plot_reliability(rel_before, rel_after, temperature, thr.threshold, run / "reliability.png")
    if not thr.reached:
        log.warning("no confidence threshold reaches precision %.2f on validation: every photo goes to review",
                    cfg.target_precision)
    return {"label": cfg.label, "classes": classes, "val_accuracy": float(correct.mean()),
            "per_class": calibrate.per_class(pred, y_val, classes), "confusion": matrix.tolist(),
            "temperature": temperature, "val_nll_before": calibrate.nll(logits, y_val),
            "val_nll_after": calibrate.nll(logits, y_val, temperature), "ece_before": rel_before["ece"],
            "ece_after": rel_after["ece"], "target_precision": cfg.target_precision, "threshold": thr.threshold,
            "threshold_reached": thr.reached, "val_coverage": thr.coverage,
            "val_precision_at_threshold": thr.precision}
