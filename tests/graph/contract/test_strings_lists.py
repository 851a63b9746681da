"""String steps' Scope.local forms, concat(traversals), a Path where a list is, reverse(),
merge() of maps and inject() (TinkerPop 3.7's string and list features), on every backend."""
from __future__ import annotations

from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Scope

from .support import ids, raises_gremlin


def test_string_steps_local_map_list_items(g):
    names = g.V().values("name").order().fold()
    assert names.to_upper(Scope.local).next() == ["JOSH", "LOP", "MARKO", "PETER", "RIPPLE", "VADAS"]
    assert g.inject(["feature", "tESt", None]).to_lower(Scope.local).next() == ["feature", "test", None]
    assert g.inject(["  a ", None, "\u3000b"]).trim(Scope.local).next() == ["a", None, "b"]
    assert g.inject([" a ", " b"]).l_trim(Scope.local).next() == ["a ", "b"]
    assert g.inject([" a ", "b "]).r_trim(Scope.local).next() == [" a", "b"]
    assert g.V().values("name").order().fold().length(Scope.local).next() == [4, 3, 5, 5, 6, 5]
    assert g.V().values("name").order().fold().substring(Scope.local, 1, 3).next() == \
        ["os", "op", "ar", "et", "ip", "ad"]
    assert g.V().values("name").order().fold().replace(Scope.local, "a", "o").next() == \
        ["josh", "lop", "morko", "peter", "ripple", "vodos"]
    assert g.V().has_label("person").values("name").order().fold().split(Scope.local, "a").next() == \
        [["josh"], ["m", "rko"], ["peter"], ["v", "d", "s"]]
    assert g.inject([1, None, "x"]).as_string(Scope.local).next() == ["1", None, "x"]
    # a single string is mapped as itself
    assert g.V().values("name").to_upper(Scope.local).order().to_list() == \
        ["JOSH", "LOP", "MARKO", "PETER", "RIPPLE", "VADAS"]


def test_string_step_local_refuses_a_non_string_item():
    from stylegraph.graph.connect import close, connect

    g = connect("memory:")  # TinkerGraph's text is only in its stack trace
    try:
        with raises_gremlin("The trim(local) step can only take string or list of strings"):
            g.inject([1, 2]).trim(Scope.local).to_list()
    finally:
        close(g)


def test_concat_traversals(g):
    assert g.inject("a", "b").concat(__.inject("c")).to_list() == ["aa", "bb"]
    assert g.inject(None).concat(__.inject()).to_list() == [None]
    got = g.V("1").out_e().as_("a").V("1").values("name") \
        .concat(__.select("a").label(), __.select("a").in_v().values("name")).to_list()
    assert sorted(got) == ["markocreatedlop", "markoknowsjosh", "markoknowsvadas"]


def test_path_is_a_list_for_list_steps(g):
    paths = g.V().out().out().path().by("name")
    assert sorted(paths.combine(["dave", "kelvin"]).to_list()) == [
        ["marko", "josh", "lop", "dave", "kelvin"], ["marko", "josh", "ripple", "dave", "kelvin"]]
    assert sorted(g.V().out().out().path().by("name").conjoin("-").to_list()) == \
        ["marko-josh-lop", "marko-josh-ripple"]
    got = g.V().out().out().path().by("name").difference(["ripple"]).to_list()
    assert sorted(sorted(s) for s in got) == [["josh", "lop", "marko"], ["josh", "marko"]]
    got = g.V().out().path().by(__.values("name").to_upper()).product(["MARKO"]).unfold().to_list()
    assert len(got) == 12 and all(pair[1] == "MARKO" for pair in got)  # 6 paths of 2
    assert sorted(g.V().out().out().path().by("name").reverse().to_list()) == \
        [["lop", "josh", "marko"], ["ripple", "josh", "marko"]]


def test_merge_of_maps(g):
    got = g.V().as_("name").project("name").by("name").merge({"other": "blueprint"}).to_list()
    assert sorted(m["name"] for m in got) == ["josh", "lop", "marko", "peter", "ripple", "vadas"]
    assert all(m["other"] == "blueprint" for m in got)


def test_inject_vertex_is_the_stored_vertex(g):
    v2 = g.V("2").next()
    assert sorted(g.V("1").out().inject(v2).values("name").to_list()) == ["josh", "lop", "vadas", "vadas"]
    v4 = g.V("4").next()
    assert sorted(g.V("1").inject(v4).out().values("name").to_list()) == \
        ["josh", "lop", "lop", "ripple", "vadas"]
    assert ids(g.inject(v4).both()) == ["1", "3", "5"]
