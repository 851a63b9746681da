"""Temperature scaling, the precision threshold and the calibration figures (numpy only)."""
from __future__ import annotations

import numpy as np
import pytest

from stylegraph.inspect import calibrate


def test_temperature_recovers_the_true_one():
    rng = np.random.default_rng(0)
    true_logits = rng.normal(0, 2.0, size=(4000, 5))
    probs = calibrate.softmax(true_logits)
    labels = np.array([rng.choice(5, p=p) for p in probs])
    # an overconfident model: its logits are the true ones times 3
    t = calibrate.fit_temperature(true_logits * 3.0, labels)
    assert t == pytest.approx(3.0, rel=0.1)
    assert calibrate.nll(true_logits * 3, labels, t) < calibrate.nll(true_logits * 3, labels, 1.0)
    before = calibrate.reliability(calibrate.softmax(true_logits * 3).max(1), probs.argmax(1) == labels)["ece"]
    after = calibrate.reliability(calibrate.softmax(true_logits * 3, t).max(1), probs.argmax(1) == labels)["ece"]
    assert after < before / 2


def test_threshold_is_the_lowest_reaching_the_target():
    conf = np.array([0.99, 0.95, 0.9, 0.9, 0.8, 0.7, 0.6, 0.5])
    ok = np.array([1, 1, 1, 0, 1, 1, 0, 0], bool)
    thr = calibrate.threshold_for_precision(conf, ok, 0.75)
    # accepting >= 0.7 gives 5 right of 6 (0.833); >= 0.6 gives 5 of 7 (0.714)
    assert thr.reached and thr.threshold == 0.7 and thr.coverage == pytest.approx(6 / 8)
    assert thr.precision == pytest.approx(5 / 6)
    # ties are never split: accepting "0.9" means accepting both 0.9s (3 of 4 right)
    strict = calibrate.threshold_for_precision(conf, ok, 0.8)
    assert strict.threshold == 0.7
    assert calibrate.threshold_for_precision(conf, ok, 0.9).threshold == 0.95
    stats = calibrate.accepted_stats(conf, ok, 0.7)
    assert stats["coverage"] == pytest.approx(0.75) and stats["precision"] == pytest.approx(5 / 6)


def test_unreachable_target_sends_everything_to_review():
    thr = calibrate.threshold_for_precision(np.array([0.9, 0.8]), np.array([False, True]), 0.95)
    assert not thr.reached and thr.threshold > 1.0 and thr.coverage == 0.0
    assert calibrate.accepted_stats(np.array([0.9, 1.0]), np.array([True, True]), thr.threshold)["accepted"] == 0


def test_per_class_and_confusion():
    pred, labels = np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0])
    m = calibrate.confusion(pred, labels, 3)
    assert m.tolist() == [[1, 0, 1], [1, 1, 0], [0, 0, 1]]
    pc = calibrate.per_class(pred, labels, ["a", "b", "c"])
    assert pc["a"] == {"precision": 0.5, "recall": 0.5, "support": 2}
    assert pc["c"]["precision"] == 0.5 and pc["c"]["recall"] == 1.0
