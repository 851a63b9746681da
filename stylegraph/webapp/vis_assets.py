"""Where vis-network's JavaScript and CSS come from: the copy bundled in the pyvis package.

pyvis (a dependency) ships vis-network's standalone build under
``pyvis/lib/vis-<version>/``. The explorer serves those files itself and
export-html inlines them, so no page ever loads vis from a CDN and the
project does not carry a copy of its own.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

JS = "vis-network.min.js"
CSS = "vis-network.css"
FILES = (JS, CSS)


class VisAssetsMissing(RuntimeError):
    """pyvis is installed without its bundled vis-network files."""


@lru_cache(maxsize=1)
def vis_dir() -> Path:
    """The directory holding pyvis's bundled ``vis-network.min.js`` and ``vis-network.css``."""
    import pyvis

    candidates = sorted((Path(pyvis.__file__).resolve().parent / "lib").glob("vis-*"), reverse=True)
    for directory in candidates:
        if all((directory / name).is_file() for name in FILES):
            return directory
    raise VisAssetsMissing(
        f"pyvis at {Path(pyvis.__file__).parent} has no lib/vis-*/{JS}; reinstall pyvis (pip install pyvis)"
    )
