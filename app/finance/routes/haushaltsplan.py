"""The Haushaltsplan page: what a municipality's Kämmerei books for one budget year."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.accounts.deps import CurrentUser
from app.core.deps import SessionDep
from app.core.errors import ValidationFailed
from app.core.web import render
from app.finance.queries import budget as budget_queries
from app.finance.queries import lookups as queries
from app.finance.queries.bookings import EH, FH
from app.finance.queries.haushaltsplan import haushalt_plan
from app.finance.routes.haushalt import default_municipality, parse_year
from app.municipalities import queries as municipality_queries

router = APIRouter(include_in_schema=False)


@router.get("/haushalt/plan", response_class=HTMLResponse)
def haushaltsplan(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: str | None = None,
    jahr: str | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "municipalities": municipality_queries.municipalities(session),
        "years": budget_queries.plan_years(session=session),
        "errors": {},
        "plan": None,
        "EH": EH,
        "FH": FH,
    }
    try:
        year = parse_year(jahr) or budget_queries.default_year(session=session)
        slug = kommune or None
        if slug is None:
            fallback = default_municipality(session, user)
            slug = fallback.slug if fallback else None
        if slug is not None:
            context["plan"] = haushalt_plan(
                session=session,
                actor=user,
                municipality=slug,
                year=year,
                data_state=queries.data_state(session),
            )
        context.update(selected_slug=slug, selected_year=year)
    except ValidationFailed as exc:
        context.update(errors=exc.errors, selected_slug=kommune, selected_year=jahr)
        return render(request, "finance/haushaltsplan.html", context, status_code=422)
    return render(request, "finance/haushaltsplan.html", context)
