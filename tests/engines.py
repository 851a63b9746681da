"""The real graph engines as plain Java processes: Apache TinkerPop Gremlin Server
(TinkerGraph) and JanusGraph Server (in-memory backend).

Their jars come from Maven Central through ``make engines`` (``engines/``), which
writes ``engines/<engine>/classpath.txt``. Each server runs in a working directory
of its own that links the committed ``engines/<engine>/conf`` and ``scripts`` (the
files docker-compose mounts), with the port rewritten to an ephemeral one.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

ENGINES_DIR = Path(__file__).resolve().parents[1] / "engines"
# small heap, one cheap collector and the C1 compiler only: these servers hold toy
# graphs, and the machine's two cores are shared
JVM_FLAGS = ("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
             "-Xss1m", "-Djava.awt.headless=true")
START_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class EngineSpec:
    """How to run one engine: its Maven module, main class, config and wire format."""

    name: str
    main_class: str
    config: str  # the server YAML, relative to the module directory
    serializer: str  # what our clients speak to it ("graphbinary" | "graphson")

    @property
    def module_dir(self) -> Path:
        """``engines/<name>``: holds ``conf/`` and ``scripts/`` (the config's paths are relative)."""
        return ENGINES_DIR / self.name

    @property
    def classpath_file(self) -> Path:
        """The classpath ``make engines`` wrote."""
        return self.module_dir / "classpath.txt"


TINKERGRAPH = EngineSpec("tinkergraph", "org.apache.tinkerpop.gremlin.server.GremlinServer",
                         "conf/gremlin-server.yaml", "graphbinary")
# JanusGraph's edge ids (RelationIdentifier) only come back to gremlinpython in GraphSON
JANUSGRAPH = EngineSpec("janusgraph", "org.janusgraph.graphdb.server.JanusGraphServer",
                        "conf/janusgraph-server.yaml", "graphson")
ENGINES = {spec.name: spec for spec in (TINKERGRAPH, JANUSGRAPH)}


class EngineError(RuntimeError):
    """An engine could not be started (the message carries the tail of its log)."""


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing_engines_reason(spec: EngineSpec) -> str | None:
    """Why ``spec`` cannot run here (no java, or ``make engines`` not run), else None."""
    if shutil.which("java") is None:
        return "java is not on PATH: install a JDK 11+ (Debian: apt-get install openjdk-17-jre-headless)"
    if not spec.classpath_file.is_file():
        return f"{spec.classpath_file} is missing: run `make engines` (needs mvn) first"
    missing = [jar for jar in spec.classpath_file.read_text().strip().split(os.pathsep) if not Path(jar).is_file()]
    if missing:
        return (f"{len(missing)} jar(s) of {spec.classpath_file} are gone (e.g. {missing[0]}): "
                f"run `make -B engines` to fetch them again")
    return None


class EngineProcess:
    """One engine server process on 127.0.0.1; ``start()``, ``stop()``, ``restart()``."""

    def __init__(self, spec: EngineSpec, work_dir: Path, port: int | None = None) -> None:
        self.spec = spec
        self.work_dir = Path(work_dir)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = self.work_dir / f"{spec.name}.log"

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:<port>/gremlin``."""
        return f"ws://127.0.0.1:{self.port}/gremlin"

    def _write_config(self) -> Path:
        config = yaml.safe_load((self.spec.module_dir / self.spec.config).read_text())
        config["host"], config["port"] = "127.0.0.1", self.port
        path = self.work_dir / f"{self.spec.name}-{self.port}.yaml"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path

    def start(self, timeout_s: float = START_TIMEOUT_S) -> "EngineProcess":
        """Launch the server and wait until it answers a real gremlinpython request."""
        reason = missing_engines_reason(self.spec)
        if reason:
            raise EngineError(f"cannot start {self.spec.name}: {reason}")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        # the server runs in work_dir, which sees the module's conf/ and scripts/ (the config's
        # relative paths, as in docker-compose) and keeps anything it writes (data/) to itself
        for name in ("conf", "scripts"):
            link = self.work_dir / name
            if not link.exists():
                link.symlink_to(self.spec.module_dir / name, target_is_directory=True)
        config = self._write_config()
        classpath = self.spec.classpath_file.read_text().strip()
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                ["java", *JVM_FLAGS, "-cp", classpath, self.spec.main_class, str(config)],
                cwd=self.work_dir, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent,
            )
        finally:
            log.close()
        self.wait_ready(timeout_s)
        return self

    def wait_ready(self, timeout_s: float) -> None:
        """Poll with ``g.V().limit(1).count()`` until it answers; EngineError with the log tail if not."""
        deadline = time.monotonic() + timeout_s
        last: BaseException | None = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise EngineError(f"{self.spec.name} exited with code {self.proc.returncode} while starting; "
                                  f"log tail:\n{self.log_tail()}")
            if not _port_open(self.port):  # gremlinpython's failed connects leave sessions behind
                time.sleep(0.25)
                continue
            try:
                g = self.connect()
                try:
                    g.V().limit(1).count().next()
                    return
                finally:
                    _close(g)
            except Exception as exc:  # not listening yet, or still binding its traversal sources
                last = exc
            time.sleep(0.5)
        self.stop()
        raise EngineError(f"{self.spec.name} did not answer at {self.url} within {timeout_s:.0f}s "
                          f"(last error: {last!r}); log tail:\n{self.log_tail()}")

    def connect(self, traversal_source: str = "g", **opts: Any):
        """A gremlinpython ``g`` on this server, in the engine's serializer."""
        from stylegraph.graph.connect import connect

        opts.setdefault("serializer", self.spec.serializer)
        return connect(self.url, traversal_source=traversal_source, **opts)

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the server's log (stack-trace frames left out)."""
        if not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        text = [line for line in text if not line.lstrip().startswith("at ")]
        return "\n".join(text[-lines:])

    def stop(self, timeout_s: float = 20.0) -> None:
        """SIGTERM the server (SIGKILL after ``timeout_s``) and wait for it."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def restart(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Stop and start again on the same port (TinkerGraph's ``g`` graph is saved to
        ``data/`` on a clean stop and read back; JanusGraph's in-memory one is gone)."""
        self.stop()
        self.start(timeout_s)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM it when the test process dies (even by SIGKILL),
    so a killed pytest never leaves a JVM behind."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _close(g: Any) -> None:
    from stylegraph.graph.connect import close

    try:
        close(g)
    except Exception:  # a half-open connection to a server that is not up yet
        pass


def clear_graph(g: Any) -> None:
    """Remove every vertex (and so every edge) through ``g``."""
    g.V().drop().iterate()


NEO4J_DIR = ENGINES_DIR / "neo4j"
NEO4J_PASSWORD = "stylegraph-test"


class Neo4jProcess:
    """Neo4j 5.26 in process (``engines/neo4j/src/Neo4jMain.java``, the official test harness)
    with Bolt on an ephemeral 127.0.0.1 port and authentication on (user ``neo4j``,
    password :data:`NEO4J_PASSWORD`). It stops when we close its stdin or SIGTERM it."""

    spec = EngineSpec("neo4j", "Neo4jMain", "src/Neo4jMain.java", "bolt")

    def __init__(self, work_dir: Path, port: int | None = None) -> None:
        self.work_dir = Path(work_dir)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = self.work_dir / "neo4j.log"

    @property
    def url(self) -> str:
        """``bolt://127.0.0.1:<port>`` (no credentials)."""
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def auth_url(self) -> str:
        """The bolt URL with the test user's credentials in it."""
        return f"bolt://neo4j:{NEO4J_PASSWORD}@127.0.0.1:{self.port}"

    def start(self, timeout_s: float = START_TIMEOUT_S) -> "Neo4jProcess":
        """Launch Neo4j and wait for its ``BOLT`` line and an answered query."""
        reason = missing_engines_reason(self.spec)
        if reason:
            raise EngineError(f"cannot start neo4j: {reason}")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        classpath = self.spec.classpath_file.read_text().strip()
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                ["java", *JVM_FLAGS, "-cp", classpath, str(NEO4J_DIR / "src" / "Neo4jMain.java"),
                 "--port", str(self.port), "--password", NEO4J_PASSWORD, "--dir", str(self.work_dir / "db")],
                cwd=self.work_dir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.PIPE,
                start_new_session=True, preexec_fn=_die_with_parent,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout_s
        last: BaseException | None = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise EngineError(f"neo4j exited with code {self.proc.returncode} while starting; "
                                  f"log tail:\n{self.log_tail()}")
            if "BOLT " in self.log_path.read_text(errors="replace"):
                try:
                    graph = self.connect()
                    graph.ping()
                    graph.close()
                    return self
                except Exception as exc:  # noqa: BLE001 - not ready yet
                    last = exc
            time.sleep(0.5)
        self.stop()
        raise EngineError(f"neo4j did not answer at {self.url} within {timeout_s:.0f}s "
                          f"(last error: {last!r}); log tail:\n{self.log_tail()}")

    def connect(self, **opts: Any):
        """A :class:`CypherProductGraph` on this server, logged in as the test user."""
        from stylegraph.queries.connect import connect

        return connect(self.auth_url, **opts)

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of Neo4j's output."""
        if not self.log_path.exists():
            return "(no log)"
        text = [line for line in self.log_path.read_text(errors="replace").splitlines()
                if not line.lstrip().startswith("at ")]
        return "\n".join(text[-lines:])

    def stop(self, timeout_s: float = 30.0) -> None:
        """Close its stdin (a clean shutdown), SIGTERM then SIGKILL if it lingers."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def restart(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Stop and start again on the same port and store."""
        self.stop()
        self.start(timeout_s)


def running(engine: Any) -> Iterator[Any]:
    """Start ``engine`` (an EngineProcess or Neo4jProcess), yield it, stop it: the body of the
    engine fixtures; a start failure fails the test with the engine's log tail."""
    import pytest

    try:
        engine.start()
    except EngineError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield engine
    engine.stop()
