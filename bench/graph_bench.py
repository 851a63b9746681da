"""Graph store benchmark (issue 2 §6): load throughput, top-10 query latency, peak RSS.

On a generated graph of 100,000 product vertices and 1,000,000 SIMILAR edges:
1. direct load into a fresh SQLite file (Graph.add_vertex/add_edge, bench/_graph_fill.py; edges/s),
2. the same edges loaded through `g` as batched mergeE requests (edges/s),
3. p50/p99 of "a vertex's top-10 out-edges by score with the neighbours'
   element maps", embedded (in-process `g`) and over loopback WebSocket to
   `stylegraph gremlin-server` (GraphBinary),
4. peak RSS of the process holding the graph.

Each phase runs in its own process so its RSS is its own. Sizes can be
reduced for a quick look: `python bench/graph_bench.py --vertices 10000 --degree 10`.
Targets on 2 cores: load >= 50,000 edges/s, p99 <= 2 ms embedded and
<= 5 ms over WebSocket, RSS <= 1.5 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

CATEGORIES = ["sneaker", "boot", "sandal", "heel", "handbag", "tshirt", "dress", "coat"]


def _vertices(n: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    rng = random.Random(1)
    for i in range(n):
        yield (
            f"p{i}",
            "product",
            {
                "title": f"product {i}",
                "category": CATEGORIES[i % len(CATEGORIES)],
                "price": round(rng.uniform(5, 500), 2),
                "in_stock": rng.random() < 0.8,
                "image": f"images/p{i}.png",
            },
        )


def _edges(n: int, degree: int, start: int = 0) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
    rng = random.Random(2 + start)
    for i in range(start, n):
        for j in range(degree):
            t = rng.randrange(n - 1)
            t = t + 1 if t >= i else t
            yield (f"SIMILAR:p{i}:{j}", "SIMILAR", f"p{i}", f"p{t}", {"score": rng.random()})


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_bulk(db: str, n: int, degree: int) -> dict[str, float]:
    """Load the generated graph directly (``_graph_fill.fill``, 50k per transaction); report edges/s."""
    from _graph_fill import fill

    from stylegraph.graph.graph import Graph

    graph = Graph(db)
    t0 = time.perf_counter()
    fill(graph, _vertices(n), [], batch_size=50_000)
    t1 = time.perf_counter()
    fill(graph, [], _edges(n, degree), batch_size=50_000)
    t2 = time.perf_counter()
    graph.close()
    return {
        "vertices_per_s": n / (t1 - t0),
        "edges_per_s": n * degree / (t2 - t1),
        "load_s": t2 - t0,
        "peak_rss_mb": _peak_rss_mb(),
    }


def phase_merge(db: str, n: int, degree: int, batch: int) -> dict[str, float]:
    """Load vertices and edges through `g` with batched mergeV/mergeE requests."""
    from gremlin_python.process.graph_traversal import __
    from gremlin_python.process.traversal import Direction, T

    from stylegraph.graph.connect import close, connect

    g = connect("embedded://" + db)

    def batches(rows: Iterator[Any]) -> Iterator[list[Any]]:
        chunk: list[Any] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == batch:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    t0 = time.perf_counter()
    for chunk in batches(_vertices(n)):
        maps = [{T.id: vid, T.label: label, **props} for vid, label, props in chunk]
        g.inject(maps).unfold().merge_v(__.identity()).iterate()
    t1 = time.perf_counter()
    for chunk in batches(_edges(n, degree)):
        maps = [
            {T.id: eid, T.label: label, Direction.OUT: a, Direction.IN: b, **props}
            for eid, label, a, b, props in chunk
        ]
        g.inject(maps).unfold().merge_e(__.identity()).iterate()
    t2 = time.perf_counter()
    count = g.E().count().next()
    close(g)
    assert count == n * degree, count
    return {
        "vertices_per_s": n / (t1 - t0),
        "edges_per_s": n * degree / (t2 - t1),
        "peak_rss_mb": _peak_rss_mb(),
    }


def top10(g: Any, vid: str) -> list[dict[Any, Any]]:
    """The benchmarked traversal: top-10 out-edges by score with neighbours' element maps."""
    from gremlin_python.process.graph_traversal import __
    from gremlin_python.process.traversal import Order

    return (
        g.V(vid).outE("SIMILAR").order().by("score", Order.desc).limit(10)
        .project("score", "product").by("score").by(__.inV().element_map())
        .to_list()
    )


def _latencies(g: Any, n: int, queries: int, k: int) -> dict[str, float]:
    rng = random.Random(3)
    ids = [f"p{rng.randrange(n)}" for _ in range(queries)]
    for vid in ids[:200]:  # warm-up
        top10(g, vid)
    times = []
    for vid in ids:
        t = time.perf_counter()
        rows = top10(g, vid)
        times.append(time.perf_counter() - t)
        assert len(rows) == k and rows[0]["score"] >= rows[-1]["score"]
    times.sort()
    return {
        "p50_ms": 1000 * times[len(times) // 2],
        "p99_ms": 1000 * times[int(len(times) * 0.99)],
        "mean_ms": 1000 * sum(times) / len(times),
        "queries": len(times),
    }


def phase_query_embedded(db: str, n: int, queries: int, k: int) -> dict[str, float]:
    """Open the file embedded and time the query; report RSS of the holding process."""
    from stylegraph.graph.connect import close, connect

    t = time.perf_counter()
    g = connect("embedded://" + db)
    g.V("p0").id_().to_list()
    open_s = time.perf_counter() - t
    out = _latencies(g, n, queries, k)
    out["open_s"] = open_s
    out["peak_rss_mb"] = _peak_rss_mb()
    close(g)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def phase_query_ws(db: str, n: int, queries: int, k: int) -> dict[str, float]:
    """Start `stylegraph gremlin-server` on the file and time the query over loopback."""
    import psutil

    from stylegraph.graph.connect import close, connect

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "stylegraph.cli", "gremlin-server", "--host", "127.0.0.1",
         "--port", str(port), "--db", db],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gremlin-server did not start: {server.stderr.read().decode()}")
                time.sleep(0.2)
        g = connect(f"ws://127.0.0.1:{port}/gremlin")
        out = _latencies(g, n, queries, k)
        close(g)
        out["server_rss_mb"] = psutil.Process(server.pid).memory_info().rss / 2**20
        return out
    finally:
        server.terminate()
        server.wait(timeout=60)


def _run_phase(name: str, args: argparse.Namespace, db: str) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--phase", name, "--db", db, "--vertices", str(args.vertices),
           "--degree", str(args.degree), "--queries", str(args.queries), "--batch", str(args.batch)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"phase {name} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run every phase and print the figures next to their targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vertices", type=int, default=100_000)
    parser.add_argument("--degree", type=int, default=10)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=10_000, help="elements per mergeV/mergeE request")
    parser.add_argument("--phase", choices=["bulk", "merge", "embedded", "ws"])
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.phase:
        fn = {"bulk": lambda: phase_bulk(args.db, args.vertices, args.degree),
              "merge": lambda: phase_merge(args.db, args.vertices, args.degree, args.batch),
              "embedded": lambda: phase_query_embedded(args.db, args.vertices, args.queries, args.degree),
              "ws": lambda: phase_query_ws(args.db, args.vertices, args.queries, args.degree)}[args.phase]
        print(json.dumps(fn()))
        return

    with tempfile.TemporaryDirectory() as tmp:
        n, e = args.vertices, args.vertices * args.degree
        print(f"graph: {n:,} vertices, {e:,} edges (2 cores)")
        bulk = _run_phase("bulk", args, str(Path(tmp) / "bulk.db"))
        print(f"direct load (Graph.add_edge, 50k/txn): {bulk['edges_per_s']:,.0f} edges/s, "
              f"{bulk['vertices_per_s']:,.0f} vertices/s, {bulk['load_s']:.1f} s total "
              f"[target >= 50,000 edges/s]")
        merge = _run_phase("merge", args, str(Path(tmp) / "merge.db"))
        print(f"load through g (mergeE, {args.batch:,}/request): {merge['edges_per_s']:,.0f} edges/s, "
              f"{merge['vertices_per_s']:,.0f} vertices/s (mergeV)")
        emb = _run_phase("embedded", args, str(Path(tmp) / "bulk.db"))
        print(f"top-10 query embedded: p50 {emb['p50_ms']:.3f} ms, p99 {emb['p99_ms']:.3f} ms "
              f"over {emb['queries']:,} queries [target p99 <= 2 ms]; open {emb['open_s']:.1f} s")
        ws = _run_phase("ws", args, str(Path(tmp) / "bulk.db"))
        print(f"top-10 query over WebSocket (GraphBinary): p50 {ws['p50_ms']:.3f} ms, "
              f"p99 {ws['p99_ms']:.3f} ms [target p99 <= 5 ms]")
        print(f"peak RSS: bulk loader {bulk['peak_rss_mb']:,.0f} MB, g loader {merge['peak_rss_mb']:,.0f} MB, "
              f"embedded reader {emb['peak_rss_mb']:,.0f} MB, gremlin-server {ws['server_rss_mb']:,.0f} MB "
              f"[target <= 1,536 MB]")


if __name__ == "__main__":
    main()
