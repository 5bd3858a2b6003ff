"""HTML pages of the portfolio domain."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import SessionDep
from app.portfolio import service
from app.web import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def start(request: Request, session: SessionDep) -> HTMLResponse:
    return render(request, "portfolio/start.html", {"overview": service.overview(session=session)})
