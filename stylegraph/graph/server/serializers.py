"""Wire formats of the Gremlin server: gremlinpython's own readers and writers, used in reverse.

gremlinpython's ``driver/serializer.py`` *writes* requests and *reads* responses.
The server does the opposite with the very same value codecs
(``GraphBinaryReader/Writer``, ``GraphSONReader/Writer`` from
``gremlin_python.structure.io``, completed by ``wire_types`` for the few
request-only types they lack); this module only frames the request and
response envelopes around them.
"""
from __future__ import annotations

import datetime
import decimal
import io
import json
import re
import uuid
from typing import Callable, Protocol

from gremlin_python.structure.graph import Path
from gremlin_python.structure.io import graphbinaryV1 as gb
from gremlin_python.structure.io import graphsonV3d0 as gs

from gremlin_python.statics import bigint

from stylegraph.graph.dialect import DEFAULT as DEFAULT_DIALECT, TP38, Dialect
from stylegraph.graph.jnumbers import Float32
from stylegraph.graph.server.protocol import Request, Response
from stylegraph.graph.tree import Tree
from stylegraph.graph.server.wire_types import (
    GRAPHBINARY_REQUEST_TYPES, GRAPHSON_REQUEST_TYPES, GBDecimalIO, GBOffsetDateTimeIO, GSBigIntIO,
    GSOffsetDateTimeWriter, GSPathWriter, GSTreeWriter, PromotingIntIO, RequestGraphBinaryReader,
    StrictGraphBinaryWriter, TreeIO,
)

GRAPHBINARY_MIME = "application/vnd.graphbinary-v1.0"
GRAPHSON_MIME = "application/vnd.gremlin-v3.0+json"
GRAPHBINARY_VERSION = 0x81


class WireSerializer(Protocol):
    """One wire format: reads a request payload, writes a response frame."""

    mime: str
    #: the client driver's TinkerPop version: the semantics its requests get, the types it is sent
    dialect: Dialect

    def read_request(self, payload: bytes) -> Request:
        """Parse a request payload (after the mime prefix)."""

    def write_response(self, response: Response) -> bytes | str:
        """Encode a response as one websocket frame (bytes: binary frame, str: text frame)."""

    def peek_request_id(self, payload: bytes) -> uuid.UUID | None:
        """The request id of a payload that cannot (or should not) be fully parsed, if findable."""


class GraphBinarySerializer:
    """GraphBinary v1 request reader and response writer."""

    mime = GRAPHBINARY_MIME

    def __init__(self, dialect: Dialect = DEFAULT_DIALECT) -> None:
        self.dialect = dialect
        self._reader = RequestGraphBinaryReader(GRAPHBINARY_REQUEST_TYPES)
        # tuples and frozensets are the engine's hashable lists and sets (map keys): written as lists/sets;
        # a 3.8 driver gets dates as OffsetDateTime, a 3.7 one as Date
        writers: dict[type, object] = {int: PromotingIntIO, tuple: gb.ListIO, frozenset: gb.SetDeserializer,
                                       Float32: gb.FloatIO, decimal.Decimal: GBDecimalIO,
                                       Tree: TreeIO}
        if dialect >= TP38:
            writers[datetime.datetime] = GBOffsetDateTimeIO
        self._writer = StrictGraphBinaryWriter(writers)

    def peek_request_id(self, payload: bytes) -> uuid.UUID | None:
        """The request id from the fixed-size header, without reading the rest."""
        if len(payload) >= 17 and payload[0] == GRAPHBINARY_VERSION:
            return uuid.UUID(bytes=bytes(payload[1:17]))
        return None

    def read_request(self, payload: bytes) -> Request:
        """``{version}{uuid}{op}{processor}{args map}`` -> :class:`Request`."""
        if not payload or payload[0] != GRAPHBINARY_VERSION:
            raise ValueError("not a GraphBinary v1 request (bad version byte)")
        if len(payload) < 17:
            raise ValueError("truncated GraphBinary request: no request id")
        request_id = uuid.UUID(bytes=bytes(payload[1:17]))
        buff = io.BytesIO(payload)
        buff.seek(17)
        try:
            op = self._reader.to_object(buff, gb.DataType.string, False)
            processor = self._reader.to_object(buff, gb.DataType.string, False)
            args = self._reader.to_object(buff, gb.DataType.map, False)
        except Exception as exc:
            raise _WithRequestId(request_id, f"malformed GraphBinary request: {_describe(exc)}") from exc
        if buff.tell() != len(payload):
            raise _WithRequestId(
                request_id, f"malformed GraphBinary request: {len(payload) - buff.tell()} trailing bytes"
            )
        return Request(request_id=request_id, op=op, processor=processor, args=dict(args))

    def write_response(self, response: Response) -> bytes:
        """``{version}{uuid?}{code}{message?}{attributes}{meta}{data}``."""
        w = self._writer
        out = bytearray([GRAPHBINARY_VERSION])
        if response.request_id is None:
            out.append(0x01)
        else:
            gb.UuidIO.dictify(response.request_id, w, out, True, True)
        out.extend(gb.int32_pack(response.code))
        if response.message is None:
            out.append(0x01)
        else:
            gb.StringIO.dictify(response.message, w, out, True, True)
        gb.MapIO.dictify(response.attributes, w, out, True, False)
        gb.MapIO.dictify(response.meta, w, out, True, False)
        w.to_dict(response.data, out)
        return bytes(out)


_JSON_REQUEST_ID = re.compile(
    rb'"requestId"\s*:\s*(?:\{[^{}]*?"@value"\s*:\s*)?"([0-9a-fA-F-]{36})"'
)


class GraphSONSerializer:
    """GraphSON v3 request reader and response writer (binary frames with a mime prefix)."""

    mime = GRAPHSON_MIME

    def __init__(self, text_frames: bool = False, dialect: Dialect = DEFAULT_DIALECT) -> None:
        self.dialect = dialect
        self._reader = gs.GraphSONReader(GRAPHSON_REQUEST_TYPES)
        writers: dict[type, object] = {Path: GSPathWriter, tuple: gs.ListIO, frozenset: gs.SetIO,
                                       Float32: gs.FloatIO, bigint: GSBigIntIO, Tree: GSTreeWriter}
        if dialect >= TP38:
            writers[datetime.datetime] = GSOffsetDateTimeWriter
        self._writer = gs.GraphSONWriter(writers)
        self.text_frames = text_frames

    def peek_request_id(self, payload: bytes) -> uuid.UUID | None:
        """The ``requestId`` found near the start of a JSON payload, if any."""
        match = _JSON_REQUEST_ID.search(bytes(payload[:4096]))
        return uuid.UUID(match.group(1).decode()) if match else None

    def read_request(self, payload: bytes) -> Request:
        """A GraphSON v3 request message -> :class:`Request`."""
        try:
            message = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _WithRequestId(self.peek_request_id(payload), f"malformed GraphSON request: {exc}") from exc
        if not isinstance(message, dict):
            raise ValueError("malformed GraphSON request: not a JSON object")
        try:
            request_id = self._reader.to_object(message.get("requestId"))
            request_id = uuid.UUID(str(request_id)) if request_id is not None else None
        except ValueError:
            raise ValueError(f"malformed GraphSON request: bad requestId {message.get('requestId')!r}") from None
        try:
            args = self._reader.to_object(message.get("args") or {})
        except Exception as exc:
            raise _WithRequestId(request_id, f"malformed GraphSON request: {_describe(exc)}") from exc
        if request_id is None:
            raise ValueError("malformed GraphSON request: no requestId")
        return Request(
            request_id=request_id,
            op=str(message.get("op", "")),
            processor=str(message.get("processor") or ""),
            args=dict(args) if isinstance(args, dict) else {},
        )

    def write_response(self, response: Response) -> bytes | str:
        """The response as GraphSON v3 JSON (``requestId`` as a plain string, as Gremlin Server does)."""
        w = self._writer
        message = {
            "requestId": str(response.request_id) if response.request_id is not None else None,
            "status": {
                "message": response.message or "",
                "code": response.code,
                "attributes": w.to_dict(response.attributes),
            },
            "result": {"data": w.to_dict(response.data), "meta": w.to_dict(response.meta)},
        }
        text = json.dumps(message, separators=(",", ":"))
        if self.text_frames:
            return text
        return text.encode("utf-8")


class _WithRequestId(ValueError):
    """A malformed request whose id could still be read."""

    def __init__(self, request_id: uuid.UUID | None, message: str) -> None:
        super().__init__(message)
        self.request_id = request_id


def _describe(exc: BaseException) -> str:
    if isinstance(exc, (EOFError, IndexError)) or "unpack requires" in str(exc):
        return "truncated payload"
    return f"{type(exc).__name__}: {exc}"


MalformedPayload = _WithRequestId

def _graphson(dialect: Dialect) -> WireSerializer:
    return GraphSONSerializer(dialect=dialect)


_BY_MIME: dict[str, Callable[[Dialect], WireSerializer]] = {
    GRAPHBINARY_MIME: GraphBinarySerializer,
    GRAPHSON_MIME: _graphson,
    "application/json": _graphson,
    "application/vnd.gremlin-v3.0+json;types=true": _graphson,
}


def serializer_for(mime: str, dialect: Dialect = DEFAULT_DIALECT) -> WireSerializer | None:
    """A serializer for ``mime`` speaking to a driver of TinkerPop version ``dialect`` (None when
    we do not speak ``mime``)."""
    factory = _BY_MIME.get(mime.strip().lower())
    return factory(dialect) if factory else None


def supported_mime_types() -> list[str]:
    """The mime types the server accepts."""
    return list(_BY_MIME)
