"""``connect(url) -> ProductGraph``: the one way components open the product graph.

The URL's scheme picks the implementation: ``embedded:``, ``memory:``, ``ws://``,
``wss://`` -> :class:`~stylegraph.queries.gremlin.GremlinProductGraph` (through
``stylegraph.graph.connect``); ``bolt://``, ``bolt+s://``, ``neo4j://``,
``neo4j+s://`` ... -> :class:`~stylegraph.queries.cypher.graph.CypherProductGraph`.
"""
from __future__ import annotations

from typing import Any

from gremlin_python.process.graph_traversal import GraphTraversalSource

from stylegraph.queries.cypher.connect import SCHEMES as NEO4J_SCHEMES
from stylegraph.queries.gremlin import GremlinProductGraph
from stylegraph.queries.interface import ProductGraph
from stylegraph.settings import Settings, get_settings


def is_neo4j_url(url: str) -> bool:
    """True for a URL the Cypher implementation serves."""
    return url.split("://", 1)[0].lower() in NEO4J_SCHEMES if "://" in url else False


def connect(url: str | None = None, **opts: Any) -> ProductGraph:
    """The product graph at ``url`` (default: ``settings.graph_url``).

    Options go to the backend's connect: for Gremlin URLs those of
    :func:`stylegraph.graph.connect.connect`; for Neo4j URLs ``schema`` (create the
    constraints and indexes, default True), ``timeout_s`` and driver options.
    ``settings`` (a Settings) applies to both. A Neo4j that does not answer or
    refuses the credentials raises ``Neo4jConnectError`` here, not on the first query.
    """
    settings: Settings = opts.pop("settings", None) or get_settings()
    url = url or settings.graph_url
    if is_neo4j_url(url):
        from stylegraph.queries.cypher.connect import connect_neo4j

        return connect_neo4j(url, settings, **opts)
    from stylegraph.graph.connect import connect as connect_gremlin

    return as_product_graph(connect_gremlin(url, settings=settings, **opts))


def as_product_graph(graph: Any) -> ProductGraph:
    """``graph`` itself when it is a :class:`ProductGraph`; a Gremlin ``g`` is wrapped."""
    if isinstance(graph, ProductGraph):
        return graph
    if isinstance(graph, GraphTraversalSource):
        return GremlinProductGraph(graph)
    raise TypeError(f"expected a ProductGraph (stylegraph.queries.connect) or a Gremlin g, "
                    f"got {type(graph).__name__}")


def close(graph: Any) -> None:
    """Close a ProductGraph (or a Gremlin ``g``) opened by :func:`connect`."""
    as_product_graph(graph).close()


def display_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.netloc.rsplit('@', 1)[1]}"
    return urlunsplit(parts._replace(netloc=netloc))
