"""The Neo4j schema of the product graph: what makes ids unique and filters fast.

Every vertex is a node labelled ``Vertex`` plus its own label (``product``, ``meta``)
with the string property ``id``; a Gremlin edge is a relationship of the same type.
"""
from __future__ import annotations

from typing import Any

VERTEX = "Vertex"
PRODUCT = "product"

#: statements run on connect; each is idempotent (``IF NOT EXISTS``)
SCHEMA = (
    "CREATE CONSTRAINT stylegraph_vertex_id IF NOT EXISTS FOR (n:Vertex) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT stylegraph_product_id IF NOT EXISTS FOR (n:product) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX stylegraph_product_category IF NOT EXISTS FOR (n:product) ON (n.category)",
    "CREATE INDEX stylegraph_product_price IF NOT EXISTS FOR (n:product) ON (n.price)",
    "CREATE INDEX stylegraph_product_in_stock IF NOT EXISTS FOR (n:product) ON (n.in_stock)",
    "CREATE TEXT INDEX stylegraph_product_title IF NOT EXISTS FOR (n:product) ON (n.title)",
)


def ensure_schema(driver: Any, database: str | None) -> None:
    """Create the constraints and indexes (no-ops when they exist) and wait until they are online."""
    for statement in SCHEMA:
        driver.execute_query(statement, database_=database)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
