"""Each judge fails on a planted fault: proof that a clean report on the real app means something.

The faults live only here, in throwaway pages and a throwaway API built inside the tests; the
application itself stays clean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.e2e.conftest import require_tool
from tests.e2e.judges import VNU_JAR, fuzz_api, run_axe, validate_html

CLEAN_PAGE = """<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>Suche – Probe</title></head>
<body>
<main>
  <h1>Suche</h1>
  <form action="/suche" method="get">
    <label for="q">Suchbegriff</label>
    <input id="q" type="text" name="q">
    <button type="submit">Suchen</button>
  </form>
</main>
</body>
</html>
"""


def test_axe_reports_an_input_without_label(browser: Any, axe_source: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.set_content(CLEAN_PAGE)
        assert run_axe(page, axe_source) == []

        page.set_content(CLEAN_PAGE.replace('<label for="q">Suchbegriff</label>', ""))
        violations = run_axe(page, axe_source)
    finally:
        context.close()
    assert "label" in {violation["id"] for violation in violations}
    label = next(v for v in violations if v["id"] == "label")
    assert label["nodes"][0]["target"] == "#q"


def test_vnu_reports_an_invalid_tag() -> None:
    require_tool(VNU_JAR, "vnu.jar (npm package vnu-jar)", "default-jre-headless; npm ci")
    require_tool(Path("java"), "Java", "default-jre-headless")
    broken = CLEAN_PAGE.replace(
        "<h1>Suche</h1>", "<h1>Suche</h1><blink>Neu!</blink><p><div>x</div>"
    )

    errors = validate_html({"clean": CLEAN_PAGE, "broken": broken})

    assert errors["clean"] == []
    assert any("blink" in error for error in errors["broken"]), errors["broken"]
    assert len(errors["broken"]) >= 2, errors["broken"]


def _api_with_faults() -> FastAPI:
    api = FastAPI(title="Probe")

    @api.middleware("http")
    async def errors_as_500(request: Request, call_next: Any) -> Response:
        # What a deployed server does with an unhandled exception: answer 500.
        try:
            response: Response = await call_next(request)
        except RuntimeError:
            return JSONResponse({"detail": "Interner Serverfehler"}, status_code=500)
        return response

    @api.get("/api/v1/ok/{code}")
    def fine(code: str) -> dict[str, str]:
        return {"code": code}

    @api.get("/api/v1/crash")
    def crash(jahr: int = 2025) -> dict[str, int]:
        raise RuntimeError(f"planted fault for {jahr}")

    @api.get(
        "/api/v1/wrong-shape",
        responses={
            200: {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["total_cents"],
                            "properties": {"total_cents": {"type": "integer"}},
                        }
                    }
                }
            }
        },
    )
    def wrong_shape() -> JSONResponse:
        return JSONResponse({"total": "1.234,56 €"})

    return api


def test_schemathesis_reports_a_server_error_and_a_wrong_response_shape() -> None:
    import schemathesis

    schema = schemathesis.openapi.from_asgi("/openapi.json", _api_with_faults())

    report = fuzz_api(schema, headers={"Authorization": "Bearer probe"}, budget=36)

    assert report.operations == 3
    assert report.cases >= 18
    crash = [f for f in report.failures if f.startswith("GET /api/v1/crash")]
    shape = [f for f in report.failures if f.startswith("GET /api/v1/wrong-shape")]
    assert crash, report.failures
    assert "Server error" in crash[0], crash
    assert shape and "schema" in shape[0].lower(), report.failures
    assert not [f for f in report.failures if f.startswith("GET /api/v1/ok")], report.failures


@pytest.mark.parametrize("budget", [20])
def test_schemathesis_finds_nothing_on_a_clean_api(budget: int) -> None:
    import schemathesis

    api = FastAPI(title="Sauber")

    @api.get("/api/v1/echo/{code}")
    def echo(code: str) -> dict[str, str]:
        return {"code": code}

    report = fuzz_api(
        schemathesis.openapi.from_asgi("/openapi.json", api), headers={}, budget=budget
    )
    assert report.operations == 1
    assert report.cases >= 10
    assert report.failures == []
