"""Reading TinkerPop's graph files into a graph: GraphSON v3 (one vertex per line, the
adjacency-list form of TinkerPop's ``data/*.json``) and GraphML (``data/*.xml``). Gryo
(``*.kryo``) is Kryo's Java serialization and is not read. Ids become strings (ours are);
a multi-valued vertex property keeps list cardinality. The caller holds the transaction."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterable

from gremlin_python.process.traversal import T
from gremlin_python.structure.io.graphsonV3d0 import GraphSONReader

from stylegraph.graph.errors import GremlinError

_GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"
_GRAPHML_TYPES = {"string": str, "int": int, "long": int, "float": float, "double": float,
                  "boolean": lambda s: s.strip().lower() == "true"}


def load_graphson_lines(graph: Any, lines: Iterable[str]) -> tuple[int, int]:
    """Add the vertices and edges of GraphSON v3 adjacency-list ``lines``; (vertices, edges) added.
    Meta-properties are not read (the engine has none)."""
    reader = GraphSONReader()
    rows = [json.loads(line) for line in lines if line.strip()]
    edges = 0
    for row in rows:
        v = graph.add_vertex(row["label"], str(reader.to_object(row["id"])))
        for key, items in row.get("properties", {}).items():
            cardinality = "list" if len(items) > 1 else "single"
            for item in items:
                graph.set_property(v, key, reader.to_object(item["value"]), cardinality)
    for row in rows:
        out_v = graph.vertex(str(reader.to_object(row["id"])))
        for label, out_edges in row.get("outE", {}).items():
            for e in out_edges:
                in_v = graph.vertex(str(reader.to_object(e["inV"])))
                props = {k: reader.to_object(val) for k, val in e.get("properties", {}).items()}
                graph.add_edge(label, out_v, in_v, str(reader.to_object(e["id"])), props)
                edges += 1
    return len(rows), edges


def load_graphml(graph: Any, text: str) -> tuple[int, int]:
    """Add the nodes and edges of a GraphML document (TinkerPop's GraphMLWriter form: labels in
    the ``labelV``/``labelE`` keys, typed by ``attr.type``); (vertices, edges) added."""
    root = ET.fromstring(text)
    keys: dict[str, tuple[str, Any]] = {}
    for key in root.iter(_GRAPHML_NS + "key"):
        keys[key.get("id", "")] = (key.get("attr.name", key.get("id", "")),
                                   _GRAPHML_TYPES.get(key.get("attr.type", "string"), str))

    def data(el: ET.Element) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for d in el.findall(_GRAPHML_NS + "data"):
            name, cast = keys.get(d.get("key", ""), (d.get("key", ""), str))
            out[name] = cast(d.text or "")
        return out

    nodes = edges = 0
    for node in root.iter(_GRAPHML_NS + "node"):
        props = data(node)
        label = props.pop("labelV", props.pop(str(T.label), "vertex"))
        graph.add_vertex(label, node.get("id"), props)
        nodes += 1
    for edge in root.iter(_GRAPHML_NS + "edge"):
        props = data(edge)
        label = props.pop("labelE", "edge")
        out_v, in_v = graph.vertex(edge.get("source")), graph.vertex(edge.get("target"))
        if out_v is None or in_v is None:
            raise GremlinError(f"GraphML edge {edge.get('id')!r} names a node that is not in the file")
        graph.add_edge(label, out_v, in_v, edge.get("id"), props)
        edges += 1
    return nodes, edges


def resolve_io_path(io_dir: Path | None, name: str) -> Path:
    """The file ``name`` (relative, inside ``io_dir``) that io() may read; a clear error when
    the server has no io directory or the name leaves it."""
    if io_dir is None:
        raise GremlinError(f"io({name!r}): this server reads no files (no io directory is configured: "
                           "Graph.io_dir); load data with addV()/mergeV() or the loader instead")
    path = (io_dir / name).resolve()
    if not path.is_relative_to(io_dir.resolve()):
        raise GremlinError(f"io({name!r}): the file must be inside the server's io directory")
    if not path.is_file():
        raise GremlinError(f"io({name!r}): no such file in the server's io directory")
    return path
