"""The configuration of one image-model training run (``stylegraph finetune``), declared once.

Types, ranges and help text live in the fields; the command's flags are derived
from them (:func:`stylegraph.cli_flags.model_flags`), and a run saves the
config as ``config.json``. Importing this module does not import torch.
"""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from stylegraph.validated_config import ValidatedConfig

LOSSES = ("multi-similarity", "supcon", "arcface", "proxy-anchor", "contrastive")
OPTIMIZERS = ("adamw", "sgd")


class FinetuneError(ValueError):
    """The training configuration or data cannot be used."""


class FinetuneConfig(ValidatedConfig):
    """Everything a training run depends on (saved as ``config.json``); ``stylegraph finetune``'s
    flags are derived from these declarations."""

    error: ClassVar[type[ValueError]] = FinetuneError

    catalog: str = Field(description="catalog directory or CSV")
    labels: dict[str, float] = Field(
        default_factory=lambda: {"category": 1.0},
        description="label column -> loss weight; the first column also drives batches and early stopping")
    columns: dict[str, str] = Field(default_factory=dict, description="catalog column mapping, "
                                    "e.g. {'category': 'articleType'}")
    model: str = Field("resnet18", description="backbone (a torchvision ResNet)")
    weights: str = Field("random", description="starting weights")
    image_size: int = Field(0, description="input size; 0 picks one from the photos (64..96), else 32..512")
    embedding_dims: int = Field(128, ge=8, le=2048, description="size of the embedding")
    loss: Literal[LOSSES] = Field("multi-similarity", description="metric-learning loss")  # type: ignore[valid-type]
    optimizer: Literal[OPTIMIZERS] = Field("adamw", description="optimizer")  # type: ignore[valid-type]
    lr: float = Field(2e-3, gt=0, description="learning rate")
    weight_decay: float = Field(1e-4, ge=0, description="weight decay")
    epochs: int = Field(30, ge=1, description="most epochs (early stopping may end sooner)")
    patience: int = Field(5, ge=1, description="epochs without validation improvement before stopping")
    batch_size: int = Field(64, description="photos per batch, a multiple of --m-per-class")
    m_per_class: int = Field(4, ge=2, description="photos per class in each batch")
    val_fraction: float = Field(0.15, ge=0.05, le=0.5, description="share of products held out for validation")
    k: int = Field(10, ge=1, description="precision@k for validation")
    workers: int = Field(0, ge=0, description="DataLoader worker processes")
    seed: int = Field(0, description="random seed")
    name: str = Field("finetune", description="run name")
    runs_dir: str = Field("runs", description="where the run directory is made")

    @field_validator("labels")
    @classmethod
    def _check_labels(cls, labels: dict[str, float]) -> dict[str, float]:
        if not labels:
            raise ValueError("at least one label column is needed (--labels category)")
        if any(not w > 0 for w in labels.values()):
            raise ValueError(f"label weights must be > 0, got {labels}")
        return labels

    @field_validator("model")
    @classmethod
    def _check_model(cls, model: str) -> str:
        from stylegraph.loader.embed import ARCHS  # torch: only when a config is built, not for --help

        if model not in ARCHS:
            raise ValueError(f"must be one of {ARCHS}")
        return model

    @field_validator("image_size")
    @classmethod
    def _check_image_size(cls, size: int) -> int:
        if size and not 32 <= size <= 512:
            raise ValueError("must be 0 (auto) or 32..512")
        return size

    @model_validator(mode="after")
    def _check_batches(self) -> "FinetuneConfig":
        if self.batch_size < 2 * self.m_per_class or self.batch_size % self.m_per_class:
            raise ValueError(f"--batch-size ({self.batch_size}) must be a multiple of --m-per-class "
                             f"({self.m_per_class}) holding at least two classes")
        return self
