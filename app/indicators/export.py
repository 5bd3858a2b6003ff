"""The indicators as a workbook: sheet „Indikatoren“ (one row per indicator with baseline,
target, latest value and the flag) and sheet „Messwerte“ (every value). Figures are numbers with
a number format, text goes through ``text_cell`` (no formula from user input)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from app.core.formatting import fmt_date
from app.finance.exports.cells import Cell, text_cell
from app.finance.exports.sheet import Footer, Sheet, finish, meta, new_workbook
from app.indicators.models import IndicatorValue
from app.indicators.queries import Card

INDICATOR_COLUMNS = [
    ("Maßnahme / Handlungsfeld", 18),
    ("Ziel", 30),
    ("Indikator", 34),
    ("Einheit", 12),
    ("Richtung", 18),
    ("Ausgangswert", 13),
    ("vom", 12),
    ("Zielwert", 13),
    ("bis", 12),
    ("Letzter Wert", 13),
    ("gemessen am", 12),
    ("Hinter dem Plan", 10),
    ("Zuständig", 16),
    ("Quelle", 26),
    ("Beispieldaten", 10),
]
VALUE_COLUMNS = [
    ("Indikator", 34),
    ("Datum", 12),
    ("Wert", 13),
    ("Anmerkung", 40),
    ("Erfasst von", 24),
]


def _scope(card: Card) -> str:
    return card.measure_code or "Handlungsfeld"


def indicators_xlsx(
    cards: Sequence[Card],
    values: dict[int, list[IndicatorValue]],
    *,
    scope: str,
    exported_on: date,
    target: str,
) -> None:
    workbook = new_workbook(target)
    footer = Footer(municipality=scope, year="alle Jahre", state=fmt_date(exported_on))
    decimal = workbook.add_format({"num_format": "#,##0.00"})

    def number(sheet: Sheet, column: int, hundredths: int | None) -> None:
        if hundredths is not None:
            sheet.ws.write_number(sheet.row, column, Decimal(hundredths) / 100, decimal)

    sheet = Sheet(workbook, "Indikatoren", footer)
    meta(sheet, "Ziele und Indikatoren", [("Auswahl", text_cell(scope)), ("Stand", exported_on)])
    sheet.skip()
    header = sheet.header([c for c, _ in INDICATOR_COLUMNS], [w for _, w in INDICATOR_COLUMNS])
    for card in cards:
        i = card.indicator
        latest = card.latest
        row: list[Cell] = [
            text_cell(_scope(card)),
            text_cell(card.goal.title),
            text_cell(i.name),
            text_cell(i.unit),
            text_cell(card.direction_label),
            None,
            i.baseline_on,
            None,
            i.target_on,
            None,
            latest.measured_on if latest else None,
            text_cell("ja" if card.behind else "nein"),
            text_cell(card.municipality.name),
            text_cell(i.source),
            text_cell("ja" if i.example else "nein"),
        ]
        number(sheet, 5, i.baseline_value)
        number(sheet, 7, i.target_value)
        number(sheet, 9, latest.value if latest else None)
        sheet.line(row)
    sheet.print_setup(header_row=header, columns=len(INDICATOR_COLUMNS))

    values_sheet = Sheet(workbook, "Messwerte", footer)
    meta(values_sheet, "Messwerte der Indikatoren", [("Auswahl", text_cell(scope))])
    values_sheet.skip()
    header = values_sheet.header([c for c, _ in VALUE_COLUMNS], [w for _, w in VALUE_COLUMNS])
    for card in cards:
        for value in values.get(int(card.indicator.id or 0), []):
            number(values_sheet, 2, value.value)
            values_sheet.line(
                [
                    text_cell(card.indicator.name),
                    value.measured_on,
                    None,
                    text_cell(value.note),
                    text_cell(value.author_name),
                ]
            )
    values_sheet.print_setup(header_row=header, columns=len(VALUE_COLUMNS))
    finish(workbook, target)
