"""German formats (de-DE) for dates, numbers and money, and parsing of German input.

Money is held as integer cents; conversions go through ``Decimal`` so no float ever touches it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from app.core.timeutil import BERLIN, as_aware

LOCALE = "de_DE"
CENT = Decimal("0.01")


def fmt_date(value: date | datetime | None) -> str:
    """``24.11.2026``; empty for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = as_aware(value).astimezone(BERLIN).date()
    return _babel_date(value, format="dd.MM.yyyy", locale=LOCALE)


def fmt_datetime(value: datetime | None) -> str:
    """``24.11.2026, 14:05`` in German local time."""
    if value is None:
        return ""
    local = as_aware(value).astimezone(BERLIN)
    return _babel_datetime(local, format="dd.MM.yyyy, HH:mm", locale=LOCALE)


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def fmt_money(cents: int | None) -> str:
    """``1.234,56 €``; a dash for an unknown amount."""
    if cents is None:
        return "–"
    return format_currency(cents_to_decimal(cents), "EUR", locale=LOCALE)


def fmt_amount(cents: int | None) -> str:
    """``1.234,56`` without currency sign (form fields)."""
    if cents is None:
        return ""
    return format_decimal(cents_to_decimal(cents), format="#,##0.00", locale=LOCALE)


def fmt_number(value: int | Decimal) -> str:
    return format_decimal(value, locale=LOCALE)


def fmt_percent_bp(basis_points: int | None) -> str:
    """A share held in 1/100 % (basis points of 100 %): ``33,33 %``."""
    if basis_points is None:
        return "–"
    return format_percent(Decimal(basis_points) / 10000, format="#,##0.00 %", locale=LOCALE)


def fmt_hundredths(value: int | None) -> str:
    """A figure held in hundredths of its unit: ``1.234,5`` (at most two decimals, none when
    whole); a dash for no figure."""
    if value is None:
        return "–"
    return format_decimal(Decimal(value) / 100, format="#,##0.##", locale=LOCALE)


def parse_hundredths(text: str) -> int:
    """Parse ``1.234,56`` or ``62,5`` or ``80`` into hundredths (123456, 6250, 8000)."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").strip()
    if not cleaned or len(cleaned) > 30 or not _MONEY_RE.match(cleaned) or cleaned.startswith("-"):
        raise ValueError("Bitte eine Zahl wie 1.234,5 eingeben (Komma für Nachkommastellen).")
    value = Decimal(cleaned.replace(".", "").replace(",", "."))
    return int((value * 100).to_integral_value())


class MoneyFormatError(ValueError):
    """Input that is not an amount in German notation."""


_MONEY_RE = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d{1,2})?$|^-?\d{1,16}(,\d{1,2})?$", re.ASCII)


def parse_money(text: str) -> int:
    """Parse ``1.234,56`` (or ``1234,5`` or ``1234``) into cents; € sign and spaces allowed."""
    cleaned = text.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if not cleaned or len(cleaned) > 30 or not _MONEY_RE.match(cleaned):
        raise MoneyFormatError(
            "Bitte einen Betrag wie 1.234,56 eingeben (Punkt für Tausender, Komma für Cent)."
        )
    try:
        value = Decimal(cleaned.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise MoneyFormatError("Ungültiger Betrag.") from exc
    return int((value * 100).to_integral_value())


def parse_percent_bp(text: str) -> int:
    """Parse ``33,33`` (percent) into basis points of 100 % (3333)."""
    cleaned = text.replace("%", "").replace(" ", "").strip()
    if not re.fullmatch(r"\d{1,3}(,\d{1,2})?", cleaned, re.ASCII):
        raise ValueError("Bitte einen Prozentsatz wie 33,33 eingeben.")
    value = Decimal(cleaned.replace(",", "."))
    return int((value * 100).to_integral_value())


_SORT_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "Ä": "a", "Ö": "o", "Ü": "u"})


def german_sort_key(text: str) -> str:
    """Sort key after DIN 5007-1: umlauts sort like their base vowels, ß like ss."""
    return text.translate(_SORT_FOLD).casefold()


def fmt_value(value: object) -> str:
    """Any stored value as a German reader expects it (dates, yes/no, empty as a dash)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return fmt_date(date.fromisoformat(value))
    from app.core.enums import LABELS

    return LABELS.get(str(value), str(value))
