"""Rules for numbers: integers, years, versions, amounts in cents and shares in basis points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.formatting import (
    MoneyFormatError,
    fmt_hundredths,
    parse_hundredths,
    parse_money,
    parse_percent_bp,
)
from app.core.rules.base import _ASCII_DIGITS, MAX_CENTS, MAX_YEAR, MIN_YEAR, _fail, _Rule


def parse_int(text: str) -> int | None:
    """An integer written as ASCII digits ``[0-9]+`` (an optional leading minus), else None.

    ``"²".isdigit()`` is true and ``int("٣")`` is 3: neither is a number a user typed here.
    """
    candidate = text.strip()
    negative = candidate.startswith("-")
    digits = candidate[1:] if negative else candidate
    if not _ASCII_DIGITS.fullmatch(digits) or len(digits) > 18:
        return None
    return -int(digits) if negative else int(digits)


@dataclass(frozen=True)
class Whole(_Rule):
    """An integer from ``ge`` to ``le``; forms give ASCII digits, JSON a number (not a boolean)."""

    ge: int = 0
    le: int = 2**31 - 1
    optional: bool = False
    message: str = ""
    json_type: str = "integer"

    def parse(self, value: Any, form: bool) -> int | None:
        if value is None or (form and isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or "Bitte eine ganze Zahl angeben.")
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif form and isinstance(value, str):
            number = parse_int(value)
        if number is None:
            raise _fail(self.message or "Bitte eine ganze Zahl angeben.")
        if not self.ge <= number <= self.le:
            raise _fail(self.message or f"Bitte eine Zahl von {self.ge} bis {self.le} angeben.")
        return number

    def json_extra(self) -> dict[str, Any]:
        return {"minimum": self.ge, "maximum": self.le}


@dataclass(frozen=True)
class QueryNumber(Whole):
    """An integer in a query parameter: always text there, so ASCII digits are read in any
    context (a JSON body's integers use :class:`Whole`)."""

    def parse(self, value: Any, form: bool) -> int | None:
        return super().parse(value, True)


@dataclass(frozen=True)
class Year(Whole):
    """A Haushaltsjahr."""

    ge: int = MIN_YEAR
    le: int = MAX_YEAR
    message: str = f"Bitte ein Jahr zwischen {MIN_YEAR} und {MAX_YEAR} angeben."


@dataclass(frozen=True)
class Version(Whole):
    """The version of a record an edit was based on (optimistic locking); one that never
    existed (0) is simply stale."""

    ge: int = 0
    message: str = "Die Version des Datensatzes fehlt; bitte die Seite neu laden."


def money_text_to_cents(text: str) -> int:
    """German amount text to cents within the bound; raises the rule's German error."""
    try:
        cents = parse_money(text)
    except MoneyFormatError as exc:
        raise _fail(str(exc)) from None
    return cents


@dataclass(frozen=True)
class Cents(_Rule):
    """An amount: integer cents in JSON, German euros (``1.234,56``) in forms; 0 to 1 bn €."""

    optional: bool = False
    message: str = ""
    json_type: str = "integer"

    def parse(self, value: Any, form: bool) -> int | None:
        if value is None or (form and isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or "Bitte einen Betrag angeben (0 ist erlaubt).")
        if form and isinstance(value, str):
            cents = money_text_to_cents(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            cents = value
        else:
            raise _fail("Bitte einen Betrag in Cent als ganze Zahl angeben.")
        if cents < 0:
            raise _fail("Der Betrag darf nicht negativ sein.")
        if cents > MAX_CENTS:
            raise _fail("Der Betrag darf höchstens 1.000.000.000,00 € betragen.")
        return cents

    def json_extra(self) -> dict[str, Any]:
        return {"minimum": 0, "maximum": MAX_CENTS, "description": "Betrag in Cent"}


@dataclass(frozen=True)
class BasisPoints(_Rule):
    """A share or rate: basis points of 100 % in JSON (3333), per cent in forms (``33,33``)."""

    optional: bool = False
    message: str = ""
    json_type: str = "integer"

    def parse(self, value: Any, form: bool) -> int | None:
        if value is None or (form and isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or "Bitte einen Prozentsatz angeben.")
        if form and isinstance(value, str):
            try:
                points = parse_percent_bp(value)
            except ValueError as exc:
                raise _fail(str(exc)) from None
        elif isinstance(value, int) and not isinstance(value, bool):
            points = value
        else:
            raise _fail("Bitte einen Anteil in Hundertstel Prozent als ganze Zahl angeben.")
        if points < 0:
            raise _fail("Der Prozentsatz darf nicht negativ sein.")
        if points > 10000:
            raise _fail("Der Prozentsatz darf höchstens 100 % betragen.")
        return points

    def json_extra(self) -> dict[str, Any]:
        return {
            "minimum": 0,
            "maximum": 10000,
            "description": "Hundertstel Prozent (10000 = 100 %)",
        }


@dataclass(frozen=True)
class Hundredths(_Rule):
    """A measured figure in hundredths of its unit: an integer in JSON (6250 for 62,5), German
    decimals in forms (``62,5``); from 0 to ``le``."""

    le: int = 100_000_000_000
    optional: bool = False
    message: str = ""
    json_type: str = "integer"

    def parse(self, value: Any, form: bool) -> int | None:
        if value is None or (form and isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or "Bitte einen Wert angeben.")
        if form and isinstance(value, str):
            try:
                number = parse_hundredths(value)
            except ValueError as exc:
                raise _fail(str(exc)) from None
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            raise _fail("Bitte den Wert in Hundertstel der Einheit als ganze Zahl angeben.")
        if number < 0:
            raise _fail("Der Wert darf nicht negativ sein.")
        if number > self.le:
            raise _fail(f"Der Wert darf höchstens {fmt_hundredths(self.le)} betragen.")
        return number

    def json_extra(self) -> dict[str, Any]:
        return {
            "minimum": 0,
            "maximum": self.le,
            "description": "Hundertstel der Einheit (6250 = 62,5)",
        }
