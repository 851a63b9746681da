"""The README documents every setting and every command, and `.ci/run` runs its test command."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from stylegraph.cli import build_parser
from stylegraph.settings import Settings, SettingsError, markdown_table

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_lists_every_setting_as_declared() -> None:
    table = markdown_table()
    assert table.count("| `STYLEGRAPH_") == len(Settings.model_fields)
    assert table in README, "README's configuration table is stale: paste stylegraph.settings.markdown_table()"


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


def test_a_bad_env_value_is_a_clear_error_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="STYLEGRAPH_GREMLIN_PORT: Input should be a valid integer.*got 'abc'"):
        Settings.from_env({"STYLEGRAPH_GREMLIN_PORT": "abc"})
    with pytest.raises(SettingsError, match="STYLEGRAPH_APP_PORT: .*less than or equal to 65535, got '70000'"):
        Settings.from_env({"STYLEGRAPH_APP_PORT": "70000"})
    with pytest.raises(SettingsError, match="STYLEGRAPH_GRAPH_SYNC: Input should be 'normal' or 'full', got 'fast'"):
        Settings.from_env({"STYLEGRAPH_GRAPH_SYNC": "fast"})


def test_the_cli_reports_a_bad_env_value_without_a_traceback(monkeypatch, capsys) -> None:
    from stylegraph.cli import main
    from stylegraph.settings import get_settings

    monkeypatch.setenv("STYLEGRAPH_KNN_K", "0")
    get_settings.cache_clear()
    try:
        assert main(["graph-ping", "--graph", "memory:"]) == 1
    finally:
        get_settings.cache_clear()
    assert "STYLEGRAPH_KNN_K: Input should be greater than or equal to 1" in capsys.readouterr().err


def test_a_setting_flag_overrides_the_env_var_and_is_validated(monkeypatch) -> None:
    from stylegraph.cli_flags import settings_from_args

    base = Settings.from_env({"STYLEGRAPH_GREMLIN_PORT": "9000", "STYLEGRAPH_GREMLIN_HOST": "0.0.0.0"})
    parser = build_parser()
    args = parser.parse_args(["gremlin-server", "--port", "9100"])
    settings = settings_from_args(args, base)
    assert (settings.gremlin_host, settings.gremlin_port) == ("0.0.0.0", 9100)
    with pytest.raises(SettingsError, match="STYLEGRAPH_GREMLIN_PORT: .*got -1"):
        settings_from_args(parser.parse_args(["gremlin-server", "--port", "-1"]), base)


def test_readme_command_lines_parse() -> None:
    import re
    import shlex

    parser = build_parser()
    lines = re.findall(r"^\s*stylegraph (.+)$", README, flags=re.M)
    assert len(lines) >= 10
    for line in lines:
        parser.parse_args(shlex.split(line, comments=True))  # exits (fails) on a wrong flag
