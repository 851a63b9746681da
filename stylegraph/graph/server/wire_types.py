"""Codecs for the values gremlinpython's readers and writers miss on the server side.

gremlinpython's readers were written for responses, so they cannot read a few
types that only ever appear in requests (``P``, ``TextP``, lambdas, strategies,
classes) and, in GraphSON, bytecode and most enums; its enum reader also loses
members named with a trailing underscore (``Scope.global_``). Its GraphBinary
writer cannot write a Python int beyond 32 bits and writes *nothing* for an
unknown type; its GraphSON writer cannot write a ``Path``. Each codec here
composes gremlinpython's own primitives and builds the same gremlinpython
object a client program would have built, so the engine sees identical
bytecode whether it came over the wire or from an in-process connection.
"""
from __future__ import annotations

import datetime
import decimal
import io
from enum import Enum
from typing import Any, Callable

from gremlin_python.process import strategies as _strategies
from gremlin_python.process.traversal import (
    DT, Barrier, Binding, Bytecode, Cardinality, Column, Direction, Merge, Operator, Order, P,
    Pick, Pop, Scope, T, TextP, TraversalStrategy,
)
from gremlin_python.statics import GremlinType, bigint, long, short
from gremlin_python.structure.graph import Path
from gremlin_python.structure.io import graphbinaryV1 as gb
from gremlin_python.structure.io import graphsonV3d0 as gs
from gremlin_python.structure.io.util import SymbolUtil

from stylegraph.graph.decoration.catalog import ENGINE_STRATEGIES
from stylegraph.graph.gtype import gtype_of_wire
from stylegraph.graph.jnumbers import Float32
from stylegraph.graph.pick import UNPRODUCTIVE
from stylegraph.graph.tree import Tree

_ENUMS: dict[str, type[Enum]] = {
    "Barrier": Barrier, "Cardinality": Cardinality, "Column": Column, "Direction": Direction,
    "DT": DT, "Merge": Merge, "Operator": Operator, "Order": Order, "Pick": Pick, "Pop": Pop,
    "Scope": Scope, "T": T,
}


def enum_member(enum_cls: type[Enum], wire_name: str) -> Enum:
    """The member of ``enum_cls`` a client wrote as ``wire_name`` (camelCase, no trailing ``_``).

    gremlinpython names members that clash with Python keywords with a trailing
    underscore (``Scope.global_``, ``Pop.all_``, ``Operator.sum_``) but writes them
    without it, and its own reader does not map them back; this does.
    """
    if enum_cls is Pick and wire_name == "unproductive":
        return UNPRODUCTIVE  # TinkerPop 3.8's, absent from gremlinpython 3.7's Pick
    members = enum_cls.__members__
    snake = SymbolUtil.to_snake_case(wire_name)
    for candidate in (wire_name, wire_name + "_", snake, snake + "_"):
        if candidate in members:
            return members[candidate]
    raise ValueError(f"unknown {enum_cls.__name__} value {wire_name!r}")


def _strategy_classes() -> tuple[dict[str, type], dict[str, type]]:
    """gremlinpython's strategy classes keyed by fully-qualified Java name and by simple name."""
    by_fqcn: dict[str, type] = {}
    by_name: dict[str, type] = {}
    for value in vars(_strategies).values():
        if isinstance(value, type) and issubclass(value, TraversalStrategy) and value is not TraversalStrategy:
            by_name[value.__name__] = value
            by_fqcn[_strategies.base_namespace + value.__name__] = value
    for ns in ("decoration", "finalization", "optimization", "verification"):
        for name, cls in by_name.items():
            by_fqcn[f"{_strategies.base_namespace}{ns}.{name}"] = cls
    for name, cls in by_name.items():
        by_fqcn[_strategies.computer_decoration_namespace + name] = cls
    return by_fqcn, by_name


_STRATEGY_BY_FQCN, _STRATEGY_BY_NAME = _strategy_classes()


def make_strategy(name_or_fqcn: str, configuration: dict) -> TraversalStrategy:
    """A strategy object of the gremlinpython class named by ``name_or_fqcn`` with ``configuration``."""
    simple = name_or_fqcn.rsplit(".", 1)[-1]
    cls = _STRATEGY_BY_FQCN.get(name_or_fqcn) or _STRATEGY_BY_NAME.get(simple)
    fqcn = name_or_fqcn if "." in name_or_fqcn else None
    if cls is None:
        return TraversalStrategy(strategy_name=simple, configuration=dict(configuration), fqcn=fqcn)
    strategy = cls.__new__(cls)
    TraversalStrategy.__init__(strategy, configuration=dict(configuration), fqcn=fqcn)
    return strategy


def make_predicate(cls: type[P], operator: str, args: list, paired: bool) -> P:
    """Rebuild a ``P``/``TextP`` from its operator and argument list as gremlinpython would."""
    if operator in ("within", "without"):
        return cls(operator, list(args))
    if operator in ("and", "or") and len(args) > 2 and all(isinstance(a, P) for a in args):
        # Java's AndP/OrP flatten a chain (gt(18).and(lt(30)).and(lt(35))) into one list;
        # gremlinpython's P nests pairs
        nested = args[0]
        for other in args[1:]:
            nested = cls(operator, nested, other)
        return nested
    if paired and len(args) == 2:
        return cls(operator, args[0], args[1])
    if len(args) == 1:
        return cls(operator, args[0])
    return cls(operator, list(args))


def make_lambda(script: str, language: str) -> Callable[[], tuple[str, str]]:
    """A gremlinpython-style lambda (a function returning ``(script, language)``)."""
    def _lambda() -> tuple[str, str]:
        return script, language
    return _lambda



# -- GraphBinary v1 ------------------------------------------------------------

class _PReader:
    graphbinary_type = gb.DataType.p
    predicate_cls: type[P] = P

    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
        """Read one value (gremlinpython's codec interface)."""
        def read(b: io.BytesIO, r: gb.GraphBinaryReader) -> P:
            """Read the value's body."""
            operator = r.to_object(b, gb.DataType.string, False)
            count = gb.int32_unpack(b.read(4))
            args = [r.read_object(b) for _ in range(count)]
            return make_predicate(cls.predicate_cls, operator, args, paired=True)
        return gb._GraphBinaryTypeIO.is_null(buff, reader, read, nullable)


class _TextPReader(_PReader):
    graphbinary_type = gb.DataType.textp
    predicate_cls = TextP


class _LambdaReader:
    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
        """Read one value (gremlinpython's codec interface)."""
        def read(b: io.BytesIO, r: gb.GraphBinaryReader) -> Callable:
            """Read the value's body."""
            language = r.to_object(b, gb.DataType.string, False)
            script = r.to_object(b, gb.DataType.string, False)
            b.read(4)  # argument count
            return make_lambda(script, language)
        return gb._GraphBinaryTypeIO.is_null(buff, reader, read, nullable)


class _ClassReader:
    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
        """Read one value (gremlinpython's codec interface)."""
        return gb._GraphBinaryTypeIO.is_null(
            buff, reader, lambda b, r: GremlinType(r.to_object(b, gb.DataType.string, False)), nullable
        )


class _StrategyReader:
    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
        """Read one value (gremlinpython's codec interface)."""
        def read(b: io.BytesIO, r: gb.GraphBinaryReader) -> TraversalStrategy:
            """Read the value's body."""
            fqcn = r.to_object(b, gb.DataType.string, False)
            conf = r.to_object(b, gb.DataType.map, False)
            return make_strategy(fqcn, conf)
        return gb._GraphBinaryTypeIO.is_null(buff, reader, read, nullable)


def _enum_reader(enum_cls: type[Enum]) -> type:
    class _EnumReader:
        @classmethod
        def objectify(cls, buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
            """Read one value (gremlinpython's codec interface)."""
            return gb._GraphBinaryTypeIO.is_null(
                buff, reader, lambda b, r: enum_member(enum_cls, r.read_object(b)), nullable
            )
    return _EnumReader


class _LongReader:
    """Int64 as gremlinpython's ``long``: a Long the client sent stays a Long in the answer."""

    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
        """Read one value (gremlinpython's codec interface)."""
        value = gb.LongIO.objectify(buff, reader, nullable)
        return None if value is None else long(value)


def _typed_int_reader(io_cls: Any, wrap: type) -> type:
    """Short/Byte/BigInteger read as gremlinpython's wrapper, so the value keeps its Java type."""
    class _Reader:
        @classmethod
        def objectify(cls, buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
            """Read one value (gremlinpython's codec interface)."""
            value = io_cls.objectify(buff, reader, nullable)
            return None if value is None else wrap(value)
    return _Reader


# TinkerPop 3.8 type codes gremlinpython 3.7's reader does not know
GTYPE_CODE, OFFSET_DATETIME_CODE = 0x30, 0x88


def _read_gtype(buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
    """``GType`` (0x30): an enum, its name as a fully qualified string."""
    return gb._GraphBinaryTypeIO.is_null(buff, reader, lambda b, r: gtype_of_wire(r.read_object(b)), nullable)


def _read_offset_datetime(buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
    """``OffsetDateTime`` (0x88): LocalDate (int year, byte month, byte day), LocalTime (long
    nanoseconds of the day), ZoneOffset (int seconds) -> an aware ``datetime``."""
    def read(b: io.BytesIO, r: gb.GraphBinaryReader) -> datetime.datetime:
        year = gb.int32_unpack(b.read(4))
        month, day = b.read(1)[0], b.read(1)[0]
        nanos = gb.int64_unpack(b.read(8))
        offset = gb.int32_unpack(b.read(4))
        tz = datetime.timezone(datetime.timedelta(seconds=offset))
        return datetime.datetime(year, month, day, tzinfo=tz) + datetime.timedelta(microseconds=nanos // 1000)
    return gb._GraphBinaryTypeIO.is_null(buff, reader, read, nullable)


class RequestGraphBinaryReader(gb.GraphBinaryReader):
    """gremlinpython's reader plus the 3.8 types a 3.8 driver sends: GType and OffsetDateTime."""

    _EXTRA = {GTYPE_CODE: _read_gtype, OFFSET_DATETIME_CODE: _read_offset_datetime}

    def to_object(self, buff: io.BytesIO, data_type: Any = None, nullable: bool = True) -> Any:
        """Read one fully qualified value (or one of ``data_type``)."""
        if data_type is None:
            pos = buff.tell()
            code = buff.read(1)
            extra = self._EXTRA.get(code[0]) if code else None
            if extra is not None:
                return extra(buff, self, nullable)
            buff.seek(pos)
        return super().to_object(buff, data_type, nullable)


class PromotingIntIO:
    """Python ``int`` as Int, Long or BigInteger by magnitude (gremlinpython's writer only does Int).

    GraphSON's writer already promotes; without this a stored Long such as the
    meta vertex's nanosecond version stamp could not be sent over GraphBinary.
    """

    @classmethod
    def dictify(cls, obj: int, writer: gb.GraphBinaryWriter, to_extend: bytearray,
                as_value: bool = False, nullable: bool = True) -> bytearray:
        """Write one value (gremlinpython's codec interface)."""
        if -2**31 <= obj < 2**31:
            return gb.IntIO.dictify(obj, writer, to_extend, as_value, nullable)
        if -2**63 <= obj < 2**63:
            return gb.LongIO.dictify(obj, writer, to_extend, as_value, nullable)
        return gb.BigIntIO.dictify(obj, writer, to_extend, as_value, nullable)


class StrictGraphBinaryWriter(gb.GraphBinaryWriter):
    """gremlinpython's writer, but a value it has no serializer for is an error, not zero bytes."""

    def to_dict(self, obj: Any, to_extend: bytearray | None = None) -> Any:
        """Write ``obj``; TypeError for a type GraphBinary cannot carry."""
        if obj is not None and type(obj) not in self.serializers and not any(
            isinstance(obj, key) for key in self.serializers
        ):
            raise TypeError(f"GraphBinary has no type for a Python {type(obj).__name__} value")
        return super().to_dict(obj, to_extend)


# -- Java number types and dates written back -----------------------------------

def _decimal_parts(value: decimal.Decimal) -> tuple[int, int]:
    """(scale, unscaled value) of a BigDecimal: ``value == unscaled * 10**-scale``."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise TypeError(f"BigDecimal cannot carry {value}")
    unscaled = int("".join(map(str, digits)) or "0")
    return -exponent, -unscaled if sign else unscaled


def _decimal_of(scale: int, unscaled: int) -> decimal.Decimal:
    return decimal.Decimal(unscaled).scaleb(-scale)


class GBDecimalIO:
    """``decimal.Decimal`` as GraphBinary BigDecimal (0x22): int scale, BigInteger unscaled value."""

    @classmethod
    def dictify(cls, obj: decimal.Decimal, writer: gb.GraphBinaryWriter, to_extend: bytearray,
                as_value: bool = False, nullable: bool = True) -> bytearray:
        """Write one value (gremlinpython's codec interface)."""
        scale, unscaled = _decimal_parts(obj)
        gb._GraphBinaryTypeIO.prefix_bytes(gb.DataType.bigdecimal, as_value, nullable, to_extend)
        to_extend.extend(gb.int32_pack(scale))
        return gb.BigIntIO.write_bigint(unscaled, to_extend)

    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
        """Read one value as a ``decimal.Decimal`` (gremlinpython's reader gives an opaque object)."""
        def read(b: io.BytesIO, r: gb.GraphBinaryReader) -> decimal.Decimal:
            """Read the value's body."""
            scale = gb.int32_unpack(b.read(4))
            return _decimal_of(scale, gb.BigIntIO.read_bigint(b))
        return gb._GraphBinaryTypeIO.is_null(buff, reader, read, nullable)


class GBFloatReader:
    """GraphBinary Float (0x08) as :class:`Float32`, so a Java Float stays a Float."""

    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: gb.GraphBinaryReader, nullable: bool = True) -> Any:
        """Read one value (gremlinpython's codec interface)."""
        value = gb.FloatIO.objectify(buff, reader, nullable)
        return None if value is None else Float32(value)


class GBOffsetDateTimeIO:
    """A ``datetime`` as TinkerPop 3.8's OffsetDateTime (0x88); a zone-less one is UTC."""

    @classmethod
    def dictify(cls, obj: datetime.datetime, writer: gb.GraphBinaryWriter, to_extend: bytearray,
                as_value: bool = False, nullable: bool = True) -> bytearray:
        """Write one value: LocalDate (int year, byte month, byte day), LocalTime (long
        nanoseconds of the day), ZoneOffset (int seconds)."""
        offset = obj.utcoffset() or datetime.timedelta(0)
        if not as_value:
            to_extend.append(OFFSET_DATETIME_CODE)
        if nullable:
            to_extend.append(0x00)
        to_extend.extend(gb.int32_pack(obj.year))
        to_extend.extend(bytes([obj.month, obj.day]))
        nanos = ((obj.hour * 60 + obj.minute) * 60 + obj.second) * 1_000_000_000 + obj.microsecond * 1000
        to_extend.extend(gb.int64_pack(nanos))
        to_extend.extend(gb.int32_pack(int(offset.total_seconds())))
        return to_extend


class GSBigIntIO:
    """gremlinpython's ``bigint`` as ``gx:BigInteger`` both ways (its reader gives a Long)."""

    @classmethod
    def dictify(cls, n: int, writer: gs.GraphSONWriter) -> dict:
        """Write one value (gremlinpython's codec interface)."""
        return gs.GraphSONUtil.typed_value("BigInteger", str(int(n)), "gx")

    @classmethod
    def objectify(cls, d: Any, reader: gs.GraphSONReader) -> Any:
        """Read one value (gremlinpython's codec interface)."""
        return bigint(int(d))


class GSOffsetDateTimeWriter:
    """A ``datetime`` as TinkerPop 3.8's ``gx:OffsetDateTime`` (ISO 8601; zone-less is UTC)."""

    @classmethod
    def dictify(cls, obj: datetime.datetime, writer: gs.GraphSONWriter) -> dict:
        """Write one value (gremlinpython's codec interface)."""
        if obj.tzinfo is None:
            obj = obj.replace(tzinfo=datetime.timezone.utc)
        return gs.GraphSONUtil.typed_value("OffsetDateTime", obj.isoformat(), "gx")


GRAPHBINARY_REQUEST_TYPES: dict[gb.DataType, Any] = {
    gb.DataType.long: _LongReader,
    gb.DataType.short: _typed_int_reader(gb.ShortIO, short),
    gb.DataType.biginteger: _typed_int_reader(gb.BigIntIO, bigint),
    gb.DataType.float: GBFloatReader,
    gb.DataType.bigdecimal: GBDecimalIO,
    gb.DataType.p: _PReader,
    gb.DataType.textp: _TextPReader,
    gb.DataType.lambda_: _LambdaReader,
    gb.DataType.clazz: _ClassReader,
    gb.DataType.traversalstrategy: _StrategyReader,
    gb.DataType.barrier: _enum_reader(Barrier),
    gb.DataType.cardinality: _enum_reader(Cardinality),
    gb.DataType.column: _enum_reader(Column),
    gb.DataType.direction: _enum_reader(Direction),
    gb.DataType.dt: _enum_reader(DT),
    gb.DataType.merge: _enum_reader(Merge),
    gb.DataType.operator: _enum_reader(Operator),
    gb.DataType.order: _enum_reader(Order),
    gb.DataType.pick: _enum_reader(Pick),
    gb.DataType.pop: _enum_reader(Pop),
    gb.DataType.scope: _enum_reader(Scope),
    gb.DataType.t: _enum_reader(T),
}


# -- GraphSON v3 ---------------------------------------------------------------

class _GSBytecode:
    @classmethod
    def objectify(cls, d: dict, reader: gs.GraphSONReader) -> Bytecode:
        """Read one value (gremlinpython's codec interface)."""
        bytecode = Bytecode()
        for key, target in (("source", bytecode.source_instructions), ("step", bytecode.step_instructions)):
            for inst in d.get(key, []):
                target.append([inst[0], *(reader.to_object(a) for a in inst[1:])])
        return bytecode


def _gs_predicate(cls_: type[P]) -> type:
    class _GSPredicate:
        @classmethod
        def objectify(cls, d: dict, reader: gs.GraphSONReader) -> P:
            """Read one value (gremlinpython's codec interface)."""
            raw = d.get("value")
            value = reader.to_object(raw)
            if isinstance(raw, list):  # written as a plain pair: [value, other]
                return make_predicate(cls_, d["predicate"], value, paired=True)
            if d["predicate"] in ("within", "without"):
                return make_predicate(cls_, d["predicate"], value if isinstance(value, list) else [value], False)
            return cls_(d["predicate"], value)
    return _GSPredicate


class _GSBinding:
    @classmethod
    def objectify(cls, d: dict, reader: gs.GraphSONReader) -> Binding:
        """Read one value (gremlinpython's codec interface)."""
        return Binding(d["key"], reader.to_object(d["value"]))


class _GSLambda:
    @classmethod
    def objectify(cls, d: dict, reader: gs.GraphSONReader) -> Callable:
        """Read one value (gremlinpython's codec interface)."""
        return make_lambda(d["script"], d.get("language", "gremlin-groovy"))


def _gs_value_reader(convert: Callable[[Any], Any], doc: str) -> type:
    """A GraphSON reader whose value is ``convert(@value)`` (gremlinpython's codec interface)."""
    class _GSValueReader:
        __doc__ = doc

        @classmethod
        def objectify(cls, d: Any, reader: gs.GraphSONReader) -> Any:
            """Read one value (gremlinpython's codec interface)."""
            return convert(d)
    return _GSValueReader


_GSLong = _gs_value_reader(long, "``g:Int64`` as gremlinpython's ``long`` (see :class:`_LongReader`).")
_GSGType = _gs_value_reader(lambda d: gtype_of_wire(str(d)), "``g:GType`` (TinkerPop 3.8).")
_GSOffsetDateTime = _gs_value_reader(
    lambda d: datetime.datetime.fromisoformat(str(d).replace("Z", "+00:00")),
    "``gx:OffsetDateTime``: an ISO-8601 string -> an aware ``datetime``.")
_GSClass = _gs_value_reader(GremlinType, "``g:Class``: a class name.")
_GSFloat = _gs_value_reader(lambda d: Float32(gs.FloatIO.objectify(d, None)),
                            "``g:Float`` as :class:`Float32` (gremlinpython's reader gives a double).")


def _gs_enum(enum_cls: type[Enum]) -> type:
    class _GSEnum:
        @classmethod
        def objectify(cls, d: str, reader: gs.GraphSONReader) -> Enum:
            """Read one value (gremlinpython's codec interface)."""
            return enum_member(enum_cls, d)
    return _GSEnum


def _gs_strategy(name: str) -> type:
    class _GSStrategy:
        @classmethod
        def objectify(cls, d: dict, reader: gs.GraphSONReader) -> TraversalStrategy:
            """Read one value (gremlinpython's codec interface)."""
            d = d or {}
            if set(d) == {"conf", "fqcn"}:  # TinkerPop 3.8's GraphSON: {"fqcn": ..., "conf": {...}}
                return make_strategy(reader.to_object(d["fqcn"]), reader.to_object(d["conf"]) or {})
            return make_strategy(name, {k: reader.to_object(v) for k, v in d.items()})
    return _GSStrategy


GRAPHSON_REQUEST_TYPES: dict[str, Any] = {
    "g:Int64": _GSLong,
    "gx:BigInteger": GSBigIntIO,
    "g:Float": _GSFloat,
    "g:GType": _GSGType,
    "gx:OffsetDateTime": _GSOffsetDateTime,
    "g:Bytecode": _GSBytecode,
    "g:P": _gs_predicate(P),
    "g:TextP": _gs_predicate(TextP),
    "g:Binding": _GSBinding,
    "g:Lambda": _GSLambda,
    "g:Class": _GSClass,
    **{f"g:{name}": _gs_enum(cls) for name, cls in _ENUMS.items()},
    **{f"g:{name}": _gs_strategy(name) for name in _STRATEGY_BY_NAME},
    # strategies the engine knows that gremlinpython has no class for (StandardVerificationStrategy...)
    **{f"g:{name}": _gs_strategy(name) for name in sorted(ENGINE_STRATEGIES - set(_STRATEGY_BY_NAME))},
}


class GSPathWriter:
    """``g:Path`` (gremlinpython's GraphSON writer can read paths but not write them)."""

    @classmethod
    def dictify(cls, path: Path, writer: gs.GraphSONWriter) -> dict:
        """Write one value (gremlinpython's codec interface)."""
        labels = [writer.to_dict(set(step_labels)) for step_labels in path.labels]
        return gs.GraphSONUtil.typed_value("Path", {
            "labels": gs.GraphSONUtil.typed_value("List", labels),
            "objects": writer.to_dict(list(path.objects)),
        })


class TreeIO:
    """GraphBinary ``Tree`` (0x2b): ``{length}`` then per root ``{key, fully qualified}{Tree as a
    value}`` (gremlinpython has no Tree type; TinkerPop's TreeSerializer's layout)."""

    @classmethod
    def dictify(cls, tree: Tree, writer: gb.GraphBinaryWriter, to_extend: bytearray,
                as_value: bool = False, nullable: bool = True) -> bytearray:
        """Write one value (gremlinpython's codec interface)."""
        gb._GraphBinaryTypeIO.prefix_bytes(gb.DataType.tree, as_value, nullable, to_extend)
        to_extend.extend(gb.int32_pack(len(tree)))
        for key, child in tree.items():
            writer.to_dict(key, to_extend)
            cls.dictify(child, writer, to_extend, True, False)
        return to_extend


class GSTreeWriter:
    """GraphSON ``g:Tree``: a list of ``{"key": k, "value": <g:Tree>}`` (TinkerPop's
    TreeJacksonSerializer)."""

    @classmethod
    def dictify(cls, tree: Tree, writer: gs.GraphSONWriter) -> dict:
        """Write one value (gremlinpython's codec interface)."""
        items = [{"key": writer.to_dict(k), "value": cls.dictify(v, writer)} for k, v in tree.items()]
        return gs.GraphSONUtil.typed_value("Tree", items)
