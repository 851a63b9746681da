"""Query-parameter parsing that turns bad input into a 400, never a 500."""
from __future__ import annotations

import math
from typing import Optional, Sequence

from flask import request

from stylegraph.queries.filters import ProductFilter
from stylegraph.webapp.errors import BadParameter

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> Optional[str]:
    value = request.args.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def int_param(name: str, default: int, lo: int, hi: int) -> int:
    """An integer parameter in ``lo..hi`` (``default`` when absent or empty)."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be an integer, got {raw!r}") from None
    if not lo <= value <= hi:
        raise BadParameter(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def float_param(name: str) -> Optional[float]:
    """A finite number parameter, or None when absent or empty."""
    raw = _raw(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise BadParameter(f"{name} must be a finite number, got {raw!r}")
    return value


def bool_param(name: str) -> Optional[bool]:
    """A boolean parameter (true/false/1/0/yes/no/on/off), or None when absent or empty."""
    raw = _raw(name)
    if raw is None:
        return None
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise BadParameter(f"{name} must be true or false, got {raw!r}")


def str_param(name: str, max_length: int = 200) -> Optional[str]:
    """A string parameter, or None when absent or empty."""
    raw = _raw(name)
    if raw is not None and len(raw) > max_length:
        raise BadParameter(f"{name} is longer than {max_length} characters")
    return raw


def choice_param(name: str, choices: Sequence[str], default: str) -> str:
    """One of ``choices`` (case-insensitive), ``default`` when absent."""
    raw = _raw(name)
    if raw is None:
        return default
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise BadParameter(f"{name} must be one of {', '.join(choices)}, got {raw!r}")


def product_filter() -> ProductFilter:
    """The in_stock / min_price / max_price / category filter of the request."""
    min_price = float_param("min_price")
    max_price = float_param("max_price")
    if min_price is not None and max_price is not None and min_price > max_price:
        raise BadParameter("min_price must not be greater than max_price")
    return ProductFilter(
        in_stock=bool_param("in_stock"),
        min_price=min_price,
        max_price=max_price,
        category=str_param("category"),
    )
