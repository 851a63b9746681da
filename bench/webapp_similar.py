"""Shop API benchmark (issue 4 §5): ``/similar`` and ``/recommendations`` under load.

16 concurrent keep-alive clients for 20 s per route against ``stylegraph serve``
(waitress, its own process) on the demo graph (or the generated benchmark
graph, see ``webapp_setup.py``). Product ids are drawn at random from the
whole catalog; a warm-up pass first requests every product once per route, so
the figures are for the warm read cache (the steady state of a shop). The
cold (first request per product) latency is reported from the warm-up.
Targets on 2 cores: p99 <= 10 ms, >= 1,000 req/s, zero errors.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time

from webapp_setup import ServerProcess, ensure_data, get_request, run_load

ROUTES = {
    "similar": "/api/products/{id}/similar?k=6",
    "similar_filtered": "/api/products/{id}/similar?k=6&in_stock=true&max_price=150",
    "recommendations": "/api/products/{id}/recommendations?k=6",
}


def main() -> int:
    """Run the benchmark and print one JSON line per route."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--products", type=int, default=2000, help="size of the generated graph (no demo data)")
    parser.add_argument("--routes", default="similar,recommendations,similar_filtered")
    args = parser.parse_args()

    data = ensure_data(args.products)
    ids = data.product_ids
    rng = random.Random(42)
    figures = {}
    with ServerProcess(data) as server:
        for name in args.routes.split(","):
            template = ROUTES[name]
            started = time.perf_counter()
            cold = run_load_until_done(server.port, template, ids)
            warm_s = time.perf_counter() - started

            def request() -> bytes:
                return get_request(template.format(id=ids[rng.randrange(len(ids))]))

            result = run_load(server.port, request, args.concurrency, args.seconds)
            summary = result.summary()
            summary.update(
                route=name,
                concurrency=args.concurrency,
                seconds=round(result.seconds, 1),
                cold_p50_ms=cold["p50_ms"],
                cold_p99_ms=cold["p99_ms"],
                warmup_s=round(warm_s, 1),
                products=len(ids),
                meets_targets=summary["p99_ms"] <= 10 and summary["rps"] >= 1000 and summary["errors"] == 0,
            )
            figures[name] = summary
            print(json.dumps(summary), flush=True)
    return 0 if all(f["errors"] == 0 for f in figures.values()) else 1


def run_load_until_done(port: int, template: str, ids: list[str]) -> dict:
    """Request every product once (4 clients): the cold-cache latency."""
    import asyncio

    from webapp_setup import LoadResult, _read_response

    result = LoadResult()
    pending = list(ids)

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while pending:
                pid = pending.pop()
                started = time.perf_counter()
                writer.write(get_request(template.format(id=pid)))
                status, _, _ = await _read_response(reader)
                result.latencies_ms.append((time.perf_counter() - started) * 1000.0)
                result.errors += status != 200
        finally:
            writer.close()

    async def main() -> None:
        await asyncio.gather(*(client() for _ in range(4)))

    started = time.perf_counter()
    asyncio.run(main())
    result.seconds = time.perf_counter() - started
    return result.summary()


if __name__ == "__main__":
    sys.exit(main())
