"""TinkerPop's own Gherkin feature suite against our Gremlin server (issue 10's judge).

Each suite version (gremlin-test 3.7.5 and 3.8.1, with the Java driver of the same
version) runs over GraphBinary and over GraphSON against our server, with the toy
graphs served from TinkerPop's own data files (see ``features_support``). Scenarios
TinkerPop marks optional for providers that we do not offer are skipped
(``SKIPPED_TAGS``), as are the ones TinkerPop's runner itself cannot express
(lambdas, some parameters). The test is a ratchet: it fails when fewer scenarios pass
than the floor measured when it last moved. Raise a floor when you fix scenarios.

Reports: ``build/tinkerpop-features/report-<suite>-<serializer>.md`` (failures by
scenario with their first error line) beside Cucumber's JSON and the runner's log.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from tests.graph import features_support as fs

REPORT_DIR = fs.ROOT / "build" / "tinkerpop-features"

# (suite, serializer) -> scenarios that must pass: measured (3.7: 1372 / 1390, 3.8: 1944 / 1945
# over GraphBinary / GraphSON, of 1398 and 1974 runnable) less 10, because a few grateful-graph
# scenarios sit near the 5 s request timeout on a loaded machine. Raise them when you fix more.
FLOORS: dict[tuple[str, str], int] = {
    ("3.7", "graphbinary"): 1362,
    ("3.7", "graphson"): 1380,
    ("3.8", "graphbinary"): 1934,
    ("3.8", "graphson"): 1935,
}


@pytest.fixture(scope="module")
def servers_for() -> Iterator[Callable[[str], fs.Servers]]:
    """Toy-graph servers per suite version, started on first use and kept for the module."""
    started: dict[str, tuple[object, fs.Servers]] = {}

    def get(suite: str) -> fs.Servers:
        reason = fs.missing_reason(suite)
        if reason:
            pytest.fail(f"TinkerPop {suite} feature runner unavailable: {reason}", pytrace=False)
        if suite not in started:
            for other in list(started):  # one suite's servers at a time: the machine is small
                cm, _ = started.pop(other)
                cm.__exit__(None, None, None)  # type: ignore[attr-defined]
            cm = fs.toy_servers(suite)
            started[suite] = (cm, cm.__enter__())
        return started[suite][1]

    yield get
    for cm, _ in started.values():
        cm.__exit__(None, None, None)  # type: ignore[attr-defined]


@pytest.mark.parametrize("suite,serializer", sorted(FLOORS))
def test_feature_suite_pass_share(suite: str, serializer: str, servers_for) -> None:
    """The suite's pass count does not drop below its floor; the report names every failure."""
    result = fs.run_suite(suite, serializer, servers_for(suite), REPORT_DIR)
    print(result.summary())
    unexplained = [s for s in result.scenarios if s.status == "skipped"
                   and not any(t in s.tags for t in fs.SKIPPED_TAGS)
                   and "AssumptionViolatedException" not in s.message]
    assert not unexplained, f"skipped for no listed reason: {[(s.name, s.message[:200]) for s in unexplained]}"
    assert result.runnable > 1000, result.summary()
    floor = FLOORS[(suite, serializer)]
    assert result.count("passed") >= floor, (
        f"{result.summary()}: below the floor of {floor}; see {REPORT_DIR}/report-{suite}-{serializer}.md")


def test_toy_graphs_load_as_tinkerpop_ships_them() -> None:
    """The loader reads TinkerPop's GraphSON files: sizes, ids as strings, typed values, list cardinality."""
    from stylegraph.graph.graph import Graph

    jar = fs.gremlin_test_jar("3.7")
    sizes = {}
    for name in fs.TOY_GRAPHS:
        graph = Graph(None)
        sizes[name] = fs.load_toy_graph(graph, jar, name)
        if name == "modern":
            marko = graph.vertex("1")
            assert marko is not None and marko.label == "person"
            assert marko.properties == {"name": ["marko"], "age": [29]}
            knows = graph.edge("7")
            assert (knows.out_v.id, knows.in_v.id, knows.properties) == ("1", "2", {"weight": 0.5})
        if name == "crew":
            assert graph.vertex("1").properties["location"] == ["san diego", "santa cruz", "brussels", "santa fe"]
        graph.close()
    assert sizes == {"modern": (6, 6), "classic": (6, 6), "crew": (6, 14), "grateful": (808, 8049), "sink": (3, 3)}


def test_report_parser_classifies_hooks_and_steps(tmp_path: Path) -> None:
    """A failed hook or step fails the scenario; a skip without failure skips it."""
    import json

    def el(name: str, before: str, *steps: str) -> dict:
        return {"type": "scenario", "name": name, "tags": [{"name": "@X"}],
                "before": [{"result": {"status": before}}],
                "steps": [{"result": {"status": s, **({"error_message": "boom"} if s == "failed" else {})}}
                          for s in steps]}

    report = tmp_path / "r.json"
    report.write_text(json.dumps([{"uri": "classpath:a/b/Count.feature", "elements": [
        el("ok", "passed", "passed", "passed"), el("bad", "passed", "passed", "failed", "skipped"),
        el("skip", "skipped", "skipped"), el("undef", "passed", "undefined"),
        {"type": "background", "name": "bg", "steps": []}]}]))
    result = fs.parse_report(report, "3.7", "graphbinary")
    assert [(s.feature, s.name, s.status) for s in result.scenarios] == [
        ("Count", "ok", "passed"), ("Count", "bad", "failed"), ("Count", "skip", "skipped"),
        ("Count", "undef", "failed")]
    assert result.scenarios[1].message == "boom"
    assert (result.runnable, round(result.pass_share, 3)) == (3, 0.333)
