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
from tests.e2e.looking import (
    chart_marks,
    invisible_marks,
    matrix_cells,
    print_faults,
    read_pdf,
    sideways_scroll,
    uncoloured_cells,
)
from tests.e2e.server import REPO_ROOT

PLOTLY_BUNDLE = REPO_ROOT / "app" / "static" / "vendor" / "plotly" / "plotly-basic.min.js"

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


# --- judges that look -------------------------------------------------------------------------

WIDE_TABLE = CLEAN_PAGE.replace(
    "</main>",
    '<table><tr><td style="white-space:nowrap">'
    + "Sehr breite Spalte " * 30
    + "</td></tr></table></main>",
)


def test_the_sideways_judge_finds_a_table_wider_than_a_phone(browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.set_content(CLEAN_PAGE)
        assert sideways_scroll(page) == []
        page.set_content(WIDE_TABLE)
        found = sideways_scroll(page)
    finally:
        context.close()
    assert found and found[0].startswith("document ") and "in a 390 px window" in found[0]
    assert any(culprit.startswith("table") for culprit in found[1:]), found


CHART_PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Probe</title>
</head><body><div id="probe" style="width:600px;height:400px"></div></body></html>"""


def _draw_bars(page: Any, marker: dict[str, Any]) -> None:
    page.set_content(CHART_PAGE)
    page.add_script_tag(path=str(PLOTLY_BUNDLE))
    page.evaluate(
        """(marker) => Plotly.newPlot('probe',
            [{type: 'bar', x: ['Erbach', 'Michelstadt'], y: [3, 5], marker: marker}],
            {width: 600, height: 400, paper_bgcolor: '#fff', plot_bgcolor: '#fff'})""",
        marker,
    )


def test_the_chart_judge_finds_bars_of_white_hatching_without_colour(browser: Any) -> None:
    """The fault found on the dashboard: pattern fills with white strokes, no background."""
    require_tool(PLOTLY_BUNDLE, "plotly.js basic bundle", "npm ci; npm run build")
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    try:
        _draw_bars(page, {"color": "#1f4e8c"})
        clean = chart_marks(page)
        _draw_bars(
            page,
            {
                "color": "rgba(0,0,0,0)",
                "pattern": {"shape": "/", "fgcolor": "#ffffff", "bgcolor": "rgba(0,0,0,0)"},
            },
        )
        broken = chart_marks(page)
    finally:
        context.close()
    assert len(clean) == 2 and invisible_marks(clean) == []
    assert len(broken) == 2 and len(invisible_marks(broken)) == 2


def _matrix_page(backgrounds: dict[str, str]) -> str:
    """A 5 × 5 risk matrix whose cells have the given background per severity."""
    rows = []
    for p in range(5, 0, -1):
        cells = []
        for i in range(1, 6):
            level = "hoch" if p * i >= 15 else "mittel" if p * i >= 8 else "niedrig"
            cells.append(
                f'<td class="risk-cell risk-cell--{level}" data-cell="{p}-{i}" '
                f'style="background:{backgrounds[level]};width:60px;height:40px">'
                f'<a href="#">{p * i % 3}</a></td>'
            )
        rows.append(f"<tr><th>{p}</th>{''.join(cells)}</tr>")
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Probe</title></head>'
        f'<body><table class="risk-matrix">{"".join(rows)}</table></body></html>'
    )


def test_the_matrix_judge_finds_cells_without_the_colour_of_their_severity(browser: Any) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    try:
        page.set_content(
            _matrix_page({"hoch": "#f4b4b4", "mittel": "#ffe28a", "niedrig": "#cfe9d6"})
        )
        clean = matrix_cells(page)
        # The fault: the colours lost (white cells), and "hoch" drawn in the green of "niedrig".
        page.set_content(_matrix_page({"hoch": "#cfe9d6", "mittel": "#ffffff", "niedrig": "#fff"}))
        broken = matrix_cells(page)
    finally:
        context.close()
    assert len(clean) == 25 and uncoloured_cells(clean) == []
    assert len(broken) == 25 and len(uncoloured_cells(broken)) == 25
    assert "Zelle 5-5 (hoch) zeigt grün" in uncoloured_cells(broken)


def test_the_print_judge_finds_a_cut_table_a_lonely_heading_and_no_footer(
    browser: Any, tmp_path: Path
) -> None:
    require_tool(Path("/usr/bin/pdftotext"), "pdftotext", "poppler-utils")
    context = browser.new_context()
    page = context.new_page()
    lonely = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Druck</title>'
        "<style>@page { size: A4; margin: 16mm 14mm 18mm; }</style></head><body>"
        '<h1 style="break-after: page">Dashboard gesamte IKZ</h1>'
        '<table><tr><td style="white-space:nowrap">'
        + "Abgeschnittene Spalte " * 25
        + "</td></tr></table>"
        + "<p>"
        + "Text " * 200
        + "</p></body></html>"
    )
    try:
        page.set_content(lonely)
        pdf = tmp_path / "fehler.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)
    finally:
        context.close()
    faults = print_faults(read_pdf(pdf), max_pages=1)
    assert any("statt höchstens 1" in f for f in faults), faults
    assert any("Seite 1: nur 'Dashboard gesamte IKZ'" in f for f in faults), faults
    assert any("abgeschnitten am rechten Rand" in f for f in faults), faults
    assert any("ohne Seitenzahl" in f for f in faults) and any("ohne Stand" in f for f in faults)


def _kpi_card(fill: str) -> str:
    dots = "".join(
        f'<circle data-mark="value" cx="{x}" cy="60" r="5" style="fill:{fill}"></circle>'
        for x in (60, 140)
    )
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Probe</title></head>'
        '<body style="background:#fff"><article data-indicator="7">'
        '<svg class="kpi-chart__svg" viewBox="0 0 200 100" style="width:400px;height:200px">'
        '<line x1="0" y1="20" x2="200" y2="20" style="stroke:#b3261e"></line>'
        f"{dots}</svg></article></body></html>"
    )


def test_the_chart_judge_finds_kpi_dots_drawn_in_white(browser: Any) -> None:
    """A trend whose value dots take the card's background colour shows no value at all."""
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    try:
        page.set_content(_kpi_card("#1d5a8c"))
        clean = chart_marks(page)
        page.set_content(_kpi_card("#ffffff"))
        broken = chart_marks(page)
    finally:
        context.close()
    assert len(clean) == 2 and invisible_marks(clean) == []
    assert len(broken) == 2 and len(invisible_marks(broken)) == 2
    assert invisible_marks(broken)[0].startswith("Indikator 7")
