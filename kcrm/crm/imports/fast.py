"""A fast path for row validation, compiled from the pydantic row models themselves.

pydantic costs tens of microseconds per order row (enums, datetimes, nested lines), more than
SQLite needs to store it. The checker built here handles the plain shapes an ERP file holds
(exact enum values, ASCII digits, ISO datetimes) and returns the same values `model_dump()`
would; for anything else it returns None and the row goes through pydantic, which stays the
only judge of a bad row and the only author of its error message. The fast path may refuse
a valid row, never accept an invalid one (tests/crm/imports/test_fast.py checks both agree).
Shapes it does not write out inline (nested models, lists, fields with before validators)
are checked by the closures in fieldchecks.py.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from kcrm.crm.imports.fieldchecks import (
    ISO_DATETIME,
    SLOW,
    Check,
    Unsupported,
    bounds,
    constraint,
    decimal_shape,
    field_check,
    validators,
)

__all__ = ["SLOW", "RowCheck", "StoredTimes", "Unsupported", "compile_row"]

RowCheck = Callable[[dict[str, Any]], dict[str, Any] | None]
# A datetime field's raw text -> the text a database stores for it, or None to parse it.
StoredTimes = Callable[[str], str | None]
_MISSING = object()


def _nested(model: type[BaseModel]) -> Check:
    row = compile_row(model)

    def check(value: Any) -> Any:
        checked = row(value) if type(value) is dict else None
        return SLOW if checked is None else checked

    return check


class _Plan:
    """A model's fields sorted by shape, so the hot loop runs inline without a call per field."""

    def __init__(self, model: type[BaseModel], stored_times: StoredTimes | None = None) -> None:
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
        self.stored_times = stored_times
        times = [after for after in self.afters if after[0] in self.datetimes]
        if stored_times is not None and not all(map(_keeps_utc, times)):
            raise Unsupported(f"{model.__name__} changes UTC times after validation")

    def _add_default(self, name: str, info: FieldInfo) -> None:
        if info.default_factory is not None:
            factory = info.default_factory
            self.factories.append((name, lambda: factory()))  # type: ignore[call-arg]
        elif not info.is_required():
            self.defaults[name] = info.default

    def _add_check(self, model: type[BaseModel], name: str, info: FieldInfo) -> None:
        base = _optional_of(info.annotation)
        if validators(model, name, "before") or base is None:
            general = field_check(model, name, info, _nested)
            shortcut = getattr(model, "fast_forms", {}).get(name)
            self.others.append((name, general if shortcut is None else _either(shortcut, general)))
            return
        low, high, ge, le = bounds(info)
        if base is str:
            pattern = constraint(info, "pattern")
            self.strings.append((name, low, high, re.compile(pattern).search if pattern else None))
        elif isinstance(base, type) and issubclass(base, enum.StrEnum):
            self.enums.append((name, frozenset(m.value for m in base)))
        elif base is int:
            self.ints.append(
                (name, -(1 << 62) if ge is None else ge, 1 << 62 if le is None else le)
            )
        elif base is Decimal:
            self.decimals.append((name, *decimal_shape(info)))
        elif base is datetime:
            self.datetimes.append(name)
        else:
            self.others.append((name, field_check(model, name, info, _nested)))
            return
        if after := validators(model, name, "after"):
            self.afters.append((name, after))


def _keeps_utc(after: tuple[str, list[Callable[[Any], Any]]]) -> bool:
    """Whether a field's after validators leave a UTC time as it is (stored text skips them)."""
    probe = datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC)
    for function in after[1]:
        kept = function(probe)
        if kept != probe or kept.tzinfo is not UTC:
            return False
    return True


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


def _source(plan: _Plan) -> tuple[list[str], dict[str, Any]]:
    """The checks of one model as straight-line code, and the objects that code refers to.

    One function per model, as dataclasses and attrs generate theirs: the hot loop then runs
    no loop over fields, tuple unpacking or call per field. Every check returns None (so
    pydantic decides) where the closures it replaced returned SLOW.
    """
    refs: dict[str, Any] = {"MISSING": _MISSING, "SLOW": SLOW, "Decimal": Decimal}
    refs |= {"iso": ISO_DATETIME.fullmatch, "fromisoformat": datetime.fromisoformat}
    refs["stored"] = plan.stored_times

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
        parsed = [
            "if type(v) is not str or not iso(v):",
            "    return None",
            "try:",  # the same instant as pydantic's ("+00:00" and "Z" give datetime.UTC)
            f"    out[{field!r}] = fromisoformat(v)",
            "except ValueError:",
            "    return None",
        ]
        if plan.stored_times is not None:
            # Plain UTC text goes straight to its stored form; anything else is parsed.
            parsed = [
                "s = stored(v) if type(v) is str else None",
                "if s is not None:",
                f"    out[{field!r}] = s",
                "else:",
                *(f"    {line}" for line in parsed),
            ]
        code += _when_present(plan, field, parsed)
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
        if plan.stored_times is not None and field in plan.datetimes:
            # Stored text is a UTC time, which these validators keep (see _keeps_utc).
            body = [f"if type(out[{field!r}]) is not str:", *(f"    {b}" for b in body)]
        code += _when_present(plan, field, body)
    return code


def _when_present(plan: _Plan, field: str, body: list[str]) -> list[str]:
    # A required field is always present here: the key check runs first.
    if field in plan.required:
        return [f"v = record[{field!r}]", *body]
    return [f"v = get({field!r}, MISSING)", "if v is not MISSING:", *(f"    {b}" for b in body)]


def compile_row(model: type[BaseModel], *, stored_times: StoredTimes | None = None) -> RowCheck:
    """A checker returning values equal to `model_validate(record).model_dump()`, or None.

    With `stored_times`, a datetime field whose text that function takes holds the text it
    returns (what the database stores) instead of the datetime; other times are parsed.
    """
    plan = _Plan(model, stored_times)
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
