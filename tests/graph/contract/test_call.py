"""call(): the service directory and the two services TinkerGraph registers for its
feature runs (tinker.search, tinker.degree.centrality), on every backend."""
from __future__ import annotations

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Direction

from .support import GREMLIN_ERRORS, ids, raises_gremlin

SERVICES = ["tinker.degree.centrality", "tinker.search"]


def test_call_lists_services(g):
    assert sorted(g.call().to_list()) == SERVICES
    assert sorted(g.call("--list").to_list()) == SERVICES
    assert g.call("--list").with_("service", "tinker.search").to_list() == ["tinker.search"]
    assert g.call("--list").with_("service", __.constant("tinker.search")).to_list() == ["tinker.search"]
    assert g.call("--list", {"service": "tinker.search"}).to_list() == ["tinker.search"]
    assert g.call("--list", {"x": "y"}, __.project("service").by(__.constant("tinker.search"))) \
        .to_list() == ["tinker.search"]


def test_call_search(g):
    assert ids(g.call("tinker.search", {"search": "mar"}).element()) == ["1"]
    assert ids(g.call("tinker.search").with_("search", __.constant("vada")).element()) == ["2"]
    assert ids(g.call("tinker.search", {"search": "mar"}).with_("type", "Vertex").element()) == ["1"]
    assert g.call("tinker.search", {"search": "mar"}).with_("type", "Edge").to_list() == []
    # the properties themselves are the results: every lang=java and the name "josh"
    got = g.call("tinker.search", {"regex": "j.*"}).value().to_list()
    assert sorted(got) == ["java", "java", "josh"]


def test_call_degree_centrality(g):
    got = g.V().as_("v").call("tinker.degree.centrality").project("vertex", "degree") \
        .by(__.select("v").id_()).by().to_list()
    assert sorted((r["vertex"], r["degree"]) for r in got) == [
        ("1", 0), ("2", 1), ("3", 3), ("4", 1), ("5", 1), ("6", 0)]
    got = g.V().as_("v").call("tinker.degree.centrality", __.project("direction").by(__.constant(Direction.OUT))) \
        .project("vertex", "degree").by(__.select("v").id_()).by().to_list()
    assert sorted((r["vertex"], r["degree"]) for r in got) == [
        ("1", 3), ("2", 0), ("3", 0), ("4", 2), ("5", 0), ("6", 1)]
    assert ids(g.V().where(__.call("tinker.degree.centrality").is_(3))) == ["3"]


def test_call_unknown_service_is_refused(g):
    # TinkerGraph puts its message in the stack trace only; ours is TinkerPop's text
    with pytest.raises(GREMLIN_ERRORS):
        g.call("no.such.service").to_list()


def test_call_unknown_service_error_text(request):
    from stylegraph.graph.connect import close, connect

    g = connect("memory:")
    try:
        with raises_gremlin("Unrecognized service: no.such.service"):
            g.call("no.such.service").to_list()
        with raises_gremlin("cannot be used mid-traversal"):
            g.inject(1).call("tinker.search").to_list()
    finally:
        close(g)
