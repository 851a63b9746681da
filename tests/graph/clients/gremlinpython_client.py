"""A gremlinpython client run against a Gremlin server by the tests, in whichever environment runs
it (the project's gremlinpython 3.7 or a separate venv's 3.8): it imports nothing of stylegraph.

``python gremlinpython_client.py URL SERIALIZER`` prints one JSON object: traversal name ->
``{"ok": value}`` (a canonical, JSON-able rendering) or ``{"error": message}``.
"""
from __future__ import annotations

import datetime
import json
import sys
from enum import Enum
from typing import Any, Callable

from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.driver.serializer import GraphBinarySerializersV1, GraphSONSerializersV3d0
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Cardinality, Order, P, T
from gremlin_python.structure.graph import Edge, Path, Vertex, VertexProperty

try:  # gremlinpython 3.8
    from gremlin_python.process.traversal import GType
except ImportError:  # 3.7
    GType = None


def canon(x: Any) -> Any:
    """A JSON-able rendering that compares equal across driver versions."""
    if isinstance(x, (Vertex, Edge)):
        return {"element": type(x).__name__, "id": canon(x.id), "label": x.label}
    if isinstance(x, VertexProperty):
        return {"vp": x.key, "value": canon(x.value)}
    if isinstance(x, Path):
        return {"path": [canon(o) for o in x.objects]}
    if isinstance(x, dict):
        return {"map": sorted(([canon(k), canon(v)] for k, v in x.items()), key=json.dumps)}
    if isinstance(x, (set, frozenset)):
        return {"set": sorted((canon(v) for v in x), key=json.dumps)}
    if isinstance(x, (list, tuple)):
        return [canon(v) for v in x]
    if isinstance(x, datetime.datetime):
        return {"datetime": x.replace(tzinfo=x.tzinfo or datetime.timezone.utc).timestamp()}
    if isinstance(x, float):
        return round(x, 9)
    if isinstance(x, Enum):  # T.id / T.label keys of an elementMap
        return f"{type(x).__name__}.{x.name}"
    return x


def traversals(g: Any) -> dict[str, Callable[[], Any]]:
    """Named traversals; the writes run first, in this order."""
    t: dict[str, Callable[[], Any]] = {
        "add_vertices": lambda: [
            g.add_v("person").property(T.id, "p1").property("name", "ann").property("age", 31).iterate(),
            g.add_v("person").property(T.id, "p2").property("name", "bob").property("age", 27)
             .property(Cardinality.list_, "tag", "x").property(Cardinality.list_, "tag", "y").iterate(),
            g.add_v("product").property(T.id, "s1").property("title", "shirt").property("price", 9.5)
             .property("added", datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)).iterate(),
        ] and "done",
        "add_edges": lambda: g.V("p1").add_e("BOUGHT").to(__.V("s1")).property("weight", 2.0)
                              .iterate() and "done",
        "merge_v": lambda: g.merge_v({T.id: "p3", T.label: "person", "name": "cy"}).id_().next(),
        "count": lambda: g.V().count().next(),
        "names": lambda: sorted(g.V().has_label("person").values("name").to_list()),
        "value_map": lambda: g.V("p2").value_map("name", "tag").next(),
        "element_map": lambda: g.V("s1").element_map().next(),
        "group_count": lambda: g.V().group_count().by(T.label).next(),
        "path": lambda: g.V("p1").out_e().in_v().path().by("name").by("weight").by("title").next(),
        "order_limit": lambda: g.V().has("age").order().by("age", Order.desc).limit(1).values("name").next(),
        "sum_mean": lambda: [g.V().values("age").sum_().next(), g.V().values("age").mean().next()],
        "predicates": lambda: sorted(g.V().has("age", P.between(20, 30)).values("name").to_list()),
        "datetime": lambda: g.V("s1").values("added").next(),
        "error": lambda: g.V().fold().merge(__.constant(None)).next(),
        "drop": lambda: g.V("p3").drop().iterate() and g.V().count().next(),
    }
    if GType is not None:  # steps and tokens only 3.8 drivers have
        t["as_number"] = lambda: g.inject("5", "0x10").as_number().to_list()
        t["as_bool"] = lambda: g.inject(0, "tRUe").as_bool().to_list()
        t["type_of"] = lambda: sorted(g.V().values("age").is_(P.type_of(GType.INT)).to_list())
        t["discard"] = lambda: g.V().discard().to_list()
    return t


def main(url: str, serializer: str) -> int:
    """Run every traversal against ``url``; print the JSON results."""
    ser = GraphBinarySerializersV1() if serializer == "graphbinary" else GraphSONSerializersV3d0()
    conn = DriverRemoteConnection(url, "g", message_serializer=ser)
    out: dict[str, Any] = {}
    try:
        g = traversal().with_remote(conn)
        for name, run in traversals(g).items():
            try:
                out[name] = {"ok": canon(run())}
            except Exception as exc:  # reported, compared by the test
                out[name] = {"error": str(exc)}
    finally:
        conn.close()
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
