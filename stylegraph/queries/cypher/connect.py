"""``bolt://`` / ``neo4j://`` URLs -> a Neo4j driver, with credentials and clear errors.

Credentials come from the URL (``bolt://user:password@host:7687``) or else from
the settings ``neo4j_user`` / ``neo4j_password`` (``STYLEGRAPH_NEO4J_USER``,
``STYLEGRAPH_NEO4J_PASSWORD``). A URL path names the database
(``bolt://host:7687/shop``), else ``neo4j_database``, else the server's default.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from stylegraph.settings import Settings, get_settings

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Neo4jConnectError(RuntimeError):
    """Neo4j cannot be reached, or refused the credentials (raised by ``connect``)."""


@dataclass(frozen=True)
class Neo4jTarget:
    """Where and as whom to connect: the driver URI (no credentials), auth and database."""

    uri: str
    user: str
    password: str
    database: str | None

    @property
    def auth(self) -> tuple[str, str] | None:
        """``(user, password)``, or None for a server without authentication."""
        return (self.user, self.password) if (self.user or self.password) else None


def neo4j_target(url: str, settings: Settings | None = None) -> Neo4jTarget:
    """Parse a Neo4j URL (ValueError when it is not one) with the settings' defaults."""
    settings = settings or get_settings()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"not a Neo4j URL: {url!r} (schemes: {', '.join(s + '://' for s in SCHEMES)})")
    if not parts.hostname:
        raise ValueError(f"Neo4j URL {url!r} has no host, e.g. bolt://localhost:7687")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    user = unquote(parts.username) if parts.username else settings.neo4j_user
    password = unquote(parts.password) if parts.password is not None else settings.neo4j_password
    database = unquote(parts.path.strip("/")) or settings.neo4j_database or None
    return Neo4jTarget(urlunsplit((scheme, netloc, "", parts.query, "")), user, password, database)


def connect_neo4j(url: str, settings: Settings | None = None, *, schema: bool = True,
                  timeout_s: float = 10.0, **driver_opts: Any) -> Any:
    """A :class:`CypherProductGraph` on the Neo4j at ``url``, checked and with its schema in place.

    Raises :class:`Neo4jConnectError` when the server does not answer or refuses
    the credentials (the message says which), so a component fails at start, not
    on its first query.
    """
    import neo4j
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

    from stylegraph.queries.cypher.graph import CypherProductGraph
    from stylegraph.queries.cypher.schema import ensure_schema

    target = neo4j_target(url, settings)
    driver_opts.setdefault("connection_timeout", timeout_s)
    # retries cover deadlocks and leader switches; a Neo4j that is down fails within seconds (a 503)
    driver_opts.setdefault("max_transaction_retry_time", 3.0)
    driver_opts.setdefault("notifications_min_severity", "OFF")  # "property does not exist yet" on an empty graph
    driver = neo4j.GraphDatabase.driver(target.uri, auth=target.auth, **driver_opts)
    try:
        driver.verify_connectivity()
        if schema:
            ensure_schema(driver, target.database)
    except AuthError as exc:
        driver.close()
        raise Neo4jConnectError(f"Neo4j at {target.uri} refused the credentials of user {target.user!r} "
                                f"(wrong password? set it in the URL or STYLEGRAPH_NEO4J_PASSWORD): "
                                f"{exc.message}") from None
    except (ServiceUnavailable, OSError) as exc:
        driver.close()
        raise Neo4jConnectError(f"cannot reach Neo4j at {target.uri}: {exc}") from None
    except Neo4jError as exc:
        driver.close()
        raise Neo4jConnectError(f"Neo4j at {target.uri} refused the product graph's schema: {exc.message}") from None
    return CypherProductGraph(driver, target.database, url=target.uri)
