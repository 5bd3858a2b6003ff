"""Pages that belong to no domain: health check, accessibility statement, Impressum and
Datenschutz, the favicon and the footer of printed pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from app import __version__
from app.accounts.deps import OptionalUser
from app.core.db import get_engine
from app.core.timeutil import BERLIN
from app.core.web import render, static_url
from app.pages.legal import site_texts

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz() -> JSONResponse:
    """Liveness and database check (used by the container's HEALTHCHECK)."""
    body: dict[str, Any] = {"status": "ok", "version": __version__}
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        body["database"] = "ok"
    except Exception:
        body.update(status="error", database="error")
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)


@router.get("/healthz/live", include_in_schema=False)
def healthz_live() -> JSONResponse:
    """Liveness without the database: the floor that benchmarks compare every page against."""
    return JSONResponse({"status": "ok"})


@router.get("/barrierefreiheit", response_class=HTMLResponse, include_in_schema=False)
def accessibility_statement(request: Request, user: OptionalUser) -> HTMLResponse:
    # ``user`` is resolved so that a signed-in visitor keeps the navigation.
    return render(request, "pages/barrierefreiheit.html")


@router.get("/impressum", response_class=HTMLResponse, include_in_schema=False)
def impressum(request: Request, user: OptionalUser) -> HTMLResponse:
    texts = site_texts()
    return render(request, "pages/legal.html", {"page": texts.impressum, "sample": texts.sample})


@router.get("/datenschutz", response_class=HTMLResponse, include_in_schema=False)
def privacy(request: Request, user: OptionalUser) -> HTMLResponse:
    texts = site_texts()
    return render(request, "pages/legal.html", {"page": texts.datenschutz, "sample": texts.sample})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> RedirectResponse:
    """Browsers ask for /favicon.ico on their own; the icon is an SVG among the static files."""
    return RedirectResponse(static_url("img/favicon.svg"), status_code=301)


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request, user: OptionalUser) -> HTMLResponse:
    """Swagger UI from our own static files (FastAPI's default page needs a CDN and inline JS),
    inside the application's own page with its header and a German introduction."""
    return render(request, "pages/api_docs.html")


@router.get("/druck.css", include_in_schema=False)
def print_footer(
    stand: Annotated[str, Query(pattern=r"^\d{12}$", description="JJJJMMTThhmm")],
) -> Response:
    """The line at the foot of every printed page: "Stand: 01.12.2026, 09:21 · IKZ-Portfolio",
    with the page number beside it. Browsers print page margins only from CSS, and CSS cannot
    read the time from the page, so each page links this stylesheet with its Stand."""
    try:
        moment = datetime.strptime(stand, "%Y%m%d%H%M").replace(tzinfo=BERLIN)
    except ValueError:
        return Response(
            "/* Ungültiger Stand */", status_code=422, media_type="text/css; charset=utf-8"
        )
    label = moment.strftime("%d.%m.%Y, %H:%M")
    css = (
        "@page { @bottom-left { content: "
        f'"Stand: {label} \\00B7  IKZ-Portfolio, Gemeinsame Digitalstrategie"; '
        "font-size: 8pt; color: #333; } }\n"
    )
    return Response(
        css,
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
