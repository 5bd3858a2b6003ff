"""Pages that belong to no domain: health check and the accessibility statement."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import text

from app import __version__
from app.db import get_engine
from app.web import render

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


@router.get("/barrierefreiheit", response_class=HTMLResponse, include_in_schema=False)
def accessibility_statement(request: Request) -> HTMLResponse:
    return render(request, "pages/barrierefreiheit.html")
