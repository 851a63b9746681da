"""CLI flags derived from pydantic declarations: the settings and the GNN's config.

A flag's type, choices and help come from its field (``Field(description=...)``);
its default is None, so a flag left out keeps the field's value from elsewhere
(the env var for a setting, the declared default for a config field) and
nothing is read from the environment while the parser is built.

* ``setting_flag(parser, "graph_url", "--graph")`` overrides one setting;
  :func:`settings_from_args` is the process settings with those given applied
  (the ``stylegraph`` entry point stores it as ``args.settings``).
* ``model_flags(parser, GNNConfig, ...)`` adds one flag per field of a model;
  :func:`model_values` collects the ones given.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Iterable, Mapping, get_args, get_origin

from pydantic import BaseModel

from stylegraph.settings import Settings, env_var, get_settings

SETTING_DEST = "setting__"


def field_flag(parser: argparse.ArgumentParser, model: type[BaseModel], field: str, *flags: str,
               dest: str | None = None, default_text: str | None = None, **kwargs: Any) -> None:
    """Add ``flags`` (default ``--<field with dashes>``) setting ``model``'s ``field``.

    A bool field that defaults to True becomes a ``store_false`` switch (name it, e.g. ``--no-price``).
    """
    info = model.model_fields[field]
    annotation = info.annotation
    flags = flags or ("--" + field.replace("_", "-"),)
    dest = dest or field
    value = info.default if info.default_factory is None else info.default_factory()
    default = default_text or (str(value) if isinstance(value, Path) else repr(value))
    if annotation is bool:
        switch_off = bool(info.default)
        kwargs.setdefault("help", ("turn off: " if switch_off else "") + str(info.description))
        parser.add_argument(*flags, dest=dest, action="store_false" if switch_off else "store_true",
                            default=None, **kwargs)
        return
    kwargs.setdefault("help", f"{info.description} (default: {default})")
    if get_origin(annotation) is list:
        parser.add_argument(*flags, dest=dest, action="append", default=None,
                            **{"metavar": field.upper(), **kwargs})
        return
    choices = get_args(annotation) or None
    if not choices:
        kwargs.setdefault("metavar", field.upper())
    kind = annotation if annotation in (int, float, Path) else str
    parser.add_argument(*flags, dest=dest, type=kind, choices=choices, default=None, **kwargs)


def model_flags(parser: argparse.ArgumentParser, model: type[BaseModel], *, exclude: Iterable[str] = (),
                names: Mapping[str, str] | None = None) -> None:
    """One flag per field of ``model`` except ``exclude``; ``names`` renames a field's flag."""
    names = names or {}
    for field in model.model_fields:
        if field not in exclude:
            field_flag(parser, model, field, *([names[field]] if field in names else []))


def model_values(args: argparse.Namespace, model: type[BaseModel], *,
                 exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The fields of ``model`` (but ``exclude``) given on the command line (see :func:`model_flags`)."""
    return {name: getattr(args, name) for name in model.model_fields
            if name not in exclude and getattr(args, name, None) is not None}


def setting_flag(parser: argparse.ArgumentParser, field: str, *flags: str, **kwargs: Any) -> None:
    """Add ``flags`` overriding the setting ``field`` (default: its env var)."""
    value = Settings.model_fields[field].default
    default = f"{env_var(field)}, else {str(value) if isinstance(value, Path) else repr(value)}"
    field_flag(parser, Settings, field, *flags, dest=SETTING_DEST + field, default_text=default, **kwargs)


def settings_from_args(args: argparse.Namespace, base: Settings | None = None) -> Settings:
    """``base`` (default: the process settings) with every setting flag given on the command line."""
    changes = {name[len(SETTING_DEST):]: value for name, value in vars(args).items()
               if name.startswith(SETTING_DEST) and value is not None}
    base = base or get_settings()
    return base.replace(**changes) if changes else base
