"""Accessibility (BITV 2.0 / WCAG 2.1 AA): axe-core on every page, for every role, and keyboard use;
and on the same crawl, no page scrolls sideways at 1366 or at 390 px.

The pages come from the application's route table (tests/e2e/pages.py), so a new page is judged
from the day it lands.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import SiteMap, login_as, pages_for, record_judge
from tests.e2e.judges import describe_axe, run_axe
from tests.e2e.looking import sideways_scroll
from tests.e2e.pages import NOT_FOUND_PAGE
from tests.e2e.server import DEMO_PASSWORD, ROLE_USERS, LiveServer

ROLES = ("anonym", *ROLE_USERS)
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_no_wcag_violations(
    role: str, browser: Any, live_server: LiveServer, site_map: SiteMap, axe_source: str
) -> None:
    pages = pages_for(live_server, role, site_map)

    # bypass_csp only lets the injected axe script run; the application's own CSP stays untested
    # here and is exercised by the journeys.
    context = browser.new_context(
        base_url=live_server.base_url, locale="de-DE", bypass_csp=True, viewport=WIDE
    )
    page = context.new_page()
    report: list[str] = []
    sideways: list[str] = []
    checked: list[str] = []
    try:
        if role != "anonym":
            login_as(page, role)
        for target in [*(p.path for p in pages), NOT_FOUND_PAGE]:
            page.goto(target)
            page.wait_for_load_state("load")
            violations = run_axe(page, axe_source)
            checked.append(target)
            if violations:
                report.append(describe_axe(f"{role} {target}", violations))
            # The same page on a desktop and on a phone: it never scrolls sideways.
            for viewport in (WIDE, PHONE):
                page.set_viewport_size(viewport)
                found = sideways_scroll(page)
                if found:
                    sideways.append(f"{role} {target} at {viewport['width']} px: {found}")
            page.set_viewport_size(WIDE)
    finally:
        context.close()
    record_judge("axe", role=role, pages=len(checked), violations=len(report))
    record_judge("sideways", role=role, pages=len(checked) * 2, failures=len(sideways))
    assert not report, "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(report)
    assert not sideways, "pages that scroll sideways:\n" + "\n".join(sideways)


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
                    type: el.getAttribute('type') || '', text: (el.innerText || '').trim()};
        }"""
    )


def _tab_to(page: Any, predicate: Any, what: str, limit: int = 40) -> dict[str, str]:
    """Press Tab until ``predicate`` holds for the focused element (like a keyboard user)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if predicate(focused):
            return focused
    raise AssertionError(f"{what} cannot be reached with the Tab key ({limit} presses)")


def keyboard_login(page: Any, username: str) -> None:
    """Sign in with the keyboard alone: Tab to each field, type, Enter on the button."""
    page.goto("/login")
    _tab_to(page, lambda f: f["name"] == "username", "the user name field")
    page.keyboard.type(username)
    _tab_to(page, lambda f: f["name"] == "password", "the password field")
    page.keyboard.type(DEMO_PASSWORD)
    _tab_to(
        page, lambda f: f["tag"] == "button" and f["type"] in ("submit", ""), "the login button"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url, f"keyboard login as {username} failed"


def test_login_and_logout_with_the_keyboard_only(page: Any, live_server: LiveServer) -> None:
    keyboard_login(page, "digital.oberzent")
    name = live_server.display_name("digital.oberzent")
    assert name in page.locator("header").inner_text()

    _tab_to(page, lambda f: f["text"] == "Abmelden", "the logout button", limit=60)
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert name not in page.locator("header").inner_text()
    assert page.get_by_role("link", name="Anmelden").count() > 0 or "/login" in page.url


FOCUS_STYLE = """(el) => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor,
            s.backgroundColor, s.color, s.textDecorationLine].join('|');
}"""


def test_keyboard_focus_is_visible(page: Any, live_server: LiveServer) -> None:
    """Every element reached with Tab on the login and start pages looks different when focused."""
    invisible: list[str] = []
    reached = 0
    for address in ("/login", "/"):
        page.goto(address)
        for _ in range(12):
            page.keyboard.press("Tab")
            handle = page.evaluate_handle("() => document.activeElement")
            if page.evaluate("(el) => el === document.body", handle):
                break
            reached += 1
            focused_style = page.evaluate(FOCUS_STYLE, handle)
            label = page.evaluate("(el) => el.outerHTML.slice(0, 100)", handle)
            page.evaluate("(el) => el.blur()", handle)
            if page.evaluate(FOCUS_STYLE, handle) == focused_style:
                invisible.append(f"{address}: {label}")
            page.evaluate("(el) => el.focus({focusVisible: true})", handle)
    assert reached >= 4, "too few focusable elements reached with Tab"
    assert not invisible, "focus not visible on:\n" + "\n".join(invisible)


def test_status_report_with_the_keyboard_only(page: Any, live_server: LiveServer) -> None:
    """Post a status report without a mouse: Tab between fields, type, Space/Enter to send."""
    code = live_server.measure_codes()[0]
    keyboard_login(page, "admin")
    page.goto(f"/massnahmen/{code}")
    form = page.locator("form:has([name=summary]):has([name=progress])")
    assert form.count() == 1, f"/massnahmen/{code} offers no status report form"
    summary = "Tastaturbedienung geprüft: Statusbericht ohne Maus erfasst."
    page.locator("main").focus()
    opened = False
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["text"] == "Status melden" and not opened:
            page.keyboard.press("Enter")  # the form folds open under the current state
            opened = True
        elif focused["name"] == "progress":
            page.keyboard.press("Control+A")
            page.keyboard.type("55")
        elif focused["name"] == "summary":
            page.keyboard.type(summary)
        elif focused["name"] == "next_steps":
            page.keyboard.type("Nächster Schritt: Abnahme.")
        elif focused["tag"] == "button" and form.locator(":focus").count() == 1:
            break
    else:
        raise AssertionError(
            "the submit button of the status report form is not reachable with Tab"
        )
    page.keyboard.press("Space")
    page.get_by_text(summary).first.wait_for()
    assert page.get_by_text(summary).first.is_visible()
