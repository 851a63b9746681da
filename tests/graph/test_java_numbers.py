"""Java number types, TinkerPop's NumberHelper arithmetic and the 3.7/3.8 dialects.

The expected values are the ones TinkerPop's feature files state (Sum.feature, Max.feature,
DateDiff.feature, AsNumber.feature, AsString.feature, Comparability.feature of 3.7 and 3.8).
"""
from __future__ import annotations

import datetime
import decimal
import io
import math

import pytest
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.driver.serializer import GraphBinarySerializersV1
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.strategies import ProductiveByStrategy
from gremlin_python.process.traversal import P, Scope
from gremlin_python.statics import SingleByte, bigint, long, short
from gremlin_python.structure.io import graphbinaryV1 as gb

from stylegraph.graph import jnumbers
from stylegraph.graph.dialect import TP37, TP38, from_user_agent
from stylegraph.graph.errors import GremlinError
from stylegraph.graph.fixtures import modern_graph
from stylegraph.graph.graph import Graph
from stylegraph.graph.jnumbers import Float32
from stylegraph.graph.server import start_server
from stylegraph.graph.server.serializers import GraphBinarySerializer, GraphSONSerializer
from stylegraph.graph.server.wire_types import GBDecimalIO, RequestGraphBinaryReader
from stylegraph.settings import Settings

from .engine_support import g, run


def typed(value: object) -> tuple[str, object]:
    """A value with its Python type name, so that 6 (Integer) and 6 (Long) differ."""
    return type(value).__name__, value


# -- NumberHelper ------------------------------------------------------------------

@pytest.mark.parametrize("a,b,expected", [
    (SingleByte(127), SingleByte(1), ("short", 128)),      # Sum.feature: 127b + 1b = 128s
    (SingleByte(-128), SingleByte(-1), ("short", -129)),
    (short(32767), short(1), ("int", 32768)),             # 32767s + 1s = 32768i
    (2147483647, 1, ("long", 2147483648)),                # 2147483647i + 1i = 2147483648l
    (SingleByte(1), short(2), ("short", 3)),              # the wider of the two
    (Float32(1.0), Float32(2.0), ("Float32", 3.0)),       # 1f + 2f = 3f
    (long(5), Float32(1.0), ("float", 6.0)),              # a Long with a Float: a Double
    (bigint(5), 1.5, ("Decimal", decimal.Decimal("6.5"))),  # a BigInteger with a Double: a BigDecimal
    (None, 1, ("NoneType", None)),                        # null + 1 is null, 1 + null is 1
    (1, None, ("int", 1)),
])
def test_add_takes_the_highest_common_type_and_promotes_on_overflow(a, b, expected) -> None:
    """NumberHelper.add."""
    assert typed(jnumbers.add(a, b)) == expected


def test_long_overflow_is_an_error() -> None:
    """A Long that overflows is not promoted to a BigInteger."""
    with pytest.raises(ArithmeticError):
        jnumbers.add(long(2**63 - 1), long(1))


def test_max_and_min_answer_in_the_common_type() -> None:
    """Max.feature: max(29, 0.5, 0.4) over an Integer and Doubles is 29.0 (a Double)."""
    assert typed(jnumbers.jmax(jnumbers.jmax(29, 0.5), 0.4)) == ("float", 29.0)
    assert typed(jnumbers.jmin(SingleByte(1), short(3))) == ("short", 1)
    assert jnumbers.jmax(math.nan, 1) == 1 and jnumbers.jmin(None, 2) == 2


def test_float32_rounds_to_single_precision() -> None:
    """A Java Float holds 24 bits of mantissa."""
    assert Float32(0.1) != 0.1 and Float32(0.1) == Float32(Float32(0.1))
    assert Float32(1.5) == 1.5 and math.isinf(Float32(1e39))


# -- dialects ------------------------------------------------------------------------

def test_user_agent_names_the_dialect() -> None:
    """TinkerPop drivers' User-Agent: "<app> Gremlin-<GLV>.<version> <runtime> <os> <arch>"."""
    assert from_user_agent("NotAvailable Gremlin-Java.3.8.1 11.0.20 Linux.5.15 amd64") == TP38
    assert from_user_agent("NotAvailable Gremlin-Python.3.7.7 3.11.2 Linux.6 x86_64") == TP37
    assert from_user_agent(None) == TP37 and from_user_agent("curl/8.0") == TP37


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The modern graph (read only here)."""
    return modern_graph()


def test_sum_keeps_the_numbers_type_under_38_and_is_a_long_under_37(graph: Graph) -> None:
    """Sum.feature: g.V().values("age").sum() is 123 (3.8: Integer; 3.7: Long);
    g.inject(1b,2b,3s).sum() is 6s; g.inject(1f,2f,3f).sum() is 6.0f."""
    ages = g.V().values("age").sum_()
    assert [typed(x) for x in run(graph, ages, dialect=TP38)] == [("int", 123)]
    assert [typed(x) for x in run(graph, ages, dialect=TP37)] == [("long", 123)]
    mixed = g.inject(SingleByte(1), SingleByte(2), short(3)).sum_()
    assert [typed(x) for x in run(graph, mixed, dialect=TP38)] == [("short", 6)]
    floats = g.inject(Float32(1), Float32(2), Float32(3)).sum_()
    assert [typed(x) for x in run(graph, floats, dialect=TP38)] == [("Float32", 6.0)]
    assert [typed(x) for x in run(graph, g.inject(None, 10, 5, None).sum_(), dialect=TP38)] == [("int", 15)]


def test_reducing_only_nulls_gives_null(graph: Graph) -> None:
    """Sum/Max/Min/Mean.feature: with ProductiveByStrategy, aggregate("a").by("foo") holds six
    nulls, and their sum/max/min/mean is null (without the strategy there is nothing to reduce)."""
    src = g.with_strategies(ProductiveByStrategy())
    for step in ("sum_", "max_", "min_", "mean"):
        t = getattr(src.V().aggregate("a").by("foo").cap("a").unfold(), step)()
        assert run(graph, t) == [None], step
    assert run(graph, g.V().aggregate("a").by("foo").cap("a").unfold().sum_()) == []


def test_max_local_of_an_integer_and_doubles_is_a_double(graph: Graph) -> None:
    """Max.feature: marko's age 29 with his edges' weights (doubles): 29.0."""
    t = g.V().has("name", "marko").local(
        __.union(__.values("age"), __.outE().values("weight")).fold()).max_(Scope.local)
    assert [typed(x) for x in run(graph, t)] == [("float", 29.0)]


def test_date_diff_is_milliseconds_under_38_and_seconds_under_37(graph: Graph) -> None:
    """DateDiff.feature: 2023-08-02 to 2023-08-09 is -604800000 ms (3.8), -604800 s (3.7)."""
    t = g.inject(datetime.datetime(2023, 8, 2)).date_diff(datetime.datetime(2023, 8, 9))
    assert [typed(x) for x in run(graph, t, dialect=TP38)] == [("long", -604800000)]
    assert [typed(x) for x in run(graph, t, dialect=TP37)] == [("long", -604800)]


def test_as_number_of_a_date_is_its_epoch_milliseconds(graph: Graph) -> None:
    """AsNumber.feature: asDate().asNumber() of 1988-12-10 is 597715200000 (a Long)."""
    t = g.inject("1988-12-10").as_date()
    t.bytecode.add_step("asNumber")  # a 3.8 step gremlinpython 3.7 has no method for
    assert [typed(x) for x in run(graph, t, dialect=TP38)] == [("long", 597715200000)]


def test_as_string_of_null_is_an_error_under_38_only(graph: Graph) -> None:
    """AsString.feature: 3.8's g.inject(null, 1).asString() raises "Can't parse"; 3.7 keeps null."""
    with pytest.raises(GremlinError, match="Can't parse"):
        run(graph, g.inject(None, 1).as_string(), dialect=TP38)
    with pytest.raises(GremlinError, match="Can't parse"):
        run(graph, g.inject([1, None]).as_string(Scope.local), dialect=TP38)
    assert run(graph, g.inject(None, 1).as_string(), dialect=TP37) == [None, "1"]


def test_not_of_a_comparison_with_nan_is_an_error_under_37(graph: Graph) -> None:
    """Comparability.feature: g.inject(1d).not(is(P.gt(NaN))) is empty in 3.7 (ternary
    ERROR), [1.0] in 3.8; not(is(P.eq(NaN))) is [1.0] in both."""
    t = g.inject(1.0).not_(__.is_(P.gt(math.nan)))
    assert run(graph, t, dialect=TP37) == []
    assert run(graph, t, dialect=TP38) == [1.0]
    assert run(graph, g.inject(1.0).not_(__.is_(P.eq(math.nan))), dialect=TP37) == [1.0]


def test_type_of_takes_java_class_names(graph: Graph) -> None:
    """TypeOf.feature: P.typeOf("String") (and "java.lang.String") matches the names."""
    for name in ("String", "java.lang.String"):
        assert sorted(run(graph, g.V().values("name").is_(P("typeOf", name)))) == \
            ["josh", "lop", "marko", "peter", "ripple", "vadas"]


# -- the wire -------------------------------------------------------------------------

def _gb_value(serializer: GraphBinarySerializer, value: object) -> bytes:
    out = bytearray()
    serializer._writer.to_dict(value, out)
    return bytes(out)


def test_graphbinary_writes_java_number_types() -> None:
    """Float32 as Float (0x08), Decimal as BigDecimal (0x22), read back by our reader."""
    s = GraphBinarySerializer()
    assert _gb_value(s, Float32(1.5))[0] == gb.DataType.float.value
    raw = _gb_value(s, decimal.Decimal("-12.345"))
    assert raw[0] == gb.DataType.bigdecimal.value
    back = RequestGraphBinaryReader({gb.DataType.bigdecimal: GBDecimalIO}).to_object(io.BytesIO(raw))
    assert back == decimal.Decimal("-12.345")


def test_dates_are_offset_datetimes_for_38_drivers_and_dates_for_37() -> None:
    """GraphBinary 0x88 / gx:OffsetDateTime to 3.8 drivers, 0x04 / g:Date to 3.7 drivers."""
    when = datetime.datetime(2023, 8, 8, 12, 30)
    raw = _gb_value(GraphBinarySerializer(TP38), when)
    assert raw[0] == 0x88
    assert RequestGraphBinaryReader().to_object(io.BytesIO(raw)) == when.replace(tzinfo=datetime.timezone.utc)
    assert _gb_value(GraphBinarySerializer(TP37), when)[0] == gb.DataType.date.value
    assert GraphSONSerializer(dialect=TP38)._writer.to_dict(when) == \
        {"@type": "gx:OffsetDateTime", "@value": "2023-08-08T12:30:00+00:00"}
    assert GraphSONSerializer(dialect=TP37)._writer.to_dict(when)["@type"] == "g:Date"
    assert GraphSONSerializer()._writer.to_dict(bigint(5)) == {"@type": "gx:BigInteger", "@value": "5"}
    assert GraphSONSerializer()._writer.to_dict(Float32(2.0)) == {"@type": "g:Float", "@value": 2.0}


def test_server_gives_a_38_driver_38_semantics() -> None:
    """The dialect comes from the handshake's User-Agent: for a driver that says
    Gremlin-Java.3.8.1 a sum of Bytes is a Byte and dateDiff() counts milliseconds; for
    gremlinpython 3.7 (whose reader gives a Long as an int) the sum is a Long, dateDiff() seconds."""
    with start_server(Graph(), settings=Settings()) as server:
        answers = {}
        for name, agent in (("3.8", "NotAvailable Gremlin-Java.3.8.1 17 Linux amd64"), ("3.7", None)):
            kw = {"headers": {"User-Agent": agent}, "enable_user_agent_on_connect": False} if agent else {}
            conn = DriverRemoteConnection(server.url, "g", message_serializer=GraphBinarySerializersV1(), **kw)
            try:
                src = traversal().with_remote(conn)
                week = src.inject(datetime.datetime(2023, 8, 2)).date_diff(datetime.datetime(2023, 8, 9))
                answers[name] = (typed(src.inject(SingleByte(1), SingleByte(2)).sum_().next()), week.next())
            finally:
                conn.close()
    assert answers == {"3.8": (("SingleByte", 3), -604800000), "3.7": (("int", 3), -604800)}


def test_as_date_keeps_the_offset_under_38_and_dates_compare_by_instant(graph: Graph) -> None:
    """AsDate.feature: 3.8's asDate("2023-08-02T00:00:00-07:00") is 2023-08-02T00:00-07:00 (an
    OffsetDateTime); 3.7's is the instant in UTC. Dates with and without an offset compare,
    equal and order by the instant they name."""
    t = g.inject("2023-08-02T00:00:00-07:00").as_date()
    minus7 = datetime.timezone(datetime.timedelta(hours=-7))
    [got] = run(graph, t, dialect=TP38)
    assert got.utcoffset() == datetime.timedelta(hours=-7) and got == datetime.datetime(2023, 8, 2, tzinfo=minus7)
    assert run(graph, t, dialect=TP37) == [datetime.datetime(2023, 8, 2, 7)]
    naive_utc = datetime.datetime(2023, 8, 2, 7)
    assert run(graph, g.inject(got).is_(P.eq(naive_utc))) == [got]
    assert run(graph, g.inject(got).is_(P.gt(datetime.datetime(2023, 8, 2, 6)))) == [got]
    later = datetime.datetime(2023, 8, 2, 8)
    assert run(graph, g.inject(later, got).order()) == [got, later]


def test_a_float_renders_like_java(graph: Graph) -> None:
    """Java's Float.toString: 0.1f is "0.1" (not the double nearest to it), 5.75f "5.75"."""
    assert [repr(Float32(0.1)), str(Float32(5.75)), repr(Float32(1))] == ["0.1", "5.75", "1.0"]
    assert run(graph, g.inject(Float32(0.1)).as_string()) == ["0.1"]
