"""Train the image model end to end on the catalog's labels (metric learning, CPU friendly).

Every layer of a torchvision ResNet plus a linear embedding layer
(:class:`~stylegraph.loader.metric_model.EmbeddingNet`) learns from one or
more label columns, each with its own weight and its own
pytorch-metric-learning loss (multi-similarity with its miner by default).
Batches hold ``m_per_class`` photos of each of several classes of the first
label column (``MPerClassSampler``). Images stream from disk through the
shared preprocessing (:mod:`stylegraph.loader.preprocess`) with training
augmentations, so memory stays bounded whatever the catalog's size.

Products are split once, by product, into training and validation. After
every epoch the validation products are embedded and precision@k (same
first label among the k nearest) is measured; the best epoch is kept,
training stops after ``patience`` epochs without improvement, and a model
that is not better than the starting one is saved with a warning and is
not recommended.

The run directory ``<runs_dir>/<timestamp>-<name>/`` gets ``config.json``,
``metrics.json``, ``model.pth`` (``stylegraph embed --weights RUN``),
``product_ids.json`` (which products trained and validated it),
``curves.png`` and ``train.log``.
"""
from __future__ import annotations

import json
import logging
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from tqdm import tqdm

from stylegraph.loader.catalog import read_catalog
from stylegraph.loader.embed import backbone_state, build_backbone, make_spec
from stylegraph.loader.training import plot_training_curves, run_epoch
from stylegraph.loader.finetune_config import FinetuneConfig, FinetuneError
from stylegraph.loader.images import SkippedImage, load_product_image
from stylegraph.loader.knn import label_precision
from stylegraph.loader.metric_model import EmbeddingNet, save_embedder
from stylegraph.loader.preprocess import default_image_size, eval_transform, train_transform

log = logging.getLogger(__name__)

IDS_FILE = "product_ids.json"


def new_run_dir(runs_dir: str | Path, name: str) -> Path:
    """A fresh ``<runs_dir>/<UTC timestamp>-<name>`` directory (never an existing one)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    base = Path(runs_dir) / f"{stamp}-{name}"
    path, n = base, 1
    while True:
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            n += 1
            path = base.with_name(f"{base.name}-{n}")


@dataclass
class TrainingData:
    """Usable photos of the catalog with integer labels per label column."""

    ids: list[str]
    paths: list[Path]
    labels: np.ndarray  # n x columns, int64 class index per column
    classes: list[list[str]]  # per column, the class names
    sizes: list[tuple[int, int]]
    skipped: list[str]


def training_data(cfg: FinetuneConfig, progress: bool = True) -> TrainingData:
    """Read the catalog and check every photo once (decoded, then dropped: memory stays bounded)."""
    catalog = read_catalog(cfg.catalog, cfg.columns)
    columns = list(cfg.labels)
    per_column = [catalog.labels([c]) for c in columns]
    ids, paths, rows, sizes, skipped = [], [], [], [], []
    for i, product in enumerate(tqdm(catalog.products, desc="check photos", unit="img", disable=not progress)):
        values = [col[i] for col in per_column]
        if not values[0]:
            skipped.append(f"product {product.product_id}: no value in label column {columns[0]!r}")
            continue
        img = load_product_image(product.product_id, catalog.image_path(product))
        if isinstance(img, SkippedImage):
            skipped.append(str(img))
            continue
        sizes.append(img.size)
        ids.append(product.product_id)
        paths.append(catalog.image_path(product))
        rows.append(values)
    classes = [sorted({r[j] for r in rows}) for j in range(len(columns))]
    lookup = [{c: n for n, c in enumerate(cl)} for cl in classes]
    labels = np.array([[lookup[j][r[j]] for j in range(len(columns))] for r in rows], dtype=np.int64)
    if len(ids) < 8 or len(classes[0]) < 2:
        raise FinetuneError(f"need at least 8 usable photos and 2 classes of {columns[0]!r}, "
                            f"got {len(ids)} and {len(classes[0])}")
    return TrainingData(ids, paths, labels.reshape(len(ids), len(columns)), classes, sizes, skipped)


class PhotoDataset(Dataset):
    """(tensor, labels) per photo, decoded from disk on every access."""

    def __init__(self, data: TrainingData, rows: np.ndarray, transform: Callable):
        self.data, self.rows, self.transform = data, rows, transform

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        row = int(self.rows[i])
        img = load_product_image(self.data.ids[row], self.data.paths[row])
        if isinstance(img, SkippedImage):  # changed on disk since the check
            raise FinetuneError(f"photo became unusable during training: {img}")
        return self.transform(img), torch.from_numpy(self.data.labels[row])


def split_products(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows for training and validation, split by product."""
    perm = np.random.default_rng(seed).permutation(n)
    n_val = max(2, int(round(val_fraction * n)))
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


def make_losses(cfg: FinetuneConfig, classes: list[list[str]]) -> tuple[list[tuple[nn.Module, Any]], list[nn.Parameter]]:
    """One ``(loss, miner)`` per label column, and the losses' own trainable parameters (proxies)."""
    from pytorch_metric_learning import losses, miners

    out, params = [], []
    for names in classes:
        miner = None
        if cfg.loss == "multi-similarity":
            loss: nn.Module = losses.MultiSimilarityLoss(alpha=2, beta=50, base=0.5)
            miner = miners.MultiSimilarityMiner(epsilon=0.1)
        elif cfg.loss == "supcon":
            loss = losses.SupConLoss(temperature=0.1)
        elif cfg.loss == "arcface":
            loss = losses.ArcFaceLoss(num_classes=len(names), embedding_size=cfg.embedding_dims)
        elif cfg.loss == "proxy-anchor":
            loss = losses.ProxyAnchorLoss(num_classes=len(names), embedding_size=cfg.embedding_dims)
        else:
            loss = losses.ContrastiveLoss(pos_margin=0, neg_margin=0.5)
            miner = miners.PairMarginMiner(pos_margin=0.2, neg_margin=0.5)
        params.extend(loss.parameters())
        out.append((loss, miner))
    return out, params


@torch.no_grad()
def embed_rows(net: EmbeddingNet, data: TrainingData, rows: np.ndarray, image_size: int,
               batch_size: int = 64, workers: int = 0, centred: bool = True) -> np.ndarray:
    """Normalised embeddings of ``rows`` (centred with ``net.center`` when ``centred``)."""
    net.eval()
    loader = DataLoader(PhotoDataset(data, rows, eval_transform(image_size)), batch_size=batch_size,
                        num_workers=workers)
    parts = []
    for x, _ in loader:
        parts.append(net.embed(x) if centred else nn.functional.normalize(net(x), dim=1))
    return torch.cat(parts).numpy() if parts else np.zeros((0, net.dims), np.float32)


def _optimizer(cfg: FinetuneConfig, net: EmbeddingNet, loss_params: list[nn.Parameter]) -> torch.optim.Optimizer:
    groups = [{"params": list(net.parameters()), "lr": cfg.lr}]
    if loss_params:  # proxies learn faster than the network, as their papers train them
        groups.append({"params": loss_params, "lr": cfg.lr * 100, "weight_decay": 0.0})
    if cfg.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=cfg.lr, weight_decay=cfg.weight_decay)
    return torch.optim.SGD(groups, lr=cfg.lr, momentum=0.9, weight_decay=cfg.weight_decay, nesterov=True)


def _batch_size(cfg: FinetuneConfig, n_classes: int) -> int:
    # MPerClassSampler needs m x classes >= batch size
    return max(2 * cfg.m_per_class, min(cfg.batch_size, cfg.m_per_class * n_classes))


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


EpochHook = Callable[[int, float], None]


def finetune(cfg: FinetuneConfig, progress: bool = True, on_epoch: EpochHook | None = None,
             data: TrainingData | None = None) -> tuple[Path, dict[str, Any]]:
    """Train, keep the best epoch, save a run; returns the run directory and its metrics.

    ``on_epoch(epoch, val_precision)`` is called after each epoch (the
    hyperparameter search reports and prunes there; it may raise).
    """
    start = time.perf_counter()
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)  # MPerClassSampler draws from numpy's global generator
    data = data or training_data(cfg, progress)
    image_size = cfg.image_size or default_image_size(data.sizes)
    train_rows, val_rows = split_products(len(data.ids), cfg.val_fraction, cfg.seed)
    run = new_run_dir(cfg.runs_dir, cfg.name)
    handler = logging.FileHandler(run / "train.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        return _train(cfg, data, image_size, (train_rows, val_rows), run, progress, on_epoch, start)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
        handler.close()


def _train(cfg: FinetuneConfig, data: TrainingData, image_size: int, split: tuple[np.ndarray, np.ndarray],
           run: Path, progress: bool, on_epoch: EpochHook | None, start: float) -> tuple[Path, dict[str, Any]]:
    from pytorch_metric_learning.samplers import MPerClassSampler

    train_rows, val_rows = split
    spec = make_spec(cfg.model, cfg.weights, image_size=image_size, seed=cfg.seed)
    local = spec["weights"] not in ("random", "torchvision")  # a .pth file or a trained run: start from it
    backbone = build_backbone(cfg.model, spec["weights"], cfg.seed,
                              state_dict=backbone_state(spec["weights"]) if local else None)
    net = EmbeddingNet(cfg.model, cfg.embedding_dims, backbone, seed=cfg.seed)
    loss_fns, loss_params = make_losses(cfg, data.classes)
    weights = list(cfg.labels.values())

    def batch_loss(emb: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        # one loss per label column, weighted; a miner picks the pairs where the loss has one
        return sum(w * (fn(emb, y[:, j], miner(emb, y[:, j])) if miner else fn(emb, y[:, j]))
                   for j, ((fn, miner), w) in enumerate(zip(loss_fns, weights)))

    opt = _optimizer(cfg, net, loss_params)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg.epochs)
    primary = data.labels[train_rows, 0]
    batch_size = _batch_size(cfg, len(np.unique(primary)))
    sampler = MPerClassSampler(primary, m=cfg.m_per_class, batch_size=batch_size, length_before_new_iter=len(train_rows))
    loader = DataLoader(PhotoDataset(data, train_rows, train_transform(image_size)), batch_size=batch_size,
                        sampler=sampler, num_workers=cfg.workers, drop_last=True)
    val_labels = data.labels[val_rows, 0]
    log.info("training %s at %d px on %d products (%d validation), %d classes of %r, batch %d",
             cfg.model, image_size, len(train_rows), len(val_rows), len(data.classes[0]), list(cfg.labels)[0],
             batch_size)
    base = label_precision(embed_rows(net, data, val_rows, image_size, workers=cfg.workers, centred=False),
                        val_labels, cfg.k)
    metrics: dict[str, Any] = {"k": cfg.k, "image_size": image_size, "base_val_precision": base,
                               "train_loss": [], "val_precision": [], "epoch_seconds": []}
    best, best_epoch, best_state = -1.0, 0, None
    for epoch in range(1, cfg.epochs + 1):
        t0 = time.perf_counter()
        net.train()
        mean_loss = run_epoch(loader, opt, lambda x, y: batch_loss(net(x), y), f"epoch {epoch}/{cfg.epochs}",
                              progress)
        sched.step()
        val = label_precision(embed_rows(net, data, val_rows, image_size, workers=cfg.workers, centred=False),
                           val_labels, cfg.k)
        metrics["train_loss"].append(mean_loss)
        metrics["val_precision"].append(val)
        metrics["epoch_seconds"].append(time.perf_counter() - t0)
        log.info("epoch %d: loss %.4f, validation precision@%d %.4f (%.0f s)", epoch, metrics["train_loss"][-1],
                 cfg.k, val, metrics["epoch_seconds"][-1])
        if progress:
            tqdm.write(f"epoch {epoch}: loss {metrics['train_loss'][-1]:.4f}, val precision@{cfg.k} {val:.4f}")
        if val > best:
            best, best_epoch = val, epoch
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        if on_epoch is not None:
            on_epoch(epoch, val)
        if epoch - best_epoch >= cfg.patience:
            log.info("early stop: no improvement for %d epochs", cfg.patience)
            break
    net.load_state_dict(best_state)
    net.eval()
    with torch.no_grad():  # centre on the training products, with the kept weights
        raw = []
        for x, _ in DataLoader(PhotoDataset(data, train_rows, eval_transform(image_size)), batch_size=64,
                               num_workers=cfg.workers):
            raw.append(net(x))
        net.center.copy_(torch.cat(raw).mean(dim=0))
    centred = label_precision(embed_rows(net, data, val_rows, image_size, workers=cfg.workers), val_labels, cfg.k)
    improved = best > base
    metrics.update(best_epoch=best_epoch, best_val_precision=best, centred_val_precision=centred,
                   improved=improved, epochs_run=len(metrics["val_precision"]), n_train=len(train_rows),
                   n_val=len(val_rows), n_classes=len(data.classes[0]), batch_size=batch_size,
                   skipped_images=data.skipped, seconds=time.perf_counter() - start, peak_rss_mb=peak_rss_mb())
    save_embedder(net, run / "model.pth", image_size,
                  {"labels": json.dumps(cfg.labels), "base_spec": json.dumps(spec, sort_keys=True)})
    (run / IDS_FILE).write_text(json.dumps({"train": [data.ids[i] for i in train_rows],
                                            "validation": [data.ids[i] for i in val_rows]}) + "\n")
    (run / "config.json").write_text(json.dumps(cfg.model_dump(), indent=2, sort_keys=True) + "\n")
    (run / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    plot_training_curves(run / "curves.png", metrics["train_loss"], "loss", f"precision@{cfg.k}",
                         metrics["base_val_precision"], metrics["val_precision"], metrics["best_epoch"])
    if not improved:
        log.warning("the trained model (validation precision@%d %.4f) is not better than the starting model "
                    "(%.4f); do not use it", cfg.k, best, base)
    return run, metrics
