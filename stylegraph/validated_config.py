"""A pydantic model for run configurations: a bad value raises the component's own error."""
from __future__ import annotations

from typing import Any, Callable, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError


class ValidatedConfig(BaseModel):
    """Fields declared with types, ranges and help; validation failures raise ``error``.

    The message names each failing field: ``"lr: Input should be greater than 0, got 0"``.
    """

    model_config = ConfigDict(extra="forbid")
    error: ClassVar[type[ValueError]] = ValueError

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise self.error(describe_errors(exc)) from None

    def replace(self, **changes: Any) -> "ValidatedConfig":
        """A validated copy with ``changes`` applied."""
        return type(self)(**{**self.model_dump(), **changes})


def describe_errors(exc: ValidationError, name: Callable[[str], str] = str) -> str:
    """One ``"<name(field)>: why, got <value>"`` per failing field of ``exc``, ``; ``-joined."""
    parts = []
    for error in exc.errors():
        where = ".".join(map(str, error["loc"]))
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{name(where)}: {message}, got {error['input']!r}" if where else message)
    return "; ".join(parts)
