"""HTML validity of every page, for every role, judged by the Nu Html Checker (vnu.jar)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.e2e.conftest import SiteMap, http_client, pages_for, record_judge, require_tool
from tests.e2e.judges import VNU_JAR, validate_html
from tests.e2e.pages import NOT_FOUND_PAGE, Page
from tests.e2e.server import ROLE_USERS, LiveServer

HX_HINT = (
    "\nhtmx attributes: write data-hx-get, data-hx-target, … (htmx reads the data- prefix too; "
    "plain hx-* attributes are not valid HTML)"
)


def test_every_page_is_valid_html(live_server: LiveServer, site_map: SiteMap) -> None:
    require_tool(VNU_JAR, "vnu.jar (npm package vnu-jar)", "nodejs npm; then npm ci")
    require_tool(Path("java"), "Java", "default-jre-headless")
    documents: dict[str, str] = {}
    seen: set[str] = set()
    for role in ("anonym", *ROLE_USERS):
        pages = pages_for(live_server, role, site_map)
        with http_client(live_server) as client:
            missing = client.get(NOT_FOUND_PAGE)
        assert missing.status_code == 404
        if missing.headers.get("content-type", "").startswith("text/html"):
            pages.append(Page(NOT_FOUND_PAGE, NOT_FOUND_PAGE, missing.text))
        for page in pages:
            digest = hashlib.sha256(page.html.encode()).hexdigest()
            if digest not in seen:  # the same HTML needs judging once
                seen.add(digest)
                documents[f"{role} {page.path}"] = page.html

    errors = validate_html(documents)

    record_judge("vnu", documents=len(documents), errors=sum(map(len, errors.values())))
    report = [
        f"{name}:\n    " + "\n    ".join(messages) for name, messages in errors.items() if messages
    ]
    hint = HX_HINT if any("“hx-" in m for ms in errors.values() for m in ms) else ""
    assert not report, "the Nu Html Checker found errors:\n" + "\n".join(report) + hint
