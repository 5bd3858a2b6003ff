"""Fixtures for the end-to-end tests: a live application process and Debian's Chromium.

Every test in this folder is marked ``e2e``. Without /usr/bin/chromium the browser tests are
skipped with a message locally, and fail in CI (``CI=true``), where `.ci/run` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server import DEMO_PASSWORD, REPO_ROOT, LiveServer
from tests.judge_log import record_judge  # noqa: F401  (re-exported for the e2e tests)

CHROMIUM = Path(os.environ.get("IKZ_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def require_tool(path: Path, what: str, install: str) -> None:
    """Skip locally when a system tool is missing; in CI a missing tool is a failure."""
    if path.exists() or shutil.which(str(path)):
        return
    message = f"{what} not found at {path} (install it with: apt-get install {install})"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _start_server(name: str) -> Iterator[LiveServer]:
    workdir = Path(tempfile.mkdtemp(prefix=f"ikz-{name}-"))
    server = LiveServer(workdir=workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The application on a free loopback port with its own freshly seeded SQLite database."""
    yield from _start_server("e2e")


@pytest.fixture(scope="session")
def fuzz_server() -> Iterator[LiveServer]:
    """A second, separate instance for the API fuzzer, whose writes must not disturb journeys."""
    yield from _start_server("fuzz")


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_tool(CHROMIUM, "Chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser tab (own cookies) pointed at the live server, German locale."""
    context = browser.new_context(base_url=live_server.base_url, locale="de-DE")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def http_client(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, follow_redirects=True, timeout=30.0)


@dataclass(frozen=True)
class SiteMap:
    """Addresses for the routes with path parameters, found by the administrator's crawl."""

    addresses: dict[str, str]
    problems: list[str]


@pytest.fixture(scope="session")
def site_map(live_server: LiveServer) -> SiteMap:
    from tests.e2e.pages import discover_pages, http_login

    with http_client(live_server) as client:
        http_login(client, "admin")
        _pages, problems, addresses = discover_pages(live_server, client)
    return SiteMap(addresses=addresses, problems=problems)


def pages_for(server: LiveServer, role: str, site: SiteMap) -> list[Any]:
    """Every page as ``role`` ("anonym" or a user name) sees it; fails on unreachable routes."""
    from tests.e2e.pages import discover_pages, http_login

    assert not site.problems, "pages that could not be checked:\n" + "\n".join(site.problems)
    with http_client(server) as client:
        if role != "anonym":
            http_login(client, role)
        pages, problems, _ = discover_pages(server, client, known=site.addresses)
    assert not problems, f"pages that failed for {role}:\n" + "\n".join(problems)
    assert pages, f"no pages found for {role}"
    return pages


def login_as(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form like a person would and wait until the page has changed."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password])").locator(
            "button[type=submit], input[type=submit], button:not([type])"
        ).first.click()
    assert not re.search(r"/login(\?|$)", page.url), (
        f"login as {username} stayed on {page.url}: {page.locator('main').inner_text()[:300]}"
    )


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        pytest.fail(f"{path} missing: run `npm ci` (make assets)")
    return path.read_text(encoding="utf-8")
