"""TinkerPop's Gherkin feature suite against our Gremlin server: the judge of issue 10.

The feature files, the toy graphs and the Cucumber step definitions ship in the
``org.apache.tinkerpop:gremlin-test`` jar (Maven Central; ``make engines``). Our runner,
``engines/features/src`` (``stylegraph.features.Main``), is compiled once per suite version
(``engines/features/tp37``, ``tp38``: separate classpaths) and talks to our server through
TinkerPop's Java driver; its ``World`` takes one server per toy graph plus one empty graph.

This module loads the toy graphs from the jar, serves each on its own in-process server
(``start_server``), runs the runner for one suite version and serializer, and reads
Cucumber's JSON report into a :class:`SuiteResult`.

Run by hand: ``python -m tests.graph.features_support 3.7 graphbinary [--name REGEX]``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from stylegraph.graph.graph import Graph
from stylegraph.graph.graph_io import load_graphson_lines
from stylegraph.graph.server import ServerHandle, start_server
from stylegraph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FEATURES_DIR = ROOT / "engines" / "features"
SUITES = {"3.7": FEATURES_DIR / "tp37", "3.8": FEATURES_DIR / "tp38"}
SERIALIZERS = ("graphbinary", "graphson")
TOY_GRAPHS = {  # LoadGraphWith.GraphData name -> GraphSON v3 file in gremlin-test's jar
    "modern": "tinkerpop-modern-v3.json",
    "classic": "tinkerpop-classic-v3.json",
    "crew": "tinkerpop-crew-v3.json",
    "grateful": "grateful-dead-v3.json",
    "sink": "tinkerpop-sink-v3.json",
}
_DATA_PREFIX = "org/apache/tinkerpop/gremlin/structure/io/graphson/"

# Scenarios TinkerPop marks as optional for providers, which we do not offer (tag -> why).
# Everything else runs; a scenario that needs something we lack fails and is counted.
SKIPPED_TAGS = {
    "@GraphComputerOnly": "needs a GraphComputer (OLAP); our engine has none",
    "@AllowNullPropertyValues": "for graphs that store null property values; ours refuses them "
                                "(TinkerGraph's default): the @DisallowNullPropertyValues scenarios run",
    "@MetaProperties": "meta-properties: our engine refuses them (Neptune has none), see docs/DEVIATIONS.md",
    "@UserSuppliedVertexPropertyIds": "vertex properties have no ids of their own in our engine",
}

# the servers' timeout per request: a scenario our engine cannot answer in 5 s fails (TinkerGraph
# answers each in milliseconds) instead of stalling the run
REQUEST_TIMEOUT_MS = 5_000


class FeaturesUnavailable(RuntimeError):
    """The runner cannot run here (no java, or ``make engines`` not run)."""


def missing_reason(suite: str) -> str | None:
    """Why suite ``suite`` cannot run here, else None."""
    module = SUITES[suite]
    if shutil.which("java") is None:
        return "java is not on PATH: install a JDK 11+"
    cp = module / "classpath.txt"
    if not cp.is_file() or not (module / "target" / "classes" / "stylegraph" / "features" / "Main.class").is_file():
        return f"{module} is not built: run `make engines` (needs mvn)"
    missing = [j for j in cp.read_text().strip().split(os.pathsep) if not Path(j).is_file()]
    if missing:
        return f"{len(missing)} jar(s) of {cp} are gone (e.g. {missing[0]}): run `make -B engines`"
    return None


def classpath(suite: str) -> str:
    """The runner's classpath for ``suite``: its classes, then its dependencies."""
    reason = missing_reason(suite)
    if reason:
        raise FeaturesUnavailable(reason)
    module = SUITES[suite]
    return os.pathsep.join([str(module / "target" / "classes"), (module / "classpath.txt").read_text().strip()])


def gremlin_test_jar(suite: str) -> Path:
    """The gremlin-test jar on ``suite``'s classpath."""
    for jar in classpath(suite).split(os.pathsep):
        if Path(jar).name.startswith("gremlin-test-"):
            return Path(jar)
    raise FeaturesUnavailable(f"no gremlin-test jar on the classpath of suite {suite}")


# -- toy graphs ------------------------------------------------------------------

def load_toy_graph(graph: Graph, jar: Path, name: str) -> tuple[int, int]:
    """Load toy graph ``name`` from the jar's GraphSON v3 (adjacency list) into ``graph``.

    Ids become strings (ours are). Meta-properties (only the crew graph has them) are not
    loaded: our engine refuses them, and the scenarios that read them are skipped
    (``@MetaProperties``). Returns (vertices, edges) loaded.
    """
    with zipfile.ZipFile(jar) as z:
        lines = z.read(_DATA_PREFIX + TOY_GRAPHS[name]).decode("utf-8").splitlines()
    with graph.transaction():
        return load_graphson_lines(graph, lines)


#: Read.feature's files (``g.io("data/tinkerpop-modern.json").read()``...) -> their place in the jar
IO_FILES = {
    "data/tinkerpop-modern.json": _DATA_PREFIX + "tinkerpop-modern-v3.json",
    "data/tinkerpop-modern.xml": "org/apache/tinkerpop/gremlin/structure/io/graphml/tinkerpop-modern.xml",
    "data/tinkerpop-modern.kryo": "org/apache/tinkerpop/gremlin/structure/io/gryo/tinkerpop-modern-v3.kryo",
}


def io_dir(jar: Path, out: Path) -> Path:
    """A directory holding Read.feature's data files, extracted from the jar (the empty graph's
    ``io_dir``, as TinkerPop's test server has them under ``data/``)."""
    with zipfile.ZipFile(jar) as z:
        for name, member in IO_FILES.items():
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(member))
    return out


@dataclass
class Servers:
    """One in-process Gremlin server per toy graph, plus ``empty``."""

    handles: dict[str, ServerHandle] = field(default_factory=dict)

    def urls(self) -> dict[str, str]:
        """Graph name -> ``ws://`` URL."""
        return {name: h.url for name, h in self.handles.items()}

    def stop(self) -> None:
        """Stop every server and close its graph."""
        for h in self.handles.values():
            h.stop()
            h.graph.close()
        self.handles.clear()


@contextmanager
def toy_servers(suite: str) -> Iterator[Servers]:
    """Serve the toy graphs of ``suite``'s jar and an empty graph on ephemeral ports."""
    jar = gremlin_test_jar(suite)
    settings = Settings.from_env({}, gremlin_request_timeout_ms=REQUEST_TIMEOUT_MS)
    servers = Servers()
    with tempfile.TemporaryDirectory(prefix="tinkerpop-io-") as tmp:
        try:
            for name in ("empty", *TOY_GRAPHS):
                graph = Graph(None)
                if name != "empty":
                    load_toy_graph(graph, jar, name)
                else:
                    graph.io_dir = io_dir(jar, Path(tmp))
                servers.handles[name] = start_server(graph, "127.0.0.1", 0, settings)
            yield servers
        finally:
            servers.stop()


# -- running and reading the report ------------------------------------------------

@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's outcome: ``passed``, ``failed`` or ``skipped`` (with the first error)."""

    feature: str
    name: str
    tags: tuple[str, ...]
    status: str
    message: str = ""


@dataclass
class SuiteResult:
    """The scenarios of one run (suite version x serializer)."""

    suite: str
    serializer: str
    scenarios: list[ScenarioResult]

    def count(self, status: str) -> int:
        """How many scenarios ended with ``status``."""
        return sum(1 for s in self.scenarios if s.status == status)

    @property
    def runnable(self) -> int:
        """Scenarios that ran (not skipped)."""
        return len(self.scenarios) - self.count("skipped")

    @property
    def pass_share(self) -> float:
        """passed / runnable."""
        return self.count("passed") / self.runnable if self.runnable else 0.0

    def skip_reasons(self) -> Counter[str]:
        """Skipped scenarios by reason (the skipped tag, or Gherkin's own 'not supported')."""
        reasons: Counter[str] = Counter()
        for s in self.scenarios:
            if s.status == "skipped":
                tags = [t for t in SKIPPED_TAGS if t in s.tags]
                reasons[", ".join(tags) if tags else s.message.splitlines()[0][:120] if s.message else "?"] += 1
        return reasons

    def summary(self) -> str:
        """One line: passed of runnable, share, skipped."""
        return (f"TinkerPop {self.suite} features, {self.serializer}: {self.count('passed')} of "
                f"{self.runnable} runnable scenarios pass ({100 * self.pass_share:.1f}%); "
                f"{self.count('skipped')} skipped of {len(self.scenarios)}")

    def report(self) -> str:
        """Markdown: the summary, skips by reason, failures by feature with their first error line."""
        lines = [f"# {self.summary()}", "", "## Skipped", ""]
        lines += [f"- {n} x {reason}" for reason, n in self.skip_reasons().most_common()]
        lines += ["", "## Failed", ""]
        for s in sorted((s for s in self.scenarios if s.status == "failed"), key=lambda s: (s.feature, s.name)):
            first = s.message.strip().splitlines()[0][:300] if s.message.strip() else "?"
            lines.append(f"- `{s.feature}` **{s.name}**: {first}")
        return "\n".join(lines) + "\n"


def _scenario_status(element: dict[str, Any]) -> tuple[str, str]:
    results = [r.get("result", {}) for part in ("before", "steps", "after") for r in element.get(part, [])]
    statuses = [r.get("status", "undefined") for r in results]
    message = next((r.get("error_message", "") for r in results if r.get("error_message")), "")
    if any(s in ("failed", "undefined", "pending", "ambiguous") for s in statuses):
        return "failed", message
    if any(s == "skipped" for s in statuses):
        return "skipped", message
    return "passed", message


def parse_report(path: Path, suite: str, serializer: str) -> SuiteResult:
    """Read Cucumber's JSON report into a :class:`SuiteResult`."""
    scenarios = []
    for feature in json.loads(path.read_text()):
        fname = Path(feature.get("uri", feature.get("name", "?"))).stem
        for el in feature.get("elements", []):
            if el.get("type") != "scenario":
                continue
            status, message = _scenario_status(el)
            tags = tuple(t["name"] for t in el.get("tags", []))
            scenarios.append(ScenarioResult(fname, el.get("name", "?"), tags, status, message))
    return SuiteResult(suite, serializer, scenarios)


def run_suite(suite: str, serializer: str, servers: Servers, out_dir: Path,
              extra: tuple[str, ...] = (), timeout_s: float = 900.0) -> SuiteResult:
    """Run the feature suite ``suite`` over ``serializer`` against ``servers``; parse its report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / f"cucumber-{suite}-{serializer}.json"
    report.unlink(missing_ok=True)
    argv = ["java", "-Xms64m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",  # Guice 4.2 (gremlin-test's) on JDK 17
            "-cp", classpath(suite), "stylegraph.features.Main", "--serializer", serializer]
    for name, url in servers.urls().items():
        argv += ["--graph", f"{name}={url}"]
    for tag, why in SKIPPED_TAGS.items():
        argv += ["--skip", f"{tag}={why}"]
    argv += ["--plugin", f"json:{report}", *extra]
    log = out_dir / f"runner-{suite}-{serializer}.log"
    with open(log, "wb") as out:
        proc = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              timeout=timeout_s, cwd=out_dir)
    if not report.is_file():
        raise RuntimeError(f"the feature runner wrote no report (exit {proc.returncode}); "
                           f"log tail:\n{log.read_text()[-3000:]}")
    result = parse_report(report, suite, serializer)
    broken = [s for s in result.scenarios if s.name == "Could not execute Cucumber"]
    if broken or proc.returncode not in (0, 1):
        raise RuntimeError(f"the feature runner failed (exit {proc.returncode}); log tail:\n{log.read_text()[-3000:]}")
    (out_dir / f"report-{suite}-{serializer}.md").write_text(result.report())
    return result


def main(argv: list[str]) -> int:
    """CLI: ``SUITE SERIALIZER [cucumber options]``; prints the summary, writes build/tinkerpop-features/."""
    suite, serializer, *extra = argv
    out_dir = ROOT / "build" / "tinkerpop-features"
    with toy_servers(suite) as servers:
        result = run_suite(suite, serializer, servers, out_dir, tuple(extra))
    print(result.summary())
    print(f"report: {out_dir / f'report-{suite}-{serializer}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
