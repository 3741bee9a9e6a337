"""A fast path for row validation, compiled from the pydantic row models themselves.

pydantic costs tens of microseconds per order row (enums, datetimes, nested lines), more than
SQLite needs to store it. The checker built here handles the plain shapes an ERP file holds
(exact enum values, ASCII digits, ISO datetimes) and returns the same values `model_dump()`
would; for anything else it returns None and the row goes through pydantic, which stays the
only judge of a bad row and the only author of its error message. The fast path may refuse
a valid row, never accept an invalid one (tests/crm/imports/test_fast.py checks both agree).
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
RowCheck = Callable[[dict[str, Any]], dict[str, Any] | None]

# Returned by a field check when pydantic must decide.
SLOW: Any = object()
_MISSING = object()
_ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)?")
_DIGITS = re.compile(r"0|[1-9][0-9]{0,17}")


class Unsupported(TypeError):
    """The model has a field shape the fast path does not know; pydantic handles every row."""


def _general(info: FieldInfo, key: str) -> Any:
    for item in info.metadata:
        value = getattr(item, key, None)
        if value is not None:
            return value
    return None


def _bounds(info: FieldInfo) -> tuple[int, int, Any, Any]:
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
    low, high, _, _ = _bounds(info)
    pattern = _general(info, "pattern")
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
    _, _, ge, le = _bounds(info)
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
    fullmatch, limit = _decimal_shape(info)

    def check(value: Any) -> Any:
        if type(value) is str and fullmatch(value):
            return Decimal(value)
        if type(value) is int and 0 <= value < limit:
            return Decimal(value)
        return SLOW

    return check


def _datetime_check(value: Any) -> Any:
    if type(value) is not str or not _ISO_DATETIME.fullmatch(value):
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
    low, high, _, _ = _bounds(info)

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


def _nested(model: type[BaseModel]) -> Check:
    row = compile_row(model)

    def check(value: Any) -> Any:
        checked = row(value) if type(value) is dict else None
        return SLOW if checked is None else checked

    return check


def _type_check(annotation: Any, info: FieldInfo) -> Check:
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        args = [arg for arg in get_args(annotation) if arg is not NoneType]
        if len(args) != 1:
            raise Unsupported(str(annotation))
        return _optional(_type_check(args[0], info))
    if origin is list:
        (arg,) = get_args(annotation)
        return _list_check(_type_check(arg, FieldInfo()), info)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum_check(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _nested(annotation)
    simple: dict[Any, Callable[[FieldInfo], Check]] = {
        str: _str_check,
        int: _int_check,
        Decimal: _decimal_check,
        datetime: lambda _: _datetime_check,
    }
    if annotation not in simple:
        raise Unsupported(str(annotation))
    return simple[annotation](info)


def _validators(model: type[BaseModel], name: str, mode: str) -> list[Callable[[Any], Any]]:
    decorators = model.__pydantic_decorators__.field_validators.values()
    found = [d.func for d in decorators if name in d.info.fields and d.info.mode == mode]
    if any(d.info.mode not in ("before", "after") for d in decorators):
        raise Unsupported(f"{model.__name__} has wrap or plain validators")
    return found


def _field_check(model: type[BaseModel], name: str, info: FieldInfo) -> Check:
    """The type check wrapped in the model's own before and after validators."""
    check = _type_check(info.annotation, info)
    before, after = _validators(model, name, "before"), _validators(model, name, "after")
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


class _Plan:
    """A model's fields sorted by shape, so the hot loop runs inline without a call per field."""

    def __init__(self, model: type[BaseModel]) -> None:
        config = model.model_config
        if config.get("extra") != "forbid" or not config.get("str_strip_whitespace"):
            raise Unsupported(f"{model.__name__} config {config}")
        self.known = frozenset(model.model_fields)
        self.required = frozenset(n for n, i in model.model_fields.items() if i.is_required())
        self.defaults: dict[str, Any] = {}
        self.factories: list[tuple[str, Callable[[], Any]]] = []
        # (name, min length, max length, pattern search or None)
        self.strings: list[tuple[str, int, int, Any]] = []
        self.enums: list[tuple[str, frozenset[str]]] = []
        self.ints: list[tuple[str, int, int]] = []
        self.decimals: list[tuple[str, Any, int]] = []
        self.datetimes: list[str] = []
        self.afters: list[tuple[str, list[Callable[[Any], Any]]]] = []
        self.others: list[tuple[str, Check]] = []
        for name, info in model.model_fields.items():
            self._add_default(name, info)
            self._add_check(model, name, info)

    def _add_default(self, name: str, info: FieldInfo) -> None:
        if info.default_factory is not None:
            factory = info.default_factory
            self.factories.append((name, lambda: factory()))  # type: ignore[call-arg]
        elif not info.is_required():
            self.defaults[name] = info.default

    def _add_check(self, model: type[BaseModel], name: str, info: FieldInfo) -> None:
        base = _optional_of(info.annotation)
        if _validators(model, name, "before") or base is None:
            general = _field_check(model, name, info)
            shortcut = getattr(model, "fast_forms", {}).get(name)
            self.others.append((name, general if shortcut is None else _either(shortcut, general)))
            return
        low, high, ge, le = _bounds(info)
        if base is str:
            pattern = _general(info, "pattern")
            self.strings.append((name, low, high, re.compile(pattern).search if pattern else None))
        elif isinstance(base, type) and issubclass(base, enum.StrEnum):
            self.enums.append((name, frozenset(m.value for m in base)))
        elif base is int:
            self.ints.append(
                (name, -(1 << 62) if ge is None else ge, 1 << 62 if le is None else le)
            )
        elif base is Decimal:
            self.decimals.append((name, *_decimal_shape(info)))
        elif base is datetime:
            self.datetimes.append(name)
        else:
            self.others.append((name, _field_check(model, name, info)))
            return
        if after := _validators(model, name, "after"):
            self.afters.append((name, after))


def _either(shortcut: Check, general: Check) -> Check:
    """A model's own reader of a field's common form first (see `fast_forms`), then the rest."""

    def check(value: Any) -> Any:
        result = shortcut(value)
        return general(value) if result is SLOW else result

    return check


def _optional_of(annotation: Any) -> Any:
    """X for X or X | None; None for lists, nested models and wider unions."""
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not NoneType]
        return args[0] if len(args) == 1 and get_origin(args[0]) is None else None
    return annotation if get_origin(annotation) is None else None


def _decimal_shape(info: FieldInfo) -> tuple[Any, int]:
    """The fullmatch of a plain decimal string within the field's bounds, and its int limit."""
    _, _, ge, le = _bounds(info)
    places = _general(info, "decimal_places")
    digits = _general(info, "max_digits")
    if ge != 0 or le is not None or places is None or digits is None:
        raise Unsupported(f"decimal constraints {info.metadata}")
    shape = re.compile(rf"(0|[1-9][0-9]{{0,{digits - places - 1}}})(\.[0-9]{{1,{places}}})?")
    return shape.fullmatch, 10 ** (digits - places)


def _source(plan: _Plan) -> tuple[list[str], dict[str, Any]]:
    """The checks of one model as straight-line code, and the objects that code refers to.

    One function per model, as dataclasses and attrs generate theirs: the hot loop then runs
    no loop over fields, tuple unpacking or call per field. Every check returns None (so
    pydantic decides) where the closures it replaced returned SLOW.
    """
    refs: dict[str, Any] = {"MISSING": _MISSING, "SLOW": SLOW, "Decimal": Decimal}
    refs |= {"iso": _ISO_DATETIME.fullmatch, "fromisoformat": datetime.fromisoformat}

    def ref(value: Any) -> str:
        refs[f"r{len(refs)}"] = value
        return f"r{len(refs) - 1}"

    return [*_plain_code(plan, ref), *_parsed_code(plan, ref), *_finish_code(plan, ref)], refs


def _plain_code(plan: _Plan, ref: Callable[[Any], str]) -> list[str]:
    code: list[str] = []
    for field, low, high, search in plan.strings:
        test = f"type(v) is not str or v.strip() != v or not {low} <= len(v) <= {high}"
        if search is not None:
            test += f" or {ref(search)}(v) is None"
        code += _when_present(plan, field, [f"if {test}:", "    return None"])
    for field, values in plan.enums:
        test = f"type(v) is not str or v not in {ref(values)}"
        code += _when_present(plan, field, [f"if {test}:", "    return None"])
    for field, ge, le in plan.ints:
        code += _when_present(plan, field, [
            "if type(v) is str and v.isascii() and v.isdigit():",
            f"    v = out[{field!r}] = int(v)",
            f"if type(v) is not int or not {ge} <= v <= {le}:",
            "    return None",
        ])  # fmt: skip
    return code


def _parsed_code(plan: _Plan, ref: Callable[[Any], str]) -> list[str]:
    code: list[str] = []
    for field, fullmatch, limit in plan.decimals:
        code += _when_present(plan, field, [
            f"if type(v) is str and {ref(fullmatch)}(v) or type(v) is int and 0 <= v < {limit}:",
            f"    out[{field!r}] = Decimal(v)",
            "else:",
            "    return None",
        ])  # fmt: skip
    for field in plan.datetimes:
        code += _when_present(plan, field, [
            "if type(v) is not str or not iso(v):",
            "    return None",
            "try:",  # the same instant as pydantic's ("+00:00" and "Z" give datetime.UTC)
            f"    out[{field!r}] = fromisoformat(v)",
            "except ValueError:",
            "    return None",
        ])  # fmt: skip
    return code


def _finish_code(plan: _Plan, ref: Callable[[Any], str]) -> list[str]:
    """Defaults made by factories, fields with before validators or nested shapes, afters."""
    code: list[str] = []
    for field, factory in plan.factories:
        code += [f"if {field!r} not in record:", f"    out[{field!r}] = {ref(factory)}()"]
    for field, check in plan.others:
        body = [f"v = out[{field!r}] = {ref(check)}(v)", "if v is SLOW:", "    return None"]
        code += _when_present(plan, field, body)
    for field, functions in plan.afters:
        calls = [f"    out[{field!r}] = {ref(f)}(out[{field!r}])" for f in functions]
        body = ["try:", *calls, "except ValueError:", "    return None"]
        code += _when_present(plan, field, body)
    return code


def _when_present(plan: _Plan, field: str, body: list[str]) -> list[str]:
    # A required field is always present here: the key check runs first.
    if field in plan.required:
        return [f"v = record[{field!r}]", *body]
    return [f"v = get({field!r}, MISSING)", "if v is not MISSING:", *(f"    {b}" for b in body)]


def compile_row(model: type[BaseModel]) -> RowCheck:
    """A checker returning values equal to `model_validate(record).model_dump()`, or None."""
    plan = _Plan(model)
    code, refs = _source(plan)
    refs |= {"known": plan.known, "required": plan.required, "defaults": plan.defaults}
    source = "\n".join(
        [
            "def check(record):",
            "    if not known.issuperset(record) or not required.issubset(record):",
            "        return None",
            "    out = defaults | record" if plan.defaults else "    out = record.copy()",
            "    get = record.get",
            *(f"    {line}" for line in code),
            "    return out",
        ]
    )
    exec(compile(source, f"<fast check for {model.__name__}>", "exec"), refs)  # noqa: S102
    check: RowCheck = refs["check"]
    return check
