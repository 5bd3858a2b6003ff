"""Reading a Sachstandsbericht back as its readers' programs do: poppler's pdftotext and pdfinfo
for the PDF, python-docx for the DOCX; and the judge that compares its budget with the API's."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx

AMOUNT = r"-?\d{1,3}(?:\.\d{3})*,\d{2}\s?€"
ROW = re.compile(rf"^\s*(\d{{4}}|Summe)((?:\s+{AMOUNT}){{5}})\s*$")
COLUMNS = ("investiv", "konsumtiv", "gross", "funding", "net")


def cents(text: str) -> int:
    """``1.234,56 €`` → 123456."""
    digits = text.replace("€", "").replace("\xa0", "").replace(".", "").replace(",", "").strip()
    return int(digits)


@dataclass(frozen=True)
class PdfFile:
    text: str  # the layout kept (table rows on one line)
    flow: str  # in reading order, whitespace folded (cells whole)
    pages: int
    page_size: str


def read_pdf(data: bytes) -> PdfFile:
    with tempfile.TemporaryDirectory(prefix="ikz-pdf-") as tmp:
        path = Path(tmp) / "bericht.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        flow = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+(.+)$", info, re.MULTILINE).group(1)  # type: ignore[union-attr]
    return PdfFile(text=text, flow=" ".join(flow.split()), pages=pages, page_size=size)


def budget_rows_of_text(text: str) -> dict[str, dict[str, int]]:
    """The budget table's rows (year or "Summe" → column → cents) found in report text."""
    rows: dict[str, dict[str, int]] = {}
    for line in text.splitlines():
        match = ROW.match(line.replace("\xa0", " "))
        if match:
            amounts = re.findall(AMOUNT, match.group(2))
            rows[match.group(1)] = {c: cents(a) for c, a in zip(COLUMNS, amounts, strict=True)}
    return rows


def read_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def budget_rows_of_docx(document: Any) -> dict[str, dict[str, int]]:
    rows: dict[str, dict[str, int]] = {}
    for table in document.tables:
        header = [cell.text for cell in table.rows[0].cells]
        if header[:2] != ["Jahr", "investiv brutto"]:
            continue
        for row in table.rows[1:]:
            cells = [cell.text for cell in row.cells]
            rows[cells[0]] = {c: cents(a) for c, a in zip(COLUMNS, cells[1:], strict=True)}
    return rows


def api_rows(client: Any, slug: str | None, years: list[str]) -> dict[str, dict[str, int]]:
    """The same figures from ``GET /api/v1/budget`` (per year, and all years as "Summe")."""
    base = f"/api/v1/budget?municipality={slug}" if slug else "/api/v1/budget?"
    wanted: dict[str, dict[str, int]] = {}
    for key in [*years, "Summe"]:
        url = base if key == "Summe" else f"{base}&year={key}"
        totals = client.get(url).json()["totals"]
        wanted[key] = {
            "investiv": totals["investiv"]["gross_cents"],
            "konsumtiv": totals["konsumtiv"]["gross_cents"],
            "gross": totals["gross_cents"],
            "funding": totals["funding_cents"],
            "net": totals["net_cents"],
        }
    return wanted


def budget_mismatches(
    found: dict[str, dict[str, int]], wanted: dict[str, dict[str, int]]
) -> list[str]:
    """The judge: every row of the report's budget equals the API's, to the cent."""
    problems = [f"{key}: missing in the report" for key in wanted if key not in found]
    problems += [f"{key}: not in the API" for key in found if key not in wanted]
    for key in wanted.keys() & found.keys():
        for column in COLUMNS:
            if found[key][column] != wanted[key][column]:
                problems.append(
                    f"{key} {column}: report {found[key][column]}, API {wanted[key][column]}"
                )
    return problems
