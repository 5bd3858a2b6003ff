"""Core journeys in a real browser: every demo user signs in, sees who they are, and signs out."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_as
from tests.e2e.server import DEMO_USERS, LiveServer


@pytest.mark.parametrize("username", DEMO_USERS)
def test_demo_user_signs_in_and_sees_their_name(
    page: Any, live_server: LiveServer, username: str
) -> None:
    login_as(page, username)
    name = live_server.display_name(username)
    assert name in page.locator("header").inner_text(), f"{name!r} not shown after login"
    assert page.locator("main h1").count() >= 1


def test_wrong_password_is_refused_with_a_message(page: Any) -> None:
    page.goto("/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "falsch")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button").first.click()
    assert "/login" in page.url
    assert (
        page.get_by_role("link", name="Anmelden").count()
        + page.locator("input[name=password]").count()
        > 0
    )
    assert page.locator("[role=alert], .kern-alert").count() > 0


def test_logout_ends_the_session(page: Any, live_server: LiveServer) -> None:
    login_as(page, "hauptamt.erbach")
    name = live_server.display_name("hauptamt.erbach")
    with page.expect_navigation():
        page.get_by_role("button", name="Abmelden").click()
    assert name not in page.locator("header").inner_text()
    page.goto("/dashboard")
    assert name not in page.locator("header").inner_text()


def _codes_of(live_server: LiveServer, slug: str) -> set[str]:
    rows = live_server.query(
        "SELECT m.code FROM measure m JOIN municipality k ON k.id = m.lead_municipality_id "
        "WHERE k.slug = ? AND NOT m.archived "
        "UNION SELECT m.code FROM measure m JOIN participation p ON p.measure_id = m.id "
        "JOIN municipality k ON k.id = p.municipality_id WHERE k.slug = ? AND NOT m.archived",
        slug,
        slug,
    )
    return {str(row[0]) for row in rows}


def _listed_codes(page: Any) -> set[str]:
    cells = page.locator("#trefferliste table tbody tr td:first-child a").all_inner_texts()
    return {cell.strip() for cell in cells}


def test_filter_measures_by_municipality(page: Any, live_server: LiveServer) -> None:
    login_as(page, "digital.brombachtal")
    page.goto("/massnahmen")
    own = _listed_codes(page)  # the list opens on the user's municipality
    page.get_by_role("link", name="Maßnahmen aller Kommunen anzeigen").click()
    page.wait_for_url(re.compile(r"kommune=alle"))
    everything = _listed_codes(page)
    assert everything, "the measures list shows no measures"

    page.get_by_label("Kommune").select_option("brombachtal")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(re.compile(r"kommune=brombachtal"))
    expect(page.locator("#trefferliste table tbody tr")).not_to_have_count(len(everything))

    shown = _listed_codes(page)
    assert shown == _codes_of(live_server, "brombachtal")
    assert shown < everything  # Brombachtal takes part in some measures, not all
    assert shown == own


def test_finance_downloads_the_haushalt_export(page: Any) -> None:
    login_as(page, "finanzen.erbach")
    page.goto("/haushalt")
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name=re.compile(r"Excel-Datei herunterladen")).first.click()
    xlsx = xlsx_download.value
    assert xlsx.suggested_filename.endswith(".xlsx")
    assert Path(xlsx.path()).read_bytes()[:2] == b"PK"  # an XLSX file is a zip archive

    with page.expect_download() as csv_download:
        page.get_by_role("link", name=re.compile(r"CSV-Datei herunterladen")).first.click()
    text = Path(csv_download.value.path()).read_bytes()
    assert text.startswith(b"\xef\xbb\xbf"), "CSV for German Excel starts with a UTF-8 BOM"
    assert b";" in text.splitlines()[0]
