"""Haushalt exports: XLSX workbooks (text cells, real numbers, totals that carry their values,
print set-up) and the CSV of bookings for finance software. Every text cell passes through
:func:`app.finance.exports.cells.text_cell`."""

from app.finance.exports.delimited import CSV_MEDIA_TYPE, budget_csv
from app.finance.exports.sheet import XLSX_MEDIA_TYPE
from app.finance.exports.workbook import budget_xlsx, file_name, multi_year_xlsx

__all__ = [
    "CSV_MEDIA_TYPE",
    "XLSX_MEDIA_TYPE",
    "budget_csv",
    "budget_xlsx",
    "file_name",
    "multi_year_xlsx",
]
