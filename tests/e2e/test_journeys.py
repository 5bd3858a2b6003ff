"""Core journeys in a real browser: every demo user signs in, sees who they are, and signs out."""

from __future__ import annotations

from typing import Any

import pytest

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
