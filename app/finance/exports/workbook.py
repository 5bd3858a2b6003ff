"""The Haushalt workbooks: one municipality and year (with the Kämmerei's sheets), and the
multi-year overview. Figures are those of the budget API and the Haushaltsplan API, row for row;
every total is a formula that carries its value."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime

from app.core.enums import label
from app.core.formatting import fmt_date, fmt_datetime
from app.finance.exports.cells import Cell, Money, Number, Sum, text_cell
from app.finance.exports.plan_sheets import write_plan_sheets
from app.finance.exports.sheet import Footer, Sheet, column, finish, meta, new_workbook
from app.finance.queries.budget import BudgetReport, BudgetRow, MultiYearReport
from app.finance.queries.haushaltsplan import HaushaltPlan
from app.municipalities.models import Municipality

COLUMNS: list[tuple[str, int]] = [
    ("Maßnahme", 12),
    ("Titel", 40),
    ("Kostenart", 22),
    ("Art", 11),
    ("Produkt", 12),
    ("Sachkonto", 12),
    ("Investitionsnummer", 16),
    ("Brutto-Anteil (Plan)", 15),
    ("Förderung", 14),
    ("Netto-Eigenanteil", 15),
    ("Anteil Haushaltsansatz", 15),
    ("Anteil Ist", 14),
    ("Hinweis", 30),
]
FIRST_MONEY_COLUMN = 7  # H (0-based 7): Brutto-Anteil
MONEY_KEYS = ("gross_cents", "funding_cents", "net_cents", "approved_cents", "actual_cents")
HEADER_ROW = 6  # 0-based: row 7 in the sheet
UNMAPPED_NOTE = "nicht zugeordnet"


def file_name(municipality: Municipality, year: int | str, extension: str) -> str:
    return f"haushalt_{municipality.slug}_{year}.{extension}"


def municipality_name(municipality: Municipality) -> str:
    return f"{municipality.kind} {municipality.name}"


def state_text(data_state: datetime | None) -> str:
    return fmt_datetime(data_state) if data_state else "unbekannt"


def row_notes(row: BudgetRow) -> str:
    notes = []
    if not row.mapped:
        notes.append(UNMAPPED_NOTE)
    elif row.produkt_source == "kostenart":
        notes.append("Produkt aus Standardzuordnung")
    if row.kind == "investiv" and not row.investment_number:
        notes.append("ohne Investitionsnummer")
    if row.example:
        notes.append("Beispieldaten")
    return ", ".join(notes)


def _row_cells(row: BudgetRow) -> list[Cell]:
    return [
        text_cell(row.measure_code),
        text_cell(row.measure_title),
        text_cell(label(row.category)),
        text_cell(label(row.kind)),
        text_cell(row.produkt),
        text_cell(row.sachkonto),
        text_cell(row.investment_number),
        Money(row.gross_cents),
        Money(row.funding_cents),
        Money(row.net_cents),
        Money(row.approved_cents),
        Money(row.actual_cents),
        text_cell(row_notes(row)),
    ]


def write_year_sheet(
    sheet: Sheet, report: BudgetReport, *, exported_on: date, data_state: datetime | None
) -> None:
    """The municipality's share of every line of the year, with totals (formulas and values)."""
    assert report.municipality is not None
    meta(
        sheet,
        "Haushaltsexport IKZ-Portfolio – Anteil an den Maßnahmen der Digitalstrategie",
        [
            ("Kommune", text_cell(municipality_name(report.municipality))),
            ("Haushaltsjahr", Number(int(report.year or 0))),
            ("Exportdatum", exported_on),
            ("Datenstand", data_state if data_state else text_cell("unbekannt")),
        ],
    )
    sheet.row = HEADER_ROW
    sheet.header([c for c, _ in COLUMNS], [w for _, w in COLUMNS])
    first, last = sheet.lines(_row_cells(row) for row in report.rows)
    sheet.ws.autofilter(HEADER_ROW, 0, last, len(COLUMNS) - 1)
    sheet.skip()
    kind_column = column(3)
    for caption, rows, criterion in (
        ("Summe", report.rows, None),
        ("davon investiv", [r for r in report.rows if r.kind == "investiv"], label("investiv")),
        ("davon konsumtiv", [r for r in report.rows if r.kind == "konsumtiv"], label("konsumtiv")),
    ):
        cells: list[Cell] = [text_cell(caption)] + [None] * (FIRST_MONEY_COLUMN - 1)
        for offset, key in enumerate(MONEY_KEYS):
            letter = column(FIRST_MONEY_COLUMN + offset)
            span = f"{letter}{first + 1}:{letter}{last + 1}"
            kinds = f"{kind_column}{first + 1}:{kind_column}{last + 1}"
            formula = (
                f"=SUM({span})" if criterion is None else f'=SUMIF({kinds},"{criterion}",{span})'
            )
            cells.append(Sum(formula, sum(getattr(r, key) or 0 for r in rows)))
        sheet.line(cells, bold=True)
    if report.issues:
        sheet.skip()
        sheet.line([text_cell("Nicht aufgeteilte Maßnahmen")], bold=True)
        sheet.lines(
            [text_cell(code), text_cell(reason)] for code, reason in sorted(report.issues.items())
        )
    sheet.print_setup(header_row=HEADER_ROW, columns=len(COLUMNS))


def budget_xlsx(
    report: BudgetReport,
    plan: HaushaltPlan | None = None,
    *,
    exported_on: date,
    data_state: datetime | None,
    target: str | None = None,
) -> bytes | None:
    """One municipality and year: its shares, and (with ``plan``) the Kämmerei's sheets.

    Written into the file ``target`` (flat memory), or without it returned as bytes."""
    assert report.municipality is not None
    buffer: io.BytesIO | str = target if target is not None else io.BytesIO()
    workbook = new_workbook(buffer)
    footer = Footer(
        municipality_name(report.municipality), str(report.year), state_text(data_state)
    )
    sheet = Sheet(workbook, f"Haushalt {report.year}", footer)
    write_year_sheet(sheet, report, exported_on=exported_on, data_state=data_state)
    if plan is not None:
        write_plan_sheets(workbook, plan, footer)
    return finish(workbook, buffer)


def _overview_rows(report: MultiYearReport) -> Iterator[Sequence[Cell]]:
    for measure in report.measures:
        yield [
            text_cell(measure.code),
            text_cell(measure.title),
            *(Money(measure.net_by_year.get(year, 0)) for year in report.years),
        ]


def multi_year_xlsx(
    report: MultiYearReport,
    *,
    exported_on: date,
    data_state: datetime | None,
    target: str | None = None,
) -> bytes | None:
    """Net shares of every plan year side by side, then one sheet per year (into the file
    ``target``, or without it returned as bytes)."""
    buffer: io.BytesIO | str = target if target is not None else io.BytesIO()
    workbook = new_workbook(buffer)
    span = f"{report.years[0]}–{report.years[-1]}" if report.years else "alle Jahre"
    footer = Footer(municipality_name(report.municipality), span, state_text(data_state))
    overview = Sheet(workbook, "Übersicht", footer)
    meta(
        overview,
        f"Netto-Eigenanteil {municipality_name(report.municipality)} je Jahr",
        [("Exportdatum", exported_on), ("Stand", text_cell(fmt_date(exported_on)))],
    )
    overview.skip()
    header_row = overview.row
    captions = ["Maßnahme", "Titel", *[str(year) for year in report.years]]
    overview.header(captions, [12, 40, *[14] * len(report.years)])
    first, last = overview.lines(_overview_rows(report))
    overview.skip()
    totals: list[Cell] = [text_cell("Summe"), None]
    for index, year in enumerate(report.years, start=2):
        letter = column(index)
        cents = sum(m.net_by_year.get(year, 0) for m in report.measures)
        totals.append(Sum(f"=SUM({letter}{first + 1}:{letter}{last + 1})", cents))
    overview.line(totals, bold=True)
    overview.print_setup(header_row=header_row, columns=len(captions))
    for year in report.years:
        sheet = Sheet(
            workbook,
            str(year),
            Footer(municipality_name(report.municipality), str(year), state_text(data_state)),
        )
        write_year_sheet(
            sheet, report.reports[year], exported_on=exported_on, data_state=data_state
        )
    return finish(workbook, buffer)
