"""Judges that look: every drawn chart shows its bars and markers, a bar that opens a list
shows a pointer, and the printed dashboard and measure page fit A4 with the Stand and the page
number on every page. (No sideways scroll is judged on the axe crawl, test_axe.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_as, record_judge, require_tool
from tests.e2e.looking import (
    chart_marks,
    invisible_marks,
    matrix_cells,
    print_faults,
    read_pdf,
    uncoloured_cells,
)
from tests.e2e.server import LiveServer

CHARTS_ON_THE_DASHBOARD = 5


def _drawn(page: Any, url: str) -> None:
    """The page with every chart drawn: charts are drawn as they come into view."""
    page.goto(url)
    for plot in page.locator(".dash-plot").all():
        plot.scroll_into_view_if_needed()
    # Locator waits poll from Playwright's side: no page-side eval, which the CSP forbids.
    expect(page.locator(".dash-plot--drawn")).to_have_count(CHARTS_ON_THE_DASHBOARD, timeout=20_000)


@pytest.mark.parametrize("width", [1366, 390])
def test_every_chart_shows_its_bars_and_markers(
    browser: Any, live_server: LiveServer, width: int
) -> None:
    context = browser.new_context(
        base_url=live_server.base_url, locale="de-DE", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    problems: list[str] = []
    counted = 0
    try:
        login_as(page, "hauptamt.michelstadt")
        for url in (
            "/dashboard?kommune=alle",
            "/dashboard?kommune=michelstadt",
            "/dashboard?druck=1",
        ):
            _drawn(page, url)
            marks = chart_marks(page)
            charts = {m.chart for m in marks}
            assert len(charts) >= CHARTS_ON_THE_DASHBOARD, f"{url}: marks in {sorted(charts)}"
            counted += len(marks)
            problems += [f"{url} at {width} px: {p}" for p in invisible_marks(marks)]
    finally:
        context.close()
    record_judge("chart-marks", width=width, marks=counted, failures=len(problems))
    assert not problems, "marks that do not show:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", [1366, 390])
def test_every_risk_matrix_cell_shows_the_colour_of_its_severity(
    browser: Any, live_server: LiveServer, width: int
) -> None:
    context = browser.new_context(
        base_url=live_server.base_url, locale="de-DE", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    problems: list[str] = []
    try:
        login_as(page, "digital.oberzent")
        for url in ("/dashboard?kommune=alle", "/dashboard?kommune=oberzent", "/risiken"):
            page.goto(url)
            cells = matrix_cells(page)
            assert len(cells) == 25, f"{url}: {len(cells)} cells"
            assert {c.level for c in cells} == {"hoch", "mittel", "niedrig"}
            problems += [f"{url} at {width} px: {p}" for p in uncoloured_cells(cells)]
    finally:
        context.close()
    record_judge("risk-matrix", width=width, failures=len(problems))
    assert not problems, "cells without the colour of their severity:\n" + "\n".join(problems)


def test_a_bar_that_opens_a_list_shows_a_pointer(page: Any, live_server: LiveServer) -> None:
    login_as(page, "admin")
    _drawn(page, "/dashboard?kommune=alle")
    bar = page.locator(".dash-plot .cartesianlayer .trace.bars .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(200)
    cursor = page.evaluate(
        "([x, y]) => { const el = document.elementFromPoint(x, y);"
        " return el ? getComputedStyle(el).cursor : 'nothing at ' + x + ',' + y; }",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert cursor == "pointer"
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert "/massnahmen?" in page.url, "the bar opens the filtered list"


@pytest.mark.parametrize(
    ("url", "max_pages"),
    [("/dashboard?druck=1", 9), ("/dashboard?druck=1&kommune=oberzent", 9), ("measure", 5)],
)
def test_the_print_fits_a4_with_stand_and_page_numbers(
    page: Any, live_server: LiveServer, tmp_path: Path, url: str, max_pages: int
) -> None:
    require_tool(Path("/usr/bin/pdftotext"), "pdftotext", "poppler-utils")
    login_as(page, "hauptamt.oberzent")
    if url == "measure":
        url = f"/massnahmen/{live_server.measure_codes()[0]}"
        page.goto(url)
    else:
        _drawn(page, url)
    pdf = tmp_path / "druck.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    pages = read_pdf(pdf)
    assert all(abs(p.width - 595.3) < 1 for p in pages), "A4 portrait"
    faults = print_faults(pages, max_pages=max_pages)
    record_judge("print", url=url, pages=len(pages), failures=len(faults))
    assert not faults, f"{url}:\n" + "\n".join(faults)
