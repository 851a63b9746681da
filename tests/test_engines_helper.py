"""tests/engines.py itself: clear failures when an engine cannot run."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.engines import TINKERGRAPH, EngineError, EngineProcess, missing_engines_reason


def test_a_server_that_dies_at_start_fails_with_its_log_tail(tmp_path: Path) -> None:
    broken = dataclasses.replace(TINKERGRAPH, main_class="no.such.GremlinServer")
    with pytest.raises(EngineError, match=r"(?s)exited with code 1 while starting.*no\.such\.GremlinServer"):
        EngineProcess(broken, tmp_path).start(timeout_s=60)


def test_missing_classpath_or_jars_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "engines"
    (fake / "tinkergraph").mkdir(parents=True)
    monkeypatch.setattr("tests.engines.ENGINES_DIR", fake)
    assert "run `make engines`" in missing_engines_reason(TINKERGRAPH)
    (fake / "tinkergraph" / "classpath.txt").write_text(str(tmp_path / "gone.jar"))
    assert "run `make -B engines`" in missing_engines_reason(TINKERGRAPH)
    with pytest.raises(EngineError, match="cannot start tinkergraph: .*gone.jar"):
        EngineProcess(TINKERGRAPH, tmp_path / "w").start()
