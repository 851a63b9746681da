"""Merchandisers' pins and bans, stored in the graph as ``CURATED`` edges, and applied to
``/similar`` and ``/recommendations``.

Data model: label ``CURATED``, product -> product (the product whose list is
curated -> the item pinned or banned), properties ``action`` (``pin`` |
``ban``), ``relation`` (``similar`` | ``recommendations`` | ``both``), ``by``
(who), ``at`` (ISO-8601 UTC), ``scope`` (``product``, or ``cluster:<graph>:<n>``
when written for every member of a style cluster) and ``note``. At most one
per ordered pair, upserted with ``mergeE`` on (label, from, to), so a ban
replaces a pin. Why the graph and not a side file: every backend stores it
durably, every app instance and the GNN's export see the same rules, and the
writer bumps the graph version, which invalidates every read cache.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Optional, Sequence

from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import Direction, Merge, Order, P, T

from stylegraph.product_schema import CURATED
from stylegraph.queries.filters import PRODUCT_LABEL, ProductFilter
from stylegraph.queries.products import normalize_element_map

CURATED_LABEL = CURATED
ACTIONS = ("pin", "ban")
RELATIONS = ("similar", "recommendations", "both")
PROPS = ("action", "relation", "by", "at", "scope", "note")
BATCH = 200


@dataclass(frozen=True)
class Curation:
    """One pin or ban of ``item`` in ``product``'s lists."""

    product: str
    item: str
    action: str
    relation: str = "both"
    by: str = ""
    at: str = ""
    scope: str = "product"
    note: str = ""

    def applies_to(self, relation: str) -> bool:
        """True when this rule curates the ``similar`` / ``recommendations`` list."""
        return self.relation in (relation, "both")

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"product_id": self.product, "item_id": self.item, "action": self.action,
                "relation": self.relation, "by": self.by, "at": self.at, "scope": self.scope,
                "note": self.note}


def now_iso() -> str:
    """The current UTC time, ISO-8601 to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def write_curations(g: GraphTraversalSource, rules: Sequence[Curation]) -> int:
    """Upsert ``rules`` (chained ``mergeE`` per batch); both endpoints must exist."""
    for start in range(0, len(rules), BATCH):
        t = g
        for r in rules[start:start + BATCH]:
            props = {"action": r.action, "relation": r.relation, "by": r.by, "at": r.at or now_iso(),
                     "scope": r.scope, "note": r.note}
            t = (t.merge_e({T.label: CURATED_LABEL, Direction.OUT: r.product, Direction.IN: r.item})
                 .option(Merge.on_create, props).option(Merge.on_match, props))
        t.iterate()
    return len(rules)


def remove_curations(g: GraphTraversalSource, pairs: Sequence[tuple[str, str]]) -> int:
    """Drop the ``CURATED`` edges of ``(product, item)`` pairs; returns how many existed."""
    removed = 0
    for product, item in pairs:
        found = g.V(product).out_e(CURATED_LABEL).where(__.in_v().has_id(item))
        n = int(found.count().next())
        if n:
            g.V(product).out_e(CURATED_LABEL).where(__.in_v().has_id(item)).drop().iterate()
            removed += n
    return removed


def _rows_to_rules(rows: Iterable[dict[str, Any]]) -> list[Curation]:
    return [Curation(product=str(r["product"]), item=str(r["item"]),
                     **{k: str(r[k]) for k in PROPS}) for r in rows]


def _project(t: Any) -> Any:
    t = t.project("product", "item", *PROPS).by(__.out_v().id_()).by(__.in_v().id_())
    for key in PROPS:
        t = t.by(__.coalesce(__.values(key), __.constant("")))
    return t


def curations_of(g: GraphTraversalSource, product_id: str) -> list[Curation]:
    """The rules curating ``product_id``'s lists, oldest first."""
    rows = _project(g.V(product_id).out_e(CURATED_LABEL).order().by("at", Order.asc)).to_list()
    return _rows_to_rules(rows)


def list_curations(g: GraphTraversalSource, product_id: Optional[str] = None,
                   limit: int = 1000) -> list[Curation]:
    """Every rule (of ``product_id`` when given), newest first, at most ``limit``."""
    t = g.V(product_id).out_e(CURATED_LABEL) if product_id else g.E().has_label(CURATED_LABEL)
    rows = _project(t.order().by("at", Order.desc).limit(limit)).to_list()
    return _rows_to_rules(rows)


def pinned_products(g: GraphTraversalSource, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Product dicts (neighbour shape, without score) of ``ids`` that exist."""
    if not ids:
        return {}
    rows = g.V(*ids).has_label(PRODUCT_LABEL).element_map().to_list()
    out = {}
    for row in rows:
        p = normalize_element_map(row)
        out[str(p["id"])] = {k: p.get(k) for k in
                             ("id", "title", "brand", "price", "category", "in_stock", "image")}
    return out


def apply_curation(g: GraphTraversalSource, product_id: str, relation: str, k: int,
                   flt: Optional[ProductFilter], fetch: Callable[[int], Optional[Any]]) -> Optional[Any]:
    """A neighbour result with ``product_id``'s pins and bans for ``relation`` applied.

    ``fetch(n)`` returns the uncurated top-``n`` result (a ``NeighbourResult``, or None for an
    unknown product). Banned items are removed (``n`` is raised by their number so ``k``
    items remain when there are enough), pinned items that pass ``flt`` come first (oldest
    pin first, ``"pinned": true``, their own edge score or None), and the list is cut to ``k``.
    """
    return apply_rules(curations_of(g, product_id), relation, k, flt, fetch,
                       lambda ids: pinned_products(g, ids))


def product_summaries(products: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Product dicts (``get_products`` shape) cut to the neighbour shape, without score."""
    return {pid: {k: p.get(k) for k in ("id", "title", "brand", "price", "category", "in_stock", "image")}
            for pid, p in products.items()}


def apply_rules(rules: Sequence[Curation], relation: str, k: int, flt: Optional[ProductFilter],
                fetch: Callable[[int], Optional[Any]],
                lookup: Callable[[Sequence[str]], dict[str, dict[str, Any]]]) -> Optional[Any]:
    """:func:`apply_curation` on given ``rules`` (any backend; ``lookup`` finds pinned products
    that ``fetch`` did not serve, as :func:`pinned_products` does)."""
    rules = [r for r in rules if r.applies_to(relation)]
    if not rules:
        return fetch(k)
    bans = {r.item for r in rules if r.action == "ban"}
    pins = [r for r in rules if r.action == "pin" and r.item not in bans]
    result = fetch(k + len(bans) + len(pins))
    if result is None:
        return None
    served = {item["id"]: item for item in result.items}
    pinned_info = lookup([r.item for r in pins if r.item not in served])
    flt = flt or ProductFilter()
    top: list[dict[str, Any]] = []
    for rule in pins:
        item = served.get(rule.item) or ({**pinned_info[rule.item], "score": None}
                                         if rule.item in pinned_info else None)
        if item is None or (rule.item not in served and not flt.matches(item)):
            continue
        top.append({**item, "pinned": True, "curated_by": rule.by, "curated_at": rule.at})
    pinned_ids = {i["id"] for i in top}
    rest = [i for i in result.items if i["id"] not in bans and i["id"] not in pinned_ids]
    result.items = (top + rest)[:k]
    result.curated = {"pins": len(top), "bans": len(bans & set(served))}
    return result


def iter_training_curations(g: GraphTraversalSource, batch_size: int = 1000) -> list[tuple[str, str, str]]:
    """``(product, item, action)`` of every rule on the recommendations list (``relation``
    ``recommendations`` or ``both``): what the GNN learns from. One streamed traversal."""
    rows = (
        g.with_("batchSize", batch_size).E().has_label(CURATED_LABEL)
        .has("relation", P.within("recommendations", "both"))
        .project("product", "item", "action").by(__.out_v().id_()).by(__.in_v().id_()).by("action")
        .to_list()
    )
    return [(str(r["product"]), str(r["item"]), str(r["action"])) for r in rows]
