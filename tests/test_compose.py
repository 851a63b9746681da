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
    assert set(services) == {"gremlin", "janusgraph", "loader", "app", "neo4j", "loader-neo4j", "app-neo4j"}
    assert services["gremlin"]["image"] == "tinkerpop/gremlin-server:3.7.5"  # the version engines/ tests
    assert services["janusgraph"]["image"] == "janusgraph/janusgraph:1.1.0"
    assert services["janusgraph"]["profiles"] == ["janusgraph"]
    for name in ("loader", "app"):
        assert services[name]["environment"]["STYLEGRAPH_GRAPH_URL"] == "ws://gremlin:8182/gremlin"
    parser = build_parser()
    commands = [c for name in ("loader", "app") for c in _stylegraph_commands(services[name]["command"])]
    assert [c[0] for c in commands] == [
        "graph-ping", "sample-catalog", "embed", "build-graph", "load", "load-relations", "gnn",
        "gnn", "serve"]
    for argv in commands:
        parser.parse_args(argv)  # exits (fails the test) on an unknown flag


def test_compose_engines_use_the_tests_config_files() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name, engine in (("gremlin", "tinkergraph"), ("janusgraph", "janusgraph")):
        mounts = [v.split(":") for v in services[name]["volumes"] if v.startswith("./")]
        sources = {Path(src).resolve() for src, _dst, *_ in mounts}
        module = ROOT / "engines" / engine
        # every committed config file of the engine, and only those, is mounted
        assert sources == {p.resolve() for p in [*module.glob("conf/*"), *module.glob("scripts/*")]}, name
        # the server is started on the mounted yaml, whose relative paths match the mounts
        server_yaml = next(dst for src, dst, *_ in mounts if src.endswith(".yaml"))
        assert Path(server_yaml).name in services[name]["command"][-1]
        config = yaml.safe_load(next(Path(src) for src, *_ in mounts if src.endswith(".yaml")).read_text())
        home = Path(server_yaml).parent.parent
        targets = {Path(dst) for _src, dst, *_ in mounts}
        assert {home / p for p in config["graphs"].values()} <= targets, name
    props = (ROOT / "engines" / "tinkergraph" / "conf" / "tinkergraph.properties").read_text()
    assert "vertexIdManager=STRING" in props  # string ids, as stylegraph and Neptune use
    assert "graphLocation=data/" in props and "gremlin-data:/opt/gremlin-server/data" in services["gremlin"]["volumes"]


def test_compose_neo4j_profile_runs_the_same_loader_and_app_on_bolt() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["neo4j"]["image"] == "neo4j:5" and services["neo4j"]["profiles"] == ["neo4j"]
    assert services["neo4j"]["environment"]["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD")
    for name in ("loader", "app"):
        twin = services[f"{name}-neo4j"]
        assert twin["profiles"] == ["neo4j"]
        assert twin["environment"]["STYLEGRAPH_GRAPH_URL"] == "bolt://neo4j:7687"
        assert twin["environment"]["STYLEGRAPH_NEO4J_PASSWORD"] == services["neo4j"]["environment"]["NEO4J_AUTH"][6:]
        assert twin["command"] == services[name]["command"]  # the very same pipeline
        assert twin["volumes"] != services[name]["volumes"]  # its own data volume
