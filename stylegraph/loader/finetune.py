"""Fine-tune a similarity projection with a Siamese / contrastive objective.

A projection head (Linear -> ReLU -> Linear to ``similarity_dims``), and
optionally the backbone's last block, is trained on pairs drawn from the
catalog's labels (by default the style: subcategory + pattern + colour):
a positive pair shares the label, a negative pair does not; each epoch draws
``pairs_per_anchor`` positive and negative pairs per training product. The loss is the
contrastive loss of Hadsell et al. on L2-normalised outputs,
``y d^2 + (1 - y) max(0, margin - d)^2``. Frozen parts are run once and
cached, so an epoch costs only the trainable part.

The run directory ``<runs_dir>/<timestamp>-<name>/`` gets ``config.json``,
``metrics.json``, ``model.pth`` (usable as ``stylegraph embed --weights``)
and ``loss_curve.png``.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from stylegraph.loader.catalog import STYLE_COLUMNS, read_catalog
from stylegraph.loader.embed import FINETUNE_FORMAT, Embedder, ProjectionHead, make_spec
from stylegraph.loader.images import SkippedImage, load_product_image
from stylegraph.loader.knn import precision_at_k, top_k

SIMILARITY_DIMS = (16, 32, 64, 96, 128)
OPTIMIZERS = ("adam", "sgd")


class FinetuneError(ValueError):
    """The fine-tuning configuration or data cannot be used."""


@dataclass
class FinetuneConfig:
    """Everything a fine-tuning run depends on (saved as ``config.json``)."""

    catalog: str
    model: str = "resnet18"
    weights: str = "random"
    seed: int = 0
    style: str = "none"
    image_size: int = 128
    similarity_dims: int = 64
    hidden: int = 256
    lr: float = 1e-3
    optimizer: str = "adam"
    epochs: int = 30
    pairs_per_anchor: int = 3
    batch_size: int = 128
    margin: float = 0.7
    train_last_block: bool = False
    label_columns: list[str] = field(default_factory=lambda: list(STYLE_COLUMNS))
    val_fraction: float = 0.2
    name: str = "finetune"
    runs_dir: str = "runs"

    def validate(self) -> None:
        """Raise :class:`FinetuneError` for an unusable setting."""
        if self.similarity_dims not in SIMILARITY_DIMS:
            raise FinetuneError(f"--similarity-dims must be one of {SIMILARITY_DIMS}, got {self.similarity_dims}")
        if self.optimizer not in OPTIMIZERS:
            raise FinetuneError(f"--optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if not self.lr > 0:
            raise FinetuneError(f"--lr must be > 0, got {self.lr}")
        if self.epochs < 1 or self.batch_size < 2 or self.pairs_per_anchor < 1:
            raise FinetuneError("--epochs and --pairs-per-anchor must be >= 1, --batch-size >= 2")
        if not 0 < self.val_fraction < 0.9:
            raise FinetuneError(f"val fraction must be in (0, 0.9), got {self.val_fraction}")
        if self.train_last_block and self.style == "style":
            raise FinetuneError("--train-last-block needs content features (style 'none' or 'concat')")


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


class Trainable(nn.Module):
    """The trainable part on top of cached frozen inputs."""

    def __init__(self, embedder: Embedder, cfg: FinetuneConfig, in_dim: int):
        super().__init__()
        self.style = cfg.style
        self.layer4 = embedder.features.backbone.layer4 if cfg.train_last_block else None
        self.head = ProjectionHead(in_dim, cfg.hidden, cfg.similarity_dims)

    def features(self, cached: dict[str, torch.Tensor]) -> torch.Tensor:
        """The head's input: exactly what the embedder's feature extractor computes."""
        if self.layer4 is None:
            return cached["features"]
        content = nn.functional.normalize(self.layer4(cached["layer3"]).mean(dim=(2, 3)), dim=1)
        if self.style == "none":
            return content
        return torch.cat([content, nn.functional.normalize(cached["style"], dim=1)], dim=1) / np.sqrt(2)

    def forward(self, cached: dict[str, torch.Tensor]) -> torch.Tensor:
        return nn.functional.normalize(self.head(self.features(cached)), dim=1)


@torch.no_grad()
def cache_inputs(embedder: Embedder, images: list, cfg: FinetuneConfig, progress: bool) -> dict[str, torch.Tensor]:
    """Run the frozen part once over every image."""
    fx = embedder.features
    parts: dict[str, list[torch.Tensor]] = {}
    for start in tqdm(range(0, len(images), 32), desc="cache features", unit="batch", disable=not progress):
        batch = torch.stack([embedder.transform(img) for img in images[start:start + 32]])
        if cfg.train_last_block:
            maps = fx.layer_maps(batch)
            parts.setdefault("layer3", []).append(maps["layer3"])
            if cfg.style != "none":
                parts.setdefault("style", []).append(fx.style_vector(maps))
        else:
            parts.setdefault("features", []).append(fx(batch))
    return {k: torch.cat(v) for k, v in parts.items()}


def sample_pairs(labels: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each anchor in ``rows``: one positive and one negative pair, as ``(i, j, same)`` rows."""
    by_label: dict[Any, np.ndarray] = {lab: rows[labels[rows] == lab] for lab in np.unique(labels[rows])}
    pairs = []
    for i in rng.permutation(rows):
        same = by_label[labels[i]]
        if len(same) > 1:
            j = i
            while j == i:
                j = same[rng.integers(len(same))]
            pairs.append((i, j, 1))
        if len(by_label) > 1:
            j = rows[rng.integers(len(rows))]
            while labels[j] == labels[i]:
                j = rows[rng.integers(len(rows))]
            pairs.append((i, j, 0))
    return np.array(pairs, dtype=np.int64).reshape(-1, 3)


def contrastive_loss(a: torch.Tensor, b: torch.Tensor, same: torch.Tensor, margin: float) -> torch.Tensor:
    """Hadsell-Chopra-LeCun contrastive loss on embedding pairs."""
    d = torch.norm(a - b, dim=1)
    return (same * d.pow(2) + (1 - same) * torch.clamp(margin - d, min=0).pow(2)).mean()


def _select(cached: dict[str, torch.Tensor], idx: torch.Tensor) -> dict[str, torch.Tensor]:
    return {k: v[idx] for k, v in cached.items()}


def _precision(vectors: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    ids = [str(i) for i in range(len(vectors))]
    k = min(k, len(vectors) - 1)
    if k < 1:
        return 0.0
    nbr, _ = top_k(ids, vectors, k, "exact")
    return precision_at_k(ids, nbr, dict(zip(ids, labels.tolist())))


def _plot(metrics: dict[str, Any], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(metrics["train_loss"]) + 1)
    ax.plot(epochs, metrics["train_loss"], label="train loss")
    ax.plot(epochs, metrics["val_loss"], label="val loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("contrastive loss")
    ax2 = ax.twinx()
    ax2.plot(epochs, metrics["val_precision_at_10"], "g--", label="val precision@10")
    ax2.set_ylabel("precision@10")
    fig.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def training_images(catalog_path: str, columns: list[str]) -> tuple[list, np.ndarray, list[str]]:
    """Usable images with their labels, and the skipped ones (as text)."""
    catalog = read_catalog(catalog_path)
    images, labels, skipped = [], [], []
    for product, label in zip(catalog.products, catalog.labels(columns)):
        img = load_product_image(product.product_id, catalog.image_path(product))
        if isinstance(img, SkippedImage):
            skipped.append(str(img))
        else:
            images.append(img)
            labels.append(label)
    if len(images) < 4 or len(set(labels)) < 2:
        raise FinetuneError(f"need at least 4 usable images and 2 labels, got {len(images)} and {len(set(labels))}")
    return images, np.array(labels), skipped


def finetune(cfg: FinetuneConfig, progress: bool = True) -> tuple[Path, dict[str, Any]]:
    """Train, evaluate and save a run; returns the run directory and its metrics."""
    cfg.validate()
    start = time.perf_counter()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    images, labels_arr, skipped = training_images(cfg.catalog, cfg.label_columns)
    embedder = Embedder(make_spec(cfg.model, cfg.weights, style=cfg.style, image_size=cfg.image_size, seed=cfg.seed))
    cached = cache_inputs(embedder, images, cfg, progress)
    in_dim = embedder.dim
    perm = rng.permutation(len(images))
    n_val = max(2, int(round(cfg.val_fraction * len(images))))
    val_rows, train_rows = np.sort(perm[:n_val]), np.sort(perm[n_val:])
    model = Trainable(embedder, cfg, in_dim)
    params = [p for p in model.parameters()]
    for p in params:
        p.requires_grad_(True)
    opt = (torch.optim.Adam(params, lr=cfg.lr) if cfg.optimizer == "adam"
           else torch.optim.SGD(params, lr=cfg.lr, momentum=0.9))
    val_pairs = torch.from_numpy(sample_pairs(labels_arr, val_rows, np.random.default_rng(cfg.seed + 1)))

    def evaluate() -> tuple[float, float]:
        model.eval()
        with torch.no_grad():
            out = model(_select(cached, torch.from_numpy(val_rows)))
            pos = {r: i for i, r in enumerate(val_rows.tolist())}
            a = out[[pos[int(i)] for i in val_pairs[:, 0]]]
            b = out[[pos[int(j)] for j in val_pairs[:, 1]]]
            loss = contrastive_loss(a, b, val_pairs[:, 2].float(), cfg.margin).item() if len(val_pairs) else 0.0
        return loss, _precision(out.numpy(), labels_arr[val_rows])

    with torch.no_grad():
        base_feats = model.features(_select(cached, torch.from_numpy(val_rows)))
    metrics: dict[str, Any] = {"train_loss": [], "val_loss": [], "val_precision_at_10": [],
                               "base_val_precision_at_10": _precision(base_feats.numpy(), labels_arr[val_rows])}
    for epoch in tqdm(range(cfg.epochs), desc="finetune", unit="epoch", disable=not progress):
        model.train()
        if model.layer4 is not None:
            model.layer4.eval()  # keep BatchNorm statistics frozen
        pairs = np.concatenate([sample_pairs(labels_arr, train_rows, rng) for _ in range(cfg.pairs_per_anchor)])
        pairs = torch.from_numpy(pairs[rng.permutation(len(pairs))])
        total, count = 0.0, 0
        for s in range(0, len(pairs), cfg.batch_size):
            batch = pairs[s:s + cfg.batch_size]
            a = model(_select(cached, batch[:, 0]))
            b = model(_select(cached, batch[:, 1]))
            loss = contrastive_loss(a, b, batch[:, 2].float(), cfg.margin)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
            count += len(batch)
        val_loss, val_p10 = evaluate()
        metrics["train_loss"].append(total / max(1, count))
        metrics["val_loss"].append(val_loss)
        metrics["val_precision_at_10"].append(val_p10)
    metrics.update(final_val_precision_at_10=metrics["val_precision_at_10"][-1], n_train=len(train_rows),
                   n_val=len(val_rows), n_labels=len(set(labels_arr.tolist())), skipped_images=skipped,
                   seconds=time.perf_counter() - start)

    run = new_run_dir(cfg.runs_dir, cfg.name)
    backbone = embedder.features.backbone
    torch.save({"format": FINETUNE_FORMAT, "arch": cfg.model, "style": cfg.style, "image_size": cfg.image_size,
                "backbone": {k: v.detach().clone() for k, v in backbone.state_dict().items()},
                "head": model.head.state_dict(), "head_dims": model.head.dims,
                "base_spec": json.dumps(embedder.spec, sort_keys=True)}, run / "model.pth")
    (run / "config.json").write_text(json.dumps(asdict(cfg), indent=2, sort_keys=True) + "\n")
    (run / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    _plot(metrics, run / "loss_curve.png")
    return run, metrics
