"""The one configuration of a GNN training run, saved as ``config.json`` in its run dir.

Every hyperparameter of ``stylegraph gnn train`` lives here, so a run can be
reproduced from its ``config.json`` alone (together with the graph and the
embeddings it names).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

AGGREGATORS = ("mean", "pool", "gcn")


class ConfigError(ValueError):
    """A configuration value that cannot be used."""


@dataclass
class GNNConfig:
    """Hyperparameters, training target and split of one relation-prediction run.

    The target is the relation edges (``target``: kinds, empty = every kind
    in the graph) or, for shops without behaviour data, pairs of products
    sharing the catalog column ``target_column``. Never ``SIMILAR``.
    """

    name: str = "sage"
    seed: int = 0
    # training target
    target: list[str] = field(default_factory=list)
    target_column: str = ""
    label_pairs_per_product: int = 10
    # encoder (GraphSAGE over SIMILAR + training relations, no per-item id embedding)
    hidden: int = 64
    num_layers: int = 2
    aggregator: str = "mean"
    dropout: float = 0.2
    # node features (embedding_dims: whitening PCA of the image embedding; 0 keeps it whole)
    embedding_dims: int = 128
    use_attributes: bool = True
    use_price: bool = True
    # optimisation
    lr: float = 3e-3
    pair_lr: float = 0.05
    weight_decay: float = 1e-5
    batch_size: int = 2048
    epochs: int = 60
    patience: int = 10
    negatives: int = 512
    hard_negatives: int = 4
    # each epoch: this share of training relations passes messages, the rest is supervised
    message_frac: float = 0.7
    # each epoch: this share of products loses its message-passing relations (simulated cold start)
    cold_sim_frac: float = 0.2
    # split: cold = products with every relation hidden; warm = relation edges hidden
    cold_frac: float = 0.1
    val_frac: float = 0.1
    test_frac: float = 0.1
    k: int = 10
    # provenance (filled in by the CLI)
    graph_url: str = ""
    embeddings: str = ""

    def __post_init__(self) -> None:
        self.target = [str(t) for t in self.target]
        self.validate()

    def validate(self) -> None:
        """Raise :class:`ConfigError` when a value is out of range."""
        if not self.name or any(c in self.name for c in "/\\ "):
            raise ConfigError(f"name must be non-empty without '/' or spaces, got {self.name!r}")
        if self.target and self.target_column:
            raise ConfigError("pass either target kinds or a target column, not both")
        if self.num_layers < 1:
            raise ConfigError(f"num_layers must be >= 1, got {self.num_layers}")
        if self.hidden < 1:
            raise ConfigError(f"hidden must be >= 1, got {self.hidden}")
        if self.aggregator not in AGGREGATORS:
            raise ConfigError(f"aggregator must be one of {AGGREGATORS}, got {self.aggregator!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")
        for name in ("cold_frac", "val_frac", "test_frac"):
            if not 0.0 < getattr(self, name) < 0.5:
                raise ConfigError(f"{name} must be in (0, 0.5), got {getattr(self, name)}")
        if 2 * self.cold_frac >= 0.8 or self.val_frac + self.test_frac >= 0.8:
            raise ConfigError("the held-out shares must leave at least 20% for training")
        if not 0.0 < self.message_frac < 1.0:
            raise ConfigError(f"message_frac must be in (0, 1), got {self.message_frac}")
        if not 0.0 <= self.cold_sim_frac < 1.0:
            raise ConfigError(f"cold_sim_frac must be in [0, 1), got {self.cold_sim_frac}")
        if self.embedding_dims < 0:
            raise ConfigError(f"embedding_dims must be >= 0, got {self.embedding_dims}")
        if self.hard_negatives < 0:
            raise ConfigError(f"hard_negatives must be >= 0, got {self.hard_negatives}")
        for name in ("batch_size", "epochs", "patience", "negatives", "k",
                     "label_pairs_per_product"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.lr <= 0 or self.pair_lr <= 0:
            raise ConfigError(f"lr and pair_lr must be > 0, got {self.lr}, {self.pair_lr}")

    def to_dict(self) -> dict[str, Any]:
        """The config as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GNNConfig":
        """Build a config from a dict, rejecting unknown keys."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown config keys: {', '.join(unknown)}")
        return cls(**data)

    def save(self, path: Path) -> None:
        """Write the config as pretty JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> "GNNConfig":
        """Read a config written by :meth:`save`."""
        try:
            data = json.loads(Path(path).read_text())
        except FileNotFoundError:
            raise ConfigError(f"no config at {path}") from None
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path} is not valid JSON: {exc}") from None
        return cls.from_dict(data)
