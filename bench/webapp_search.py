"""Visual search benchmark (issue 4 §5): ``POST /api/search/image``.

Catalog photos are uploaded by 1 and by 8 concurrent clients, with dynamic
batching on (``search_max_batch``/``search_max_wait_ms`` from the settings)
and off (``STYLEGRAPH_SEARCH_MAX_BATCH=1``), each for ``--seconds``.
Reports server-side latency (the ``Server-Timing: total`` the app measures
from request start to response), client latency, uploads/s and the batch
sizes the server formed. Target: server time well under 100 ms.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import urllib.request

from webapp_setup import ServerProcess, ensure_data, multipart_post, run_load


def main() -> int:
    """Run the benchmark and print one JSON line per configuration."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--products", type=int, default=2000, help="size of the generated graph (no demo data)")
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--k", type=int, default=6)
    args = parser.parse_args()

    data = ensure_data(args.products)
    from stylegraph.loader.catalog import read_catalog

    catalog = read_catalog(data.catalog_dir)
    photos = [catalog.image_path(p).read_bytes() for p in catalog.products[:200]]
    rng = random.Random(7)
    failed = False
    for label, env in (("batching", {}), ("no-batching", {"STYLEGRAPH_SEARCH_MAX_BATCH": "1"})):
        with ServerProcess(data, env=env) as server:
            for concurrency in (int(c) for c in args.concurrency.split(",")):

                def request() -> bytes:
                    return multipart_post(f"/api/search/image?k={args.k}", "image", "photo.png",
                                          photos[rng.randrange(len(photos))])

                run_load(server.port, request, concurrency, 1.0)  # warm-up
                before = _batch_stats(server.url)
                result = run_load(server.port, request, concurrency, args.seconds)
                after = _batch_stats(server.url)
                batches = after["batches"] - before["batches"]
                summary = result.summary()
                summary.update(
                    mode=label,
                    concurrency=concurrency,
                    max_batch=after["max_batch"],
                    max_wait_ms=after["max_wait_ms"],
                    mean_batch=round((after["requests"] - before["requests"]) / batches, 2) if batches else 0,
                    largest_batch=after["largest_batch"],
                    meets_target=summary.get("server_p99_ms", 1e9) < 100,
                )
                failed |= summary["errors"] > 0
                print(json.dumps(summary), flush=True)
    return 1 if failed else 0


def _batch_stats(url: str) -> dict:
    with urllib.request.urlopen(url + "/api/stats", timeout=30) as r:
        return json.load(r)["search"]


if __name__ == "__main__":
    sys.exit(main())
