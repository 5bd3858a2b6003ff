"""Writing sheets with XlsxWriter: typed cells, print set-up, a row at a time.

XlsxWriter (rather than openpyxl, which the project used before) because it stores the value of
each formula next to the formula (openpyxl cannot: its totals were empty in every reader that
does not recalculate), writes text cells explicitly, has the whole print set-up, and can write
row by row with flat memory (``constant_memory``) when exports stream.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from app.core.timeutil import BERLIN, as_aware
from app.finance.exports.cells import Cell, Money, Number, Sum, TextCell

EURO_FORMAT = "#,##0.00 €"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def new_workbook(target: io.BytesIO | str) -> Workbook:
    """A workbook written into memory, or (given a file path) row by row into that file with
    flat memory (``constant_memory``: every row is final once the next one is begun, which
    :class:`Sheet`, writing top to bottom, keeps to)."""
    # Never turn a string into a formula, number or link on its own: text is text.
    options: dict[str, object] = {
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    if isinstance(target, str):
        options["constant_memory"] = True
    else:
        options["in_memory"] = True
    return Workbook(target, options)


@dataclass(frozen=True)
class Footer:
    """What every printed page says at its foot."""

    municipality: str
    year: str
    state: str

    def text(self) -> str:
        def safe(value: str) -> str:
            return value.replace("&", "&&")

        return (
            f"&L{safe(self.municipality)} · Haushaltsjahr {safe(self.year)}"
            f"&CStand {safe(self.state)}&RSeite &P von &N"
        )


class Sheet:
    """A worksheet written top to bottom with typed cells."""

    def __init__(self, workbook: Workbook, title: str, footer: Footer) -> None:
        self.workbook = workbook
        self.ws: Worksheet = workbook.add_worksheet(title[:31])
        self.footer = footer
        self.bold = workbook.add_format({"bold": True})
        self.title_format = workbook.add_format({"bold": True, "font_size": 13})
        self.euro = workbook.add_format({"num_format": EURO_FORMAT})
        self.euro_bold = workbook.add_format({"num_format": EURO_FORMAT, "bold": True})
        self.day = workbook.add_format({"num_format": DATE_FORMAT, "align": "left"})
        self.moment = workbook.add_format({"num_format": DATETIME_FORMAT, "align": "left"})
        self.wrap = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.text = workbook.add_format({})
        self.row = 0

    def write(self, row: int, column: int, cell: Cell, *, bold: bool = False) -> None:
        ws = self.ws
        if cell is None:
            return
        if isinstance(cell, TextCell):
            ws.write_string(row, column, cell.text, self.bold if bold else self.text)
        elif isinstance(cell, Money):
            money = self.euro_bold if bold else self.euro
            if cell.euros is None:
                ws.write_blank(row, column, None, money)
            else:
                ws.write_number(row, column, cell.euros, money)
        elif isinstance(cell, Sum):
            value = Money(cell.cents).euros
            ws.write_formula(
                row, column, cell.formula, self.euro_bold if bold else self.euro, value
            )
        elif isinstance(cell, Number):
            ws.write_number(row, column, cell.value, self.bold if bold else self.text)
        elif isinstance(cell, datetime):
            ws.write_datetime(row, column, local(cell), self.moment)
        elif isinstance(cell, date):
            midnight = datetime.combine(cell, datetime.min.time())
            ws.write_datetime(row, column, midnight, self.day)
        else:
            raise TypeError(f"no text without text_cell(): {cell!r}")

    def line(self, cells: Sequence[Cell], *, bold: bool = False) -> int:
        """Write ``cells`` into the next row; returns its (0-based) index."""
        for column, cell in enumerate(cells):
            self.write(self.row, column, cell, bold=bold)
        self.row += 1
        return self.row - 1

    def lines(self, rows: Iterable[Sequence[Cell]]) -> tuple[int, int]:
        """Write rows (a generator is fine); returns the first and last row index written."""
        first = self.row
        for cells in rows:
            self.line(cells)
        return first, max(self.row - 1, first)

    def header(self, captions: Sequence[str], widths: Sequence[int]) -> int:
        for column, (caption, width) in enumerate(zip(captions, widths, strict=True)):
            self.ws.write_string(self.row, column, caption, self.wrap)
            self.ws.set_column(column, column, width)
        self.row += 1
        return self.row - 1

    def skip(self, count: int = 1) -> None:
        self.row += count

    def print_setup(self, *, header_row: int, columns: int, landscape: bool = True) -> None:
        """Landscape A4, fit to the page width, header rows repeated, footer on every page."""
        ws = self.ws
        if landscape:
            ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0, header_row)
        ws.set_footer(self.footer.text())
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.7)
        ws.print_area(0, 0, max(self.row - 1, header_row), columns - 1)
        ws.freeze_panes(header_row + 1, 0)


def column(index: int) -> str:
    """Column letter of a 0-based index."""
    return str(xl_col_to_name(index))


def local(moment: datetime) -> datetime:
    """Spreadsheets know no time zones: German local time, naive."""
    return as_aware(moment).astimezone(BERLIN).replace(tzinfo=None)


def finish(workbook: Workbook, target: io.BytesIO | str) -> bytes | None:
    """Close the workbook; its bytes when it was written into memory."""
    workbook.close()
    return target.getvalue() if isinstance(target, io.BytesIO) else None


def meta(sheet: Sheet, title: str, pairs: Sequence[tuple[str, Any]]) -> None:
    """A title row and caption/value rows (Kommune, Haushaltsjahr, Stand …)."""
    sheet.ws.write_string(sheet.row, 0, title, sheet.title_format)
    sheet.row += 1
    for caption, value in pairs:
        sheet.ws.write_string(sheet.row, 0, caption, sheet.bold)
        sheet.write(sheet.row, 1, value)
        sheet.row += 1
