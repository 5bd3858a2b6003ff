"""Haushalt exports: XLSX (real numbers, € format, SUM formulas) and CSV for German Excel.

Amounts leave the application in euros, converted from cents through ``Decimal``; no float is
involved. The figures are those of :func:`app.finance.service.budget_report`, row for row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.core.enums import label
from app.core.formatting import cents_to_decimal
from app.core.timeutil import BERLIN, as_aware
from app.finance.queries.budget import BudgetReport, BudgetRow, MultiYearReport
from app.municipalities.models import Municipality

EURO_FORMAT = "#,##0.00 €"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS: list[tuple[str, int]] = [
    ("Maßnahme", 12),
    ("Titel", 42),
    ("Kostenart", 24),
    ("Art", 11),
    ("Produkt", 14),
    ("Sachkonto", 12),
    ("Investitionsnummer", 18),
    ("Brutto-Anteil (Plan)", 18),
    ("Förderung", 16),
    ("Netto-Eigenanteil", 18),
    ("Anteil Haushaltsansatz", 20),
    ("Anteil Ist", 16),
    ("Hinweis", 28),
]
FIRST_MONEY_COLUMN = 8  # H: Brutto-Anteil
MONEY_COLUMNS = 5
HEADER_ROW = 7
UNMAPPED_NOTE = "nicht zugeordnet"


def file_name(municipality: Municipality, year: int | str, extension: str) -> str:
    return f"haushalt_{municipality.slug}_{year}.{extension}"


def _text(value: str | None) -> str:
    """Text for a spreadsheet cell: never read as a formula (CSV/formula injection)."""
    if not value:
        return ""
    return "'" + value if value[0] in "=+-@\t\r" else value


def _euros(cents: int | None) -> Decimal | None:
    return None if cents is None else cents_to_decimal(cents)


def _note(row: BudgetRow) -> str:
    notes = []
    if not row.mapped:
        notes.append(UNMAPPED_NOTE)
    if row.example:
        notes.append("Beispieldaten")
    return ", ".join(notes)


def _row_values(row: BudgetRow) -> list[object]:
    return [
        row.measure_code,
        _text(row.measure_title),
        label(row.category),
        label(row.kind),
        _text(row.produkt),
        _text(row.sachkonto),
        _text(row.investment_number),
        _euros(row.gross_cents),
        _euros(row.funding_cents),
        _euros(row.net_cents),
        _euros(row.approved_cents),
        _euros(row.actual_cents),
        _note(row),
    ]


def _write_year_sheet(
    sheet: Worksheet,
    report: BudgetReport,
    *,
    exported_on: date,
    data_state: datetime | None,
) -> None:
    assert report.municipality is not None
    bold = Font(bold=True)
    sheet["A1"] = "Haushaltsexport IKZ-Portfolio – Anteil an den Maßnahmen der Digitalstrategie"
    sheet["A1"].font = Font(bold=True, size=13)
    header: list[tuple[str, object]] = [
        ("Kommune", f"{report.municipality.kind} {report.municipality.name}"),
        ("Haushaltsjahr", report.year),
        ("Exportdatum", exported_on),
        ("Datenstand", _local(data_state) if data_state else "unbekannt"),
    ]
    for offset, (caption, value) in enumerate(header, start=2):
        sheet.cell(row=offset, column=1, value=caption).font = bold
        cell = sheet.cell(row=offset, column=2, value=value)
        cell.alignment = Alignment(horizontal="left")
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
    for index, (caption, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=caption)
        cell.font = bold
        sheet.column_dimensions[get_column_letter(index)].width = width
    first = HEADER_ROW + 1
    for offset, row in enumerate(report.rows):
        for index, value in enumerate(_row_values(row), start=1):
            cell = sheet.cell(row=first + offset, column=index, value=value)
            if FIRST_MONEY_COLUMN <= index < FIRST_MONEY_COLUMN + MONEY_COLUMNS:
                cell.number_format = EURO_FORMAT
    last = first + max(len(report.rows), 1) - 1
    sheet.freeze_panes = sheet.cell(row=first, column=1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"
    totals_row = last + 2
    kind_column = "D"
    for caption, offset, criterion in (
        ("Summe", 0, None),
        ("davon investiv", 1, label("investiv")),
        ("davon konsumtiv", 2, label("konsumtiv")),
    ):
        target = totals_row + offset
        sheet.cell(row=target, column=1, value=caption).font = bold
        for index in range(FIRST_MONEY_COLUMN, FIRST_MONEY_COLUMN + MONEY_COLUMNS):
            letter = get_column_letter(index)
            cells = f"{letter}{first}:{letter}{last}"
            formula = (
                f"=SUM({cells})"
                if criterion is None
                else f'=SUMIF({kind_column}{first}:{kind_column}{last},"{criterion}",{cells})'
            )
            cell = sheet.cell(row=target, column=index, value=formula)
            cell.number_format = EURO_FORMAT
            cell.font = bold
    if report.issues:
        note_row = totals_row + 4
        sheet.cell(row=note_row, column=1, value="Nicht aufgeteilte Maßnahmen").font = bold
        for offset, (code, reason) in enumerate(sorted(report.issues.items()), start=1):
            sheet.cell(row=note_row + offset, column=1, value=code)
            sheet.cell(row=note_row + offset, column=2, value=_text(reason))


def _local(moment: datetime) -> datetime:
    """Spreadsheets know no time zones: German local time, naive."""
    return as_aware(moment).astimezone(BERLIN).replace(tzinfo=None)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def budget_xlsx(report: BudgetReport, *, exported_on: date, data_state: datetime | None) -> bytes:
    """One municipality and year as a workbook with one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Haushalt {report.year}"
    _write_year_sheet(sheet, report, exported_on=exported_on, data_state=data_state)
    return _save(workbook)


def multi_year_xlsx(
    report: MultiYearReport, *, exported_on: date, data_state: datetime | None
) -> bytes:
    """Mittelfristige Finanzplanung: an overview of net shares, then one sheet per year."""
    workbook = Workbook()
    overview = workbook.active
    assert overview is not None
    overview.title = "Übersicht"
    bold = Font(bold=True)
    overview["A1"] = (
        f"Netto-Eigenanteil {report.municipality.kind} {report.municipality.name} je Jahr"
    )
    overview["A1"].font = Font(bold=True, size=13)
    overview["A2"] = "Exportdatum"
    overview["B2"] = exported_on
    overview["B2"].number_format = DATE_FORMAT
    header = ["Maßnahme", "Titel", *[str(year) for year in report.years]]
    for index, caption in enumerate(header, start=1):
        overview.cell(row=4, column=index, value=caption).font = bold
        overview.column_dimensions[get_column_letter(index)].width = 40 if index == 2 else 14
    for offset, measure in enumerate(report.measures, start=5):
        overview.cell(row=offset, column=1, value=measure.code)
        overview.cell(row=offset, column=2, value=_text(measure.title))
        for index, year in enumerate(report.years, start=3):
            cell = overview.cell(
                row=offset, column=index, value=cents_to_decimal(measure.net_by_year.get(year, 0))
            )
            cell.number_format = EURO_FORMAT
    last = 4 + max(len(report.measures), 1)
    overview.freeze_panes = "A5"
    overview.auto_filter.ref = f"A4:{get_column_letter(len(header))}{last}"
    overview.cell(row=last + 2, column=1, value="Summe").font = bold
    for index in range(3, len(header) + 1):
        letter = get_column_letter(index)
        cell = overview.cell(row=last + 2, column=index, value=f"=SUM({letter}5:{letter}{last})")
        cell.number_format = EURO_FORMAT
        cell.font = bold
    for year in report.years:
        sheet = workbook.create_sheet(title=str(year))
        _write_year_sheet(
            sheet, report.reports[year], exported_on=exported_on, data_state=data_state
        )
    return _save(workbook)


CSV_HEADER = [
    "Kommune",
    "Haushaltsjahr",
    "Maßnahme",
    "Titel",
    "Kostenart",
    "Art",
    "Produkt",
    "Sachkonto",
    "Investitionsnummer",
    "Brutto-Anteil (Plan)",
    "Förderung",
    "Netto-Eigenanteil",
    "Anteil Haushaltsansatz",
    "Anteil Ist",
    "Hinweis",
]


def _csv_amount(cents: int | None) -> str:
    """``1234,56``: decimal comma, no thousands separator (German Excel reads it as a number)."""
    if cents is None:
        return ""
    return str(cents_to_decimal(cents)).replace(".", ",")


def budget_csv(rows: Sequence[BudgetRow]) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.municipality_slug,
                row.year,
                row.measure_code,
                _text(row.measure_title),
                label(row.category),
                label(row.kind),
                _text(row.produkt),
                _text(row.sachkonto),
                _text(row.investment_number),
                _csv_amount(row.gross_cents),
                _csv_amount(row.funding_cents),
                _csv_amount(row.net_cents),
                _csv_amount(row.approved_cents),
                _csv_amount(row.actual_cents),
                _note(row),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
