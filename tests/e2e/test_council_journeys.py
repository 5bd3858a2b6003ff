"""The Hauptamtsleitung prepares and records its council's decision, in a real browser, and the
council pages print within the width of an A4 page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import login_as
from tests.e2e.server import LiveServer

# The printable width of an A4 page with the browser's default margins (about 19 cm at 96 dpi).
A4_PRINT_WIDTH = 718


def _pending_step(server: LiveServer, drucksache: str) -> int:
    rows = server.query(
        "SELECT d.id FROM council_deliberation d JOIN council_proposal p ON p.id = d.proposal_id "
        "WHERE p.drucksache = ? AND d.result IS NULL",
        drucksache,
    )
    assert rows, f"the seed has a pending step of {drucksache}"
    return int(str(rows[0][0]))


def test_hauptamt_records_its_magistrat_decision_and_the_measure_is_released(
    page: Any, live_server: LiveServer
) -> None:
    login_as(page, "hauptamt.erbach")
    page.goto("/gremien?kommune=erbach")
    expect(page.get_by_role("heading", name="Kommende Sitzungen")).to_be_visible()
    page.get_by_role("link", name="B-2026/118").click()
    page.wait_for_url(re.compile(r"/gremien/vorlagen/\d+$"))
    baselines = int(str(live_server.query("SELECT count(*) FROM baseline")[0][0]))
    step = _pending_step(live_server, "B-2026/118")
    page.locator(f"a[href='/gremien/beratungen/{step}']").click()
    page.get_by_label("Ergebnis", exact=True).select_option("zugestimmt")
    page.get_by_label("Ja-Stimmen").fill("6")
    page.get_by_label("Gegenstimmen").fill("1")
    page.get_by_label("Stimmenthaltungen").fill("0")
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.wait_for_url(re.compile(r"/gremien/vorlagen/\d+"))
    expect(page.get_by_role("status")).to_contain_text("als Baseline festgehalten")
    expect(page.locator("#beratungsfolge")).to_contain_text("6 / 1 / 0")
    assert int(str(live_server.query("SELECT count(*) FROM baseline")[0][0])) == baselines + 1
    page.goto("/massnahmen/HF2-M04")
    row = page.locator("#kommunen").locator("..").locator("tr", has_text="Erbach")
    expect(row).to_contain_text("freigegeben")
    page.goto("/massnahmen/HF2-M04/projektplan")
    expect(page.get_by_role("note", name="Magistratsvorbehalt")).to_contain_text(
        "Freigegeben in Erbach"
    )


def _overflow(page: Any) -> list[str]:
    """Elements wider than the printed page (the judge)."""
    result: list[str] = page.evaluate(
        """(limit) => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1
                         && getComputedStyle(e).display !== 'none')
            .slice(0, 5).map(e => e.tagName + ' ' + (e.className || ''))""",
        A4_PRINT_WIDTH,
    )
    return result


def test_council_pages_print_within_the_width_of_a4(page: Any, live_server: LiveServer) -> None:
    login_as(page, "leser")
    page.set_viewport_size({"width": A4_PRINT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    vorlage = live_server.query("SELECT id FROM council_proposal WHERE drucksache = 'VL-80/2024'")[
        0
    ][0]
    for path in ("/gremien", f"/gremien/vorlagen/{vorlage}", "/berichte/aenderungen", "/berichte"):
        page.goto(path)
        assert _overflow(page) == [], path
        pdf = page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 <= pages <= 8, (path, pages)


def test_the_print_judge_sees_a_wide_element(page: Any, live_server: LiveServer) -> None:
    """Planted fault: a table forced wider than the page is reported."""
    login_as(page, "leser")
    page.set_viewport_size({"width": A4_PRINT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    page.goto("/gremien")
    page.evaluate("document.querySelector('main table').style.minWidth = '1200px'")
    page.evaluate("document.querySelector('main .table-scroll').style.overflow = 'visible'")
    assert _overflow(page) != []
