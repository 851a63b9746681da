"""What the image model's fine-tuning and the photo inspector's training share: one
training epoch over a DataLoader, and the PNG of its loss and validation curves."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from tqdm import tqdm


def run_epoch(batches: Iterable[tuple[Any, Any]], optimizer: Any, loss_of: Callable[[Any, Any], Any],
              desc: str, progress: bool = True) -> float:
    """Step ``optimizer`` once per ``(x, y)`` batch on ``loss_of(x, y)``; the mean loss.

    The model is put in training mode by the caller (which may keep some layers frozen).
    """
    total, steps = 0.0, 0
    for x, y in tqdm(batches, desc=desc, unit="batch", leave=False, disable=not progress):
        loss = loss_of(x, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += float(loss)
        steps += 1
    return total / max(1, steps)


def plot_training_curves(path: Path, train_loss: Sequence[float], loss_name: str, val_name: str,
                         start: float, val: Sequence[float], best_epoch: Optional[int] = None) -> None:
    """Training loss (left axis) and a validation metric (right axis; epoch 0 = ``start``,
    the model before training) per epoch, as a PNG; ``best_epoch`` marked when given."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    epochs = range(1, len(train_loss) + 1)
    ax.plot(epochs, train_loss, label="train loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel(loss_name)
    ax2 = ax.twinx()
    ax2.plot([0, *epochs], [start, *val], "g.-", label=f"validation {val_name}")
    if best_epoch is not None:
        ax2.axhline(start, color="grey", ls=":", label="starting model")
        ax2.axvline(best_epoch, color="g", ls="--", alpha=0.4)
    ax2.set_ylabel(val_name)
    fig.legend(loc="upper center", ncol=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(path, dpi=100)
    plt.close(fig)
