"""The weekly journey of a digitalisation officer and the finance export, in a real browser."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import login_as
from tests.e2e.server import LiveServer
from tests.e2e.test_axe import _focused, keyboard_login


def _michelstadt_codes(server: LiveServer) -> set[str]:
    rows = server.query(
        """
        SELECT DISTINCT m.code FROM measure m
        JOIN municipality k ON k.slug = 'michelstadt'
        LEFT JOIN participation p ON p.measure_id = m.id AND p.municipality_id = k.id
        WHERE m.archived = 0 AND (p.id IS NOT NULL OR m.lead_municipality_id = k.id)
        """
    )
    return {str(row[0]) for row in rows}


def test_officer_filters_opens_and_reports_with_the_keyboard(
    page: Any, live_server: LiveServer
) -> None:
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    keyboard_login(page, "digital.michelstadt")
    page.goto("/massnahmen")
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Kommune").select_option("michelstadt")
    page.wait_for_url(re.compile(r"kommune=michelstadt"))
    expect(page.locator("#trefferliste tbody tr")).to_have_count(
        len(_michelstadt_codes(live_server))
    )
    assert page.evaluate("window.__sameDocument === true"), "the list updates in place"
    shown = {
        text.strip()
        for text in page.locator("#trefferliste tbody td:first-child a").all_inner_texts()
    }
    assert shown == _michelstadt_codes(live_server)

    code = sorted(shown)[0]
    page.locator(f"#trefferliste a[href='/massnahmen/{code}']").click()
    page.wait_for_url(re.compile(f"/massnahmen/{code}$"))
    page.evaluate("window.__sameDocument = true")

    summary = "Pilotbetrieb im Bürgerbüro gestartet, erste Rückmeldungen positiv."
    assert page.locator("#stand").bounding_box()["y"] < 600, "the current state comes first"
    page.locator("#status-melden > summary").click()
    page.locator("#sb-status").focus()
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "progress"
    page.keyboard.press("Control+A")
    page.keyboard.type("65")
    for _ in range(10):
        page.keyboard.press("Tab")
        if _focused(page)["name"] == "summary":
            break
    page.keyboard.type(summary)
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "next_steps"
    page.keyboard.type("Auswertung im Januar.")
    page.keyboard.press("Tab")
    assert _focused(page)["tag"] == "button"
    page.keyboard.press("Enter")

    history = page.locator("#berichtsverlauf")
    history.get_by_text(summary).wait_for()
    assert page.evaluate("window.__sameDocument === true"), "the report appears without a reload"
    notice = page.get_by_text("Der Statusbericht wurde gespeichert.")
    assert notice.is_visible()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "status", (
        "focus moves to the confirmation after the swap"
    )
    assert "65 % umgesetzt" in page.locator("#kopf-status").inner_text(), (
        "the badges under the title show the new state"
    )
    assert "Fortschritt: 65 %" in page.locator("#stand").inner_text()
    assert blocked == [], "nothing the Content-Security-Policy had to block"
    rows = live_server.query(
        "SELECT r.progress FROM status_report r JOIN measure m ON m.id = r.measure_id "
        "WHERE m.code = ? AND r.summary = ?",
        code,
        summary,
    )
    assert rows == [(65,)]


def test_finance_downloads_oberzent_2025_xlsx(page: Any, live_server: LiveServer) -> None:
    login_as(page, "finanzen.oberzent")
    page.goto("/haushalt")
    page.locator("#h-kommune").select_option("oberzent")
    page.locator("#h-jahr").select_option("2025")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(r"kommune=oberzent.*jahr=2025|jahr=2025.*kommune=oberzent"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Excel-Datei herunterladen")).first.click()
    file = download.value
    assert file.suggested_filename == "haushalt_oberzent_2025.xlsx"
    with open(file.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    text = " ".join(
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(max_row=8)
        for cell in row
        if cell.value is not None
    )
    assert "Oberzent" in text and "2025" in text
