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

SCORERS = ("dot", "mlp")
AGGREGATORS = ("mean", "pool", "gcn", "lstm")


class ConfigError(ValueError):
    """A configuration value that cannot be used."""


@dataclass
class GNNConfig:
    """Hyperparameters and inputs of one GraphSAGE link-prediction run.

    Defaults were picked on the 2,000-product sample catalog (bench/gnn_link_prediction.py):
    dropout 0.3, lr 1e-3 and 4 negatives per positive beat 0.1 / 3e-3 / 1 on
    validation MRR; the MLP scorer beat the dot product.
    """

    name: str = "sage"
    seed: int = 0
    # encoder
    hidden: int = 128
    num_layers: int = 2
    fanouts: list[int] = field(default_factory=lambda: [10, 10])
    aggregator: str = "mean"
    dropout: float = 0.3
    scorer: str = "mlp"
    # node features
    use_category: bool = True
    use_price: bool = True
    # optimisation
    lr: float = 1e-3
    weight_decay: float = 5e-4
    batch_size: int = 256
    epochs: int = 40
    patience: int = 5
    neg_ratio: int = 4
    # split and evaluation
    val_frac: float = 0.1
    test_frac: float = 0.1
    eval_negatives: int = 100
    inference_batch_size: int = 1024
    # provenance (filled in by the CLI)
    graph_url: str = ""
    embeddings: str = ""

    def __post_init__(self) -> None:
        self.fanouts = [int(f) for f in self.fanouts]
        self.validate()

    def validate(self) -> None:
        """Raise :class:`ConfigError` when a value is out of range."""
        if not self.name or any(c in self.name for c in "/\\ "):
            raise ConfigError(f"name must be non-empty without '/' or spaces, got {self.name!r}")
        if self.num_layers < 1:
            raise ConfigError(f"num_layers must be >= 1, got {self.num_layers}")
        if len(self.fanouts) != self.num_layers:
            raise ConfigError(
                f"fanouts needs one value per layer ({self.num_layers}), got {self.fanouts}"
            )
        if any(f < 1 and f != -1 for f in self.fanouts):
            raise ConfigError(f"fanouts must be >= 1 (or -1 for all neighbours), got {self.fanouts}")
        if self.hidden < 1:
            raise ConfigError(f"hidden must be >= 1, got {self.hidden}")
        if self.scorer not in SCORERS:
            raise ConfigError(f"scorer must be one of {SCORERS}, got {self.scorer!r}")
        if self.aggregator not in AGGREGATORS:
            raise ConfigError(f"aggregator must be one of {AGGREGATORS}, got {self.aggregator!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")
        if not (0.0 < self.val_frac < 0.5 and 0.0 < self.test_frac < 0.5):
            raise ConfigError("val_frac and test_frac must each be in (0, 0.5)")
        if self.val_frac + self.test_frac >= 0.8:
            raise ConfigError("val_frac + test_frac must leave at least 20% of edges for training")
        for name in ("batch_size", "epochs", "patience", "neg_ratio", "eval_negatives",
                     "inference_batch_size"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.lr <= 0:
            raise ConfigError(f"lr must be > 0, got {self.lr}")

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
