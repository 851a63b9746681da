"""The request and response models of the API: the one place its limits are written.

spectree validates requests with the query/form/JSON models and responses with
the body models, and generates ``/api/openapi.json`` from the same classes
(``contract.py``). Query models are strict: a value the schema does not allow
(``k=0``, ``min_price=abc``, ``depth=`` empty) is a 400.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema
from spectree.model_adapter.pydantic_adapter import BaseFile

from stylegraph.product_schema import RECOMMENDED, SIMILAR
from stylegraph.queries.explore import EDGE_LABELS, RELATED
from stylegraph.queries.filters import ProductFilter

K_DEFAULT, K_MAX = 6, 100
TEXT_MAX = 200
# named sets of the explorer's edge types (``edge=``); a comma-separated list works too
EDGE_SETS = {"both": (SIMILAR, RECOMMENDED), "all": EDGE_LABELS}


def _any_case(word: str) -> str:
    """A regex matching ``word`` in any letter case (JSON Schema patterns have no flags)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


_LABEL = "(" + "|".join(_any_case(label) for label in EDGE_LABELS) + ")"
EDGE_PATTERN = "^(" + "|".join(_any_case(name) for name in EDGE_SETS) + f"|{_LABEL}(,{_LABEL})*)$"


# an optional input is left out, never sent as null (a query string has no null)
NoNull = SkipJsonSchema[None]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent(**constraints: Any) -> Any:
    """An optional input: None when left out, documented without a null default."""
    return Field(None, json_schema_extra=_no_default, **constraints)


class Input(BaseModel):
    """A request model: an optional value is left out, never null (as the schema says)."""

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [key for key, value in data.items() if value is None and key in cls.model_fields]
            if nulls:
                raise ValueError(f"{', '.join(nulls)} must not be null (leave it out)")
            if cls.model_config.get("extra") != "allow":  # ignored anyway; keeps errors JSON-safe
                data = {key: value for key, value in data.items() if key in cls.model_fields}
        return data


class ErrorBody(BaseModel):
    """Every error: ``{"error": "what went wrong"}`` (the health check adds ``status``)."""

    model_config = ConfigDict(extra="allow")
    error: str


# ------------------------------------------------------------------ requests

class FilterQuery(Input):
    """The product filter of the neighbour and visual-search routes."""

    in_stock: bool | NoNull = absent(description="only products in stock (true) or not (false)")
    min_price: float | NoNull = absent(allow_inf_nan=False, description="lowest price")
    max_price: float | NoNull = absent(allow_inf_nan=False,
                                       description="highest price (below min_price nothing matches)")
    category: str | NoNull = absent(max_length=TEXT_MAX, description="only this category")

    def product_filter(self) -> ProductFilter:
        """The filter as the queries take it."""
        return ProductFilter(self.in_stock, self.min_price, self.max_price, self.category)


class NeighbourQuery(FilterQuery):
    """``k`` and the product filter."""

    k: int = Field(K_DEFAULT, ge=1, le=K_MAX, description="how many products")


class NeighborhoodQuery(Input):
    """The explorer's neighbourhood request."""

    id: str = Field(min_length=1, max_length=TEXT_MAX, description="the centre product")
    depth: int = Field(1, ge=1, le=3, description="hops")
    limit: int = Field(50, ge=1, le=500, description="most products")
    edge: str = Field("both", pattern=EDGE_PATTERN,
                      description="both (SIMILAR, RECOMMENDED), all (also RELATED: the relation edges), "
                      "or a comma-separated list of SIMILAR, RECOMMENDED, RELATED (any case)")
    min_score: float | NoNull = absent(allow_inf_nan=False,
                                       description="lowest SIMILAR/RECOMMENDED score (relations are not cut)")

    def edge_labels(self) -> tuple[str, ...]:
        """The edge types asked for, in order, without repeats."""
        named = EDGE_SETS.get(self.edge.lower())
        return named or tuple(dict.fromkeys(e.upper() for e in self.edge.split(",")))


class TextSearchQuery(Input):
    """The explorer's search box."""

    q: str = Field("", max_length=TEXT_MAX, description="product id or title words; empty lists products")
    limit: int = Field(20, ge=1, le=100, description="most results")


class ImageUpload(Input):
    """The visual-search upload (multipart/form-data)."""

    image: BaseFile = Field(description="a photo (PNG, JPEG, WebP, ...)")


class ViewNode(Input):
    """A product on the explorer's screen: a neighbourhood node plus where it was drawn."""

    model_config = ConfigDict(extra="allow", strict=True)  # JSON: no "1.5" for a number
    id: str = Field(min_length=1, max_length=TEXT_MAX)
    x: float | NoNull = absent(allow_inf_nan=False)
    y: float | NoNull = absent(allow_inf_nan=False)
    expanded: bool = False


class ViewEdge(Input):
    """An edge on the explorer's screen."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, strict=True)
    from_: str = Field(alias="from", max_length=TEXT_MAX)
    to: str = Field(max_length=TEXT_MAX)
    type: str = Field(max_length=40)
    score: float = Field(0.0, allow_inf_nan=False)


class ExportView(Input):
    """``POST /api/explore/export``: the view on screen."""

    model_config = ConfigDict(strict=True)

    title: str = Field("stylegraph view", max_length=TEXT_MAX)
    root: str | NoNull = absent(max_length=TEXT_MAX)
    nodes: list[ViewNode] = Field(min_length=1, max_length=1000)
    edges: list[ViewEdge] = Field(default_factory=list, max_length=5000)


# ------------------------------------------------------------------ responses

class Product(BaseModel):
    """A product's properties (any catalog column) and the URL of its photo."""

    model_config = ConfigDict(extra="allow")
    id: str
    label: Optional[str] = None
    title: Optional[str] = None
    brand: Optional[str] = None
    category: Optional[str] = None
    subcategory: Optional[str] = None
    color: Optional[str] = None
    pattern: Optional[str] = None
    price: Optional[float] = None
    in_stock: Optional[bool] = None
    image: Optional[str] = Field(None, description="path of the photo in the catalog")
    image_url: Optional[str] = Field(None, description="where this app serves the photo")


class ScoredProduct(Product):
    """A product and the score of the edge (or search hit) that found it."""

    score: float


class Neighbours(BaseModel):
    """``/similar`` ("looks like") and ``/recommendations`` ("goes with")."""

    product_id: str
    edge: str = Field(description="SIMILAR or RECOMMENDED")
    relation: str = Field(description="what the edge means: looks like, goes with")
    k: int
    count: int
    fallback: Optional[bool] = Field(None, description="recommendations fell back to SIMILAR")
    model: Optional[str] = None
    items: list[ScoredProduct]


class SearchTiming(BaseModel):
    """Server time of one visual search, in milliseconds."""

    queue: float
    embed_and_search: float
    total: float


class SearchResult(BaseModel):
    """Visual search: the upload's look-alikes."""

    model: str
    k: int
    count: int
    batch_size: int = Field(description="uploads embedded in the same CNN batch")
    timing_ms: SearchTiming
    items: list[ScoredProduct]


class GraphNode(Product):
    """A product in a neighbourhood, ``level`` hops from the centre."""

    level: int


class GraphEdge(BaseModel):
    """An edge between two products of a neighbourhood."""

    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    type: str = Field(description=f"{SIMILAR}, {RECOMMENDED} or {RELATED}")
    kind: Optional[str] = Field(None, description="a relation's own label (WORN_WITH, ...)")
    score: float = Field(description="cosine, model score, or a relation's co-occurrence count")


class Neighborhood(BaseModel):
    """A product's neighbourhood: plain products and edges (the explorer styles them)."""

    root: str
    depth: int
    limit: int
    edge: str
    min_score: Optional[float]
    truncated: bool
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class TextHit(BaseModel):
    """One search-box hit."""

    id: str
    title: str
    brand: Optional[str] = None
    category: Optional[str] = None
    price: Optional[float] = None
    image: Optional[str] = Field(None, description="photo URL")


class TextSearchResult(BaseModel):
    """The search box's answer."""

    query: str
    results: list[TextHit]


class Stats(BaseModel):
    """Counts by label, the models in use, cache and batching counters."""

    vertices: dict[str, int]
    edges: dict[str, int]
    recommendation_models: dict[str, int] = Field(default_factory=dict)
    recommendation_model: Optional[str] = None
    embedding_model: Optional[str] = None
    cache: Optional[dict[str, Any]] = None
    search: Optional[dict[str, Any]] = None


class Health(BaseModel):
    """The graph answers."""

    status: str
    graph: str
    graph_version: int

