"""The product graph as a DGL link-prediction dataset.

Export (through ``g``, paged) -> product rows + ``SIMILAR`` edges -> node
features (CNN embedding + one-hot category + scaled price) -> unique
undirected product pairs -> a train/val/test split of those pairs.

Leakage: the split is made on *unordered* pairs, so an edge and its reverse
always land in the same part. The message-passing graph used for training and
evaluation holds only training pairs (in both directions, with a reverse-edge
id map so the sampler can exclude a seed edge's reverse as well).
"""
from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

import numpy as np
import torch
from tqdm import tqdm

from stylegraph.queries.export import EdgeRow, ProductRow, count_edges, count_products
from stylegraph.queries.export import iter_edges, iter_products

if TYPE_CHECKING:
    import dgl

log = logging.getLogger(__name__)


class DatasetError(ValueError):
    """The graph or embeddings cannot be turned into a dataset."""


class EmbeddingsLike(Protocol):
    """What the dataset needs of ``stylegraph.loader.embedding_store.Embeddings``."""

    ids: Any
    vectors: np.ndarray


@dataclass
class ExportedGraph:
    """The product vertices and ``SIMILAR`` edges read from the graph store."""

    products: list[ProductRow]
    edges: list[EdgeRow]


def export_graph(g: Any, page_size: int = 1000, progress: bool = True) -> ExportedGraph:
    """Read every product and ``SIMILAR`` edge through ``g``, in pages, with progress."""
    n_products = count_products(g)
    n_edges = count_edges(g)
    products = list(tqdm(iter_products(g, page_size), total=n_products, desc="export products",
                         unit="v", disable=not progress))
    edges = list(tqdm(iter_edges(g, page_size=page_size), total=n_edges, desc="export edges",
                      unit="e", disable=not progress))
    if not products:
        raise DatasetError("the graph holds no product vertices: load a catalog first")
    return ExportedGraph(products=products, edges=edges)


@dataclass
class FeatureSpec:
    """How node features are built; fitted at training time and saved with the run.

    Reusing the saved spec keeps the feature layout identical for products
    added after training (unknown categories get an all-zero one-hot).
    """

    embedding_dim: int
    categories: list[str]
    price_mean: float
    price_std: float
    use_category: bool = True
    use_price: bool = True
    # per-dimension standardisation of the CNN embedding (empty lists: none)
    emb_mean: list[float] = field(default_factory=list)
    emb_std: list[float] = field(default_factory=list)
    # model id of the embeddings it was fitted on ("" when they carry none)
    embedding_model: str = ""

    @property
    def dim(self) -> int:
        """Width of the feature vector."""
        return (self.embedding_dim + (len(self.categories) if self.use_category else 0)
                + (1 if self.use_price else 0))

    @classmethod
    def fit(cls, products: Sequence[ProductRow], embeddings: EmbeddingsLike,
            use_category: bool = True, use_price: bool = True) -> "FeatureSpec":
        """Fit the category vocabulary, the log-price scaling and the embedding standardisation.

        CNN embeddings of one catalog tend to share a large common direction
        (cosines near 1 with random-init backbones); standardising each
        dimension over the catalog's products removes it so the encoder sees
        the differences between products.
        """
        vectors = _rows_for(products, embeddings)
        mean = vectors.mean(0)
        std = np.maximum(vectors.std(0), 1e-6)
        spec = cls._fit_side(products, vectors.shape[1], use_category, use_price)
        spec.emb_mean = [float(x) for x in mean]
        spec.emb_std = [float(x) for x in std]
        spec.embedding_model = str(getattr(embeddings, "model_id", "") or "")
        return spec

    @classmethod
    def _fit_side(cls, products: Sequence[ProductRow], embedding_dim: int,
                  use_category: bool, use_price: bool) -> "FeatureSpec":
        categories = sorted({p.category for p in products if p.category})
        logp = np.array([np.log1p(p.price) for p in products
                         if p.price is not None and p.price >= 0], dtype=np.float64)
        mean = float(logp.mean()) if logp.size else 0.0
        std = float(logp.std()) if logp.size else 1.0
        return cls(embedding_dim=int(embedding_dim), categories=categories, price_mean=mean,
                   price_std=std if std > 1e-9 else 1.0, use_category=use_category,
                   use_price=use_price)

    def encode(self, products: Sequence[ProductRow], embeddings: EmbeddingsLike) -> np.ndarray:
        """Feature matrix (n x dim, float32) for ``products`` in order."""
        model_id = str(getattr(embeddings, "model_id", "") or "")
        if self.embedding_model and model_id and model_id != self.embedding_model:
            raise DatasetError(
                f"embeddings come from model {model_id!r}, the run was trained on "
                f"{self.embedding_model!r}: pass --embeddings with that model's file"
            )
        vectors = _rows_for(products, embeddings)
        if vectors.shape[1] != self.embedding_dim:
            raise DatasetError(
                f"embeddings have dimension {vectors.shape[1]}, the model expects dimension "
                f"{self.embedding_dim}: use the embeddings the run was trained on"
            )
        if self.emb_mean:
            vectors = (vectors - np.asarray(self.emb_mean, np.float32)) / np.asarray(
                self.emb_std, np.float32)
        parts = [vectors]
        if self.use_category:
            col = {c: i for i, c in enumerate(self.categories)}
            onehot = np.zeros((len(products), len(self.categories)), dtype=np.float32)
            for i, p in enumerate(products):
                if p.category in col:
                    onehot[i, col[p.category]] = 1.0
            parts.append(onehot)
        if self.use_price:
            price = np.array([
                (np.log1p(p.price) - self.price_mean) / self.price_std
                if p.price is not None and p.price >= 0 else 0.0
                for p in products
            ], dtype=np.float32)
            parts.append(price[:, None])
        return np.concatenate(parts, axis=1).astype(np.float32)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def save(self, path: Path) -> None:
        """Write the spec as JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> "FeatureSpec":
        """Read a spec written by :meth:`save`."""
        return cls(**json.loads(Path(path).read_text()))


def _rows_for(products: Sequence[ProductRow], embeddings: EmbeddingsLike) -> np.ndarray:
    """The CNN vectors of ``products``, in order (n x d float32); clear error on gaps."""
    vectors = np.asarray(embeddings.vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise DatasetError(f"embeddings must be a 2-D array, got shape {vectors.shape}")
    row_of = {str(pid): i for i, pid in enumerate(embeddings.ids)}
    missing = [p.id for p in products if p.id not in row_of]
    if missing:
        raise DatasetError(
            f"{len(missing)} product(s) have no CNN embedding (e.g. {missing[:5]}): "
            "re-run `stylegraph embed` (or add-product) so the embeddings cover the graph"
        )
    return vectors[[row_of[p.id] for p in products]]


def undirected_pairs(edges: Iterable[EdgeRow], index: dict[str, int]) -> np.ndarray:
    """Unique unordered node-index pairs (m x 2, u < v) of ``edges``; self-loops dropped."""
    pairs = set()
    for e in edges:
        u, v = index.get(e.src), index.get(e.dst)
        if u is None or v is None or u == v:
            continue
        pairs.add((u, v) if u < v else (v, u))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.array(sorted(pairs), dtype=np.int64)


@dataclass
class EdgeSplit:
    """Unordered node-index pairs of each part of the split (each m x 2)."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray

    @classmethod
    def random(cls, pairs: np.ndarray, val_frac: float, test_frac: float, seed: int) -> "EdgeSplit":
        """Shuffle ``pairs`` with ``seed`` and cut off validation and test parts."""
        if len(pairs) < 10:
            raise DatasetError(f"only {len(pairs)} distinct edges: too few to split and train")
        order = np.random.default_rng(seed).permutation(len(pairs))
        n_val = max(1, int(round(len(pairs) * val_frac)))
        n_test = max(1, int(round(len(pairs) * test_frac)))
        val, test = order[:n_val], order[n_val:n_val + n_test]
        train = order[n_val + n_test:]
        return cls(train=pairs[np.sort(train)], val=pairs[np.sort(val)], test=pairs[np.sort(test)])

    def save(self, path: Path, ids: Sequence[str]) -> None:
        """Save the split as product-id pairs (npz, no pickles) so it survives re-export.

        ``nodes`` holds every product id of the graph it was made on.
        """
        arr = np.asarray(ids, dtype=str)
        np.savez(path, nodes=arr, **{name: arr[getattr(self, name)].reshape(-1, 2)
                                     for name in ("train", "val", "test")})

    @classmethod
    def load(cls, path: Path, index: dict[str, int]) -> "EdgeSplit":
        """Read a saved split, mapped onto the current ``index``; pairs with unknown ids drop out."""
        with np.load(path, allow_pickle=False) as data:
            parts = {}
            for name in ("train", "val", "test"):
                rows = [(index[a], index[b]) for a, b in data[name] if a in index and b in index]
                parts[name] = np.array(rows, dtype=np.int64).reshape(-1, 2)
        return cls(**parts)


def bidirected_graph(num_nodes: int, pairs: np.ndarray,
                     feat: torch.Tensor) -> tuple["dgl.DGLGraph", torch.Tensor]:
    """A DGL graph with both directions of ``pairs``, ``ndata['feat']``, and the reverse-edge map.

    Edge ``i`` is ``pairs[i]`` forwards and edge ``i + m`` its reverse, so
    ``reverse_eids = [m..2m) ++ [0..m)``.
    """
    import dgl

    m = len(pairs)
    src = torch.as_tensor(np.concatenate([pairs[:, 0], pairs[:, 1]]), dtype=torch.int64)
    dst = torch.as_tensor(np.concatenate([pairs[:, 1], pairs[:, 0]]), dtype=torch.int64)
    graph = dgl.graph((src, dst), num_nodes=num_nodes)
    graph.ndata["feat"] = feat
    reverse_eids = torch.cat([torch.arange(m, 2 * m), torch.arange(0, m)])
    return graph, reverse_eids


@dataclass
class LinkDataset:
    """Everything training, evaluation and refinement need, in node-index space."""

    ids: list[str]
    index: dict[str, int]
    feat: torch.Tensor
    emb: torch.Tensor  # the raw CNN vectors (for the cosine baseline)
    spec: FeatureSpec
    all_pairs: np.ndarray
    split: EdgeSplit
    train_graph: "dgl.DGLGraph"
    reverse_eids: torch.Tensor

    @property
    def num_nodes(self) -> int:
        """Number of products."""
        return len(self.ids)

    def full_graph(self) -> "dgl.DGLGraph":
        """Message-passing graph over *all* current pairs (for refinement after training)."""
        graph, _ = bidirected_graph(self.num_nodes, self.all_pairs, self.feat)
        return graph


def build_dataset(
    exported: ExportedGraph,
    embeddings: EmbeddingsLike,
    *,
    val_frac: float = 0.1,
    test_frac: float = 0.1,
    seed: int = 0,
    spec: FeatureSpec | None = None,
    split: EdgeSplit | None = None,
    use_category: bool = True,
    use_price: bool = True,
) -> LinkDataset:
    """Turn an exported graph and CNN embeddings into a :class:`LinkDataset`.

    Pass a saved ``spec`` (and ``split``) to rebuild a trained run's exact
    feature layout (and held-out edges); otherwise both are fitted here.
    """
    products = sorted(exported.products, key=lambda p: p.id)
    ids = [p.id for p in products]
    index = {pid: i for i, pid in enumerate(ids)}
    if len(index) != len(ids):
        raise DatasetError("duplicate product ids in the export")
    if spec is None:
        spec = FeatureSpec.fit(products, embeddings, use_category=use_category,
                               use_price=use_price)
    feat = torch.from_numpy(spec.encode(products, embeddings))
    emb = torch.from_numpy(_rows_for(products, embeddings))
    pairs = undirected_pairs(exported.edges, index)
    if split is None:
        split = EdgeSplit.random(pairs, val_frac, test_frac, seed)
    _check_disjoint(split)
    train_graph, reverse_eids = bidirected_graph(len(ids), split.train, feat)
    log.info("dataset: %d products, %d pairs (train %d, val %d, test %d), %d features",
             len(ids), len(pairs), len(split.train), len(split.val), len(split.test), spec.dim)
    return LinkDataset(ids=ids, index=index, feat=feat, emb=emb, spec=spec, all_pairs=pairs, split=split,
                       train_graph=train_graph, reverse_eids=reverse_eids)


def _check_disjoint(split: EdgeSplit) -> None:
    """Assert no unordered pair is in two parts (the leak this module exists to prevent)."""
    def keyset(a: np.ndarray) -> set[tuple[int, int]]:
        """Unordered pairs of ``a`` as a set."""
        return {(int(min(u, v)), int(max(u, v))) for u, v in a}

    train, val, test = keyset(split.train), keyset(split.val), keyset(split.test)
    if train & val or train & test or val & test:
        raise DatasetError("edge split parts overlap: held-out edges would leak into training")
