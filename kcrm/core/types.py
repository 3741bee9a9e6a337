"""Column helpers shared by the domain models."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Enum


def enum_column(enum_cls: type[enum.Enum], length: int = 32) -> Enum:
    """A portable enum column stored as its value (VARCHAR plus CHECK), never a native type."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        create_constraint=True,
        name=enum_cls.__name__.lower(),
    )


def enum_values(enum_cls: type[enum.Enum]) -> list[Any]:
    """The stored values of an enum, for docs and validation messages."""
    return [m.value for m in enum_cls]
