"""Field checks as closures, for the shapes fast.py does not write out inline.

A nested model, a list, or a field with a before validator is checked by one of these,
called from the compiled row check; they return SLOW where pydantic must decide.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

Check = Callable[[Any], Any]
Nested = Callable[[type[BaseModel]], Check]

# Returned by a field check when pydantic must decide.
SLOW: Any = object()
ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)?")
_DIGITS = re.compile(r"0|[1-9][0-9]{0,17}")


class Unsupported(TypeError):
    """The model has a field shape the fast path does not know; pydantic handles every row."""


def constraint(info: FieldInfo, key: str) -> Any:
    """The first of the field's constraints that sets `key` (pattern, max_digits, ...)."""
    for item in info.metadata:
        value = getattr(item, key, None)
        if value is not None:
            return value
    return None


def bounds(info: FieldInfo) -> tuple[int, int, Any, Any]:
    """min length, max length, ge and le of a field (None where unset)."""
    low, high, ge, le = 0, 1 << 62, None, None
    for item in info.metadata:
        if isinstance(item, MinLen):
            low = item.min_length
        elif isinstance(item, MaxLen):
            high = item.max_length
        elif isinstance(item, Ge):
            ge = item.ge
        elif isinstance(item, Le):
            le = item.le
    return low, high, ge, le


def _str_check(info: FieldInfo) -> Check:
    low, high, _, _ = bounds(info)
    pattern = constraint(info, "pattern")
    search = re.compile(pattern).search if pattern else None

    def check(value: Any) -> Any:
        # Padded strings go to pydantic: Python and Rust disagree on a few exotic spaces.
        if type(value) is not str or value.strip() != value or not low <= len(value) <= high:
            return SLOW
        if search is not None and search(value) is None:
            return SLOW
        return value

    return check


def _int_check(info: FieldInfo) -> Check:
    _, _, ge, le = bounds(info)
    low = -(1 << 62) if ge is None else ge
    high = 1 << 62 if le is None else le

    def check(value: Any) -> Any:
        if type(value) is str and _DIGITS.fullmatch(value):
            value = int(value)
        if type(value) is not int or not low <= value <= high:
            return SLOW
        return value

    return check


def _decimal_check(info: FieldInfo) -> Check:
    fullmatch, limit = decimal_shape(info)

    def check(value: Any) -> Any:
        if type(value) is str and fullmatch(value):
            return Decimal(value)
        if type(value) is int and 0 <= value < limit:
            return Decimal(value)
        return SLOW

    return check


def _datetime_check(value: Any) -> Any:
    if type(value) is not str or not ISO_DATETIME.fullmatch(value):
        return SLOW
    try:
        # The same instant as pydantic's result ("+00:00" and "Z" give datetime.UTC).
        return datetime.fromisoformat(value)
    except ValueError:
        return SLOW


def _enum_check(enum_cls: type[enum.Enum]) -> Check:
    members = {member.value: member for member in enum_cls}

    def check(value: Any) -> Any:
        return members.get(value, SLOW) if type(value) is str else SLOW

    return check


def _list_check(item: Check, info: FieldInfo) -> Check:
    low, high, _, _ = bounds(info)

    def check(value: Any) -> Any:
        if type(value) is not list or not low <= len(value) <= high:
            return SLOW
        items = []
        for element in value:
            checked = item(element)
            if checked is SLOW:
                return SLOW
            items.append(checked)
        return items

    return check


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _type_check(annotation: Any, info: FieldInfo, nested: Nested) -> Check:
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        args = [arg for arg in get_args(annotation) if arg is not NoneType]
        if len(args) != 1:
            raise Unsupported(str(annotation))
        return _optional(_type_check(args[0], info, nested))
    if origin is list:
        (arg,) = get_args(annotation)
        return _list_check(_type_check(arg, FieldInfo(), nested), info)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum_check(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return nested(annotation)
    simple: dict[Any, Callable[[FieldInfo], Check]] = {
        str: _str_check,
        int: _int_check,
        Decimal: _decimal_check,
        datetime: lambda _: _datetime_check,
    }
    if annotation not in simple:
        raise Unsupported(str(annotation))
    return simple[annotation](info)


def validators(model: type[BaseModel], name: str, mode: str) -> list[Callable[[Any], Any]]:
    """The model's own field validators of `name` in `mode` (before or after)."""
    decorators = model.__pydantic_decorators__.field_validators.values()
    found = [d.func for d in decorators if name in d.info.fields and d.info.mode == mode]
    if any(d.info.mode not in ("before", "after") for d in decorators):
        raise Unsupported(f"{model.__name__} has wrap or plain validators")
    return found


def field_check(model: type[BaseModel], name: str, info: FieldInfo, nested: Nested) -> Check:
    """The type check wrapped in the model's own before and after validators.

    `nested` makes the check of a nested model's value (the compiled check of that model).
    """
    check = _type_check(info.annotation, info, nested)
    before, after = validators(model, name, "before"), validators(model, name, "after")
    if not before and not after:
        return check

    def run(value: Any) -> Any:
        try:
            for function in before:
                value = function(value)
            value = check(value)
            if value is SLOW:
                return SLOW
            for function in after:
                value = function(value)
        except ValueError:
            return SLOW
        return value

    return run


def decimal_shape(info: FieldInfo) -> tuple[Any, int]:
    """The fullmatch of a plain decimal string within the field's bounds, and its int limit."""
    _, _, ge, le = bounds(info)
    places = constraint(info, "decimal_places")
    digits = constraint(info, "max_digits")
    if ge != 0 or le is not None or places is None or digits is None:
        raise Unsupported(f"decimal constraints {info.metadata}")
    shape = re.compile(rf"(0|[1-9][0-9]{{0,{digits - places - 1}}})(\.[0-9]{{1,{places}}})?")
    return shape.fullmatch, 10 ** (digits - places)
