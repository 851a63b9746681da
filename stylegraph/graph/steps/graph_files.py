"""g.io(file).read(): load one of TinkerPop's graph files (GraphSON v3 or GraphML) from the
server's io directory (``Graph.io_dir``) into the graph; ``with(IO.reader, ...)`` names the
format, else the file's extension does. Gryo and io().write() are refused with the reason."""
from __future__ import annotations

from typing import Any, Iterator

from stylegraph.graph.graph_io import load_graphml, load_graphson_lines, resolve_io_path
from stylegraph.graph.steps.base import Step, expect_str, register
from stylegraph.graph.traverser import Traverser

_READER_KEY, _WRITER_KEY = "~tinkerpop.io.reader", "~tinkerpop.io.writer"
_BY_EXTENSION = {".json": "graphson", ".xml": "graphml", ".kryo": "gryo"}


class IoSpec:
    """What io(file).with(...) names: the file and the reader/writer format."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.format: str | None = None


@register("io")
class IoStep(Step):
    """io(file): starts the traversal with the file to read()."""

    accepts = frozenset({"with"})

    def setup(self, args: list[Any]) -> None:
        """One file name."""
        if len(args) != 1:
            raise self.error(f"takes one file name, got {args!r}")
        self.spec = IoSpec(expect_str(self, args[0], "file name"))

    def mod_with(self, args: list[Any]) -> None:
        """with(IO.reader|IO.writer, format)."""
        if len(args) != 2 or args[0] not in (_READER_KEY, _WRITER_KEY) or not isinstance(args[1], str):
            raise self.error(f"with() takes IO.reader or IO.writer and a format name, got {args!r}")
        self.spec.format = args[1]

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Emit the file spec for read()/write()."""
        for _ in it:
            pass
        yield self.ctx.start(self.spec, self.labels)


@register("read", "write")
class ReadStep(Step):
    """read(): load the io() file into the graph, producing nothing; write() is refused."""

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Load each io() file the input names."""
        for t in it:
            spec = t.obj
            if not isinstance(spec, IoSpec):
                raise self.error("must follow g.io(file)")
            if self.name == "write":
                raise self.error("writing files on the server is not supported (a Neptune-compatible "
                                 "engine has no server-side file output)")
            fmt = spec.format or _BY_EXTENSION.get(_suffix(spec.name))
            if fmt not in ("graphson", "graphml"):
                raise self.error(f"{spec.name}: cannot read {fmt or 'an unknown'} format: this server "
                                 "reads GraphSON v3 and GraphML (Gryo is Java's Kryo serialization)")
            path = resolve_io_path(getattr(self.ctx.graph, "io_dir", None), spec.name)
            text = path.read_text(encoding="utf-8")
            if fmt == "graphson":
                load_graphson_lines(self.ctx.graph, text.splitlines())
            else:
                load_graphml(self.ctx.graph, text)
        yield from ()  # read() produces nothing


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""
