"""docker-compose.yml (no Docker engine here): its structure and every stylegraph command in it parse."""
from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from stylegraph.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def _stylegraph_commands(command: list[str] | str) -> list[list[str]]:
    text = command[-1] if isinstance(command, list) and command[:2] == ["sh", "-c"] else command
    if isinstance(text, list):
        return [text[1:]] if text and text[0] == "stylegraph" else []
    out = []
    for part in text.split("&&"):
        words = shlex.split(part)
        if words and words[0] == "stylegraph":
            out.append(words[1:])
    return out


def test_compose_services_and_commands() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"gremlin", "loader", "app"}
    assert services["gremlin"]["image"].startswith("tinkerpop/gremlin-server:3.7")
    for name in ("loader", "app"):
        assert services[name]["environment"]["STYLEGRAPH_GRAPH_URL"] == "ws://gremlin:8182/gremlin"
    parser = build_parser()
    commands = [c for name in ("loader", "app") for c in _stylegraph_commands(services[name]["command"])]
    assert [c[0] for c in commands] == [
        "graph-ping", "sample-catalog", "embed", "build-graph", "load", "load-relations", "gnn",
        "gnn", "serve"]
    for argv in commands:
        parser.parse_args(argv)  # exits (fails the test) on an unknown flag
    props = (ROOT / "docker" / "tinkergraph-stylegraph.properties").read_text()
    assert "vertexIdManager=ANY" in props  # string ids, as stylegraph and Neptune use
