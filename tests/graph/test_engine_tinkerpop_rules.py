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
