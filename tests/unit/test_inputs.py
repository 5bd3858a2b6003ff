"""The one way input is read: German amounts to cents without floats, integers as ASCII digits,
text without control characters, and the field rules giving German messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ValidationFailed
from app.core.formatting import MoneyFormatError, fmt_amount, parse_money
from app.core.inputs import Input, parse_form
from app.core.rules import MAX_CENTS, Cents, Day, Text, Whole, bad_characters, parse_day, parse_int


@given(st.integers(min_value=0, max_value=MAX_CENTS))
def test_every_amount_survives_the_round_trip_through_its_german_text(cents: int) -> None:
    assert parse_money(fmt_amount(cents)) == cents


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1.234,56", 123456),
        ("1234,5", 123450),
        ("1234", 123400),
        ("0,01", 1),
        ("  405.000,00 € ", 40500000),
        ("-3,10", -310),
        ("92.233.720.368.547.758,07", 9223372036854775807),
    ],
)
def test_german_amounts_are_read_exactly(text: str, cents: int) -> None:
    assert parse_money(text) == cents


@pytest.mark.parametrize(
    "text", ["", "1,234", "1.23", "1,2,3", "1e3", "١٢", "²", "0,001", "1.2345,00", "x" * 40, "NaN"]
)
def test_anything_else_is_refused_in_german(text: str) -> None:
    with pytest.raises(MoneyFormatError, match="Betrag"):
        parse_money(text)


def test_no_float_on_the_way() -> None:
    # 0,1 + 0,2 as floats is 0.30000000000000004; as cents it is exactly 30.
    assert parse_money("0,10") + parse_money("0,20") == parse_money("0,30")
    assert Decimal(parse_money("19,99")) / 100 == Decimal("19.99")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("2026", 2026),
        (" 7 ", 7),
        ("-4", -4),
        ("²", None),
        ("١٢", None),
        ("1e3", None),
        ("", None),
        ("9" * 19, None),
    ],
)
def test_integers_are_ascii_digits(text: str, value: int | None) -> None:
    assert parse_int(text) == value


def test_control_characters_are_named() -> None:
    assert bad_characters("ab\x00", multiline=False)
    assert bad_characters("a\nb", multiline=False)
    assert bad_characters("a\nb\tc", multiline=True) is None
    assert bad_characters("\ud800", multiline=True)
    assert bad_characters("\u202eשלום", multiline=False) is None


def test_dates_german_and_iso_within_the_century() -> None:
    assert parse_day("24.11.2026") == date(2026, 11, 24)
    assert parse_day("2026-11-24") == date(2026, 11, 24)
    assert parse_day("31.02.2026") is None
    assert parse_day("24.11.1999") is None


class _Example(Input):
    title: Annotated[str, Text(10, required=True, message="Bitte einen Titel angeben.")]
    count: Annotated[int, Whole(0, 100)]
    amount: Annotated[int | None, Cents(optional=True)] = None
    due: Annotated[date | None, Day(optional=True)] = None


def test_a_form_reads_text_and_gets_german_messages_per_field() -> None:
    parsed = parse_form(_Example, {"title": " Plan ", "count": "7", "amount": "1.000,00"})
    assert (parsed.title, parsed.count, parsed.amount, parsed.due) == ("Plan", 7, 100000, None)
    with pytest.raises(ValidationFailed) as refused:
        parse_form(_Example, {"title": "", "count": "²", "amount": "10.000.000.000,00"})
    assert refused.value.errors == {
        "title": "Bitte einen Titel angeben.",
        "count": "Bitte eine ganze Zahl angeben.",
        "amount": "Der Betrag darf höchstens 1.000.000.000,00 € betragen.",
    }


def test_json_is_strict() -> None:
    from pydantic import ValidationError

    assert _Example.model_validate({"title": "a", "count": 3}).count == 3
    for wrong in ({"count": True}, {"count": "3"}, {"count": 2.0}, {"amount": "1,00"}):
        with pytest.raises(ValidationError):
            _Example.model_validate({"title": "a", "count": 3} | wrong)
