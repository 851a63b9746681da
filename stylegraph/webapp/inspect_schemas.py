"""Request and response models of the image-inspection routes (``webapp/inspection.py``)."""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field
from spectree.model_adapter.pydantic_adapter import BaseFile

from stylegraph.webapp.schemas import Input, NoNull, absent


class InspectUpload(Input):
    """The photo to inspect (multipart/form-data), optionally with the product it shows."""

    image: BaseFile = Field(description="a photo (PNG, JPEG, WebP, ...)")
    product_id: str | NoNull = absent(max_length=200)


class ReviewQuery(Input):
    """Which queued photos to list."""

    status: Literal["pending", "reviewed", "all"] = Field("pending", description="which photos")
    limit: int = Field(50, ge=1, le=500, description="at most this many")
    offset: int = Field(0, ge=0, le=10**9, description="skip this many")


class DecisionBody(Input):
    """A reviewer's decision on a queued photo."""

    action: Literal["accept", "correct"] = Field(description="accept the prediction, or correct it")
    reviewer: str = Field(min_length=1, max_length=200, description="who decided")
    label: str | NoNull = absent(max_length=200)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Inspection(_Open):
    """The classifier's answer for one photo."""

    predicted: str
    confidence: float
    decision: Literal["accepted", "review"]
    model: str
    threshold: float
    queued: bool
    sha256: Optional[str] = None


class ReviewItem(_Open):
    """One queued photo with its top classes and latest decision."""

    sha256: str
    image_url: str


class ReviewList(_Open):
    """A page of the review queue."""

    status: str
    total: int
    count: int
    offset: int
    classes: list[Any]
    items: list[ReviewItem]


class ReviewDecision(ReviewItem):
    """The photo after the decision, with its decision history."""

    history: list[Any]
