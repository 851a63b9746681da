"""inspect train -> run directory -> inspect run (catalog and folder) -> review labels -> next train."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from stylegraph.cli import main
from stylegraph.inspect.model import load_classifier
from stylegraph.inspect.predict import Inspector, catalog_photos, inspect_batch
from stylegraph.inspect.queue import ReviewQueue
from stylegraph.inspect.train import InspectTrainError, train_inspector

from .conftest import tiny_config


def test_run_directory_holds_calibrated_model_and_figures(trained):
    run, metrics = trained
    assert {p.name for p in run.iterdir()} >= {"classifier.pth", "config.json", "metrics.json", "confusion.png",
                                               "reliability.png", "curves.png", "product_ids.json", "train.log"}
    for png in ("confusion.png", "reliability.png", "curves.png"):
        assert (run / png).read_bytes()[:4] == b"\x89PNG"
    saved = json.loads((run / "metrics.json").read_text())
    assert saved["n_train"] + saved["n_val"] == 60 and saved["n_val"] == 15
    assert set(saved["per_class"]) == set(saved["classes"]) and len(saved["classes"]) == 6
    assert 0 <= saved["val_accuracy"] <= 1 and saved["temperature"] > 0
    assert saved["val_nll_after"] <= saved["val_nll_before"] + 1e-9  # temperature fitted on validation NLL
    assert len(saved["curves"]["train_loss"]) == 1 and "skipped" in saved["probe"]  # from scratch: no probe
    ids = json.loads((run / "product_ids.json").read_text())
    assert not set(ids["train"]) & set(ids["validation"])  # split by product
    net, meta = load_classifier(run)
    assert meta["threshold"] == saved["threshold"] and meta["temperature"] == saved["temperature"]
    assert meta["classes"] == saved["classes"] and meta["image_size"] == 32
    config = json.loads((run / "config.json").read_text())
    assert config["label"] == "subcategory" and config["target_precision"] == 0.95


def test_threshold_reaches_the_target_on_validation(catalog, trained):
    """Recompute on the validation products: accepted ones are right >= 95 % of the time."""
    run, metrics = trained
    inspector = Inspector(run)
    validation = set(json.loads((run / "product_ids.json").read_text())["validation"])
    photos = [p for p in catalog_photos(catalog, "subcategory") if p[0] in validation]
    preds = inspector.classify([Image.open(path).convert("RGB") for _, path, _ in photos])
    accepted = [p.predicted == label for p, (_, _, label) in zip(preds, photos) if p.decision == "accepted"]
    assert len(accepted) == round(metrics["val_coverage"] * len(photos))
    if accepted:
        assert np.mean(accepted) >= 0.95
    assert all(len(p.top) == 3 and p.top[0][1] >= p.top[1][1] >= p.top[2][1] and sum(c for _, c in p.top) <= 1 + 1e-6
               for p in preds)
    assert all(p.top[0] == (p.predicted, p.confidence) for p in preds)


def test_inspect_run_on_a_catalog_flags_label_mismatches(catalog, trained, tmp_path, capsys):
    run, _ = trained
    relabelled = tmp_path / "cat"
    shutil.copytree(catalog, relabelled)
    rows = list(csv.DictReader((relabelled / "catalog.csv").open()))
    inspector = Inspector(run)
    first = inspector.classify([Image.open(relabelled / rows[0]["image"]).convert("RGB")])[0].predicted
    wrong = next(c for c in inspector.classes if c != first)
    rows[0]["subcategory"] = wrong  # the feed says something the photo is not
    with (relabelled / "catalog.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "results.csv"
    assert main(["inspect", "run", "--run", str(run), "--catalog", str(relabelled), "--out", str(out),
                 "--quiet", "--queue", "--review-db", str(tmp_path / "q" / "queue.db")]) == 0
    result = list(csv.DictReader(out.open()))
    assert list(result[0]) == ["product_id", "predicted", "confidence", "decision", "catalog_label", "label_mismatch"]
    assert len(result) == 60 and {r["decision"] for r in result} <= {"accepted", "review"}
    assert result[0]["catalog_label"] == wrong and result[0]["label_mismatch"] == "true"
    assert all((r["label_mismatch"] == "true") == (r["predicted"] != r["catalog_label"]) for r in result)
    n_review = sum(r["decision"] == "review" for r in result)
    assert f"{n_review} to review" in capsys.readouterr().out
    items, total = ReviewQueue(tmp_path / "q" / "queue.db").list("all", limit=1000)
    assert total == n_review and {i.product_id for i in items} == {r["product_id"] for r in result
                                                                    if r["decision"] == "review"}


def test_inspect_run_on_a_folder_skips_unreadable_files(catalog, trained, tmp_path, capsys):
    run, _ = trained
    folder = tmp_path / "uploads"
    (folder / "sub").mkdir(parents=True)
    for i, path in enumerate(sorted((catalog / "images").glob("*.png"))[:3]):
        shutil.copy(path, folder / ("sub" if i else "") / path.name)
    Image.new("CMYK", (40, 30), (0, 90, 90, 0)).save(folder / "cmyk.jpg")  # converted, not refused
    (folder / "broken.jpg").write_bytes(b"not a jpeg")
    out = tmp_path / "out.csv"
    assert main(["inspect", "run", "--run", str(run), "--images", str(folder), "--out", str(out), "--quiet"]) == 0
    result = list(csv.DictReader(out.open()))
    assert list(result[0]) == ["product_id", "predicted", "confidence", "decision"]
    assert len(result) == 4 and "cmyk.jpg" in {r["product_id"] for r in result}
    assert any(r["product_id"].startswith("sub/") for r in result)
    assert all(0 < float(r["confidence"]) <= 1 for r in result)
    assert "skipped broken.jpg" in capsys.readouterr().out


def test_reviewed_labels_train_the_next_run(catalog, trained, tmp_path):
    run, _ = trained
    inspector = Inspector(run)
    queue = ReviewQueue(tmp_path / "review" / "queue.db")
    rows = list(catalog_photos(catalog, "subcategory"))
    # a catalog product corrected by a reviewer, and a customer upload labelled with a new class
    pid, path, label = rows[0]
    image = Image.open(path).convert("RGB")
    item, _ = queue.add(path.read_bytes(), inspector.classify([image])[0], run=run.name, source="batch",
                        product_id=pid, catalog_label=label)
    new_label = next(c for c in inspector.classes if c != label)
    queue.decide(item.sha256, "correct", "ann", new_label)
    upload = Image.new("RGB", (32, 32), (10, 200, 30))
    import io
    buf = io.BytesIO()
    upload.save(buf, format="PNG")
    extra, _ = queue.add(buf.getvalue(), inspector.classify([upload])[0], run=run.name, source="upload")
    queue.decide(extra.sha256, "correct", "bob", "scarf")
    nxt, metrics = train_inspector(tiny_config(catalog, tmp_path / "runs", epochs=0,
                                               review_db=str(queue.path)), progress=False)
    assert metrics["n_review_labels"] == 2 and "scarf" in metrics["classes"]
    ids = json.loads((nxt / "product_ids.json").read_text())
    assert f"review:{extra.sha256}" in ids["train"] and f"review:{extra.sha256}" not in ids["validation"]
    assert metrics["n_train"] == 46


def test_starts_from_the_trained_image_model(catalog, tmp_path):
    """``--weights RUN``: the backbone of a finetune run (``model.pth``, stylegraph-embedder format)."""
    from stylegraph.loader.metric_model import EmbeddingNet, save_embedder

    image_run = tmp_path / "image-run"
    image_run.mkdir()
    net = EmbeddingNet("resnet18", 16, seed=7)
    with torch.no_grad():
        net.backbone.conv1.weight.mul_(-1.5)  # recognisably not a fresh random init
    save_embedder(net, image_run / "model.pth", 32, {"labels": "{}", "base_spec": "{}"})
    run, metrics = train_inspector(tiny_config(catalog, tmp_path / "runs", weights=str(image_run), epochs=0,
                                               image_size=0), progress=False)
    assert metrics["image_size"] == 32  # the image model's own input size
    clf, meta = load_classifier(run)
    assert torch.equal(clf.state_dict()["backbone.conv1.weight"], net.backbone.conv1.weight)
    assert json.loads(meta["base_spec"])["weights"] == str((image_run / "model.pth").resolve())
    assert metrics["probe"]["val_accuracy"] == pytest.approx(metrics["val_accuracy"])  # probe only: the backbone is kept


def test_bad_settings_are_refused(catalog, tmp_path):
    with pytest.raises(InspectTrainError, match="precision"):
        train_inspector(tiny_config(catalog, tmp_path, target_precision=1.5), progress=False)
    assert main(["inspect", "train", "--catalog", str(catalog), "--label", "nope", "--weights", "random",
                 "--runs-dir", str(tmp_path), "--quiet"]) == 1
    assert main(["inspect", "run", "--run", str(tmp_path / "missing"), "--images", str(tmp_path),
                 "--out", str(tmp_path / "x.csv")]) == 1
