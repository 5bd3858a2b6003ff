"""Dashboard journey: switch municipality, panels change in place, follow a drill-down."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import login_as


def test_hauptamt_switches_to_brombachtal_and_drills_down(page: Any) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login_as(page, "hauptamt.erbach")
    page.goto("/dashboard")
    page.locator("#chart-status").scroll_into_view_if_needed()  # charts are drawn when seen
    page.wait_for_selector("#chart-status.dash-plot--drawn svg.main-svg")
    before = page.locator("#chart-status-summary").inner_text()
    # The dashboard opens on the user's own municipality.
    assert "Dashboard Erbach" in page.locator("h1").inner_text()
    # A marker on window survives only if the page is not reloaded.
    page.evaluate("window.__dashboardMarker = 'still here'")

    with page.expect_response(lambda r: "teil=status" in r.url and "brombachtal" in r.url):
        page.select_option("#d-kommune", "brombachtal")
    # Locator waits poll from Playwright's side: no page-side eval, which the CSP forbids.
    expect(page.locator("#chart-status-summary")).to_contain_text("Brombachtal")
    page.locator("#chart-status").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-status.dash-plot--drawn svg.main-svg")
    assert page.evaluate("window.__dashboardMarker") == "still here"
    assert "kommune=brombachtal" in page.url
    assert page.locator("#chart-status-summary").inner_text() != before
    assert "Dashboard Brombachtal" in page.locator("h1").inner_text()
    # Only Brombachtal is left in the status table and in the pending approvals.
    status_table = page.locator("table[data-chart-table=chart-status] tbody")
    assert status_table.locator("tr").count() == 1
    assert "Erbach" not in page.locator(".dash-pending").inner_text()
    assert not violations, violations

    with page.expect_navigation():
        page.locator("#panel-kennzahlen a", has_text="in Umsetzung").first.click()
    assert re.search(r"/massnahmen\?.*kommune=brombachtal", page.url)
    assert "status=in_umsetzung" in page.url
    assert page.locator("#f-kommune").input_value() == "brombachtal"
