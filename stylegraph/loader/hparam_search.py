"""``stylegraph finetune --search N``: optuna trials over the training settings, best model kept.

Each trial is an ordinary training run (its own run directory under the
search's ``trials/``), built from ``trial.suggest_*`` values for the
learning rate, embedding size, optimizer, loss and weight decay. After every
epoch the trial reports its validation precision@k and is pruned when the
median pruner finds it behind the others at the same epoch. Only the
validation products are ever scored; no test data is read.

The search directory holds ``trials.csv`` and ``trials.png`` (every trial),
``config.json``, and the best trial's ``model.pth``, ``metrics.json``,
``product_ids.json`` and ``curves.png``, so it is used like any run:
``stylegraph embed --weights <search dir>``.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

from stylegraph.loader.finetune import FinetuneConfig, finetune, new_run_dir, training_data

COPIED = ("model.pth", "metrics.json", "product_ids.json", "curves.png", "train.log")


class SearchError(ValueError):
    """The search cannot run (bad trial count, every trial pruned or failed)."""


def suggest(trial: Any, base: FinetuneConfig) -> FinetuneConfig:
    """The configuration of one trial: ``base`` with the searched settings drawn."""
    return base.replace(
        lr=trial.suggest_float("lr", 3e-4, 5e-3, log=True),
        embedding_dims=trial.suggest_categorical("embedding_dims", [64, 128, 256]),
        optimizer=trial.suggest_categorical("optimizer", ["adamw", "sgd"]),
        loss=trial.suggest_categorical("loss", ["multi-similarity", "supcon", "proxy-anchor"]),
        weight_decay=trial.suggest_float("weight_decay", 1e-5, 1e-3, log=True),
    )


def _plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for row in rows:
        curve = row["curve"]
        style = "-" if row["state"] == "COMPLETE" else ":"
        ax.plot(range(1, len(curve) + 1), curve, style, label=f"trial {row['number']} ({row['state'].lower()})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation precision@k")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def search(base: FinetuneConfig, n_trials: int, epochs_per_trial: int | None = None,
           progress: bool = True) -> tuple[Path, dict[str, Any]]:
    """Run ``n_trials`` optuna trials of :func:`finetune`; returns the search dir and the best trial's metrics."""
    import optuna

    if n_trials < 1:
        raise SearchError(f"--search needs at least 1 trial, got {n_trials}")
    base = base.replace(epochs=epochs_per_trial or base.epochs)
    out = new_run_dir(base.runs_dir, base.name + "-search")
    trials_dir = out / "trials"
    data = training_data(base, progress)  # checked once, shared by every trial
    curves: dict[int, list[float]] = {}
    runs: dict[int, Path] = {}

    def objective(trial: optuna.Trial) -> float:
        cfg = suggest(trial, base).replace(runs_dir=str(trials_dir), name=f"trial{trial.number:03d}")
        curve = curves.setdefault(trial.number, [])

        def report(epoch: int, value: float) -> None:
            curve.append(value)
            trial.report(value, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()

        run, metrics = finetune(cfg, progress=progress, on_epoch=report, data=data)
        runs[trial.number] = run
        return float(metrics["best_val_precision"])

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=base.seed),
                                pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=2))
    study.optimize(objective, n_trials=n_trials, show_progress_bar=progress)
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not complete:
        raise SearchError(f"none of the {n_trials} trials completed (see {trials_dir})")
    rows = [{"number": t.number, "state": t.state.name, "value": t.value, **t.params,
             "curve": curves.get(t.number, [])} for t in study.trials]
    with (out / "trials.csv").open("w", newline="") as fh:
        keys = ["number", "state", "value", "lr", "embedding_dims", "optimizer", "loss", "weight_decay", "epochs"]
        writer = csv.DictWriter(fh, fieldnames=keys, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "epochs": len(row["curve"])})
    _plot(rows, out / "trials.png")
    best = study.best_trial
    for name in COPIED:
        shutil.copy2(runs[best.number] / name, out / name)
    metrics = json.loads((out / "metrics.json").read_text())
    metrics.update(best_trial=best.number, best_params=best.params, n_trials=n_trials,
                   n_pruned=sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials))
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    (out / "config.json").write_text(json.dumps({**base.model_dump(), "search_trials": n_trials,
                                                 "best_trial_config": json.loads(
                                                     (runs[best.number] / "config.json").read_text())},
                                                indent=2, sort_keys=True) + "\n")
    return out, metrics
