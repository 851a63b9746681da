"""The product-graph interface in Cypher, on Neo4j through the official ``neo4j`` driver.

``connect_neo4j(url)`` (``bolt://``, ``bolt+s://``, ``neo4j://``, ``neo4j+s://`` ...)
returns a :class:`~stylegraph.queries.cypher.graph.CypherProductGraph`. Every query
is fixed text with parameters; loads are ``UNWIND`` batches; every call runs in a
managed transaction (``driver.execute_query``) that the driver retries on transient
errors. The schema (a uniqueness constraint on the vertex id and indexes on the
filtered product properties) is created on connect.
"""
from stylegraph.queries.cypher.connect import Neo4jConnectError, connect_neo4j, neo4j_target

__all__ = ["Neo4jConnectError", "connect_neo4j", "neo4j_target"]
