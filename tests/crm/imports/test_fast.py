"""The fast validation path never disagrees with pydantic, and takes the ordinary rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError, field_validator

from kcrm.crm.imports import encoded, fast, repository, rows
from kcrm.crm.imports.rows import CustomerRow, OrderRow, ProductRow, Row

# Values an ERP file holds, plus near misses that pydantic may take or refuse.
TEXT = st.sampled_from(
    ["", " ", "a", " a", "a ", "a\x1f", "\u3000a", "王小明", "x" * 64, "x" * 65, "x" * 201]
)
CODES = st.sampled_from(["CN", "GB", "cn", "CNY", "USD", "C", "CNY ", "中国"])
EMAILS = st.sampled_from(["a@b.co", "a@b", "a b@c.de", "@b.co", "王@例子.中国"])
INTS = st.one_of(
    st.sampled_from(["0", "7", "007", "+7", " 7", "1_0", "7.0", "-1", "²", "٣", "2000000001"]),
    st.integers(-3, 2_000_000_001),
    st.booleans(),
    st.floats(allow_nan=False),
)
DECIMALS = st.one_of(
    st.sampled_from(["0", "1.5", "129.00", "1.500", "0001.5", "-1", "1e2", " 1.5", "9" * 11]),
    st.integers(-1, 10**11),
    st.floats(allow_nan=False, allow_infinity=False),
)
DATETIMES = st.sampled_from(
    [
        "2026-03-01T10:00:00+08:00",
        "2024-01-01T00:01:00+00:00",
        "2024-01-01T00:01:00Z",
        "2024-01-01 00:01:00",
        "2024-01-01T00:01:00.123456-05:30",
        "2024-01-01T00:01",
        "2024-01-01",
        "2024-02-30T00:00:00",
        "20240101T000100",
        "2024-01-01T24:00:00",
        "2024-01-01T00:01:00.1234567",
    ]
)
ENUMS = st.sampled_from(["person", "company", "zh", "en", "vip", "gold", "AA", "placed", "x", ""])
LINES = st.one_of(
    st.sampled_from(["S-1:1:129.00", "S-1:2:1.5;S-2:1:0", "S-1:1", "S-1:0:1", ":1:1", " S:1:1"]),
    st.sampled_from(["S:99999:9999999999.99", "S:100000:1", "S:1:12345678901", "S:01:1", "S:1:.5"]),
    st.sampled_from(
        ["S:1:1.", "S:1:1.555", "S:1:1,5", "S:1:1;", "S:1:1;;T:1:1", "S;T:1:1", "é:1:1"]
    ),
    st.sampled_from(["S:1:1 ;T:2:0.5", "S:1:1\n", "S\x1f:1:1", "x" * 65 + ":1:1", "S:1:-0"]),
    st.lists(st.sampled_from(["S-1:1:2", "a\\b:3:0.25", "x" * 64 + ":2:7"]), min_size=1).map(
        ";".join
    ),
    st.lists(st.fixed_dictionaries({"sku": TEXT, "quantity": INTS, "unit_price": DECIMALS})),
)
TAGS = st.one_of(st.sampled_from(["a;b", " a ; b ;", ""]), st.lists(TEXT), st.integers())
ANY = st.one_of(TEXT, INTS, DECIMALS, DATETIMES, ENUMS, st.none())

NEAR: dict[str, Any] = {
    "country": CODES,
    "currency": CODES,
    "email": EMAILS,
    "member_points": INTS,
    "placed_at": DATETIMES,
    "paid_at": DATETIMES,
    "shipped_at": DATETIMES,
    "delivered_at": DATETIMES,
    "lines": LINES,
    "tags": TAGS,
}
VALID: dict[type[Row], dict[str, Any]] = {
    CustomerRow: {
        "external_id": "C0001",
        "kind": "company",
        "name": "暖居酒店",
        "language": "en",
        "email": "a@b.co",
        "phone": "138-0000-0001",
        "segment": "b2b",
        "lifecycle_stage": "prospect",
        "value_tier": "vip",
        "credit_rating": "AA",
        "member_points": "15545",
        "member_tier": "gold",
        "tags": "a;b",
        "city": "上海",
        "country": "CN",
    },
    OrderRow: {
        "external_id": "SO-1",
        "number": "SO-2026-00001",
        "customer_external_id": "C0001",
        "status": "shipped",
        "currency": "USD",
        "channel": "online",
        "placed_at": "2026-03-01T10:00:00+08:00",
        "paid_at": "2026-03-01T02:00:00Z",
        "shipped_at": "2026-03-01 09:00:00",
        "delivered_at": "2026-03-02T00:00:00.5+00:00",
        "carrier": "SF Express",
        "tracking_number": "SF1",
        "shipping_address": "上海市浦东新区",
        "lines": "S-1:2:1.50;S-2:1:129",
    },
}


@st.composite
def records(draw: st.DrawFn, model: type[Row]) -> dict[str, Any]:
    """A valid record with some fields dropped and up to three replaced by near misses."""
    record = dict(VALID[model])
    names = sorted(record)
    for name in draw(st.lists(st.sampled_from(names), max_size=4, unique=True)):
        del record[name]
    for name in draw(st.lists(st.sampled_from([*names, "unknown"]), max_size=3, unique=True)):
        record[name] = draw(st.one_of(NEAR.get(name, TEXT), ENUMS, ANY))
    return record


def _agrees(model: type[Row], record: dict[str, Any]) -> bool:
    """True when the fast path took the row (and then it must equal pydantic's result)."""
    values = fast.compile_row(model)(record)
    if values is None:
        return False
    try:
        expected = model.model_validate(record).model_dump()
    except ValidationError as exc:  # pragma: no cover - the failure this test exists for
        pytest.fail(f"fast path accepted {record!r}, pydantic refused it: {exc}")
    assert values == expected
    return True


class TestCompileRow:
    @settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow])
    @given(records(CustomerRow))
    def test_customers_agree_with_pydantic(self, record: dict[str, Any]) -> None:
        _agrees(CustomerRow, record)

    @settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow])
    @given(records(OrderRow))
    def test_orders_agree_with_pydantic(self, record: dict[str, Any]) -> None:
        _agrees(OrderRow, record)

    def test_ordinary_rows_take_the_fast_path(self) -> None:
        assert _agrees(CustomerRow, VALID[CustomerRow])
        assert _agrees(OrderRow, VALID[OrderRow])
        assert _agrees(
            OrderRow,
            {
                k: VALID[OrderRow][k]
                for k in ("external_id", "customer_external_id", "placed_at", "lines")
            },
        )

    def test_plain_packed_lines_are_read_by_one_regex(self) -> None:
        cell = "S-1:2:1.50;S-2:1:129"
        expected = OrderRow.model_validate(VALID[OrderRow] | {"lines": cell}).model_dump()
        assert rows._packed_lines(cell) == expected["lines"]
        assert rows._packed_lines(" S-1:2:1.50") is fast.SLOW  # padded: the general check
        assert rows._packed_lines([{"sku": "S", "quantity": 1, "unit_price": 1}]) is fast.SLOW

    def test_unsure_rows_go_to_pydantic(self) -> None:
        check = fast.compile_row(OrderRow)
        base = {"external_id": "SO-1", "customer_external_id": "C1", "lines": "S:1:1"}
        assert check(base | {"placed_at": "2024-01-01"}) is None  # pydantic takes a date
        assert check(base | {"placed_at": "2024-02-30T00:00:00"}) is None
        assert check(base | {"placed_at": "2024-01-01T00:00:00", "extra": "x"}) is None

    def test_products_use_pydantic_only(self) -> None:
        with pytest.raises(fast.Unsupported):
            fast.compile_row(ProductRow)
        assert rows.Validator(rows.ImportKind.products).fast is None


def _stored_form(values: dict[str, Any]) -> dict[str, Any]:
    """The values with every datetime as the text SQLite stores for it."""
    return {
        k: repository.sqlite_datetime(v) if isinstance(v, datetime) else v
        for k, v in values.items()
    }


class TestStoredTimes:
    """The reader process's checker: plain UTC text becomes stored text without parsing."""

    @settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow])
    @given(records(OrderRow))
    def test_the_same_rows_and_the_same_stored_text(self, record: dict[str, Any]) -> None:
        plain = fast.compile_row(OrderRow)(record)
        stored = fast.compile_row(OrderRow, stored_times=encoded.utc_text)(record)
        if plain is None:
            assert stored is None
            return
        assert stored is not None
        assert _stored_form(stored) == _stored_form(plain)

    def test_plain_utc_text_skips_parsing(self) -> None:
        check = fast.compile_row(OrderRow, stored_times=encoded.utc_text)
        values = check(VALID[OrderRow] | {"paid_at": "2026-03-01T02:00:00+00:00"})
        assert values is not None
        assert values["paid_at"] == "2026-03-01 02:00:00.000000"
        assert isinstance(values["placed_at"], datetime)  # +08:00 is parsed as before

    @pytest.mark.parametrize(
        ("text", "stored"),
        [
            ("2024-01-01T00:01:00+00:00", "2024-01-01 00:01:00.000000"),
            ("2024-01-01T23:59:59Z", "2024-01-01 23:59:59.000000"),
            ("2024-02-29 12:00:00Z", "2024-02-29 12:00:00.000000"),
            ("2023-02-29T12:00:00Z", None),  # no such day
            ("2024-01-01T24:00:00Z", None),
            ("2024-01-01T00:00:60Z", None),
            ("0000-01-01T00:00:00Z", None),
            ("2024-01-01T00:01:00.5Z", None),  # fractions are parsed
            ("2024-01-01T00:01:00+08:00", None),
            ("2024-01-01T00:01:00", None),  # naive: the model decides what it means
            (" 2024-01-01T00:01:00Z", None),
            ("2024-01-01T00:01:00Z\n", None),
        ],
    )
    def test_utc_text(self, text: str, stored: str | None) -> None:
        assert encoded.utc_text(text) == stored
        if stored is not None:
            parsed = OrderRow.model_validate(VALID[OrderRow] | {"placed_at": text}).placed_at
            assert repository.sqlite_datetime(parsed) == stored

    def test_a_model_that_moves_utc_times_is_refused(self) -> None:
        class Shifted(OrderRow):
            @field_validator("paid_at")
            @classmethod
            def _later(cls, value: datetime | None) -> datetime | None:
                return value and value.replace(hour=(value.hour + 1) % 24)

        assert fast.compile_row(Shifted)(VALID[OrderRow]) is not None
        with pytest.raises(fast.Unsupported):
            fast.compile_row(Shifted, stored_times=encoded.utc_text)
