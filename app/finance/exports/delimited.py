"""The CSV: the year's bookings of one municipality, the import format for finance software.

Semicolons, decimal comma, UTF-8 with BOM, one booking a row under the gross principle (costs,
grant income, forwarding, depreciation, Auflösung), each with the municipality's name, the
budget year and the Stand. Codes (measure, Produkt, Sachkonto, Investitionsnummer) are written
exactly as stored: ``011105`` stays ``011105`` and ``01.11.05`` stays ``01.11.05`` for a program
that reads the file as text. A spreadsheet guesses types and turns such codes into numbers or
dates: for Excel and LibreOffice use the XLSX, where they are text cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from app.core.enums import label
from app.core.formatting import fmt_datetime
from app.finance.exports.cells import Cell, Money, Number, csv_value, text_cell
from app.finance.queries.haushaltsplan import HaushaltPlan

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
CSV_HEADER = [
    "Kommune",
    "Haushaltsjahr",
    "Stand",
    "Haushalt",
    "Seite",
    "Bereich",
    "Herkunft",
    "Maßnahme",
    "Titel",
    "Kostenart",
    "Art",
    "Produkt",
    "Sachkonto",
    "Investitionsnummer",
    "Betrag",
    "Hinweis",
]


def csv_rows(plan: HaushaltPlan) -> Iterator[list[str]]:
    """The rows after the header (a generator: nothing is held but one row)."""
    name = text_cell(f"{plan.municipality.kind} {plan.municipality.name}")
    state = text_cell(fmt_datetime(plan.data_state) if plan.data_state else "unbekannt")
    for booking in plan.year_bookings():
        cells: list[Cell] = [
            name,
            Number(booking.year),
            state,
            text_cell(booking.haushalt),
            text_cell(booking.side),
            text_cell(booking.area),
            text_cell(booking.source),
            text_cell(booking.measure_code),
            text_cell(booking.measure_title),
            text_cell(label(booking.category) if booking.category else ""),
            text_cell(label(booking.kind)),
            text_cell(booking.produkt),
            text_cell(booking.sachkonto),
            text_cell(booking.investment_number),
            Money(booking.cents),
            text_cell(booking.note),
        ]
        yield [csv_value(cell) for cell in cells]


def budget_csv(plan: HaushaltPlan) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(plan))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
