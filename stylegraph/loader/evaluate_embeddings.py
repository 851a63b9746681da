"""How well embeddings retrieve products of the same label, next to baselines on the same products.

Metrics, each product querying all the others:

* precision@k: share of its k nearest that share its label;
* recall@k: share of the other products with its label found among its k nearest;
* mAP@R: mean average precision at R, R = the number of other products with
  its label (pytorch-metric-learning's ``AccuracyCalculator``).

Baselines computed on the very same products: the same backbone with random
weights at the same input size, and raw pixels (the padded photo at 16 x 16).
When the embeddings come from a ``stylegraph finetune`` run, the products
that run trained or validated on are compared with the evaluated ones and
an overlap is reported (figures on seen products are optimistic).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stylegraph.loader.catalog import Catalog
from stylegraph.loader.embedding_store import Embeddings
from stylegraph.loader.images import SkippedImage, load_product_image
from stylegraph.loader.knn import KnnError, precision_at_k, same_label, top_k
from stylegraph.loader.preprocess import pixel_vector

IDS_FILE = "product_ids.json"


@dataclass
class Scores:
    """Retrieval metrics of one set of vectors."""

    name: str
    precision_at_k: float
    recall_at_k: float
    map_at_r: float
    n: int


@dataclass
class Evaluation:
    """The evaluated embeddings' scores, the baselines', and warnings."""

    k: int
    labels: list[str]
    rows: list[Scores]
    warnings: list[str] = field(default_factory=list)

    def table(self) -> str:
        """A plain-text table, one row per set of vectors."""
        head = f"{'embedding':<44} {'n':>6} {'precision@' + str(self.k):>13} {'recall@' + str(self.k):>10} {'mAP@R':>7}"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            lines.append(f"{r.name[:44]:<44} {r.n:>6} {r.precision_at_k:>13.3f} {r.recall_at_k:>10.3f} {r.map_at_r:>7.3f}")
        return "\n".join(lines)


def retrieval_scores(name: str, vectors: np.ndarray, labels: list[str], k: int) -> Scores:
    """precision@k, recall@k and mAP@R of L2-normalised ``vectors`` under ``labels``."""
    import torch
    from pytorch_metric_learning.distances import CosineSimilarity
    from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
    from pytorch_metric_learning.utils.inference import CustomKNN

    n = len(vectors)
    if n < 2:
        raise KnnError(f"need at least 2 products to evaluate, got {n}")
    k = min(k, n - 1)
    codes, inverse, counts = np.unique(np.asarray(labels), return_inverse=True, return_counts=True)
    ids = [str(i) for i in range(n)]
    nbr, _ = top_k(ids, vectors, k, "exact")
    hits = same_label(ids, nbr, [str(c) for c in inverse]).sum(axis=1)
    others = counts[inverse] - 1
    has = others > 0
    calc = AccuracyCalculator(include=("mean_average_precision_at_r",), k="max_bin_count",
                              knn_func=CustomKNN(CosineSimilarity()))
    t = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
    y = torch.from_numpy(inverse.astype(np.int64))
    got = calc.get_accuracy(t, y, t, y, ref_includes_query=True)
    return Scores(name, precision_at_k(ids, nbr, [str(c) for c in inverse]), float((hits[has] / np.minimum(others[has], n - 1)).mean())
                  if has.any() else 0.0, float(got["mean_average_precision_at_r"]), n)


def pixel_vectors(catalog: Catalog, ids: list[str], side: int = 16) -> np.ndarray:
    """The raw-pixel baseline of ``ids``: centred, L2-normalised padded thumbnails."""
    by_id = catalog.by_id()
    rows = []
    for pid in ids:
        img = load_product_image(pid, catalog.image_path(by_id[pid]))
        if isinstance(img, SkippedImage):
            raise KnnError(f"cannot read the photo of {pid}: {img}")
        rows.append(pixel_vector(img, side))
    mat = np.stack(rows)
    mat -= mat.mean(axis=0)
    return mat / np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)


def random_vectors(catalog: Catalog, ids: list[str], arch: str, image_size: int, seed: int = 0) -> np.ndarray:
    """The random-initialisation baseline: the same backbone untrained, at the same input size."""
    from stylegraph.loader.embed import load_embedder, make_spec
    from stylegraph.loader.embed_catalog import embed_catalog

    keep = set(ids)
    sub = Catalog(catalog.root, [p for p in catalog.products if p.product_id in keep])
    emb = embed_catalog(sub, load_embedder(make_spec(arch, "random", image_size=image_size, seed=seed)),
                        None, progress=False).embeddings
    return emb.vectors_of(ids)


def seen_products(model_spec: dict) -> tuple[Path, set[str]] | None:
    """The products a finetune run trained or validated on, if ``model_spec`` came from one."""
    weights = model_spec.get("weights", "")
    if weights in ("", "random", "torchvision"):
        return None
    ids_file = Path(weights).parent / IDS_FILE
    if not ids_file.is_file():
        return None
    data = json.loads(ids_file.read_text())
    return ids_file, set(data.get("train", [])) | set(data.get("validation", []))


def evaluate_embeddings(catalog: Catalog, emb: Embeddings, label_columns: list[str], k: int = 10,
                        baselines: bool = True, seed: int = 0) -> Evaluation:
    """Score ``emb`` on the catalog products it covers, with the baselines on the same products."""
    all_labels = dict(zip((p.product_id for p in catalog), catalog.labels(label_columns)))
    ids = [pid for pid in emb.ids.tolist() if all_labels.get(pid)]
    if len(ids) < 2:
        raise KnnError("fewer than 2 products are both in the catalog (with a label) and in the embeddings")
    labels = [all_labels[pid] for pid in ids]
    out = Evaluation(k, label_columns, [])
    seen = seen_products(emb.model_spec)
    if seen is not None:
        overlap = seen[1] & set(ids)
        if overlap:
            out.warnings.append(f"{len(overlap)} of the {len(ids)} evaluated products were used to train or "
                                f"validate this model ({seen[0]}): these figures are optimistic")
    missing = len(catalog) - len(ids)
    if missing:
        out.warnings.append(f"{missing} catalog products have no embedding or no label and are left out")
    out.rows.append(retrieval_scores(emb.model_id, emb.vectors_of(ids), labels, k))
    if baselines:
        spec = emb.model_spec
        arch, size = spec.get("model", "resnet18"), int(spec.get("image_size", 64))
        out.rows.append(retrieval_scores(f"baseline: {arch} random init, {size} px",
                                         random_vectors(catalog, ids, arch, size, seed), labels, k))
        out.rows.append(retrieval_scores("baseline: raw pixels 16x16", pixel_vectors(catalog, ids), labels, k))
    return out
