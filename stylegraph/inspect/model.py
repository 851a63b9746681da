"""The inspection classifier: a torchvision ResNet backbone plus one linear layer, and its checkpoint.

``classifier.pth`` (weights-only ``torch.save`` dict, format :data:`CLASSIFIER_FORMAT`):
``arch``, ``image_size``, ``label`` (the catalog column), ``classes``,
``state_dict`` (``backbone.*``, ``fc.*``), ``temperature`` and ``threshold``
(calibrated on the validation products), ``target_precision`` and
``base_spec`` (JSON: the weights it started from).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
import torchvision
from torch import nn

from stylegraph.loader.metric_model import out_channels

CLASSIFIER_FORMAT = "stylegraph-classifier/1"
CHECKPOINT = "classifier.pth"


class ClassifierNet(nn.Module):
    """Backbone (its own ``fc`` removed) -> pooled features, standardised -> ``Linear(n_classes)`` logits.

    ``feat_mean`` / ``feat_std`` (buffers) standardise the features with the
    training photos' statistics, so the linear layer's weights stay small and
    end-to-end training starts from the probe without blowing up.
    """

    def __init__(self, arch: str, n_classes: int, backbone: nn.Module | None = None):
        super().__init__()
        if backbone is None:
            backbone = getattr(torchvision.models, arch)(weights=None)
        backbone.fc = nn.Identity()
        self.arch = arch
        self.backbone = backbone
        width = out_channels(backbone.layer4)
        self.fc = nn.Linear(width, n_classes)
        self.register_buffer("feat_mean", torch.zeros(width))
        self.register_buffer("feat_std", torch.ones(width))

    @property
    def width(self) -> int:
        """Size of the pooled features the linear layer reads."""
        return int(self.fc.in_features)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Pooled backbone features (B x width), not standardised."""
        return self.backbone(x)

    def head(self, features: torch.Tensor) -> torch.Tensor:
        """Logits of pooled features."""
        return self.fc((features - self.feat_mean) / self.feat_std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (B x n_classes), before temperature scaling."""
        return self.head(self.backbone(x))


def save_classifier(net: ClassifierNet, path: str | Path, *, image_size: int, label: str, classes: list[str],
                    temperature: float, threshold: float, target_precision: float,
                    base_spec: dict[str, Any]) -> Path:
    """Write the classifier as a weights-only checkpoint."""
    torch.save({"format": CLASSIFIER_FORMAT, "arch": net.arch, "image_size": int(image_size), "label": label,
                "classes": list(classes), "temperature": float(temperature), "threshold": float(threshold),
                "target_precision": float(target_precision), "base_spec": json.dumps(base_spec, sort_keys=True),
                "state_dict": {k: v.detach().clone() for k, v in net.state_dict().items()}}, path)
    return Path(path)


class ClassifierError(ValueError):
    """A classifier run or checkpoint cannot be used."""


def checkpoint_path(run: str | Path) -> Path:
    """``run``'s ``classifier.pth`` (``run`` may also be the file itself)."""
    path = Path(run)
    if path.is_dir():
        path = path / CHECKPOINT
    if not path.is_file():
        raise ClassifierError(f"no inspection classifier at {path} (train one with stylegraph inspect train)")
    return path


def load_classifier(run: str | Path) -> tuple[ClassifierNet, dict[str, Any]]:
    """The network (eval mode) and the checkpoint's other fields."""
    path = checkpoint_path(run)
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a bad file
        raise ClassifierError(f"{path}: not a readable checkpoint ({exc})") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != CLASSIFIER_FORMAT:
        raise ClassifierError(f"{path}: not a {CLASSIFIER_FORMAT} checkpoint")
    net = ClassifierNet(str(ckpt["arch"]), len(ckpt["classes"]))
    try:
        net.load_state_dict(ckpt["state_dict"])
    except RuntimeError as exc:
        raise ClassifierError(f"{path}: damaged checkpoint ({str(exc).splitlines()[0]})") from None
    meta = {k: v for k, v in ckpt.items() if k != "state_dict"}
    return net.eval(), meta
