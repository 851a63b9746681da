"""SASL PLAIN authentication, as Gremlin Server's ``SimpleAuthenticator`` does it.

When users are configured, the first request on a connection is answered with
407 AUTHENTICATE; the client sends op ``authentication`` with arg ``sasl`` =
base64 of ``authzid \\0 user \\0 password``; on success the server evaluates
the request it held back, on failure it answers 401. A connection stays
authenticated once it has succeeded.
"""
from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any, Mapping

CHALLENGE_MESSAGE = "authentication required: send op 'authentication' with SASL PLAIN credentials"


class AuthenticationFailed(Exception):
    """Credentials were missing, malformed or wrong (answered with 401)."""


class PlainAuthenticator:
    """Checks SASL PLAIN credentials against a ``{user: password}`` map."""

    def __init__(self, users: Mapping[str, str]) -> None:
        self._users = dict(users)

    @property
    def enabled(self) -> bool:
        """Whether requests must authenticate (at least one user configured)."""
        return bool(self._users)

    def authenticate(self, args: Mapping[str, Any]) -> str:
        """The user name if ``args['sasl']`` holds valid credentials, else AuthenticationFailed."""
        mechanism = args.get("saslMechanism", "PLAIN") or "PLAIN"
        if str(mechanism).upper() != "PLAIN":
            raise AuthenticationFailed(f"SASL mechanism {mechanism!r} is not supported; use PLAIN")
        user, password = decode_plain(args.get("sasl"))
        expected = self._users.get(user)
        # compare even for unknown users so timing does not reveal which users exist
        ok = hmac.compare_digest(
            (expected if expected is not None else "\0invalid").encode("utf-8"), password.encode("utf-8")
        )
        if expected is None or not ok:
            raise AuthenticationFailed("username and/or password are incorrect")
        return user


def decode_plain(sasl: Any) -> tuple[str, str]:
    """``base64("[authzid]\\0user\\0password")`` -> ``(user, password)``."""
    if isinstance(sasl, (bytes, bytearray)):
        raw = bytes(sasl)
    elif isinstance(sasl, str) and sasl:
        try:
            raw = base64.b64decode(sasl, validate=True)
        except (binascii.Error, ValueError):
            raise AuthenticationFailed("sasl argument is not valid base64") from None
    else:
        raise AuthenticationFailed("missing sasl argument with SASL PLAIN credentials")
    parts = raw.split(b"\0")
    if len(parts) != 3:
        raise AuthenticationFailed("sasl argument is not SASL PLAIN (expected authzid\\0user\\0password)")
    try:
        return parts[1].decode("utf-8"), parts[2].decode("utf-8")
    except UnicodeDecodeError:
        raise AuthenticationFailed("SASL PLAIN credentials are not UTF-8") from None


def encode_plain(user: str, password: str) -> str:
    """The base64 SASL PLAIN token for ``user``/``password`` (what drivers send)."""
    return base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
