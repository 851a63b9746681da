"""math(), format() and the date steps (asDate, dateAdd, dateDiff), on every backend."""
from __future__ import annotations

import datetime as dt

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import DT, Order
from gremlin_python.statics import long

from .support import GREMLIN_ERRORS


def test_math_current_and_labels(g):
    assert sorted(g.V().out_e().math("0-_").by("weight").to_list()) == [-1.0, -1.0, -0.5, -0.4, -0.4, -0.2]
    assert sorted(g.V().as_("a").out("knows").as_("b").math("a + b").by("age").to_list()) == [56.0, 61.0]
    got = g.V().as_("a").out("created").as_("b").math("b + a").by(__.in_("created").count()).by("age").to_list()
    assert sorted(got) == [32.0, 33.0, 35.0, 38.0]  # b is by(count), a by(age)
    assert sorted(g.with_side_effect("x", 100).V().values("age").math("_ + x").to_list()) == \
        [127.0, 129.0, 132.0, 135.0]
    # an element without the by() property is dropped
    assert sorted(g.V().math("_+_").by("age").to_list()) == [54.0, 58.0, 64.0, 70.0]


def test_math_functions_and_precedence(g):
    assert g.inject(2).math("-_^2 + 10 % 4 * 3").next() == 2.0
    assert g.inject(0).math("sin(_) + cos(_) + abs(-3) + sqrt(16) + floor(2.7) + log10(100)").next() == 12.0
    # without parentheses a function takes the rest of the expression (exp4j)
    assert g.inject(0).math("sqrt 16 + 9").next() == 5.0
    got = g.V().project("a", "b", "c").by(__.both_e().values("weight").sum_()).by(__.both_e().count()) \
        .by("name").order().by(__.math("a / b"), Order.desc).select("c").to_list()
    assert got == ["ripple", "josh", "marko", "vadas", "lop", "peter"]


def test_math_refuses_a_non_number(g):
    with pytest.raises(GREMLIN_ERRORS):
        g.V().math("_ + 1").by("name").to_list()


def test_format(g):
    assert sorted(g.V().format_("%{name} is %{age} years old").to_list()) == [
        "josh is 32 years old", "marko is 29 years old", "peter is 35 years old", "vadas is 27 years old"]
    assert sorted(g.V().format_("%{_} is %{_} years old").by(__.values("name")).by(__.values("age"))
                  .to_list()) == ["josh is 32 years old", "marko is 29 years old",
                                  "peter is 35 years old", "vadas is 27 years old"]
    assert g.V("1").format_("%{name} has %{_} connections").by(__.both_e().count()).to_list() == \
        ["marko has 3 connections"]
    got = g.V().has_label("person").as_("a").values("name").as_("p1").select("a").in_("knows") \
        .format_("%{p1} knows %{name}").to_list()
    assert sorted(got) == ["josh knows marko", "vadas knows marko"]
    assert g.inject(1).as_("age").V("3").format_("%{name} is %{age}").to_list() == ["lop is 1"]


def test_as_date(g):
    assert g.inject("2023-08-02T00:00:00Z").as_date().next() == dt.datetime(2023, 8, 2)
    assert g.inject(long(1694017707000)).as_date().next() == dt.datetime(2023, 9, 6, 16, 28, 27)
    for bad in ("not a date", None):
        with pytest.raises(GREMLIN_ERRORS):
            g.inject(bad).as_date().to_list()


def test_date_add_and_diff(g):
    start = dt.datetime(2023, 8, 2)
    assert g.inject(start).date_add(DT.hour, 2).next() == dt.datetime(2023, 8, 2, 2)
    assert g.inject(start).date_add(DT.minute, -10).next() == dt.datetime(2023, 8, 1, 23, 50)
    assert g.inject(start).date_add(DT.day, 11).next() == dt.datetime(2023, 8, 13)
    assert g.inject(start).date_diff(dt.datetime(2023, 8, 9)).next() == -604800
    assert g.inject(dt.datetime(2023, 8, 8)).date_diff(__.constant(dt.datetime(2023, 8, 1))).next() == 604800
    # a child inject() passes its input first
    assert g.inject(dt.datetime(2023, 8, 8)).date_diff(__.inject(dt.datetime(2023, 10, 11))).next() == 0
    with pytest.raises(GREMLIN_ERRORS):
        g.inject("2023-08-02").date_add(DT.day, 1).to_list()
