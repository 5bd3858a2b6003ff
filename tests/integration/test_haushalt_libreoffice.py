"""The XLSX exports opened in LibreOffice (headless, recalculation forced on load) and converted
back to CSV: every formula's stored value equals the value LibreOffice computes, and both equal
the API to the cent. One conversion run for all files (the slow tier runs it once)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

pytestmark = pytest.mark.slow

SLUGS = ("erbach", "michelstadt", "oberzent", "brombachtal")
YEAR = 2026
# Recalculate every formula of an OOXML (and ODF) file when it is loaded: "always".
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
# Semicolon, double quote, UTF-8, from line 1, raw values (not as shown), every sheet.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):59,34,76,1,,1031,false,true,false,false,false,-1"


def _cents(value: Any) -> int:
    return int(Decimal(str(value)) * 100)


def convert_all(folder: Path) -> dict[tuple[str, str], list[list[str]]]:
    """Convert every XLSX in ``folder`` in one LibreOffice run; ``(file stem, sheet) → rows``."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice fehlt: apt-get install --no-install-recommends libreoffice-calc"
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    out = folder / "csv"
    out.mkdir()
    files = sorted(str(p) for p in folder.glob("*.xlsx"))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            *files,
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    result: dict[tuple[str, str], list[list[str]]] = {}
    for path in out.glob("*.csv"):
        for stem in (Path(f).stem for f in files):
            if path.stem.startswith(stem + "-"):
                sheet = path.stem[len(stem) + 1 :]
                text = path.read_text(encoding="utf-8")
                result[(stem, sheet)] = list(csv.reader(io.StringIO(text), delimiter=";"))
    return result


def stored_formulas(content: bytes) -> list[tuple[str, int, int, Any]]:
    """``(sheet, row, column, stored value)`` of every formula cell (1-based positions)."""
    formulas = load_workbook(io.BytesIO(content))
    values = load_workbook(io.BytesIO(content), data_only=True)
    found = []
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    stored = values[sheet.title].cell(row=cell.row, column=cell.column).value
                    found.append((sheet.title, cell.row, cell.column, stored))
    return found


def drift(content: bytes, stem: str, converted: dict[tuple[str, str], list[list[str]]]) -> list:
    """Formula cells whose stored value differs from LibreOffice's recalculated one."""
    bad = []
    for sheet, row, column, stored in stored_formulas(content):
        recalculated = converted[(stem, sheet)][row - 1][column - 1]
        if stored is None or _cents(stored) != _cents(recalculated):
            bad.append((stem, sheet, row, column, stored, recalculated))
    return bad


def _plant_wrong_cached_value(content: bytes) -> bytes:
    """The first formula's stored value one cent off: what a recalculating reader must fix."""
    source = zipfile.ZipFile(io.BytesIO(content))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                match = re.search(r"(<f>SUM\([^<]*</f><v>)([^<]*)(</v>)", text)
                assert match
                wrong = str(Decimal(match.group(2)) + Decimal("0.01"))
                text = text[: match.start(2)] + wrong + text[match.end(2) :]
                data = text.encode()
            archive.writestr(item, data)
    return target.getvalue()


def test_libreoffice_recalculates_every_export_to_the_api_cent(
    client: TestClient, login: Any, tmp_path: Path
) -> None:
    login(client, "admin")
    files: dict[str, bytes] = {}
    apis: dict[str, tuple[Any, Any]] = {}
    for slug in SLUGS:
        stem = f"haushalt_{slug}_{YEAR}"
        files[stem] = client.get(f"/haushalt/export.xlsx?kommune={slug}&jahr={YEAR}").content
        apis[stem] = (
            client.get("/api/v1/budget", params={"municipality": slug, "year": YEAR}).json(),
            client.get("/api/v1/haushaltsplan", params={"municipality": slug, "year": YEAR}).json(),
        )
    files["mehrjahr_oberzent"] = client.get(
        "/haushalt/export-mehrjahr.xlsx?kommune=oberzent"
    ).content
    files["planted"] = _plant_wrong_cached_value(files["haushalt_erbach_2026"])
    for stem, content in files.items():
        (tmp_path / f"{stem}.xlsx").write_bytes(content)
    converted = convert_all(tmp_path)

    # Stored = recalculated for every formula of every sheet of every real export …
    for stem, content in files.items():
        if stem != "planted":
            assert drift(content, stem, converted) == [], stem
    # … and the check sees a stored value that LibreOffice recalculates (so it did recalculate).
    planted = drift(files["planted"], "planted", converted)
    assert len(planted) == 1 and planted[0][1] == f"Haushalt {YEAR}"

    # Recalculated totals equal the APIs to the cent.
    for stem, (budget, plan) in apis.items():
        rows = converted[(stem, f"Haushalt {YEAR}")]
        summe = next(r for r in rows if r[0] == "Summe")
        keys = ("gross_cents", "funding_cents", "net_cents", "approved_cents", "actual_cents")
        assert [_cents(v) for v in summe[7:12]] == [budget["totals"][k] for k in keys], stem
        for kind in ("investiv", "konsumtiv"):
            part = next(r for r in rows if r[0] == f"davon {kind}")
            assert [_cents(v) for v in part[7:12]] == [budget["totals"][kind][k] for k in keys]
        bookings = converted[(stem, f"Buchungen {YEAR}")]
        totals = {(r[0], r[1], r[2]): _cents(r[11]) for r in bookings if r[3] == "Summe"}
        assert totals == {(t["haushalt"], t["side"], t["area"]): t["cents"] for t in plan["totals"]}
        overview = converted[(stem, "Ergebnis- und Finanzhaushalt")]
        saldo = {r[0]: _cents(r[3]) for r in overview if r[1] == "Saldo"}
        assert saldo == plan["balances"], stem
        planning = converted[(stem, "Finanzplanung")]
        net = next(r for r in planning if r[0] == "Netto-Eigenanteil")
        assert [_cents(v) for v in net[1:]] == [p["net_cents"] for p in plan["finanzplanung"]]
        # Codes stay text: Produkt and Sachkonto come back exactly as stored.
        produkte = {r[4] for r in rows[7:] if r and r[0] not in ("", "Summe")}
        assert {line["produkt"] for line in budget["lines"] if line["produkt"]} <= produkte
