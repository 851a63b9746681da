"""Loader subcommands: sample-catalog, embed, finetune, build-graph, load, add-product.

Each command parses its arguments and calls a library function; torch and
faiss are imported inside the command functions.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from stylegraph.cli_flags import model_flags, model_values, setting_flag
from stylegraph.commands import CommandError, graph_session
from stylegraph.loader.finetune_config import FinetuneConfig, FinetuneError

STYLE_CHOICES = ("none", "style", "concat")


def _error(exc: Exception) -> CommandError:
    return CommandError(str(exc))


def _torch_threads(args: argparse.Namespace) -> None:
    """Apply ``settings.torch_threads`` (0 keeps torch's default)."""
    threads = args.settings.torch_threads
    if threads > 0:
        import torch

        torch.set_num_threads(threads)


def cmd_sample_catalog(args: argparse.Namespace) -> int:
    """``stylegraph sample-catalog``."""
    from stylegraph.loader.sample_catalog import generate_catalog

    try:
        path = generate_catalog(args.out, args.products, seed=args.seed, size=args.size, per_style=args.per_style)
    except ValueError as exc:
        raise _error(exc) from None
    print(f"wrote {args.products} products to {path}")
    return 0


def cmd_embed(args: argparse.Namespace) -> int:
    """``stylegraph embed``."""
    from stylegraph.loader.catalog import CatalogError, read_catalog
    from stylegraph.loader.embed import EmbedError, make_spec, load_embedder
    from stylegraph.loader.embed_catalog import embed_catalog
    from stylegraph.loader.images import photo_sizes
    from stylegraph.loader.preprocess import default_image_size

    _torch_threads(args)
    s = args.settings
    try:
        catalog = read_catalog(args.catalog)
        size = s.image_size or default_image_size(photo_sizes([catalog.image_path(p) for p in catalog.products]))
        spec = make_spec(s.model, s.weights, style=args.style, image_size=size, seed=s.seed)
        embedder = load_embedder(spec)
        result = embed_catalog(catalog, embedder, s.data_dir, batch_size=s.embed_batch_size,
                               num_workers=args.workers)
    except (CatalogError, EmbedError) as exc:
        raise _error(exc) from None
    for item in result.skipped:
        print(f"skipped {item}")
    print(f"{embedder.model_id}: {len(result.embeddings)} vectors of {embedder.dim} dims "
          f"({result.computed} computed, {result.reused} cached, {len(result.skipped)} skipped) -> {result.path}")
    return 0


def parse_labels(text: str) -> dict[str, float]:
    """``"category=1,color=0.5"`` (or ``"category,color"``, weight 1) as ``{column: weight}``."""
    out: dict[str, float] = {}
    for item in filter(None, (t.strip() for t in text.split(","))):
        name, sep, weight = item.partition("=")
        try:
            out[name.strip()] = float(weight) if sep else 1.0
        except ValueError:
            raise argparse.ArgumentTypeError(f"label weight must be a number, got {item!r}") from None
    if not out:
        raise argparse.ArgumentTypeError("give at least one label column, e.g. --labels category")
    return out


def _column_map(items: list[str] | None) -> dict[str, str]:
    from stylegraph.loader.catalog import parse_column_map

    try:
        return parse_column_map(items or [])
    except ValueError as exc:
        raise _error(exc) from None


# finetune's config fields whose flags are not derived: parsed by hand, or settings
FINETUNE_OWN_FLAGS = ("catalog", "labels", "columns", "model", "weights", "seed", "runs_dir")


def _finetune_config(args: argparse.Namespace) -> FinetuneConfig:
    s = args.settings
    try:
        return FinetuneConfig(
            catalog=str(args.catalog), labels=args.labels, columns=_column_map(args.column), model=s.model,
            weights=s.weights, seed=s.seed, runs_dir=str(s.runs_dir),
            **model_values(args, FinetuneConfig, exclude=FINETUNE_OWN_FLAGS))
    except FinetuneError as exc:
        raise _error(exc) from None


def cmd_finetune(args: argparse.Namespace) -> int:
    """``stylegraph finetune``."""
    from stylegraph.loader.catalog import CatalogError
    from stylegraph.loader.embed import EmbedError
    from stylegraph.loader.finetune import finetune
    from stylegraph.loader.hparam_search import SearchError, search

    _torch_threads(args)
    cfg = _finetune_config(args)
    try:
        if args.search:
            run, metrics = search(cfg, args.search, epochs_per_trial=args.trial_epochs)
            print(f"search {run}: {args.search} trials, best trial {metrics['best_trial']} -> {run / 'trials.csv'}")
        else:
            run, metrics = finetune(cfg)
    except (CatalogError, EmbedError, FinetuneError, SearchError) as exc:
        raise _error(exc) from None
    k = metrics["k"]
    print(f"run {run}: validation precision@{k} {metrics['base_val_precision']:.3f} (starting model) -> "
          f"{metrics['best_val_precision']:.3f} (epoch {metrics['best_epoch']} of {metrics['epochs_run']}, "
          f"{metrics['image_size']} px, {metrics['seconds']:.0f} s, peak RSS {metrics['peak_rss_mb']:.0f} MB)")
    if metrics["improved"]:
        print(f"embed with: stylegraph embed --catalog {args.catalog} --weights {run}")
    else:
        print(f"warning: the trained model is NOT better than the starting model on validation; "
              f"it is saved in {run} but should not be used")
    return 0


def cmd_evaluate_embeddings(args: argparse.Namespace) -> int:
    """``stylegraph evaluate-embeddings``."""
    from stylegraph.loader.catalog import CatalogError, read_catalog
    from stylegraph.loader.embed import EmbedError
    from stylegraph.loader.embedding_store import EmbeddingStoreError, chosen_embeddings
    from stylegraph.loader.evaluate_embeddings import evaluate_embeddings
    from stylegraph.loader.knn import KnnError

    _torch_threads(args)
    s = args.settings
    columns = [c.strip() for c in args.labels.split(",") if c.strip()]
    try:
        catalog = read_catalog(args.catalog, _column_map(args.column))
        emb = chosen_embeddings(args.embeddings, s.data_dir)
        result = evaluate_embeddings(catalog, emb, columns, k=args.k, baselines=not args.no_baselines, seed=s.seed)
    except (CatalogError, EmbedError, EmbeddingStoreError, KnnError) as exc:
        raise _error(exc) from None
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(f"label: {'/'.join(columns)}")
    print(result.table())
    return 0


def cmd_build_graph(args: argparse.Namespace) -> int:
    """``stylegraph build-graph``."""
    from stylegraph.loader.build import build_graph
    from stylegraph.loader.catalog import CatalogError, read_catalog
    from stylegraph.loader.embedding_store import EmbeddingStoreError, chosen_embeddings
    from stylegraph.loader.knn import KnnError

    s = args.settings
    data_dir = Path(s.data_dir)
    try:
        catalog = read_catalog(args.catalog)
        emb = chosen_embeddings(args.embeddings, data_dir)
        labels = [c.strip() for c in args.labels.split(",") if c.strip()] if args.labels else None
        result = build_graph(catalog, emb, args.out or data_dir / "csv", k=s.knn_k, index=args.index,
                             labels=labels)
    except (CatalogError, EmbeddingStoreError, KnnError, ValueError) as exc:
        raise _error(exc) from None
    print(f"{result.n_vertices} vertices -> {result.vertices_path}")
    print(f"{result.n_edges} SIMILAR edges ({result.index} index, model {emb.model_id}) -> {result.edges_path}")
    if result.score_quantiles:
        lo, mid, hi = result.score_quantiles
        print(f"SIMILAR scores (cosine): 5th percentile {lo:.3f}, median {mid:.3f}, 95th percentile {hi:.3f}")
    if result.precision is not None:
        print(f"precision@{s.knn_k} against {args.labels}: {result.precision:.3f}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    """``stylegraph load``."""
    from stylegraph.graph.errors import GraphError
    from stylegraph.loader.load import load_csv
    from stylegraph.loader.neptune_csv import NeptuneCsvError

    with graph_session(args.settings.graph_url, args.settings) as g:
        try:
            stats = load_csv(g, args.csv, batch_size=args.batch_size, prune=not args.no_prune)
        except (NeptuneCsvError, GraphError) as exc:
            raise _error(exc) from None
    print(f"vertices: {stats.vertices_created} created, {stats.vertices_updated} updated, "
          f"{stats.vertices_unchanged} unchanged; edges: {stats.edges_created} created, "
          f"{stats.edges_updated} updated, {stats.edges_unchanged} unchanged, {stats.edges_dropped} dropped")
    return 0


def cmd_add_product(args: argparse.Namespace) -> int:
    """``stylegraph add-product``."""
    from stylegraph.graph.errors import GraphError
    from stylegraph.loader.add_product import AddProductError
    from stylegraph.loader.catalog import CatalogError, Product, catalog_file
    from stylegraph.loader.embed import EmbedError
    from stylegraph.loader.embedding_store import EmbeddingStoreError

    _torch_threads(args)
    s = args.settings
    product = Product(product_id=args.id, image="", title=args.title or "", brand=args.brand or "",
                      category=args.category or "", subcategory=args.subcategory or "", color=args.color or "",
                      pattern=args.pattern or "", price=args.price, in_stock=args.in_stock)
    catalog_dir = args.catalog or (s.catalog_dir if catalog_file(s.catalog_dir).is_file() else None)
    with graph_session(s.graph_url, s) as g:
        try:
            _add_product(g, product, args, catalog_dir)
        except (AddProductError, CatalogError, EmbedError, EmbeddingStoreError, GraphError) as exc:
            raise _error(exc) from None
    return 0


def _add_product(g: Any, product: Any, args: argparse.Namespace, catalog_dir: Path | None) -> None:
    """Add and link ``product``, then (unless ``--no-recommend``) give it RECOMMENDED edges; print both."""
    from stylegraph.loader.add_product import add_product

    s = args.settings
    result = add_product(g, product, args.image, s.data_dir, k=s.knn_k, catalog_dir=catalog_dir)
    print(f"added {result.product_id}: top {len(result.neighbours)} "
          + ", ".join(f"{pid} ({score:.3f})" for pid, score in result.neighbours[:5])
          + (" ..." if len(result.neighbours) > 5 else ""))
    print(f"linked from {len(result.linked_from)} existing products, dropped {len(result.dropped_edges)} edges")
    if not args.no_recommend:
        from stylegraph.gnn.apply_new import recommend_added

        print(recommend_added(g, product.product_id, s.data_dir, s.runs_dir, args.recommend_k))


def _bool(text: str) -> bool:
    low = text.lower()
    if low in ("true", "1", "yes"):
        return True
    if low in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true/false, got {text!r}")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the loader's subcommands to the ``stylegraph`` parser."""
    p = subparsers.add_parser("sample-catalog", help="render a procedural sample catalog (PNG + catalog.csv)")
    p.add_argument("--products", type=int, default=200, help="number of products")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--size", type=int, default=128, help="image size in pixels")
    p.add_argument("--per-style", type=int, default=20, help="products per ground-truth style")
    p.set_defaults(func=cmd_sample_catalog)

    p = subparsers.add_parser("embed", help="CNN embeddings of a catalog (cached by image sha256)")
    p.add_argument("--catalog", type=Path, required=True, help="catalog directory or CSV")
    setting_flag(p, "model")
    setting_flag(p, "weights")
    p.add_argument("--style", nargs="?", const="style", default="none", choices=STYLE_CHOICES,
                   help="Gram-matrix style features: --style (style only) or --style concat (with content)")
    setting_flag(p, "image_size")
    setting_flag(p, "seed")
    setting_flag(p, "embed_batch_size", "--batch-size")
    p.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    setting_flag(p, "data_dir")
    p.set_defaults(func=cmd_embed)

    p = subparsers.add_parser("finetune", help="train the image model end to end on catalog labels (metric learning)")
    p.add_argument("--catalog", type=Path, required=True)
    p.add_argument("--labels", type=parse_labels, default={"category": 1.0},
                   help="label columns with loss weights, e.g. category or type=1,color=0.3 (the first drives "
                        "batches and early stopping)")
    p.add_argument("--column", action="append", metavar="NAME=SOURCE",
                   help="read catalog column SOURCE as NAME, e.g. category=articleType (repeatable)")
    setting_flag(p, "model")
    setting_flag(p, "weights")
    model_flags(p, FinetuneConfig, exclude=FINETUNE_OWN_FLAGS)
    setting_flag(p, "seed")
    p.add_argument("--search", type=int, default=0, metavar="N", help="run N optuna trials and keep the best model")
    p.add_argument("--trial-epochs", type=int, help="epochs per search trial (default --epochs)")
    setting_flag(p, "runs_dir")
    p.set_defaults(func=cmd_finetune)

    p = subparsers.add_parser("evaluate-embeddings",
                              help="precision@k, recall@k, mAP@R of embeddings against a label, with baselines")
    p.add_argument("--catalog", type=Path, required=True)
    p.add_argument("--labels", required=True, help="label column(s), joined when several")
    p.add_argument("--column", action="append", metavar="NAME=SOURCE", help="read catalog column SOURCE as NAME")
    p.add_argument("--embeddings", type=Path, help="an embeddings .npz (default: the ACTIVE one)")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--no-baselines", action="store_true", help="skip the random-init and raw-pixel rows")
    setting_flag(p, "data_dir")
    p.set_defaults(func=cmd_evaluate_embeddings)

    p = subparsers.add_parser("build-graph", help="top-k SIMILAR edges -> Neptune bulk-load CSVs")
    p.add_argument("--catalog", type=Path, required=True)
    setting_flag(p, "knn_k", "--k")
    p.add_argument("--index", choices=("auto", "exact", "ivf", "hnsw"), default="auto")
    p.add_argument("--embeddings", type=Path, help="an embeddings .npz (default: the ACTIVE one)")
    p.add_argument("--labels", help="also print precision@k against these catalog column(s)")
    p.add_argument("--out", type=Path, help="output directory (default <data_dir>/csv)")
    setting_flag(p, "data_dir")
    p.set_defaults(func=cmd_build_graph)

    p = subparsers.add_parser("load", help="load vertices.csv/edges.csv into the graph (idempotent)")
    p.add_argument("--csv", type=Path, required=True, help="directory with vertices.csv and edges.csv")
    setting_flag(p, "graph_url", "--graph", metavar="URL")
    p.add_argument("--batch-size", type=int, default=200)
    p.add_argument("--no-prune", action="store_true", help="keep edges the files no longer list")
    p.set_defaults(func=cmd_load)

    p = subparsers.add_parser("add-product", help="embed and link one new product without rebuilding")
    p.add_argument("--id", required=True)
    p.add_argument("--image", type=Path, required=True)
    for name in ("title", "brand", "category", "subcategory", "color", "pattern"):
        p.add_argument(f"--{name}")
    p.add_argument("--price", type=float)
    p.add_argument("--in-stock", type=_bool)
    setting_flag(p, "knn_k", "--k")
    p.add_argument("--catalog", type=Path, help="catalog to copy the image into and append to (default: "
                   "STYLEGRAPH_CATALOG_DIR if it holds a catalog)")
    setting_flag(p, "data_dir")
    setting_flag(p, "graph_url", "--graph", metavar="URL")
    setting_flag(p, "runs_dir")
    p.add_argument("--recommend-k", type=int, default=10, help="RECOMMENDED edges for the new product (default 10)")
    p.add_argument("--no-recommend", action="store_true", help="do not ask the promoted GNN for RECOMMENDED edges")
    p.set_defaults(func=cmd_add_product)
