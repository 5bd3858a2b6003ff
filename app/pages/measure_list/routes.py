"""The measures list: filters, search, sorting and pages; htmx swaps the results only."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.accounts.deps import CurrentUser
from app.core.deps import SessionDep
from app.core.enums import MeasureStatus, Priority, TrafficLight
from app.core.web import is_htmx_partial, render
from app.municipalities import queries as municipality_queries
from app.pages.measure_list.filters import IGNORED_LABELS, SORT_KEYS, MeasureFilter
from app.pages.measure_list.queries import measure_page
from app.portfolio import queries

router = APIRouter(include_in_schema=False)

STATUSES = [s.value for s in MeasureStatus]
LIGHTS = [t.value for t in TrafficLight]
PRIORITIES = [p.value for p in Priority]


@router.get("/massnahmen", response_class=HTMLResponse)
def measures_list(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    flt = MeasureFilter.from_params(dict(request.query_params))
    opened_on_own = None
    if not flt.kommune:
        # Without ``kommune`` the list opens on the user's own municipality.
        choices = municipality_queries.municipality_choices(session)
        home = user.home_municipality(choice.id for choice in choices)
        opened_on_own = next((c for c in choices if c.id == home), None)
        if opened_on_own is not None:
            flt = replace(flt, kommune=opened_on_own.slug)
    page = measure_page(session, flt)
    context: dict[str, Any] = {
        "flt": flt,
        "opened_on_own": opened_on_own,
        "page": page,
        "sort_keys": SORT_KEYS,
        "ignored_labels": IGNORED_LABELS,
        "can_create": user.is_admin,
    }
    if not is_htmx_partial(request):
        # The filter form is not part of the fragment htmx swaps in: only a full page needs it.
        strategy = queries.current_strategy(session)
        fields = queries.action_fields(session, strategy.id) if strategy and strategy.id else []
        years = list(range(strategy.period_start, strategy.period_end + 1)) if strategy else []
        context |= {
            "municipalities": municipality_queries.municipality_choices(session),
            "fields": fields,
            "years": years,
            "statuses": STATUSES,
            "lights": LIGHTS,
            "priorities": PRIORITIES,
        }
    return render(request, "portfolio/list.html", context, block="results")
