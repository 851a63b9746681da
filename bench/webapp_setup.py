"""Shared set-up of the web app benchmarks: the data, a server process, a load client.

Run on its own it prepares the benchmark data (``python bench/webapp_setup.py``).

Data: the demo's graph and catalog when they exist (``data/graph.db``,
``data/catalog``), else a generated catalog of ``--products`` products in
``bench/out/webapp/`` embedded with the configured model, with top-10
SIMILAR edges and RECOMMENDED edges for half of the products (so both the
GNN path and the fallback are exercised). A second run reuses it.

Server: ``stylegraph serve`` (waitress) in its own process, so the load
client does not share its interpreter. Client: asyncio with keep-alive
connections and a minimal HTTP/1.1 reader, to keep the client's own CPU
use small on a 2-core machine.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "webapp"
REQUEST_TIMEOUT_S = 30.0


@dataclass
class BenchData:
    """Where the benchmark's graph, catalog and embeddings are."""

    graph_url: str
    catalog_dir: Path
    data_dir: Path
    product_ids: list[str]


def _catalog_ids(catalog_dir: Path) -> list[str]:
    from stylegraph.loader.catalog import read_catalog

    return [p.product_id for p in read_catalog(catalog_dir)]


def ensure_data(products: int = 2000, image_size: int | None = None) -> BenchData:
    """The demo data if present, else the generated benchmark data (built on first use)."""
    demo_graph = REPO / "data" / "graph.db"
    if demo_graph.exists() and (REPO / "data" / "catalog" / "catalog.csv").exists() and (REPO / "data" / "embeddings" / "ACTIVE").exists():
        return BenchData("embedded://" + str(demo_graph), REPO / "data" / "catalog", REPO / "data",
                         _catalog_ids(REPO / "data" / "catalog"))
    root = OUT / f"p{products}"
    done = root / "DONE"
    if not done.exists():
        build_data(root, products, image_size)
        done.write_text("ok\n")
    return BenchData("embedded://" + str(root / "graph.db"), root / "catalog", root / "data",
                     _catalog_ids(root / "catalog"))


def build_data(root: Path, products: int, image_size: int | None) -> None:
    """Generate, embed, link and load a catalog of ``products`` products into ``root``."""
    from stylegraph.graph.connect import close, connect
    from stylegraph.loader.catalog import read_catalog
    from stylegraph.loader.embed import load_embedder, make_spec
    from stylegraph.loader.embed_catalog import embed_catalog
    from stylegraph.loader.knn import similar_edges, top_k
    from stylegraph.loader.load import load_records
    from stylegraph.loader.neptune_csv import product_vertices, similar_edge_records
    from stylegraph.loader.sample_catalog import generate_catalog
    from stylegraph.queries.meta import bump_version
    from stylegraph.queries.recommended import Recommendation, upsert_recommended
    from stylegraph.settings import get_settings

    settings = get_settings()
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "catalog" / "catalog.csv").exists():
        generate_catalog(root / "catalog", products, seed=7, size=128, progress=True)
    catalog = read_catalog(root / "catalog")
    spec = make_spec(settings.model, settings.weights, image_size=image_size or settings.image_size or 96,
                     seed=settings.seed)
    embedder = load_embedder(spec)
    emb = embed_catalog(catalog, embedder, root / "data", batch_size=settings.embed_batch_size).embeddings
    ids = emb.ids.tolist()
    nbr_ids, scores = top_k(ids, emb.vectors, 10)
    rng = random.Random(0)
    recs = [
        Recommendation(src, dst, round(rng.random(), 4))
        for src in ids[: len(ids) // 2]
        for dst in rng.sample(ids, 6)
        if dst != src
    ]
    g = connect("embedded://" + str(root / "graph.db"))
    try:
        # the real write paths: the loader's batched mergeV/mergeE, the GNN's RECOMMENDED upsert
        load_records(g, product_vertices(catalog), similar_edge_records(similar_edges(ids, nbr_ids, scores)))
        upsert_recommended(g, recs, "bench-run")
        bump_version(g)
    finally:
        close(g)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """``stylegraph serve`` in a subprocess, ready when ``/healthz`` answers 200."""

    def __init__(self, data: BenchData, env: dict[str, str] | None = None, threads: int = 8) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            sys.executable, "-c", "import sys; from stylegraph.cli import main; sys.exit(main())", "serve", "--host", "127.0.0.1", "--port", str(self.port),
            "--threads", str(threads), "--graph", data.graph_url, "--catalog", str(data.catalog_dir),
            "--data-dir", str(data.data_dir),
        ]
        # the server's output goes to a file: a pipe nobody reads would fill up and block it
        OUT.mkdir(parents=True, exist_ok=True)
        self.log_path = OUT / "server.log"  # the last server's output, for a look after a failure
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=REPO,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.log_path.read_text()[-2000:])
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not become healthy")

    def stop(self) -> None:
        """Terminate the server process."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


@dataclass
class LoadResult:
    """Latencies (ms), statuses and wall time of one load run."""

    latencies_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        """p50/p99/max latency, requests/s and errors."""
        lat = sorted(self.latencies_ms)
        srv = sorted(self.server_ms)
        out: dict[str, Any] = {
            "requests": len(lat),
            "errors": self.errors,
            "rps": round(len(lat) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(percentile(lat, 50), 3),
            "p99_ms": round(percentile(lat, 99), 3),
            "max_ms": round(lat[-1], 3) if lat else 0.0,
        }
        if srv:
            out["server_p50_ms"] = round(percentile(srv, 50), 3)
            out["server_p99_ms"] = round(percentile(srv, 99), 3)
        return out


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of sorted ``values``."""
    if not values:
        return 0.0
    rank = max(0, min(len(values) - 1, int(round(q / 100.0 * len(values) + 0.5)) - 1))
    return float(values[rank])


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


def _server_timing(headers: dict[str, str]) -> float | None:
    for part in headers.get("server-timing", "").split(","):
        name, _, dur = part.strip().partition(";dur=")
        if name == "total" and dur:
            return float(dur)
    return None


async def _client(port: int, make_request: Callable[[], bytes], stop_at: float, result: LoadResult) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            request = make_request()
            started = time.perf_counter()
            writer.write(request)
            try:
                status, headers, _ = await asyncio.wait_for(_read_response(reader), REQUEST_TIMEOUT_S)
            except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000.0)
            if status != 200:
                result.errors += 1
            server = _server_timing(headers)
            if server is not None:
                result.server_ms.append(server)
            if headers.get("connection", "").lower() == "close":
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


def run_load(port: int, make_request: Callable[[], bytes], concurrency: int, seconds: float) -> LoadResult:
    """``concurrency`` keep-alive clients sending ``make_request()`` for ``seconds``."""
    result = LoadResult()

    async def main() -> None:
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_client(port, make_request, stop_at, result) for _ in range(concurrency)))

    started = time.perf_counter()
    asyncio.run(main())
    result.seconds = time.perf_counter() - started
    return result


def get_request(path: str) -> bytes:
    """A keep-alive HTTP/1.1 GET."""
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n\r\n".encode()


def multipart_post(path: str, field_name: str, filename: str, data: bytes) -> bytes:
    """A keep-alive HTTP/1.1 multipart POST with one file field."""
    boundary = "stylegraphbench0123456789"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_name}\"; filename=\"{filename}\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def main() -> int:
    """Prepare the benchmark data and print where it is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    args = parser.parse_args()
    data = ensure_data(args.products)
    print(f"webapp bench data: {data.graph_url} ({len(data.product_ids)} products)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
