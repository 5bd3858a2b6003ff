"""Which pages exist: taken from the application's route table, never from a hand-written list.

Every GET route that is not part of the API, the static files, the API docs, the health check or a
download is a page. Path parameters (``/massnahmen/{code}``) are filled with values found in links
on the pages already visited, or from the seeded database; a page whose parameter cannot be filled
makes the judges fail with a message saying where to teach them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from starlette.routing import Mount, Route

from tests.e2e.server import DEMO_PASSWORD, LiveServer

EXCLUDED_PREFIXES = ("/api", "/static", "/openapi.json", "/docs", "/redoc", "/healthz")
DOWNLOAD = re.compile(r"(export|download|\.(xlsx|csv|json|pdf|zip|txt|xml|ics)$)", re.IGNORECASE)
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
    return parts.path + (f"?{parts.query}" if parts.query else "")


def discover_pages(
    server: LiveServer,
    client: httpx.Client,
    *,
    known: dict[str, str] | None = None,
    routes: list[PageRoute] | None = None,
) -> tuple[list[Page], list[str], dict[str, str]]:
    """Visit every page route as ``client``'s user.

    Returns the HTML pages, the problems, and the address used for each route with path
    parameters. ``known`` passes such addresses found before (by the administrator, who sees
    the most links); otherwise they come from links on the pages visited, or from the database.
    Redirects (e.g. to /login) count once under their final address; what the role may not see
    (401, 403) or what does not exist (404) is skipped; HTML fragments for htmx are not pages.
    """
    routes = page_routes() if routes is None else routes
    pages: dict[str, Page] = {}
    problems: list[str] = []
    links: list[str] = []
    resolved: dict[str, str] = {}

    def visit(path: str) -> bool:
        response = client.get(path)
        if response.status_code in (401, 403, 404, 405, 422):
            return False
        if response.status_code != 200:
            problems.append(f"{path}: HTTP {response.status_code}")
            return False
        if not response.headers.get("content-type", "").startswith("text/html"):
            return False
        if "<html" not in response.text[:500].lower():
            return False  # an htmx fragment, judged inside its page
        query = response.url.query.decode()
        final = response.url.path + (f"?{query}" if query else "")
        if final not in pages:
            pages[final] = Page(requested=path, path=final, html=response.text)
            for href in parse(response.text).links:
                local = _local_path(server.base_url, href, response.url.path)
                if local is not None and local not in links:
                    links.append(local)
        return True

    for route in routes:
        if not route.params:
            visit(route.path)
    for route in routes:
        if not route.params:
            continue
        if known is not None:
            if route.path in known:
                visit(known[route.path])
            continue
        # Links keep their query: some pages need one (e.g. ?kommune=<slug>).
        candidates = [link for link in links if route.regex.match(link.split("?")[0])][:8]
        from_db = _fill_from_database(server, route)
        if from_db is not None:
            candidates.append(from_db)
        hit = next((candidate for candidate in candidates if visit(candidate)), None)
        if hit is not None:
            resolved[route.path] = hit
        else:
            problems.append(
                f"{route.path}: no address found that shows this page (tried {candidates}); "
                "link to it from a page, or teach tests/e2e/pages.py:_database_value the "
                f"parameters {route.params}"
            )
    return list(pages.values()), problems, (known if known is not None else resolved)


def _fill_from_database(server: LiveServer, route: PageRoute) -> str | None:
    path = route.path
    for name in route.params:
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
        tables = [
            str(row[0])
            for row in server.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        similar = sorted(t for t in tables if t.endswith(f"_{stem}") or t.startswith(f"{stem}_"))
        for table in (stem, *similar):
            try:
                rows = server.query(f'SELECT min(id) FROM "{table}"')
            except Exception:
                continue
            if rows and rows[0][0] is not None:
                return str(rows[0][0])
    return None
