"""Which pages exist: taken from the application's route table, never from a hand-written list.

Every GET route that is not part of the API, the static files, the API docs, the health check or a
download is a page. Path parameters (``/massnahmen/{code}``) are filled with values found in links
on the pages already visited, or from the seeded database; a page whose parameter cannot be filled
makes the judges fail with a message saying where to teach them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from starlette.routing import Mount, Route

from tests.e2e.server import DEMO_PASSWORD, LiveServer

EXCLUDED_PREFIXES = ("/api", "/static", "/openapi.json", "/docs", "/redoc", "/healthz")
DOWNLOAD = re.compile(r"(export|download|\.(xlsx|csv|json|pdf|zip|txt|xml)$)", re.IGNORECASE)
PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")
# An address that does not exist: its error page is a page users see as well.
NOT_FOUND_PAGE = "/diese-seite-gibt-es-nicht"


@dataclass(frozen=True)
class PageRoute:
    path: str
    regex: re.Pattern[str]

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.path)


def _walk(routes: Iterable[Any], prefix: str = "") -> Iterable[tuple[str, set[str]]]:
    """(path, methods) of every endpoint, looking inside mounts and included routers.

    FastAPI >= 0.16x wraps included routers; their effective routes carry the full path.
    """
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(route.routes, prefix + route.path)
        elif hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                original = getattr(context, "original_route", None)
                methods = getattr(original, "methods", None) or set()
                yield prefix + str(context.path), set(methods)
        elif isinstance(route, Route):
            yield prefix + route.path, set(route.methods or ())


def page_routes() -> list[PageRoute]:
    """All GET routes of ``create_app()`` that serve pages (HTML) to people."""
    from app.main import create_app

    found: dict[str, PageRoute] = {}
    for path, methods in _walk(create_app().routes):
        if "GET" not in methods:
            continue
        if path.startswith(EXCLUDED_PREFIXES) or DOWNLOAD.search(path):
            continue
        pattern = PARAM.sub("[^/]+", re.escape(path).replace(r"\{", "{").replace(r"\}", "}"))
        found[path] = PageRoute(path=path, regex=re.compile(f"^{pattern}$"))
    if not found:
        raise AssertionError("the route table of create_app() lists no pages at all")
    return sorted(found.values(), key=lambda page: page.path)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.hidden: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.hidden[str(values["name"])] = values.get("value") or ""


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def http_login(client: httpx.Client, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form, as a browser without JavaScript would."""
    form = client.get("/login")
    assert form.status_code == 200, f"/login answered {form.status_code}"
    data = {**parse(form.text).hidden, "username": username, "password": password}
    response = client.post("/login", data=data)
    assert response.status_code < 400, f"login as {username} failed: HTTP {response.status_code}"
    assert "/login" not in str(response.url.path), f"login as {username} was refused"


@dataclass(frozen=True)
class Page:
    """A concrete page as a role sees it: the address asked for and where it ended up."""

    requested: str
    path: str
    html: str


def _local_path(base_url: str, href: str, current: str) -> str | None:
    absolute = urljoin(base_url + current, href)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != base_url:
        return None
    return parts.path


def discover_pages(
    server: LiveServer,
    client: httpx.Client,
    *,
    routes: list[PageRoute] | None = None,
    extra_values: Callable[[str], str | None] | None = None,
) -> tuple[list[Page], list[str]]:
    """Visit every page route as ``client``'s user; return the HTML pages and the problems.

    Pages that redirect (e.g. to /login) count once under their final address; pages the role
    may not see (403) or that do not exist for it (404) are skipped, other errors are problems.
    """
    routes = page_routes() if routes is None else routes
    pages: dict[str, Page] = {}
    problems: list[str] = []
    links: list[str] = []

    def visit(path: str) -> None:
        response = client.get(path)
        if response.status_code in (401, 403, 404, 405):
            return
        content_type = response.headers.get("content-type", "")
        if response.status_code != 200:
            problems.append(f"{path}: HTTP {response.status_code}")
            return
        if not content_type.startswith("text/html"):
            return
        final = response.url.path + (
            f"?{response.url.query.decode()}" if response.url.query else ""
        )
        if final not in pages:
            pages[final] = Page(requested=path, path=final, html=response.text)
            links.extend(
                p
                for href in parse(response.text).links
                if (p := _local_path(server.base_url, href, response.url.path)) is not None
            )

    for route in routes:
        if not route.params:
            visit(route.path)
    for route in routes:
        if not route.params:
            continue
        candidate = next((link for link in links if route.regex.match(link)), None)
        if candidate is None:
            candidate = _fill_from_database(server, route, extra_values)
        if candidate is None:
            problems.append(
                f"{route.path}: no value for {route.params} found in links or in the database; "
                "teach tests/e2e/pages.py:_fill_from_database how to fill it"
            )
            continue
        visit(candidate)
    return list(pages.values()), problems


def _fill_from_database(
    server: LiveServer, route: PageRoute, extra_values: Callable[[str], str | None] | None
) -> str | None:
    path = route.path
    for name in route.params:
        value = extra_values(name) if extra_values else None
        if value is None:
            value = _database_value(server, name)
        if value is None:
            return None
        path = PARAM.sub(value, path, count=1)
    return path


def _database_value(server: LiveServer, name: str) -> str | None:
    lowered = name.lower()
    if lowered in ("code", "measure_code", "massnahme"):
        codes = server.measure_codes()
        return codes[0] if codes else None
    if lowered in ("slug", "kommune", "municipality", "municipality_slug"):
        return "erbach"
    if lowered in ("jahr", "year"):
        return "2025"
    if lowered in ("username", "user"):
        return "admin"
    if lowered.endswith("_id") or lowered == "id":
        stem = lowered.removesuffix("_id") or "measure"
        for table in (stem, f"{stem}_account", f"{stem}s"):
            try:
                rows = server.query(f'SELECT min(id) FROM "{table}"')
            except Exception:
                continue
            if rows and rows[0][0] is not None:
                return str(rows[0][0])
    return None
