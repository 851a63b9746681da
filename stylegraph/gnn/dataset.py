"""The product graph as a relation-prediction dataset.

Export (through ``g``, streamed) -> products, ``SIMILAR`` edges and relation
edges -> node features (standardised image embedding + one-hot catalog
attributes + scaled log-price) -> target pairs (the relation edges of the
chosen kinds, or pairs sharing a catalog label) -> a split with two held-out
parts, each cut into validation and test:

* cold start: a share of products has *every* relation hidden during
  training (they keep their ``SIMILAR`` edges and features);
* warm: a share of the remaining relation pairs is hidden.

Training sees only the ``train`` pairs, for message passing and supervision;
``SIMILAR`` edges are message-passing input for every product, never a target.
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

import numpy as np
import torch
from tqdm import tqdm

from stylegraph.queries.export import SIMILAR_LABEL, EdgeRow, ProductRow
from stylegraph.queries.connect import as_product_graph

if TYPE_CHECKING:
    import dgl

log = logging.getLogger(__name__)
# vertex properties that are free text or file names, never categorical features
TEXT_PROPERTIES = frozenset({"title", "name", "description", "image", "url"})
MIN_VALUE_COUNT = 2     # a categorical value seen fewer times is "unknown"
MAX_VOCABULARY = 200    # most frequent values kept per column


class DatasetError(ValueError):
    """The graph or embeddings cannot be turned into a dataset."""


class EmbeddingsLike(Protocol):
    """What the dataset needs of ``stylegraph.loader.embedding_store.Embeddings``."""

    ids: Any
    vectors: np.ndarray


@dataclass
class ExportedGraph:
    """The product vertices, ``SIMILAR`` edges and relation edges read from the graph store."""

    products: list[ProductRow]
    edges: list[EdgeRow]
    relations: list[EdgeRow] = field(default_factory=list)
    # merchandisers' rules on the recommendations lists (queries/curation.py): (product, item)
    pins: list[tuple[str, str]] = field(default_factory=list)
    bans: list[tuple[str, str]] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        """The relation kinds present in the export."""
        return sorted({e.label for e in self.relations})


def export_graph(g: Any, batch_size: int = 1000, progress: bool = True,
                 kinds: Sequence[str] | None = None) -> ExportedGraph:
    """Read every product, ``SIMILAR`` edge and relation edge (of ``kinds``; default all)
    through ``g`` (a ProductGraph, or a Gremlin ``g``), one streamed query each."""
    g = as_product_graph(g)
    present = g.relation_kinds()
    wanted = list(kinds) if kinds else present
    missing = [k for k in wanted if k not in present]
    if missing:
        raise DatasetError(f"the graph has no {', '.join(missing)} edges "
                           f"(relation kinds present: {', '.join(present) or 'none'})")
    parts = []
    for what, labels, counter, reader in (
        ("products", None, g.count_products, lambda: g.iter_products(batch_size)),
        ("SIMILAR edges", [SIMILAR_LABEL], lambda: g.count_edges(SIMILAR_LABEL),
         lambda: g.iter_edges(SIMILAR_LABEL, batch_size)),
        ("relation edges", wanted, lambda: g.count_edges(wanted),
         lambda: g.iter_edges(wanted, batch_size)),
    ):
        if labels is not None and not labels:
            parts.append([])
            continue
        parts.append(list(tqdm(reader(), total=counter(), desc=f"export {what}", unit="row",
                               disable=not progress)))
    if not parts[0]:
        raise DatasetError("the graph holds no product vertices: load a catalog first")
    curations = g.iter_training_curations(batch_size)
    return ExportedGraph(products=parts[0], edges=parts[1], relations=parts[2],
                         pins=[(a, b) for a, b, action in curations if action == "pin"],
                         bans=[(a, b) for a, b, action in curations if action == "ban"])


def _attribute(p: ProductRow, column: str) -> str:
    return p.category if column == "category" else str(p.attrs.get(column, "") or "")


@dataclass
class FeatureSpec:
    """How node features are built; fitted at training time and saved with the run.

    Reusing the saved spec keeps the layout identical for products added after
    training (unknown attribute values get an all-zero one-hot block).
    """

    embedding_dim: int
    columns: dict[str, list[str]] = field(default_factory=dict)  # column -> vocabulary
    price_mean: float = 0.0
    price_std: float = 1.0
    use_price: bool = True
    emb_mean: list[float] = field(default_factory=list)
    emb_std: list[float] = field(default_factory=list)
    embedding_model: str = ""
    # principal components kept of the standardised embedding (0: the embedding as it is)
    pca_dims: int = 0
    # (pca_dims x embedding_dim) whitening projection; saved beside the JSON as .npz
    pca: np.ndarray | None = field(default=None, repr=False)

    @property
    def dim(self) -> int:
        """Width of the feature vector."""
        return ((self.pca_dims or self.embedding_dim) + sum(len(v) for v in self.columns.values())
                + (2 if self.use_price else 0))

    @classmethod
    def fit(cls, products: Sequence[ProductRow], embeddings: EmbeddingsLike,
            use_attributes: bool = True, use_price: bool = True,
            pca_dims: int = 128) -> "FeatureSpec":
        """Fit vocabularies of the categorical columns, the price scaling, the
        per-dimension standardisation of the image embedding (which removes the
        large common direction CNN embeddings of one catalog share) and, when the
        embedding is wider than ``pca_dims``, a whitening PCA down to ``pca_dims``
        (a 2,000-wide input made the first layer the cost of every training step)."""
        vectors = _rows_for(products, embeddings)
        columns: dict[str, list[str]] = {}
        if use_attributes:
            names = {"category"} | {k for p in products for k in p.attrs}
            for col in sorted(names - TEXT_PROPERTIES):
                counts = Counter(v for v in (_attribute(p, col) for p in products) if v)
                vocab = [v for v, c in counts.most_common(MAX_VOCABULARY) if c >= MIN_VALUE_COUNT]
                # a column with one value says nothing; one that names almost every product is an id
                if len(vocab) >= 2 and len(counts) < 0.5 * len(products):
                    columns[col] = sorted(vocab)
        logp = np.array([np.log1p(p.price) for p in products
                         if p.price is not None and p.price >= 0], dtype=np.float64)
        std = float(logp.std()) if logp.size else 1.0
        mean, sd = vectors.mean(0), np.maximum(vectors.std(0), 1e-6)
        spec = cls(embedding_dim=int(vectors.shape[1]), columns=columns,
                   price_mean=float(logp.mean()) if logp.size else 0.0,
                   price_std=std if std > 1e-9 else 1.0, use_price=use_price and bool(logp.size),
                   emb_mean=[float(x) for x in mean], emb_std=[float(x) for x in sd],
                   embedding_model=str(getattr(embeddings, "model_id", "") or ""))
        dims = min(pca_dims, len(products) - 1)
        if 0 < pca_dims < vectors.shape[1] and dims > 0:
            z = ((vectors - mean) / sd).astype(np.float64)
            _, sing, vt = np.linalg.svd(z, full_matrices=False)
            scale = sing[:dims] / np.sqrt(max(len(z) - 1, 1))
            spec.pca_dims = dims
            spec.pca = (vt[:dims] / np.maximum(scale, 1e-6)[:, None]).astype(np.float32)
        return spec

    def encode(self, products: Sequence[ProductRow], embeddings: EmbeddingsLike) -> np.ndarray:
        """Feature matrix (n x dim, float32) for ``products`` in order."""
        model_id = str(getattr(embeddings, "model_id", "") or "")
        if self.embedding_model and model_id and model_id != self.embedding_model:
            raise DatasetError(
                f"embeddings come from model {model_id!r}, the run was trained on "
                f"{self.embedding_model!r}: pass --embeddings with that model's file")
        vectors = _rows_for(products, embeddings)
        if vectors.shape[1] != self.embedding_dim:
            raise DatasetError(
                f"embeddings have dimension {vectors.shape[1]}, the model expects dimension "
                f"{self.embedding_dim}: use the embeddings the run was trained on")
        if self.emb_mean:
            vectors = (vectors - np.asarray(self.emb_mean, np.float32)) / np.asarray(
                self.emb_std, np.float32)
        if self.pca is not None:
            vectors = vectors @ self.pca.T
        parts = [vectors]
        for col, vocab in self.columns.items():
            where = {v: i for i, v in enumerate(vocab)}
            onehot = np.zeros((len(products), len(vocab)), dtype=np.float32)
            for i, p in enumerate(products):
                j = where.get(_attribute(p, col))
                if j is not None:
                    onehot[i, j] = 1.0
            parts.append(onehot)
        if self.use_price:
            has = np.array([p.price is not None and p.price >= 0 for p in products], np.float32)
            price = np.array([(np.log1p(p.price) - self.price_mean) / self.price_std
                              if ok else 0.0 for p, ok in zip(products, has)], dtype=np.float32)
            parts += [price[:, None], has[:, None]]
        return np.concatenate(parts, axis=1).astype(np.float32)

    def save(self, path: Path) -> None:
        """Write the spec as JSON (and the PCA projection beside it, ``<path>.npz``)."""
        data = asdict(self)
        data.pop("pca")
        Path(path).write_text(json.dumps(data, indent=2) + "\n")
        if self.pca is not None:
            np.savez(_pca_path(path), pca=self.pca)

    @classmethod
    def load(cls, path: Path) -> "FeatureSpec":
        """Read a spec written by :meth:`save`."""
        spec = cls(**json.loads(Path(path).read_text()))
        if spec.pca_dims:
            with np.load(_pca_path(path), allow_pickle=False) as data:
                spec.pca = data["pca"]
        return spec


def _pca_path(path: Path) -> Path:
    return Path(str(path) + ".npz")


def _rows_for(products: Sequence[ProductRow], embeddings: EmbeddingsLike) -> np.ndarray:
    """The image vectors of ``products``, in order (n x d float32); clear error on gaps."""
    vectors = np.asarray(embeddings.vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise DatasetError(f"embeddings must be a 2-D array, got shape {vectors.shape}")
    row_of = {str(pid): i for i, pid in enumerate(embeddings.ids)}
    missing = [p.id for p in products if p.id not in row_of]
    if missing:
        raise DatasetError(
            f"{len(missing)} product(s) have no image embedding (e.g. {missing[:5]}): "
            "re-run `stylegraph embed` (or add-product) so the embeddings cover the graph")
    return vectors[[row_of[p.id] for p in products]]


def undirected_pairs(edges: Iterable[EdgeRow], index: dict[str, int],
                     with_weights: bool = False) -> Any:
    """Unique unordered node-index pairs (m x 2, u < v) of ``edges``; self-loops dropped.

    With ``with_weights``, also the summed ``weight`` of each pair (1 for edges without one).
    """
    pairs: dict[tuple[int, int], float] = {}
    for e in edges:
        u, v = index.get(e.src), index.get(e.dst)
        if u is None or v is None or u == v:
            continue
        key = (u, v) if u < v else (v, u)
        pairs[key] = pairs.get(key, 0.0) + (e.weight if e.weight is not None else 1.0)
    keys = sorted(pairs)
    arr = np.array(keys, dtype=np.int64).reshape(-1, 2)
    if with_weights:
        return arr, np.array([pairs[k] for k in keys], dtype=np.float64)
    return arr


def label_pairs(products: Sequence[ProductRow], column: str, per_product: int,
                seed: int) -> np.ndarray:
    """Pairs of products sharing a value of ``column``: up to ``per_product`` random partners each."""
    rng = np.random.default_rng(seed)
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(products):
        value = _attribute(p, column)
        if value:
            groups.setdefault(value, []).append(i)
    pairs = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        arr = np.array(members)
        for u in members:
            others = arr[arr != u]
            for v in rng.choice(others, size=min(per_product, len(others)), replace=False):
                pairs.add((min(u, int(v)), max(u, int(v))))
    if not pairs:
        raise DatasetError(f"no two products share a value of {column!r}: nothing to train on")
    return np.array(sorted(pairs), dtype=np.int64)


PAIR_PARTS = ("train", "warm_val", "warm_test", "cold_val", "cold_test")


@dataclass
class RelationSplit:
    """Node-index pairs of each part (m x 2, u < v), train weights, and the cold products."""

    train: np.ndarray
    train_weight: np.ndarray
    warm_val: np.ndarray
    warm_test: np.ndarray
    cold_val: np.ndarray
    cold_test: np.ndarray
    cold_val_nodes: np.ndarray
    cold_test_nodes: np.ndarray

    @classmethod
    def make(cls, num_nodes: int, pairs: np.ndarray, weights: np.ndarray, cold_frac: float,
             val_frac: float, test_frac: float, seed: int) -> "RelationSplit":
        """Pick cold products (each ``cold_frac`` for validation and test) among those with
        relations, then hide ``val_frac``/``test_frac`` of the remaining pairs (warm)."""
        if len(pairs) < 20:
            raise DatasetError(f"only {len(pairs)} related pairs: too few to split and train")
        rng = np.random.default_rng(seed)
        related = np.unique(pairs)
        order = rng.permutation(related)
        n_cold = max(1, int(round(len(related) * cold_frac)))
        cold_test_nodes, cold_val_nodes = np.sort(order[:n_cold]), np.sort(order[n_cold:2 * n_cold])
        is_test = np.zeros(num_nodes, bool)
        is_test[cold_test_nodes] = True
        is_val = np.zeros(num_nodes, bool)
        is_val[cold_val_nodes] = True
        touches_test = is_test[pairs[:, 0]] | is_test[pairs[:, 1]]
        touches_val = ~touches_test & (is_val[pairs[:, 0]] | is_val[pairs[:, 1]])
        warm = np.flatnonzero(~touches_test & ~touches_val)
        warm = warm[rng.permutation(len(warm))]
        n_val = max(1, int(round(len(warm) * val_frac)))
        n_test = max(1, int(round(len(warm) * test_frac)))
        val_i, test_i = np.sort(warm[:n_val]), np.sort(warm[n_val:n_val + n_test])
        train_i = np.sort(warm[n_val + n_test:])
        return cls(train=pairs[train_i], train_weight=weights[train_i], warm_val=pairs[val_i],
                   warm_test=pairs[test_i], cold_val=pairs[touches_val],
                   cold_test=pairs[touches_test], cold_val_nodes=cold_val_nodes,
                   cold_test_nodes=cold_test_nodes)

    def sizes(self) -> dict[str, int]:
        """How many pairs (and cold products) each part holds."""
        out = {name: int(len(getattr(self, name))) for name in PAIR_PARTS}
        out.update(cold_val_products=int(len(self.cold_val_nodes)),
                   cold_test_products=int(len(self.cold_test_nodes)))
        return out

    def save(self, path: Path, ids: Sequence[str]) -> None:
        """Save as product ids (npz, no pickles) so the split survives a re-export."""
        arr = np.asarray(ids, dtype=str)
        np.savez(path, nodes=arr, train_weight=self.train_weight,
                 cold_val_nodes=arr[self.cold_val_nodes], cold_test_nodes=arr[self.cold_test_nodes],
                 **{name: arr[getattr(self, name)].reshape(-1, 2) for name in PAIR_PARTS})

    @classmethod
    def load(cls, path: Path, index: dict[str, int]) -> "RelationSplit":
        """Read a saved split mapped onto ``index``; pairs and products no longer there drop out."""
        with np.load(path, allow_pickle=False) as data:
            parts: dict[str, np.ndarray] = {}
            for name in PAIR_PARTS:
                keep = [i for i, (a, b) in enumerate(data[name]) if a in index and b in index]
                parts[name] = np.array([(index[a], index[b]) for a, b in data[name][keep]],
                                       dtype=np.int64).reshape(-1, 2)
                if name == "train":
                    parts["train_weight"] = data["train_weight"][keep].astype(np.float64)
            for name in ("cold_val_nodes", "cold_test_nodes"):
                parts[name] = np.array([index[x] for x in data[name] if x in index], np.int64)
        return cls(**parts)


def bidirected_graph(num_nodes: int, pairs: np.ndarray) -> "dgl.DGLGraph":
    """A DGL graph with both directions of every pair."""
    import dgl

    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    src = torch.as_tensor(np.concatenate([pairs[:, 0], pairs[:, 1]]))
    dst = torch.as_tensor(np.concatenate([pairs[:, 1], pairs[:, 0]]))
    return dgl.graph((src, dst), num_nodes=num_nodes)


@dataclass
class RelationDataset:
    """Everything training, evaluation and refinement need, in node-index space."""

    ids: list[str]
    index: dict[str, int]
    feat: torch.Tensor
    emb: torch.Tensor  # the raw image vectors (for the cosine baseline)
    spec: FeatureSpec
    similar_pairs: np.ndarray
    pairs: np.ndarray
    weights: np.ndarray
    split: RelationSplit
    kinds: list[str]
    similar_graph: "dgl.DGLGraph"
    # banned (product, item) index pairs: extra negatives of their product in training
    bans: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))

    @property
    def num_nodes(self) -> int:
        """Number of products."""
        return len(self.ids)

    def train_relation_graph(self) -> "dgl.DGLGraph":
        """Message-passing graph of the training relation pairs (what evaluation encodes over)."""
        return bidirected_graph(self.num_nodes, self.split.train)


def target_pairs(exported: ExportedGraph, products: Sequence[ProductRow], index: dict[str, int],
                 target_column: str = "", per_product: int = 10,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The pairs to learn (and their weights): relation edges, or pairs sharing ``target_column``."""
    if target_column:
        pairs = label_pairs(products, target_column, per_product, seed)
        return pairs, np.ones(len(pairs))
    if not exported.relations:
        raise DatasetError(
            "the graph has no relation edges (edges other than SIMILAR/RECOMMENDED) to learn "
            "from: load outfits, baskets or transactions with `stylegraph load-relations`, "
            "or pass --target-column COL to learn from products that share a catalog label")
    return undirected_pairs(exported.relations, index, with_weights=True)


def build_dataset(exported: ExportedGraph, embeddings: EmbeddingsLike, *, cold_frac: float = 0.1,
                  val_frac: float = 0.1, test_frac: float = 0.1, seed: int = 0,
                  spec: FeatureSpec | None = None, split: RelationSplit | None = None,
                  target_column: str = "", label_pairs_per_product: int = 10,
                  use_attributes: bool = True, use_price: bool = True,
                  pca_dims: int = 128) -> RelationDataset:
    """Turn an exported graph and image embeddings into a :class:`RelationDataset`.

    Pass a saved ``spec`` (and ``split``) to rebuild a trained run's exact
    feature layout (and held-out parts); otherwise both are fitted here.
    """
    products = sorted(exported.products, key=lambda p: p.id)
    ids = [p.id for p in products]
    index = {pid: i for i, pid in enumerate(ids)}
    if len(index) != len(ids):
        raise DatasetError("duplicate product ids in the export")
    if spec is None:
        spec = FeatureSpec.fit(products, embeddings, use_attributes, use_price, pca_dims)
    feat = torch.from_numpy(spec.encode(products, embeddings))
    emb = torch.from_numpy(_rows_for(products, embeddings))
    pairs, weights = target_pairs(exported, products, index, target_column,
                                  label_pairs_per_product, seed)
    bans = _index_pairs(exported.bans, index)
    if split is None:
        split = RelationSplit.make(len(ids), pairs, weights, cold_frac, val_frac, test_frac, seed)
        curate_split(split, _index_pairs(exported.pins, index), bans)
    _check_disjoint(split)
    similar = undirected_pairs(exported.edges, index)
    log.info("dataset: %d products, %d SIMILAR pairs, %d target pairs %s, %d features",
             len(ids), len(similar), len(pairs), split.sizes(), spec.dim)
    return RelationDataset(ids=ids, index=index, feat=feat, emb=emb, spec=spec,
                           similar_pairs=similar, pairs=pairs, weights=weights, split=split,
                           kinds=[f"column:{target_column}"] if target_column else exported.kinds,
                           similar_graph=bidirected_graph(len(ids), similar), bans=bans)


def _index_pairs(pairs: Sequence[tuple[str, str]], index: dict[str, int]) -> np.ndarray:
    """Known product-id pairs as an m x 2 index array (unknown ids and self pairs dropped)."""
    rows = [(index[a], index[b]) for a, b in pairs if a in index and b in index and a != b]
    return np.asarray(rows, dtype=np.int64).reshape(-1, 2)


def curate_split(split: RelationSplit, pins: np.ndarray, bans: np.ndarray) -> None:
    """Merchandisers' rules in the training part: pinned pairs become training positives
    (weight 1; never one held out or touching a cold product, which would leak), banned pairs
    are no training positive (they are the product's negatives, ``RelationDataset.bans``).
    Held-out parts stay what people did, so the metrics still measure behaviour."""
    def keys(p: np.ndarray) -> np.ndarray:
        p = np.sort(p.reshape(-1, 2), axis=1)
        return p[:, 0] * (1 << 32) + p[:, 1]

    train_keys = keys(split.train)
    if len(bans):
        keep = ~np.isin(train_keys, keys(bans))
        split.train, split.train_weight, train_keys = split.train[keep], split.train_weight[keep], train_keys[keep]
    if not len(pins):
        return
    held = np.concatenate([keys(getattr(split, name)) for name in PAIR_PARTS if name != "train"] or [np.zeros(0)])
    cold = np.concatenate([split.cold_val_nodes, split.cold_test_nodes])
    pins = np.unique(np.sort(pins, axis=1), axis=0)
    pk = keys(pins)
    ok = ~np.isin(pk, held) & ~np.isin(pk, train_keys) & ~np.isin(pins, cold).any(axis=1)
    if len(bans):
        ok &= ~np.isin(pk, keys(bans))
    split.train = np.concatenate([split.train, pins[ok]])
    split.train_weight = np.concatenate([split.train_weight, np.ones(int(ok.sum()))])


def _check_disjoint(split: RelationSplit) -> None:
    """No pair in two parts, and no training pair touching a cold product (the leaks to prevent)."""
    seen: set[tuple[int, int]] = set()
    for name in PAIR_PARTS:
        part = {(int(u), int(v)) for u, v in getattr(split, name)}
        if part & seen:
            raise DatasetError(f"split part {name} overlaps another: held-out pairs would leak")
        seen |= part
    cold = set(split.cold_val_nodes.tolist()) | set(split.cold_test_nodes.tolist())
    if cold and len(split.train) and np.isin(split.train, list(cold)).any():
        raise DatasetError("a training pair touches a cold-start product: its relations would leak")
