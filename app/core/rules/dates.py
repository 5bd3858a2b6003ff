"""Rules for dates: German or ISO in forms, ISO in JSON, within 2000–2100."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import AfterValidator
from pydantic_core import core_schema

from app.core.rules.base import (
    _GERMAN_DATE,
    _ISO_DATE,
    MAX_YEAR,
    MIN_YEAR,
    _fail,
    _Rule,
    bad_characters,
)


def parse_day(text: str) -> date | None:
    """``2026-11-24`` or ``24.11.2026`` as a date in 2000–2100, else None."""
    candidate = text.strip()
    match = _ISO_DATE.fullmatch(candidate)
    parts: tuple[int, int, int] | None = None
    if match:
        parts = (int(match[1]), int(match[2]), int(match[3]))
    else:
        german = _GERMAN_DATE.fullmatch(candidate)
        if german:
            parts = (int(german[3]), int(german[2]), int(german[1]))
    if parts is None:
        return None
    try:
        value = date(*parts)
    except ValueError:
        return None
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


@dataclass(frozen=True)
class Day(_Rule):
    """A date: ISO 8601 in JSON, German or ISO in forms, between the years 2000 and 2100."""

    optional: bool = False
    message: str = ""

    def parse(self, value: Any, form: bool) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or "Bitte ein Datum angeben.")
        if isinstance(value, date):
            parsed: date | None = value
        elif isinstance(value, str) and bad_characters(value, multiline=False) is None:
            parsed = parse_day(value) if form else _iso_only(value)
        else:
            parsed = None
        if parsed is None or not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise _fail("Bitte ein Datum wie 24.11.2026 zwischen 2000 und 2100 angeben.")
        return parsed

    def json_extra(self) -> dict[str, Any]:
        return {"format": "date"}


def _iso_only(text: str) -> date | None:
    return parse_day(text) if _ISO_DATE.fullmatch(text.strip()) else None


def not_before(start_field: str, message: str) -> AfterValidator:
    """A date field's rule: not before the (earlier declared) field ``start_field``.

    A field rule rather than a rule on the whole model, so it is checked, and its message shown,
    also when other fields of the form are wrong.
    """

    def check_order(value: date | None, info: core_schema.ValidationInfo) -> date | None:
        start = info.data.get(start_field)
        if value is not None and isinstance(start, date) and value < start:
            raise _fail(message)
        return value

    return AfterValidator(check_order)
