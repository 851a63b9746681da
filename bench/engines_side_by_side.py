"""Our Gremlin server next to Apache TinkerPop Gremlin Server (TinkerGraph) and JanusGraph.

The same product graph (``--vertices`` products, ``--degree`` SIMILAR out-edges
each) is loaded into each server over a loopback WebSocket, through the product's
own upsert queries (batched chained ``mergeV``/``mergeE``, the edge identified by
label and endpoints); then the shop's hot query, a product's top-10 out-edges by
score with the neighbours' element maps, is timed with 1 and with 16 concurrent
clients (threads, one connection each); last, the server process's RSS.

* ours: ``stylegraph gremlin-server`` on a fresh SQLite file (durable writes), GraphBinary;
* TinkerGraph: engines/tinkergraph (in memory), GraphBinary;
* JanusGraph: engines/janusgraph (in-memory backend), GraphSON (its edge ids).

Needs ``make engines``. ``python bench/engines_side_by_side.py --vertices 2000`` for a
quick look. Ratios are ours / theirs (> 1 means ours is higher: better for edges/s,
worse for latency and RSS). The 16 clients share this one Python process (and its
GIL) and the machine's cores with the servers, so they measure the whole system
under concurrency, not a server alone.
"""
from __future__ import annotations

import argparse
import contextlib
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psutil  # noqa: E402

from stylegraph.graph.connect import close, connect  # noqa: E402
from stylegraph.queries.connect import as_product_graph  # noqa: E402
from tests.engines import JANUSGRAPH, TINKERGRAPH, EngineProcess, free_port, missing_engines_reason  # noqa: E402

CATEGORIES = ["sneaker", "boot", "sandal", "heel", "handbag", "tshirt", "dress", "coat"]


def _vertices(n: int) -> list[tuple[str, str, dict[str, Any]]]:
    rng = random.Random(1)
    return [(f"p{i}", "product", {"title": f"product {i}", "category": CATEGORIES[i % len(CATEGORIES)],
                                  "price": round(rng.uniform(5, 500), 2), "in_stock": rng.random() < 0.8,
                                  "image": f"images/p{i}.png"}) for i in range(n)]


def _edges(n: int, degree: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    rng = random.Random(2)
    out = []
    for i in range(n):
        for t in _distinct(rng, n, i, degree):
            out.append((f"p{i}", f"p{t}", "SIMILAR", {"score": rng.random()}))
    return out


def _distinct(rng: random.Random, n: int, i: int, degree: int) -> list[int]:
    """``degree`` distinct targets other than ``i`` (one SIMILAR edge per ordered pair)."""
    picked: set[int] = set()
    while len(picked) < degree:
        t = rng.randrange(n)
        if t != i:
            picked.add(t)
    return sorted(picked)


def top10(g: Any, vid: str) -> list[dict[Any, Any]]:
    """The timed traversal (the shop's "similar products" without filters)."""
    from gremlin_python.process.graph_traversal import __
    from gremlin_python.process.traversal import Order

    return (g.V(vid).out_e("SIMILAR").order().by("score", Order.desc).limit(10)
            .project("score", "product").by("score").by(__.in_v().element_map()).to_list())


def load_graph(g: Any, n: int, degree: int, batch: int) -> dict[str, float]:
    """Load ``n`` products and ``n * degree`` SIMILAR edges through the product-graph interface's
    batched upserts (``g``: a ProductGraph or a Gremlin ``g``): products/s and edges/s."""
    graph = as_product_graph(g)
    vertices, edges = _vertices(n), _edges(n, degree)
    t0 = time.perf_counter()
    for start in range(0, len(vertices), batch):
        graph.merge_vertices(vertices[start:start + batch])
    t1 = time.perf_counter()
    for start in range(0, len(edges), batch):
        graph.merge_edges(edges[start:start + batch])
    t2 = time.perf_counter()
    assert graph.count_edges("SIMILAR") == len(edges)
    return {"vertices_per_s": n / (t1 - t0), "edges_per_s": len(edges) / (t2 - t1)}


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50_ms": 1000 * times[len(times) // 2], "p99_ms": 1000 * times[int(len(times) * 0.99)]}


def concurrent_latency(open_client: Callable[[], Any], query: Callable[[Any, str], None], n: int,
                       clients: int, queries: int, warm_up: int = 50,
                       close_client: Callable[[Any], None] = close) -> dict[str, float]:
    """``query(client, product_id)`` from ``clients`` threads (one ``open_client()`` each),
    ``queries`` timed calls per thread after ``warm_up`` untimed ones: p50/p99 ms and queries/s."""
    rng = random.Random(3)
    ids = [f"p{rng.randrange(n)}" for _ in range(clients * queries)]
    sources = [open_client() for _ in range(clients)]
    for g in sources:
        for vid in ids[:warm_up]:  # warm-up (JIT on the Java side)
            query(g, vid)
    times: list[list[float]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []

    def run(c: int) -> None:
        try:
            for vid in ids[c * queries:(c + 1) * queries]:
                t = time.perf_counter()
                query(sources[c], vid)
                times[c].append(time.perf_counter() - t)
        except BaseException as exc:  # reported after the join
            errors.append(exc)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    for g in sources:
        close_client(g)
    if errors:
        raise errors[0]
    out = _percentiles([t for ts in times for t in ts])
    out["queries_per_s"] = clients * queries / wall
    return out


def _top10_checked(g: Any, vid: str) -> None:
    assert len(top10(g, vid)) == 10


def _latency(open_g: Callable[[], Any], n: int, clients: int, queries: int) -> dict[str, float]:
    return concurrent_latency(open_g, _top10_checked, n, clients, queries)


def _measure(name: str, url: str, serializer: str, pid: int, args: argparse.Namespace) -> dict[str, Any]:
    def open_g() -> Any:
        return connect(url, serializer=serializer)

    g = open_g()
    g.V().drop().iterate()
    result: dict[str, Any] = {"load": load_graph(g, args.vertices, args.degree, args.batch)}
    close(g)
    result["c1"] = _latency(open_g, args.vertices, 1, args.queries)
    result["c16"] = _latency(open_g, args.vertices, 16, max(20, args.queries // 8))
    result["rss_mb"] = psutil.Process(pid).memory_info().rss / 2**20
    print(f"  {name}: {result['load']['edges_per_s']:,.0f} edges/s; 1 client p50 {result['c1']['p50_ms']:.2f} ms "
          f"p99 {result['c1']['p99_ms']:.2f} ms; 16 clients p50 {result['c16']['p50_ms']:.2f} ms "
          f"p99 {result['c16']['p99_ms']:.2f} ms ({result['c16']['queries_per_s']:,.0f} q/s); "
          f"RSS {result['rss_mb']:,.0f} MB", flush=True)
    return result


@contextlib.contextmanager
def our_gremlin_server(work: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """``stylegraph gremlin-server`` on a fresh SQLite file in ``work``: ``(ws url, process)``
    once it answers; terminated on exit."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys; from stylegraph.cli import main; sys.exit(main())",
         "gremlin-server", "--host", "127.0.0.1", "--port", str(port), "--db", str(work / "ours.db")],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"ws://127.0.0.1:{port}/gremlin"
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()  # listening yet?
                g = connect(url)
                try:
                    g.V().limit(1).count().next()
                finally:
                    close(g)
                break
            except Exception:  # noqa: BLE001 - not up yet
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"our gremlin-server did not start: {server.stderr.read().decode()}")
                time.sleep(0.3)
        yield url, server
    finally:
        server.terminate()
        server.wait(60)


def _ours(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    with our_gremlin_server(work) as (url, server):
        return _measure("ours", url, "graphbinary", server.pid, args)


def _engine(spec: Any, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    engine = EngineProcess(spec, work / spec.name).start()
    try:
        assert engine.proc is not None
        return _measure(spec.name, engine.url, spec.serializer, engine.proc.pid, args)
    finally:
        engine.stop()


def graph_size_parser(doc: str) -> argparse.ArgumentParser:
    """A parser with the benchmark graph's size: ``--vertices``, ``--degree``, ``--batch``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--vertices", type=int, default=5000)
    parser.add_argument("--degree", type=int, default=10)
    parser.add_argument("--batch", type=int, default=200)
    return parser


def main() -> None:
    """Run the three servers one after another and print the figures and ratios."""
    parser = graph_size_parser(__doc__)
    parser.add_argument("--queries", type=int, default=1000, help="timed queries with 1 client")
    args = parser.parse_args()
    for spec in (TINKERGRAPH, JANUSGRAPH):
        reason = missing_engines_reason(spec)
        if reason:
            sys.exit(f"engines_side_by_side: {reason}")
    print(f"{args.vertices:,} products, {args.vertices * args.degree:,} SIMILAR edges, batches of {args.batch}")
    with tempfile.TemporaryDirectory(prefix="engines-bench-") as tmp:
        work = Path(tmp)
        results = {"ours": _ours(args, work), "tinkergraph": _engine(TINKERGRAPH, args, work),
                   "janusgraph": _engine(JANUSGRAPH, args, work)}
    ours = results["ours"]
    for other in ("tinkergraph", "janusgraph"):
        them = results[other]
        print(f"ours / {other}: load {ours['load']['edges_per_s'] / them['load']['edges_per_s']:.2f}x edges/s; "
              f"1 client p50 {ours['c1']['p50_ms'] / them['c1']['p50_ms']:.2f}x, "
              f"p99 {ours['c1']['p99_ms'] / them['c1']['p99_ms']:.2f}x; "
              f"16 clients p50 {ours['c16']['p50_ms'] / them['c16']['p50_ms']:.2f}x, "
              f"p99 {ours['c16']['p99_ms'] / them['c16']['p99_ms']:.2f}x; "
              f"RSS {ours['rss_mb'] / them['rss_mb']:.2f}x")


if __name__ == "__main__":
    main()
