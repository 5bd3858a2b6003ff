"""The start page ("Meine Aufgaben" for a signed-in user, :mod:`app.pages.home`) and the
strategy overview: the strategy, its action fields with their measures, the municipalities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.accounts.deps import CurrentUser, OptionalUser
from app.core.deps import SessionDep
from app.core.web import render
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality
from app.pages.home import home_page
from app.portfolio import queries
from app.portfolio.models import ActionField, Measure, Strategy

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Overview:
    """What the start page shows."""

    strategy: Strategy | None
    municipalities: Sequence[Municipality]
    fields: list[tuple[ActionField, list[Measure]]]


def overview(*, session: Session) -> Overview:
    strategy = queries.current_strategy(session)
    munis = municipality_queries.municipalities(session)
    if strategy is None or strategy.id is None:
        return Overview(strategy=strategy, municipalities=munis, fields=[])
    fields = queries.action_fields(session, strategy.id)
    by_field: dict[int, list[Measure]] = {int(f.id): [] for f in fields if f.id is not None}
    for measure in queries.measures(session):
        if measure.action_field_id in by_field:
            by_field[measure.action_field_id].append(measure)
    return Overview(
        strategy=strategy,
        municipalities=munis,
        fields=[(f, by_field.get(int(f.id or 0), [])) for f in fields],
    )


@router.get("/", response_class=HTMLResponse)
def start(request: Request, session: SessionDep, user: OptionalUser) -> HTMLResponse:
    """A signed-in user's tasks ("Meine Aufgaben"); for visitors, what this is and where to
    sign in (nothing of the portfolio is shown)."""
    if user is None:
        strategy = queries.current_strategy(session)
        return render(request, "pages/landing.html", {"strategy": strategy})
    return home_page(request, session, user)


@router.get("/strategie", response_class=HTMLResponse)
def strategy_overview(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """The strategy at a glance, one click from the home page."""
    return render(request, "portfolio/start.html", {"overview": overview(session=session)})
