"""The one configuration of a GNN training run, saved as ``config.json`` in its run dir.

Every hyperparameter of ``stylegraph gnn train`` is declared here once, with its
type, range and help text; the command's flags are derived from these
declarations (:func:`stylegraph.cli_flags.model_flags`), and a run can be
reproduced from its ``config.json`` alone (with the graph and embeddings it names).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from stylegraph.validated_config import ValidatedConfig

Aggregator = Literal["mean", "pool", "gcn"]


class ConfigError(ValueError):
    """A configuration value that cannot be used."""


def _share(default: float, low_open: bool, doc: str, high: float = 1.0) -> Any:
    return Field(default, **({"gt": 0.0} if low_open else {"ge": 0.0}), lt=high, description=doc)


class GNNConfig(ValidatedConfig):
    """Hyperparameters, training target and split of one relation-prediction run.

    The target is the relation edges (``target``: kinds, empty = every kind
    in the graph) or, for shops without behaviour data, pairs of products
    sharing the catalog column ``target_column``. Never ``SIMILAR``.
    """

    error: ClassVar[type[ValueError]] = ConfigError

    name: str = Field("sage", pattern=r"^[^/\\ ]+$", description="run name suffix")
    seed: int = Field(0, description="random seed")
    # training target
    target: list[str] = Field(default_factory=list, description="relation kind to learn, e.g. WORN_WITH "
                              "(repeatable or comma-separated; empty: every relation kind in the graph)")
    target_column: str = Field("", description="no behaviour data: learn pairs of products sharing this "
                               "catalog column")
    label_pairs_per_product: int = Field(10, ge=1, description="target_column: pairs drawn per product")
    # encoder (GraphSAGE over SIMILAR + training relations, no per-item id embedding)
    hidden: int = Field(64, ge=1, description="hidden size")
    num_layers: int = Field(2, ge=1, description="SAGE layers")
    aggregator: Aggregator = Field("mean", description="SAGE neighbour aggregator")
    dropout: float = Field(0.2, ge=0.0, lt=1.0, description="dropout")
    # node features
    embedding_dims: int = Field(128, ge=0, description="principal components kept of the image embedding "
                                "(whitening PCA; 0 keeps it whole)")
    use_attributes: bool = Field(True, description="use the one-hot catalog attributes")
    use_price: bool = Field(True, description="use the scaled price")
    # optimisation
    lr: float = Field(3e-3, gt=0, description="learning rate")
    pair_lr: float = Field(0.05, gt=0, description="learning rate of the pair-feature weights")
    weight_decay: float = Field(1e-5, ge=0, description="weight decay")
    batch_size: int = Field(2048, ge=1, description="supervised pairs per step")
    epochs: int = Field(60, ge=1, description="most epochs")
    patience: int = Field(10, ge=1, description="early-stopping patience (epochs)")
    negatives: int = Field(512, ge=1, description="random negatives per step")
    hard_negatives: int = Field(4, ge=0, description="hard negatives per positive")
    message_frac: float = _share(0.7, True, "share of training relations that pass messages each epoch "
                                 "(the rest is supervised)")
    cold_sim_frac: float = _share(0.2, False, "share of products whose relations are hidden each epoch "
                                  "(simulated cold start)")
    # split: cold = products with every relation hidden; warm = relation edges hidden
    cold_frac: float = _share(0.1, True, "share of related products held out cold, for validation and "
                              "again for test", 0.5)
    val_frac: float = _share(0.1, True, "share of the other relation pairs held out (warm) for validation", 0.5)
    test_frac: float = _share(0.1, True, "share of the other relation pairs held out (warm) for test", 0.5)
    k: int = Field(10, ge=1, description="k of the validation Recall@k that early stopping watches")
    # provenance (filled in by the CLI)
    graph_url: str = Field("", description="the graph trained on")
    embeddings: str = Field("", description="the embeddings trained with")

    @field_validator("target", mode="before")
    @classmethod
    def _split_kinds(cls, value: Any) -> list[str]:
        items = [value] if isinstance(value, str) else list(value or [])
        return [k.strip() for item in items for k in str(item).split(",") if k.strip()]

    @model_validator(mode="after")
    def _check_together(self) -> "GNNConfig":
        if self.target and self.target_column:
            raise ValueError("pass either target kinds or a target column, not both")
        if 2 * self.cold_frac >= 0.8 or self.val_frac + self.test_frac >= 0.8:
            raise ValueError("the held-out shares must leave at least 20% for training")
        return self

    def to_dict(self) -> dict[str, Any]:
        """The config as a JSON-ready dict."""
        return self.model_dump()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GNNConfig":
        """Build a config from a dict, rejecting unknown keys."""
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
