"""The README documents every setting and every command, and `.ci/run` runs its test command."""
from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from stylegraph.cli import build_parser
from stylegraph.settings import PREFIX, Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [
        PREFIX + f.name.upper()
        for f in dataclasses.fields(Settings)
        if f.name != "extra" and f"`{PREFIX}{f.name.upper()}`" not in README
    ]
    assert not missing, f"README's configuration table lacks {missing}"


def test_every_command_is_in_the_readme() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [name for name in sub.choices if f"stylegraph {name}" not in README]
    assert not missing, f"README never shows {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_settings_read_from_env() -> None:
    s = Settings.from_env({"STYLEGRAPH_GREMLIN_PORT": "9000", "STYLEGRAPH_GRAPH_URL": "memory:"})
    assert s.gremlin_port == 9000 and s.graph_url == "memory:"
    assert Settings.from_env({}).graph_url.startswith("embedded:///")


def test_a_bad_env_value_is_a_clear_error() -> None:
    import pytest

    from stylegraph.settings import SettingsError

    with pytest.raises(SettingsError, match="STYLEGRAPH_GREMLIN_PORT='abc' is not a valid int"):
        Settings.from_env({"STYLEGRAPH_GREMLIN_PORT": "abc"})


def test_readme_command_lines_parse() -> None:
    import re
    import shlex

    parser = build_parser()
    lines = re.findall(r"^\s*stylegraph (.+)$", README, flags=re.M)
    assert len(lines) >= 10
    for line in lines:
        parser.parse_args(shlex.split(line, comments=True))  # exits (fails) on a wrong flag
