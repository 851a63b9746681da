"""Embedding throughput (images/s) at batch 1 and batch 32, per backbone.

Usage: python bench/loader_embed_throughput.py [--models resnet18,resnet50] [--image-size 224] [--images 64]
Images come from a generated sample catalog; weights are random (same compute as pretrained).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from PIL import Image  # noqa: E402

from stylegraph.loader.embed import load_embedder, make_spec  # noqa: E402
from stylegraph.loader.sample_catalog import generate_catalog  # noqa: E402


def throughput(embedder, images: list[Image.Image], batch: int, repeats: int = 3) -> float:
    """Best of ``repeats`` images/s of ``embedder.embed`` (PIL in, vectors out) at ``batch``.

    The best run is reported because the box is shared: slower runs measure the neighbours.
    """
    embedder.embed(images[:batch])  # warm-up
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(images), batch):
            embedder.embed(images[i:i + batch])
        best = max(best, len(images) / (time.perf_counter() - start))
    return best


def main() -> None:
    """Print images/s for each model at batch 1 and 32."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="resnet18,resnet50")
    ap.add_argument("--image-size", type=int, default=224)
    ap.add_argument("--images", type=int, default=64)
    ap.add_argument("--style", default="none", choices=("none", "style", "concat"))
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        generate_catalog(tmp, args.images, seed=0, size=args.image_size, progress=False)
        images = [Image.open(p).convert("RGB") for p in sorted(Path(tmp, "images").glob("*.png"))]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} cores "
          f"(load average {load:.1f}), {args.image_size}px, style={args.style}")
    for model in args.models.split(","):
        embedder = load_embedder(make_spec(model, "random", style=args.style, image_size=args.image_size))
        b1 = throughput(embedder, images[: max(8, len(images) // 4)], 1)
        b32 = throughput(embedder, images, 32)
        print(f"{model:10s} dim {embedder.dim:5d}  batch 1: {b1:7.1f} images/s   batch 32: {b32:7.1f} images/s")


if __name__ == "__main__":
    main()
