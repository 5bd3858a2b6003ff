"""The cells of every export, and the one function every text cell passes through.

A spreadsheet reads text that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or line break
before one) as a formula: a measure titled ``=1+1`` would compute, a crafted one could call out
(CSV/formula injection). :func:`text_cell` is the one way text enters an export:

* in the XLSX it becomes an explicit text cell (``t="s"``): never a formula, and shown exactly
  as written, without an apostrophe;
* in the CSV, which has no cell types, such text gets a leading apostrophe, the convention
  spreadsheets honour (codes, Produkte and Sachkonten never begin so: their input rules forbid
  it, so they stay exact for finance software).

The writers accept nothing else as text (a plain ``str`` is a ``TypeError``), so no text can
bypass the function. Amounts are :class:`Money` (cents, written as euros via ``Decimal``),
sums are :class:`Sum` (a formula together with the value it computes, so readers that do not
recalculate show the same figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from app.core.formatting import cents_to_decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@dataclass(frozen=True)
class TextCell:
    """Text as it is stored; ``risky`` when a spreadsheet would read it as a formula."""

    text: str

    @property
    def risky(self) -> bool:
        stripped = self.text.lstrip(" ")
        return bool(stripped) and stripped.startswith(FORMULA_STARTS)

    @property
    def csv(self) -> str:
        return "'" + self.text if self.risky else self.text


def text_cell(value: object) -> TextCell:
    """Every text cell of every export (XLSX and CSV) is made here."""
    if value is None:
        return TextCell("")
    return TextCell(str(value))


@dataclass(frozen=True)
class Money:
    """An amount in cents; ``None`` is an empty cell (no Ansatz, no Ist yet)."""

    cents: int | None

    @property
    def euros(self) -> Decimal | None:
        return None if self.cents is None else cents_to_decimal(self.cents)

    @property
    def csv(self) -> str:
        """``1234,56``: decimal comma, no thousands separator."""
        return "" if self.cents is None else str(cents_to_decimal(self.cents)).replace(".", ",")


@dataclass(frozen=True)
class Sum:
    """A formula over amounts with the value it computes, in cents."""

    formula: str
    cents: int


@dataclass(frozen=True)
class Number:
    """A whole number (a year, a count)."""

    value: int


Cell = TextCell | Money | Sum | Number | date | datetime | None


def csv_value(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, TextCell | Money):
        return cell.csv
    if isinstance(cell, Number):
        return str(cell.value)
    if isinstance(cell, Sum):
        return Money(cell.cents).csv
    if isinstance(cell, datetime):
        return cell.strftime("%d.%m.%Y %H:%M")
    if isinstance(cell, date):
        return cell.strftime("%d.%m.%Y")
    raise TypeError(f"no text without text_cell(): {cell!r}")
