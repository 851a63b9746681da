"""Embedders: random (seeded), local .pth, torchvision weights enum, style features."""
from __future__ import annotations

import urllib.request

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image

from stylegraph.loader.catalog import read_catalog
from stylegraph.loader.embed import EmbedError, load_embedder, make_spec, model_id_for


@pytest.fixture(scope="module")
def images(catalog_master):
    cat = read_catalog(catalog_master)
    return [Image.open(cat.image_path(p)).convert("RGB") for p in cat.products[:8]]


def test_random_weights_are_seeded_and_vectors_normalised(embedder, spec, images):
    a = embedder.embed(images)
    assert a.shape == (8, 512) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    again = load_embedder(dict(spec)).embed(images)
    np.testing.assert_array_equal(a, again)
    other = load_embedder(make_spec("resnet18", "random", image_size=32, seed=1))
    assert other.model_id != embedder.model_id
    assert not np.allclose(other.embed(images), a)
    assert embedder.embed([]).shape == (0, 512)


@pytest.mark.parametrize("mode,dim", [("style", 3 * 528), ("concat", 512 + 3 * 528)])
def test_style_vectors(images, mode, dim):
    emb = load_embedder(make_spec("resnet18", "random", style=mode, image_size=32))
    vec = emb.embed(images)
    assert vec.shape == (8, dim) and emb.dim == dim
    np.testing.assert_allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-5)
    assert f"-{mode}-" in emb.model_id
    assert len({round(float(x), 4) for x in (vec @ vec.T).ravel()}) > 8  # not all alike


def test_local_pth_file(tmp_path, images):
    torch.manual_seed(5)
    net = torchvision.models.resnet18(weights=None)
    path = tmp_path / "my-resnet.pth"
    torch.save(net.state_dict(), path)
    spec = make_spec("resnet18", str(path), image_size=32)
    assert spec["weights"] == str(path.resolve()) and len(spec["weights_sha256"]) == 64
    emb = load_embedder(spec)
    assert emb.model_id.startswith("resnet18-my-resnet-32px-")
    net.fc = torch.nn.Identity()
    net.eval()
    with torch.no_grad():
        want = torch.nn.functional.normalize(net(torch.stack([emb.transform(i) for i in images])), dim=1)
    np.testing.assert_allclose(emb.embed(images), want.numpy(), atol=1e-5)
    # a changed file no longer matches the recorded spec
    torch.save({"state_dict": net.state_dict()}, path)
    with pytest.raises(EmbedError, match="changed since"):
        load_embedder(spec)
    torch.save({"conv1.weight": torch.zeros(1)}, path)
    with pytest.raises(EmbedError, match="do not fit resnet18"):
        load_embedder(make_spec("resnet18", str(path), image_size=32))
    path.write_text("garbage")
    with pytest.raises(EmbedError, match="not a readable PyTorch weights file"):
        load_embedder(make_spec("resnet18", str(path), image_size=32))


def test_torchvision_weights_from_cache_and_clear_download_error(tmp_path, monkeypatch, images):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    # offline: the download fails (a dead proxy makes that certain) -> a clear error
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    # urllib builds its global opener (with the proxies of that moment) on first use and keeps it:
    # start from none, and have the dead-proxy opener dropped again after this test
    monkeypatch.setattr(urllib.request, "_opener", None)
    with pytest.raises(EmbedError, match="could not download torchvision weights.*--weights PATH.pth"):
        load_embedder(make_spec("resnet18", "torchvision", image_size=32))
    # a file already in torch's cache is what torchvision loads through the weights enum
    enum = torchvision.models.ResNet18_Weights.DEFAULT
    cache = tmp_path / "torch" / "hub" / "checkpoints"
    cache.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(9)
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), cache / enum.url.rsplit("/", 1)[1])
    emb = load_embedder(make_spec("resnet18", "torchvision", image_size=32))
    assert emb.model_id.startswith("resnet18-imagenet-32px-") and emb.embed(images).shape == (8, 512)


def test_bad_specs():
    with pytest.raises(EmbedError, match="unknown model"):
        make_spec("vgg16")
    with pytest.raises(EmbedError, match="unknown style mode"):
        make_spec(style="fancy")
    with pytest.raises(EmbedError, match="image_size"):
        make_spec(image_size=8)
    with pytest.raises(EmbedError, match="weights file not found"):
        make_spec(weights="/nonexistent/w.pth")
    with pytest.raises(EmbedError, match="unknown model spec key"):
        load_embedder({"model": "resnet18", "colour": 1})
    assert model_id_for(make_spec(seed=1)) != model_id_for(make_spec(seed=2))
