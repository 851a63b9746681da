"""``make demo``: the whole pipeline on a generated catalog, then the services.

Steps (each skipped when its output is already there and up to date):
sample catalog (+ its outfits file) -> image model training -> embeddings -> kNN
graph CSVs -> Gremlin server on the SQLite file -> load through ws:// ->
load-relations (outfits as WORN_WITH) -> GNN train + promote -> GNN refine ->
the web app. With ``STYLEGRAPH_GRAPH_URL=bolt://...`` (or ``neo4j://...``) the graph
is that Neo4j instead of the Gremlin server. Prints the URLs to open and serves until Ctrl-C. A second run
reuses the catalog, the embedding cache, the loaded graph and the model, so it
is up in seconds. ``--check`` requests a few URLs and exits instead of serving.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Sequence

from stylegraph.loader.sample_catalog import OUTFITS_FILE
from stylegraph.settings import get_settings

STAMP = "demo-state.json"
MIN_OUTFIT_PAIRS = 20


def _run(argv: Sequence[str]) -> None:
    """Run one ``stylegraph`` subcommand in a child process; stop the demo if it fails."""
    print(f"\n$ stylegraph {' '.join(argv)}", flush=True)
    proc = subprocess.run([sys.executable, "-m", "stylegraph", *argv])
    if proc.returncode != 0:
        raise SystemExit(f"demo: `stylegraph {' '.join(argv)}` failed (exit {proc.returncode})")


def _outfit_pairs(path: Path) -> int:
    """How many related pairs the outfits file gives."""
    from stylegraph.loader.relations import parse_relations

    return len(parse_relations(path, "groups").weights)


def _run_code(argv: Sequence[str]) -> int:
    """Run one ``stylegraph`` subcommand in a child process and return its exit code."""
    print(f"\n$ stylegraph {' '.join(argv)}", flush=True)
    return subprocess.run([sys.executable, "-m", "stylegraph", *argv]).returncode


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) != 0


def _wait_for(url: str, proc: subprocess.Popen, what: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"demo: {what} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"demo: {what} did not answer {url} within {timeout:.0f} s")


def _start(argv: Sequence[str], log: Path) -> subprocess.Popen:
    print(f"$ stylegraph {' '.join(argv)}  (log: {log})", flush=True)
    return subprocess.Popen(
        [sys.executable, "-m", "stylegraph", *argv],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def _first_product(catalog: Path) -> str:
    with (catalog / "catalog.csv").open(newline="") as f:
        return next(csv.DictReader(f))["product_id"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo pipeline and serve (or check) the result."""
    s = get_settings()
    parser = argparse.ArgumentParser(prog="stylegraph-demo", description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--size", type=int, default=96, help="image size of the sample catalog (px)")
    parser.add_argument("--data-dir", type=Path, default=Path(s.data_dir))
    parser.add_argument("--runs-dir", type=Path, default=Path(s.runs_dir))
    parser.add_argument("--gremlin-port", type=int, default=s.gremlin_port)
    parser.add_argument("--app-port", type=int, default=s.app_port)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--image-epochs", type=int, default=10, help="epochs of the image model training")
    parser.add_argument("--check", action="store_true", help="request the URLs once and exit")
    args = parser.parse_args(argv)

    data = args.data_dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    catalog, csv_dir, runs = data / "catalog", data / "csv", args.runs_dir.resolve()
    db = data / "graph.db"
    os.environ.update(STYLEGRAPH_DATA_DIR=str(data), STYLEGRAPH_RUNS_DIR=str(runs))
    state_file = data / STAMP
    state = json.loads(state_file.read_text()) if state_file.exists() else {}

    def save_state() -> None:
        state_file.write_text(json.dumps(state, indent=2))

    if (state.get("catalog") != [args.products, args.size] or not (catalog / "catalog.csv").exists()
            or not (catalog / OUTFITS_FILE).exists()):
        _run(["sample-catalog", "--products", str(args.products), "--out", str(catalog),
              "--seed", "0", "--size", str(args.size)])
        state = {"catalog": [args.products, args.size]}
        save_state()
    # the image model, trained end to end on the catalog's style labels (its own runs dir: not a GNN run)
    image_runs = runs / "image"
    image_model = state.get("image_model")
    if not image_model or not (Path(image_model) / "model.pth").is_file():
        _run(["finetune", "--catalog", str(catalog), "--labels", "subcategory=1,pattern=1,color=1",
              "--image-size", "64", "--epochs", str(args.image_epochs), "--name", "demo-image",
              "--runs-dir", str(image_runs)])
        image_model = str(max(image_runs.glob("*-demo-image*"), key=lambda p: p.stat().st_mtime))
        state["image_model"] = image_model
        save_state()
    _run(["embed", "--catalog", str(catalog), "--data-dir", str(data), "--weights", image_model])  # cached per image
    _run(["build-graph", "--catalog", str(catalog), "--k", "10", "--out", str(csv_dir),
          "--data-dir", str(data)])

    host = "127.0.0.1"
    from stylegraph.queries.connect import display_url, is_neo4j_url

    neo4j_url = os.environ.get("STYLEGRAPH_GRAPH_URL", "")
    neo4j_url = neo4j_url if is_neo4j_url(neo4j_url) else ""
    services = [(args.app_port, "web app")] if neo4j_url else [(args.gremlin_port, "Gremlin server"),
                                                                (args.app_port, "web app")]
    for port, what in services:
        if not _port_free(host, port):
            raise SystemExit(f"demo: port {port} for the {what} is in use; "
                             f"stop what holds it or pass --{'gremlin' if 'Gremlin' in what else 'app'}-port")
    procs: list[subprocess.Popen] = []

    def stop_all(*_: object) -> None:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()

    try:
        if neo4j_url:
            graph_url = neo4j_url
            _run(["graph-ping", "--graph", graph_url, "--wait", "60"])
        else:
            procs.append(_start(["gremlin-server", "--host", host, "--port", str(args.gremlin_port),
                                 "--db", str(db)], data / "gremlin-server.log"))
            _wait_for(f"http://{host}:{args.gremlin_port}/healthz", procs[-1], "the Gremlin server")
            graph_url = f"ws://{host}:{args.gremlin_port}/gremlin"
        # the graph the load stamps were made on (the SQLite file, or the Neo4j): another is loaded afresh
        graph_name = display_url(neo4j_url) if neo4j_url else str(db)
        if state.get("graph", str(db)) != graph_name:
            for key in ("loaded", "relations", "trained", "refined"):
                state.pop(key, None)
        if state.get("graph") != graph_name:
            state["graph"] = graph_name
            save_state()
        csv_digest = _digest(csv_dir / "vertices.csv", csv_dir / "edges.csv")
        if state.get("loaded") != csv_digest:
            _run(["load", "--csv", str(csv_dir), "--graph", graph_url])
            state["loaded"] = csv_digest
            state.pop("refined", None)
            save_state()
        outfits = catalog / OUTFITS_FILE
        graph_digest = _digest(csv_dir / "vertices.csv", csv_dir / "edges.csv", outfits)
        if state.get("relations") != graph_digest:
            # the sample catalog's outfits (complementary categories in matching palettes)
            _run(["load-relations", "--file", str(outfits), "--format", "groups",
                  "--kind", "WORN_WITH", "--graph", graph_url])
            state["relations"] = graph_digest
            save_state()
        if state.get("trained") != graph_digest or not (runs / "latest").exists():
            target: list[str] = []
            if _outfit_pairs(outfits) < MIN_OUTFIT_PAIRS:
                print(f"demo: the catalog's outfits give fewer than {MIN_OUTFIT_PAIRS} pairs "
                      "(a tiny catalog); training on products sharing a subcategory instead")
                target = ["--target-column", "subcategory"]
            _run(["gnn", "train", "--graph", graph_url, "--runs-dir", str(runs), "--name", "demo",
                  "--epochs", str(args.epochs), *target])
            run = max(p.name for p in runs.iterdir() if p.name.endswith("-demo") and p.is_dir())
            if _run_code(["gnn", "promote", run, "--runs-dir", str(runs)]) != 0:
                print("demo: the run does not beat the best baseline on both splits; "
                      "promoting it anyway so the demo has RECOMMENDED edges (recorded as forced)")
                _run(["gnn", "promote", run, "--runs-dir", str(runs), "--force"])
            state["trained"] = graph_digest
            state.pop("refined", None)
            save_state()
        model = (runs / "latest").resolve().name
        if state.get("refined") != model:
            _run(["gnn", "refine", "--graph", graph_url, "--runs-dir", str(runs), "--k", "10"])
            state["refined"] = model
            save_state()
        procs.append(_start(["serve", "--host", host, "--port", str(args.app_port), "--graph", graph_url,
                             "--catalog", str(catalog), "--data-dir", str(data)], data / "app.log"))
        app = f"http://{host}:{args.app_port}"
        _wait_for(f"{app}/healthz", procs[-1], "the web app")
        pid = _first_product(catalog)
        urls = {
            "shop API (looks like)": f"{app}/api/products/{pid}/similar?k=6",
            "shop API (goes with)": f"{app}/api/products/{pid}/recommendations?k=6",
            "explorer": f"{app}/explore/{pid}",
            "stats": f"{app}/api/stats",
            ("Neo4j" if neo4j_url else "Gremlin server"): display_url(graph_url),
        }
        print("\nstylegraph demo is up:")
        for name, url in urls.items():
            print(f"  {name:32s} {url}")
        if args.check:
            for name, url in urls.items():
                if url.startswith("http"):
                    with urllib.request.urlopen(url, timeout=30) as resp:
                        print(f"  checked {name}: HTTP {resp.status}, {len(resp.read())} bytes")
            return 0
        print("\nCtrl-C stops the app" + ("" if neo4j_url else f" and the Gremlin server (the graph stays in {db})"))
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        dead = [p.args for p in procs if p.poll() is not None]
        print(f"demo: a service stopped: {dead}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())
