"""Classifying photos with a trained inspection run: calibrated confidence and a decision.

:class:`Inspector` loads ``classifier.pth`` and answers, per photo, the
predicted class, its calibrated confidence (softmax of ``logits / T``), the
top-3 classes and ``accepted`` (confidence >= the run's threshold) or
``review``. :func:`inspect_batch` runs a catalog or a folder of photos in
batches with a progress bar and writes the CSV.
"""
from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch
from tqdm import tqdm

from stylegraph.inspect.calibrate import softmax
from stylegraph.inspect.decode import decode_photo
from stylegraph.inspect.model import load_classifier
from stylegraph.loader.images import ImageProblem
from stylegraph.loader.preprocess import eval_transform

log = logging.getLogger(__name__)

ACCEPTED, REVIEW = "accepted", "review"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
CSV_FIELDS = ["product_id", "predicted", "confidence", "decision"]
CATALOG_FIELDS = ["catalog_label", "label_mismatch"]


@dataclass
class Prediction:
    """One photo's answer."""

    predicted: str
    confidence: float
    decision: str
    top: list[tuple[str, float]]

    def as_json(self) -> dict[str, Any]:
        """The API's fields."""
        return {"predicted": self.predicted, "confidence": round(self.confidence, 6), "decision": self.decision,
                "top": [{"label": c, "confidence": round(p, 6)} for c, p in self.top]}


class Inspector:
    """A trained inspection classifier, ready to classify."""

    def __init__(self, run: str | Path):
        self.run = Path(run)
        self.net, meta = load_classifier(run)
        self.classes: list[str] = list(meta["classes"])
        self.label = str(meta["label"])
        self.temperature = float(meta["temperature"])
        self.threshold = float(meta["threshold"])
        self.image_size = int(meta["image_size"])
        self.transform = eval_transform(self.image_size)
        self.name = self.run.name if self.run.is_dir() else self.run.parent.name

    def prepare(self, image: Any) -> torch.Tensor:
        """The model input of one RGB PIL image."""
        return self.transform(image.convert("RGB"))

    @torch.no_grad()
    def classify_tensors(self, batch: list[torch.Tensor]) -> list[Prediction]:
        """Predictions for prepared inputs (one forward pass)."""
        if not batch:
            return []
        logits = self.net(torch.stack(batch)).numpy()
        return self.predictions(logits)

    def predictions(self, logits: np.ndarray) -> list[Prediction]:
        """Calibrated predictions from raw logits."""
        probs = softmax(logits, self.temperature)
        out = []
        for row in probs:
            order = np.argsort(-row)[:3]
            conf = float(row[order[0]])
            out.append(Prediction(self.classes[int(order[0])], conf,
                                  ACCEPTED if conf >= self.threshold else REVIEW,
                                  [(self.classes[int(k)], float(row[k])) for k in order]))
        return out

    def classify(self, images: list[Any]) -> list[Prediction]:
        """Predictions for RGB PIL images."""
        return self.classify_tensors([self.prepare(img) for img in images])


def catalog_photos(catalog: str | Path, label: str) -> Iterator[tuple[str, Path, str]]:
    """``(product_id, image path, catalog label)`` of every product of a catalog."""
    from stylegraph.loader.catalog import read_catalog

    cat = read_catalog(catalog)
    for product in cat.products:
        yield product.product_id, cat.image_path(product), product.value(label) if label else ""


def folder_photos(folder: str | Path) -> Iterator[tuple[str, Path, str]]:
    """``(relative path, path, "")`` of every image file under ``folder`` (sorted)."""
    root = Path(folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES):
        yield path.relative_to(root).as_posix(), path, ""


@dataclass
class BatchSummary:
    """What a batch run did."""

    rows: int
    accepted: int
    review: int
    mismatches: int
    skipped: list[str]
    queued: int


def inspect_batch(inspector: Inspector, photos: list[tuple[str, Path, str]], out: str | Path, *,
                  catalog: bool, batch_size: int = 32, progress: bool = True, queue: Any = None) -> BatchSummary:
    """Classify ``photos`` in batches, write the CSV; doubtful photos go to ``queue`` when given.

    A catalog run adds ``catalog_label`` and ``label_mismatch`` (the photo's
    predicted class differs from the catalog's label). Unreadable photos are
    left out of the CSV and listed in the summary.
    """
    fields = CSV_FIELDS + (CATALOG_FIELDS if catalog else [])
    counts = {ACCEPTED: 0, REVIEW: 0}
    mismatches, queued, skipped = 0, 0, []
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as fh, tqdm(total=len(photos), desc="inspect", unit="img",
                                                disable=not progress) as bar:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for start in range(0, len(photos), batch_size):
            chunk, tensors = [], []
            for pid, path, label in photos[start:start + batch_size]:
                try:
                    image = decode_photo(path)
                except ImageProblem as exc:
                    skipped.append(f"{pid}: {path}: {exc}")
                    log.warning("skipping %s: %s", pid, exc)
                    continue
                chunk.append((pid, path, label))
                tensors.append(inspector.prepare(image))
            for (pid, path, label), pred in zip(chunk, inspector.classify_tensors(tensors)):
                counts[pred.decision] += 1
                row = {"product_id": pid, "predicted": pred.predicted, "confidence": f"{pred.confidence:.6f}",
                       "decision": pred.decision}
                if catalog:
                    mismatch = bool(label) and label != pred.predicted
                    mismatches += mismatch
                    row.update(catalog_label=label, label_mismatch=str(mismatch).lower())
                writer.writerow(row)
                if queue is not None and pred.decision == REVIEW:
                    _, created = queue.add(path.read_bytes(), pred, run=inspector.name, source="batch",
                                           product_id=pid if catalog else "", catalog_label=label)
                    queued += created
            bar.update(len(photos[start:start + batch_size]))
    return BatchSummary(counts[ACCEPTED] + counts[REVIEW], counts[ACCEPTED], counts[REVIEW], mismatches,
                        skipped, queued)
