"""Rules for numbers: integers, years, versions, amounts in cents and shares in basis points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

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
class _Scaled(_Rule):
    """A decimal figure kept as a whole number of its smallest step (cents, basis points,
    hundredths): an integer in JSON, German decimals in forms; from 0 to ``le``. The kinds
    differ only in how a form's text is read and in what they say."""

    le: int = 0
    optional: bool = False
    message: str = ""
    json_type: str = "integer"

    missing: ClassVar[str] = "Bitte einen Wert angeben."
    not_whole: ClassVar[str] = "Bitte eine ganze Zahl angeben."
    negative: ClassVar[str] = "Der Wert darf nicht negativ sein."
    description: ClassVar[str] = ""

    def parse_text(self, text: str) -> int:  # pragma: no cover - overridden
        """The form's German text as a whole number of steps; ValueError with a German
        message when it is none."""
        raise NotImplementedError

    def read_text(self, text: str) -> int:
        try:
            return self.parse_text(text)
        except ValueError as exc:
            raise _fail(str(exc)) from None

    def too_large(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def parse(self, value: Any, form: bool) -> int | None:
        if value is None or (form and isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or self.missing)
        if form and isinstance(value, str):
            number = self.read_text(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            raise _fail(self.not_whole)
        if number < 0:
            raise _fail(self.negative)
        if number > self.le:
            raise _fail(self.too_large())
        return number

    def json_extra(self) -> dict[str, Any]:
        return {"minimum": 0, "maximum": self.le, "description": self.description}


@dataclass(frozen=True)
class Cents(_Scaled):
    """An amount: integer cents in JSON, German euros (``1.234,56``) in forms; 0 to 1 bn €."""

    le: int = field(default=MAX_CENTS, init=False)  # the bound its message names
    missing: ClassVar[str] = "Bitte einen Betrag angeben (0 ist erlaubt)."
    not_whole: ClassVar[str] = "Bitte einen Betrag in Cent als ganze Zahl angeben."
    negative: ClassVar[str] = "Der Betrag darf nicht negativ sein."
    description: ClassVar[str] = "Betrag in Cent"

    def parse_text(self, text: str) -> int:
        return parse_money(text)

    def too_large(self) -> str:
        return "Der Betrag darf höchstens 1.000.000.000,00 € betragen."


@dataclass(frozen=True)
class BasisPoints(_Scaled):
    """A share or rate: basis points of 100 % in JSON (3333), per cent in forms (``33,33``)."""

    le: int = field(default=10_000, init=False)  # 100 %, as its message says
    missing: ClassVar[str] = "Bitte einen Prozentsatz angeben."
    not_whole: ClassVar[str] = "Bitte einen Anteil in Hundertstel Prozent als ganze Zahl angeben."
    negative: ClassVar[str] = "Der Prozentsatz darf nicht negativ sein."
    description: ClassVar[str] = "Hundertstel Prozent (10000 = 100 %)"

    def parse_text(self, text: str) -> int:
        return parse_percent_bp(text)

    def too_large(self) -> str:
        return "Der Prozentsatz darf höchstens 100 % betragen."


@dataclass(frozen=True)
class Hundredths(_Scaled):
    """A measured figure in hundredths of its unit: an integer in JSON (6250 for 62,5), German
    decimals in forms (``62,5``); from 0 to ``le``."""

    le: int = 100_000_000_000
    not_whole: ClassVar[str] = "Bitte den Wert in Hundertstel der Einheit als ganze Zahl angeben."
    description: ClassVar[str] = "Hundertstel der Einheit (6250 = 62,5)"

    def parse_text(self, text: str) -> int:
        return parse_hundredths(text)

    def too_large(self) -> str:
        return f"Der Wert darf höchstens {fmt_hundredths(self.le)} betragen."
