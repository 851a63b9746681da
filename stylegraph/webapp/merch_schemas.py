"""Request and response models of the merchandiser routes (analytics, explanations,
curation, compare), declared like the shop API's in ``schemas.py``."""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from stylegraph.webapp.schemas import K_MAX, TEXT_MAX, FilterQuery, Input, NeighbourQuery, NoNull, Product, absent
from stylegraph.webapp.schemas import Neighbours

GraphName = Literal["SIMILAR", "RECOMMENDED"]
RUN_SOURCE = r"run:[A-Za-z0-9][A-Za-z0-9._-]{0,200}"
SOURCE_PATTERN = rf"^(similar|recommendations|{RUN_SOURCE})$"
MAX_IDS_CHARS = 1000 * (TEXT_MAX + 1)

# ------------------------------------------------------------------ requests


class ExplainQuery(NeighbourQuery):
    """``k``, the product filter and ``explain``."""

    explain: bool = Field(False, description="give each item a why list: the served edge, the graph "
                          "paths that support it, the attributes both products share")


class SummaryQuery(Input):
    """``/api/analytics/summary``."""

    clusters: int = Field(10, ge=0, le=1000, description="largest clusters listed per graph")


class ClustersQuery(Input):
    """``/api/analytics/clusters``."""

    graph: GraphName = Field("SIMILAR", description="whose communities: SIMILAR or RECOMMENDED")
    limit: int = Field(50, ge=1, le=1000, description="most clusters")
    offset: int = Field(0, ge=0, le=10_000_000, description="clusters to skip (largest first)")
    ids: str | NoNull = absent(max_length=MAX_IDS_CHARS,
                               description="comma-separated product ids (at most 1000) whose cluster to give")


class MembersQuery(Input):
    """``/api/analytics/clusters/<n>``."""

    graph: GraphName = Field("SIMILAR", description="whose communities")
    limit: int = Field(100, ge=1, le=10_000, description="most members")


class ProductTarget(Input):
    """A rule in one product's lists."""

    product_id: str = Field(min_length=1, max_length=TEXT_MAX, description="the product whose lists")
    item_id: str = Field(min_length=1, max_length=TEXT_MAX, description="the item pinned or banned")


class ClusterTarget(Input):
    """A rule in the lists of every member of a style cluster (/api/analytics/clusters)."""

    cluster: int = Field(ge=0, description="the style cluster")
    graph: GraphName = Field("SIMILAR", description="the graph whose cluster")
    item_id: str = Field(min_length=1, max_length=TEXT_MAX, description="the item pinned or banned")


class RuleFields(Input):
    """What a pin or ban says."""

    action: Literal["pin", "ban"] = Field(description="pin: show first; ban: never show")
    relation: Literal["similar", "recommendations", "both"] = Field(
        "both", description="which list: /similar, /recommendations or both")
    by: str = Field(min_length=1, max_length=TEXT_MAX, description="who (recorded with the time)")
    note: str = Field("", max_length=TEXT_MAX, description="why, for the curation page")


class CurationBody(ProductTarget, RuleFields):
    """``POST /api/curation``."""


class ClusterCurationBody(ClusterTarget, RuleFields):
    """``POST /api/curation/cluster``."""


class CurationQuery(Input):
    """``GET /api/curation`` and the ``/curation`` page."""

    product_id: str | NoNull = absent(min_length=1, max_length=TEXT_MAX, description="only this product's rules")
    limit: int = Field(500, ge=1, le=10_000, description="most rules (newest first)")


class CompareQuery(FilterQuery):
    """``/api/products/<id>/compare``."""

    a: str = Field("similar", pattern=SOURCE_PATTERN, description="left: similar, recommendations or run:<name>")
    b: str = Field("recommendations", pattern=SOURCE_PATTERN, description="right: the same choices")
    k: int = Field(10, ge=1, le=K_MAX, description="how many products per side")


# ------------------------------------------------------------------ responses


class Reason(BaseModel):
    """One reason an item is served: ``edge``, ``path``, ``attributes`` or ``curation``."""

    model_config = ConfigDict(extra="allow")
    type: Literal["edge", "path", "attributes", "curation"]


class CuratedItem(Product):
    """A served neighbour: its edge score (None for a pinned item without one) and, when
    curated or explained, how."""

    score: Optional[float] = None
    pinned: Optional[bool] = None
    curated_by: Optional[str] = None
    curated_at: Optional[str] = None
    why: Optional[list[Reason]] = None


class CuratedNeighbours(Neighbours):
    """``/similar`` and ``/recommendations`` with pins, bans and reasons."""

    items: list[CuratedItem]  # type: ignore[assignment]
    curated: Optional[dict[str, int]] = Field(None, description="pins and bans applied")


class Stale(BaseModel):
    """An analytics answer: ``stale`` while a newer analysis of the graph is running."""

    model_config = ConfigDict(extra="allow")
    stale: bool


class AnalyticsSummary(Stale):
    """Counts, clusters per graph, hubs, blind spots and coverage per category."""

    products: int
    edges: dict[str, int]
    clusters: dict[str, Any]
    hubs: dict[str, Any]
    blind_spots: dict[str, Any]
    coverage: list[dict[str, Any]]


class ClusterList(Stale):
    """One graph's clusters, largest first, and the cluster of each asked product."""

    graph: str
    method: str
    count: int
    modularity: float
    offset: int
    limit: int
    clusters: list[dict[str, Any]]
    assignments: Optional[dict[str, Optional[int]]] = None


class ClusterMembers(Stale):
    """A cluster's members, most central first."""

    graph: str
    cluster: int
    size: int
    members: list[str]


class Rule(BaseModel):
    """One pin or ban."""

    product_id: str
    item_id: str
    action: str
    relation: str
    by: str
    at: str
    scope: str
    note: str


class CurationWritten(BaseModel):
    """The rules a curation write stored."""

    written: int
    scope: str
    rules: list[Rule]


class CurationRemoved(BaseModel):
    """How many rules a delete removed."""

    removed: int


class CurationList(BaseModel):
    """Every pin and ban (of a product), newest first."""

    count: int
    rules: list[Rule]


class CompareSide(BaseModel):
    """One source's list."""

    source: str
    edge: str
    fallback: bool
    model: Optional[str] = None
    metrics: Optional[dict[str, float]] = None
    items: list[CuratedItem]


class Comparison(BaseModel):
    """Two sources side by side."""

    product_id: str
    k: int
    a: CompareSide
    b: CompareSide
    shared: list[str]
    overlap_at_k: float
    jaccard: float


class CompareSources(BaseModel):
    """What the compare view can show."""

    sources: list[str]
    runs: list[str]
