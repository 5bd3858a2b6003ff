"""Pages that belong to no domain: health check and the accessibility statement."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import text

from app import __version__
from app.accounts.deps import OptionalUser
from app.core.db import get_engine
from app.core.web import render

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


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI from our own static files (FastAPI's default page needs a CDN and inline JS)."""
    return render(request, "pages/api_docs.html", block=None)
