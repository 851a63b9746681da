"""CNN image embeddings: torchvision ResNets without their classifier.

A model spec (a JSON-able dict) says everything needed to rebuild an embedder
bit for bit: ``{"model": "resnet18", "weights": "random"|"torchvision"|"/abs/x.pth",
"seed": 0, "style": "none"|"style"|"concat", "image_size": 224, "weights_sha256": ...}``.

* content vector: global-average-pooled ``layer4`` features, L2-normalised;
* style vector (``style``): Gram matrices of the mean-centred ``layer1..layer3``
  feature maps (channel covariances; centring doubled precision@10 on the
  sample catalog), each sketched by a fixed random channel projection
  (C -> 32) so every backbone gives the same compact size (3 x 528 = 1584),
  upper triangle, signed square root, L2-normalised per layer, concatenated;
* ``concat``: content and style halves, each of unit norm, scaled by 1/sqrt(2);
* a trained checkpoint (``stylegraph finetune``, :mod:`stylegraph.loader.metric_model`)
  is the whole network it trained, with its centring; style modes do not apply.

Every image goes through :func:`stylegraph.loader.preprocess.eval_transform`
(aspect ratio kept, padded, never cropped), the same in every component.

torch is imported here; keep this module out of CLI start-up paths.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torchvision
from PIL import Image
from torch import nn

from stylegraph.loader.images import file_sha256
from stylegraph.loader.metric_model import EMBEDDER_FORMAT, load_embedding_net, out_channels
from stylegraph.loader.preprocess import eval_transform

ARCHS = ("resnet18", "resnet34", "resnet50", "resnet152")
STYLE_MODES = ("none", "style", "concat")
STYLE_LAYERS = ("layer1", "layer2", "layer3")
STYLE_CHANNELS = 32


class EmbedError(ValueError):
    """A model spec or weights file cannot be used."""


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """Load a ``.pth`` file safely (tensors and plain containers only, no pickled code)."""
    path = Path(path)
    if not path.is_file():
        raise EmbedError(f"weights file not found: {path}")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a bad file
        raise EmbedError(f"{path}: not a readable PyTorch weights file ({exc})") from None
    if not isinstance(data, dict):
        raise EmbedError(f"{path}: expected a state dict, got {type(data).__name__}")
    return data


def make_spec(model: str = "resnet18", weights: str = "random", *, style: str = "none",
              image_size: int = 224, seed: int = 0) -> dict[str, Any]:
    """A complete, validated model spec (a weights path is made absolute and hashed)."""
    return normalize_spec({"model": model, "weights": weights, "style": style,
                           "image_size": image_size, "seed": seed})


def normalize_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Fill defaults and validate ``spec``; a fine-tuned checkpoint dictates model, style and size."""
    unknown = set(spec) - {"model", "weights", "style", "image_size", "seed", "weights_sha256"}
    if unknown:
        raise EmbedError(f"unknown model spec key(s) {sorted(unknown)}")
    out = {"model": spec.get("model", "resnet18"), "weights": str(spec.get("weights", "random")),
           "style": spec.get("style", "none") or "none", "image_size": int(spec.get("image_size", 224)),
           "seed": int(spec.get("seed", 0))}
    weights = out["weights"]
    if weights not in ("random", "torchvision"):
        path = Path(weights).expanduser().resolve()
        if path.is_dir() and (path / "model.pth").is_file():
            path = path / "model.pth"  # a finetune run directory
        out["weights"] = str(path)
        sha = file_sha256(path) if path.is_file() else None
        if sha is None:
            raise EmbedError(f"weights file not found: {path}")
        if spec.get("weights_sha256") and spec["weights_sha256"] != sha:
            raise EmbedError(f"{path} changed since these embeddings were made (sha256 differs)")
        out["weights_sha256"] = sha
        ckpt = read_checkpoint(path)
        if ckpt.get("format") == EMBEDDER_FORMAT:
            out.update(model=str(ckpt["arch"]), style="none", image_size=int(ckpt["image_size"]))
        elif str(ckpt.get("format", "")).startswith("stylegraph-"):
            raise EmbedError(f"{path}: checkpoint format {ckpt['format']!r} is no longer supported; "
                             f"retrain it with stylegraph finetune")
    if out["model"] not in ARCHS:
        raise EmbedError(f"unknown model {out['model']!r}; choose one of {ARCHS}")
    if out["style"] not in STYLE_MODES:
        raise EmbedError(f"unknown style mode {out['style']!r}; choose one of {STYLE_MODES}")
    if not 32 <= out["image_size"] <= 1024:
        raise EmbedError(f"image_size must be between 32 and 1024, got {out['image_size']}")
    return out


def model_id_for(spec: dict[str, Any]) -> str:
    """A readable, filesystem-safe id that changes whenever the spec does."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:8]
    weights = spec["weights"]
    if weights == "random":
        tag = f"random{spec['seed']}"
    elif weights == "torchvision":
        tag = "imagenet"
    else:
        path = Path(weights)
        tag = path.parent.name if path.name == "model.pth" else path.stem
        tag = re.sub(r"[^A-Za-z0-9_.-]+", "_", tag)[:40]
    style = "" if spec["style"] == "none" else f"-{spec['style']}"
    return f"{spec['model']}-{tag}{style}-{spec['image_size']}px-{digest}"


def build_backbone(arch: str, weights: str, seed: int = 0,
                   state_dict: dict[str, torch.Tensor] | None = None) -> nn.Module:
    """A torchvision ResNet with ``fc`` replaced by identity, in eval mode."""
    if arch not in ARCHS:
        raise EmbedError(f"unknown model {arch!r}; choose one of {ARCHS}")
    ctor = getattr(torchvision.models, arch)
    if weights == "torchvision":
        enum = torchvision.models.get_model_weights(arch).DEFAULT
        try:
            model = ctor(weights=enum)
        except Exception as exc:  # URLError, HTTPError, RuntimeError, ...
            raise EmbedError(
                f"could not download torchvision weights {enum} for {arch} ({exc}). Without internet, "
                f"fetch {enum.url} on a connected machine and pass it with --weights PATH.pth"
            ) from None
    else:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = ctor(weights=None)
        if state_dict is not None:
            state = {k.removeprefix("module."): v for k, v in state_dict.items() if not k.startswith("fc.")}
            try:
                missing, unexpected = model.load_state_dict(state, strict=False)
            except RuntimeError as exc:  # shape mismatches
                raise EmbedError(f"weights do not fit {arch}: {str(exc).splitlines()[-1].strip()}") from None
            missing = [k for k in missing if not k.startswith("fc.")]
            if missing or unexpected:
                raise EmbedError(
                    f"weights do not fit {arch}: missing {missing[:5]}{'...' if len(missing) > 5 else ''}, "
                    f"unexpected {unexpected[:5]}{'...' if len(unexpected) > 5 else ''}"
                )
    model.fc = nn.Identity()
    return model.eval()


def _plain_state_dict(ckpt: dict[str, Any]) -> dict[str, torch.Tensor]:
    for key in ("state_dict", "model", "model_state_dict"):
        if isinstance(ckpt.get(key), dict):
            return ckpt[key]
    return ckpt


def backbone_state(path: str | Path) -> dict[str, torch.Tensor]:
    """The backbone weights of a local checkpoint: a plain state dict, or a trained stylegraph model's backbone."""
    ckpt = read_checkpoint(path)
    if ckpt.get("format") == EMBEDDER_FORMAT:
        return {k.removeprefix("backbone."): v for k, v in ckpt["state_dict"].items() if k.startswith("backbone.")}
    return _plain_state_dict(ckpt)


class FeatureExtractor(nn.Module):
    """Backbone forward that returns the content and/or style vector (not normalised at the end)."""

    def __init__(self, backbone: nn.Module, style: str, channels: int = STYLE_CHANNELS):
        super().__init__()
        self.backbone = backbone
        self.style = style
        gen = torch.Generator().manual_seed(12345)
        widths = [out_channels(getattr(backbone, name)) for name in STYLE_LAYERS]
        for name, width in zip(STYLE_LAYERS, widths):
            proj = torch.randn(channels, width, generator=gen) / math.sqrt(width)
            self.register_buffer(f"proj_{name}", proj, persistent=False)
        iu = torch.triu_indices(channels, channels)
        self.register_buffer("triu", iu, persistent=False)

    def layer_maps(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Feature maps of every ResNet stage."""
        b = self.backbone
        x = b.maxpool(b.relu(b.bn1(b.conv1(x))))
        maps = {}
        for name in ("layer1", "layer2", "layer3", "layer4"):
            x = getattr(b, name)(x)
            maps[name] = x
        return maps

    def style_vector(self, maps: dict[str, torch.Tensor]) -> torch.Tensor:
        """Gram-matrix style vector from the intermediate maps."""
        parts = []
        for name in STYLE_LAYERS:
            f = maps[name].flatten(2)  # B x C x HW
            f = f - f.mean(dim=2, keepdim=True)  # centred Gram = channel covariance; twice as discriminative
            f = torch.einsum("kc,bcn->bkn", getattr(self, f"proj_{name}"), f)
            gram = torch.bmm(f, f.transpose(1, 2)) / f.shape[-1]
            tri = gram[:, self.triu[0], self.triu[1]]
            tri = torch.sign(tri) * torch.sqrt(tri.abs() + 1e-12)
            parts.append(nn.functional.normalize(tri, dim=1))
        return torch.cat(parts, dim=1) / math.sqrt(len(parts))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        maps = self.layer_maps(x)
        content = nn.functional.normalize(maps["layer4"].mean(dim=(2, 3)), dim=1)
        if self.style == "none":
            return content
        style = self.style_vector(maps)
        if self.style == "style":
            return style
        return torch.cat([content, nn.functional.normalize(style, dim=1)], dim=1) / math.sqrt(2)


class Embedder:
    """Images in, L2-normalised float32 vectors out."""

    def __init__(self, spec: dict[str, Any], device: str | torch.device = "cpu"):
        self.spec = normalize_spec(spec)
        self.model_id = model_id_for(self.spec)
        self.device = torch.device(device)
        self.transform = eval_transform(self.spec["image_size"])
        weights = self.spec["weights"]
        self.net: nn.Module
        if weights in ("random", "torchvision"):
            backbone = build_backbone(self.spec["model"], weights, self.spec["seed"])
            self.net = FeatureExtractor(backbone, self.spec["style"])
        else:
            ckpt = read_checkpoint(weights)
            if ckpt.get("format") == EMBEDDER_FORMAT:
                try:
                    self.net = load_embedding_net(ckpt)
                except (KeyError, RuntimeError) as exc:
                    raise EmbedError(f"{weights}: damaged stylegraph checkpoint ({exc})") from None
            else:
                backbone = build_backbone(self.spec["model"], "random", 0, state_dict=_plain_state_dict(ckpt))
                self.net = FeatureExtractor(backbone, self.spec["style"])
        self.net = self.net.eval().to(self.device)
        with torch.no_grad():
            probe = torch.zeros(1, 3, 32, 32, device=self.device)
            self.dim = int(self._forward(probe).shape[1])

    def _forward(self, batch: torch.Tensor) -> torch.Tensor:
        if hasattr(self.net, "embed"):
            return self.net.embed(batch)
        return nn.functional.normalize(self.net(batch), dim=1)

    @torch.no_grad()
    def embed_tensor(self, batch: torch.Tensor) -> np.ndarray:
        """Vectors of an already transformed batch (B x 3 x H x W)."""
        return self._forward(batch.to(self.device)).cpu().numpy().astype(np.float32)

    def embed(self, images: list[Image.Image]) -> np.ndarray:
        """Vectors (n x dim, L2-normalised) of PIL images."""
        if not images:
            return np.zeros((0, self.dim), np.float32)
        batch = torch.stack([self.transform(img.convert("RGB")) for img in images])
        return self.embed_tensor(batch)


def load_embedder(model_spec: dict[str, Any], device: str = "cpu") -> Embedder:
    """Rebuild the embedder described by ``model_spec`` (e.g. from an embeddings file)."""
    if not isinstance(model_spec, dict):
        raise EmbedError(f"model spec must be a dict, got {type(model_spec).__name__}")
    return Embedder(model_spec, device=device)
