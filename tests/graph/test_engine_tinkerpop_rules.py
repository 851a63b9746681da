"""Engine: rules TinkerPop's feature suite checks -- Long counts, null arguments,
refused meta-properties and TinkerPop's error wording."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Cardinality, T
from gremlin_python.statics import long

from stylegraph.graph.errors import GremlinError

from .engine_support import g, modern_graph_fixture, run

graph = modern_graph_fixture()


def test_count_group_count_and_global_sum_are_longs(graph):
    (n,) = run(graph, g.V().count())
    assert n == 6 and type(n) is long
    (counts,) = run(graph, g.V().group_count().by(T.label))
    assert counts == {"person": 4, "software": 2} and all(type(c) is long for c in counts.values())
    (total,) = run(graph, g.V().values("age").sum_())
    assert total == 123 and type(total) is long
    # mean() is a double
    (mean,) = run(graph, g.V().values("age").mean())
    assert mean == pytest.approx(30.75)


def test_local_sum_keeps_int(graph):
    from gremlin_python.process.traversal import Scope

    (local,) = run(graph, g.V().values("age").fold().sum_(Scope.local))
    assert local == 123 and type(local) is int


@pytest.mark.parametrize("traversal,expected", [
    (g.V().has_label(None), []),
    (g.V().has_label(None, None), []),
    (g.V().has_label(None, "software").values("name"), ["lop", "ripple"]),
    (g.V().properties().has_key(None), []),
    (g.V().properties().has_key(None, "lang").value(), ["java", "java"]),
    (g.V().values("lang", None), ["java", "java"]),
    (g.V().properties("lang", None).value(), ["java", "java"]),
    (g.V().values(None), []),
])
def test_null_labels_and_keys_match_nothing(graph, traversal, expected):
    assert sorted(run(graph, traversal)) == expected


def test_a_non_string_label_is_still_an_error(graph):
    with pytest.raises(GremlinError, match="label must be a string"):
        run(graph, g.V().has_label(3))


def test_meta_properties_are_refused_and_nothing_is_written(graph):
    with pytest.raises(GremlinError, match="meta-properties are not supported"):
        run(graph, g.add_v("person").property(T.id, "m1").property("name", "marko", T.id, "0"))
    with pytest.raises(GremlinError, match="meta-properties are not supported.*'startTime'"):
        run(graph, g.add_v("person").property(T.id, "m2")
            .property(Cardinality.list_, "location", "x", "startTime", 1997))
    assert graph.vertex("m1") is None and graph.vertex("m2") is None and graph.vertex("0") is None
    # a single key/value, and a map of several, still set element properties
    run(graph, g.add_v("person").property(T.id, "m3").property({"name": "n", "age": 3}))
    assert graph.vertex("m3").properties == {"name": ["n"], "age": [3]}


@pytest.mark.parametrize("traversal,message", [
    (g.inject(None).combine(__.inject(1)), "Incoming traverser for combine step can't be null"),
    (g.V().values("name").merge(__.V().fold()),
     "merge step can only take an array or an Iterable type for incoming traversers, encountered: String"),
    (g.V().fold().intersect(__.constant(None)),
     "traversal argument for intersect step must yield an iterable type, not null"),
    (g.V().fold().difference(__.V()), "traversal argument for difference step must yield an iterable type, "
                                      "encountered: Vertex"),
    (g.V().values("name").fold().product(2),
     "product step can only take an array or an Iterable as an argument, encountered: Integer"),
    (g.V().values("name").fold().disjunct(None), "Argument provided for disjunct step can't be null"),
    (g.V().fold().merge({"k": "v"}), "step type mismatch: expected argument to be Iterable but got Map"),
    (g.V().element_map().merge(__.constant("a")),
     "merge step expected provided argument to evaluate to a Map, encountered: String"),
    (g.V().values("name").conjoin("1"), "conjoin step can only take an array or an Iterable type for incoming"),
    (g.inject(["a"]).to_upper(), "The toUpper() step can only take string as argument"),
    (g.inject(["a"]).concat("b"), "String concat() can only take string as argument"),
    (g.V().times(2), "The repeat()-traversal was not defined"),
])
def test_errors_use_tinkerpops_wording(graph, traversal, message):
    with pytest.raises(GremlinError) as info:
        run(graph, traversal)
    assert message in str(info.value)


def test_merge_of_two_maps(graph):
    (m,) = run(graph, g.V("1").value_map("name").merge({"age": 1}))
    assert m == {"name": ["marko"], "age": 1}


# -- TinkerPop 3.8: asBool, asNumber, P.typeOf, discard, none(P) and the wire types of its drivers

def _bytecode(*steps):
    from gremlin_python.process.traversal import Bytecode

    bc = Bytecode()
    for step in steps:
        bc.add_step(*step)
    return bc


@pytest.mark.parametrize("steps,expected", [
    ([("inject", "5"), ("asNumber",)], [5]),
    ([("inject", "0x5"), ("asNumber",)], [5]),
    ([("inject", 5.67), ("asNumber", "INT")], [5]),
    ([("inject", None), ("asNumber", "INT")], [None]),
    ([("inject", 1, 0, -0.0, float("nan"), "tRUe", False), ("asBool",)], [True, False, False, False, True, False]),
    ([("V",), ("values", "age"), ("is", ("typeOf", "INT")), ("count",)], [4]),
    ([("V",), ("values", "age"), ("is", ("typeOf", "LONG")), ("count",)], [0]),
    ([("V",), ("values", "age"), ("asNumber", "SHORT"), ("is", ("typeOf", "SHORT")), ("count",)], [4]),
    ([("inject", [1, 2], [5]), ("none", ("gt", 3))], [[1, 2]]),
    ([("V",), ("discard",)], []),
])
def test_tinkerpop_38_steps(graph, steps, expected):
    from gremlin_python.process.traversal import P

    from stylegraph.graph.engine import execute
    from stylegraph.graph.gtype import GType

    def arg(a):
        if isinstance(a, tuple):
            op, value = a
            return P(op, arg(value))
        return GType[a] if isinstance(a, str) and a in GType.__members__ else a

    got = execute(graph, _bytecode(*[(s[0], *[arg(a) for a in s[1:]]) for s in steps]))
    assert got == expected


@pytest.mark.parametrize("steps,message", [
    ([("inject", "test"), ("asNumber",)], "Can't parse string 'test' as number."),
    ([("inject", [1, 2]), ("asNumber",)], "Can't parse type ArrayList as number."),
    ([("inject", 300), ("asNumber", "BYTE")], "Can't convert number of type Integer to Byte due to overflow."),
    ([("inject", 3), ("asNumber", "VERTEX")], "asNumber() requires a numeric type token, got VERTEX"),
    ([("inject", "hello"), ("asBool",)], "Can't parse hello as Boolean."),
    ([("inject", None), ("asBool",)], "Can't parse null as Boolean."),
])
def test_tinkerpop_38_conversion_errors(graph, steps, message):
    from stylegraph.graph.engine import execute
    from stylegraph.graph.gtype import GType

    bc = _bytecode(*[(s[0], *[GType[a] if a in ("BYTE", "VERTEX") else a for a in s[1:]]) for s in steps])
    with pytest.raises(GremlinError) as info:
        execute(graph, bc)
    assert message in str(info.value)


def test_graphbinary_reads_gtype_and_offset_datetime():
    """The two 3.8 types gremlinpython 3.7 cannot read ("48 is not a valid DataType")."""
    import datetime
    import io

    from gremlin_python.structure.io import graphbinaryV1 as gb

    from stylegraph.graph.gtype import GType
    from stylegraph.graph.server.wire_types import GRAPHBINARY_REQUEST_TYPES, RequestGraphBinaryReader

    name = "SHORT".encode()
    gtype = bytes([0x30, 0x00, 0x03, 0x00]) + gb.int32_pack(len(name)) + name
    # 2023-08-02T10:30:00.5+02:00: LocalDate, LocalTime (ns of the day), ZoneOffset (s)
    odt = (bytes([0x88, 0x00]) + gb.int32_pack(2023) + bytes([8, 2])
           + gb.int64_pack((10 * 3600 + 30 * 60) * 10**9 + 500_000_000) + gb.int32_pack(7200))
    items = gtype + odt + bytes([0x02, 0x00]) + gb.int64_pack(7)  # and a Long
    payload = bytes([0x09, 0x00]) + gb.int32_pack(3) + items
    got = RequestGraphBinaryReader(GRAPHBINARY_REQUEST_TYPES).to_object(io.BytesIO(payload))
    tz = datetime.timezone(datetime.timedelta(hours=2))
    assert got == [GType.SHORT, datetime.datetime(2023, 8, 2, 10, 30, 0, 500_000, tzinfo=tz), 7]
    assert type(got[2]).__name__ == "long"


@pytest.mark.parametrize("value,p,passes", [
    (None, "lte", True), (None, "gte", True), (None, "lt", False), (None, "eq", True), (None, "neq", False),
    (float("nan"), "eq", False), (float("nan"), "neq", True), (float("nan"), "lte", False),
    (float("nan"), "gt", False), (1.0, "gte", False), (1.0, "neq", True),
])
def test_null_and_nan_comparisons(graph, value, p, passes):
    """Comparability.feature: null equals only null; NaN compares with nothing, not even NaN."""
    from gremlin_python.process.traversal import P

    ref = None if value is None else float("nan")
    got = run(graph, g.inject(value).is_(getattr(P, p)(ref)))
    assert len(got) == (1 if passes else 0)


def test_big_decimal_arguments_compare_with_doubles(graph):
    """A Java client's 1.0 literal is a BigDecimal (Python Decimal): has("weight", lt(1.0))."""
    from decimal import Decimal

    from gremlin_python.process.traversal import P

    got = run(graph, g.V("4").both_e().has("weight", P.lt(Decimal("1.0"))).other_v())
    assert [v.id for v in got] == ["3"]
    got = run(graph, g.V("1").out_e().has("weight", P.inside(Decimal("0.0"), Decimal("0.6"))).in_v())
    assert sorted(v.id for v in got) == ["2", "3"]
    (total,) = run(graph, g.inject(Decimal("1.5"), 2.5).sum_())
    assert total == 4.0


def test_productive_by_strategy_gives_null_for_unproductive_by(graph):
    from gremlin_python.process.strategies import ProductiveByStrategy

    pg = g.with_strategies(ProductiveByStrategy())
    (counts,) = run(graph, pg.V().group_count().by("age"))
    assert counts == {29: 1, 27: 1, 32: 1, 35: 1, None: 2}
    assert sorted(run(graph, pg.V().project("a", "b").by(__.in_e().count()).by("age")), key=repr) == sorted(
        [{"a": 0, "b": 29}, {"a": 1, "b": 27}, {"a": 3, "b": None}, {"a": 1, "b": 32}, {"a": 1, "b": None},
         {"a": 0, "b": 35}], key=repr)
    assert len(run(graph, pg.V().as_("a").select("a").by("age"))) == 6
    # without the strategy an unproductive by() filters
    assert len(run(graph, g.V().as_("a").select("a").by("age"))) == 4


def test_a_set_side_effect_stays_a_set(graph):
    from gremlin_python.process.traversal import Scope

    (got,) = run(graph, g.with_side_effect("a", set()).V().both().values("name").aggregate(Scope.local, "a").cap("a"))
    assert got == {"marko", "vadas", "lop", "josh", "ripple", "peter"}
    (got,) = run(graph, g.V().both().values("name").aggregate("a").cap("a"))
    assert isinstance(got, list) and len(got) == 12
