"""Dashboard pages: the whole page, one panel per htmx request, the print view, plotly.js."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal
from app.dashboard import charts, service
from app.dashboard.service import Filters
from app.deps import SessionDep
from app.finance import queries as finance_queries
from app.timeutil import today, utcnow
from app.web import is_htmx_partial, render

router = APIRouter(include_in_schema=False)
TEMPLATE = "dashboard/index.html"


@lru_cache(maxsize=1)
def _plotly_bundle() -> tuple[bytes, str]:
    """plotly.js as shipped inside the Python plotly package (no CDN, no copy in git)."""
    import plotly

    data = (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    return data, str(plotly.__version__)


@router.get("/vendor/plotly.min.js")
def plotly_js() -> Response:
    data, version = _plotly_bundle()
    return Response(
        data,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400", "X-Plotly-Package": version},
    )


def plotly_url() -> str:
    return f"/vendor/plotly.min.js?v={_plotly_bundle()[1]}"


def _panel_context(
    name: str, *, session: Session, actor: Principal, filters: Filters
) -> dict[str, Any]:
    on = today()
    scope_name = filters.municipality.name if filters.municipality else "die IKZ"
    if name == "kennzahlen":
        budget = service.budget_panel(session=session, actor=actor, filters=filters)
        funding = service.funding_panel(session=session, actor=actor, filters=filters, on=on)
        return {
            "figures": service.key_figures(session=session, filters=filters, on=on),
            "budget": budget,
            "funding": funding,
        }
    if name == "fortschritt":
        items = service.field_progress(session=session, filters=filters)
        return {"chart_fortschritt": charts.progress_chart(items, filters)}
    if name == "status":
        matrix = service.status_matrix(session=session, filters=filters)
        return {"chart_status": charts.status_chart(matrix, filters)}
    if name == "budget":
        budget = service.budget_panel(session=session, actor=actor, filters=filters)
        return {"chart_budget": charts.budget_chart(budget, scope_name)}
    if name == "foerderung":
        funding = service.funding_panel(session=session, actor=actor, filters=filters, on=on)
        return {"chart_foerderung": charts.funding_chart(funding, filters)}
    if name == "zeitplan":
        data = service.timeline(session=session, filters=filters)
        return {"chart_zeitplan": charts.timeline_chart(data, filters, on)}
    raise KeyError(name)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: str = "",
    feld: str = "",
    jahr: str = "",
    teil: str = "",
    druck: str = "",
) -> HTMLResponse:
    """The whole page; with htmx, ``teil=<panel>`` returns that panel, no ``teil`` the heading."""
    filters = service.resolve(session=session, actor=user, kommune=kommune, feld=feld, jahr=jahr)
    base: dict[str, Any] = {
        "filters": filters,
        "print_view": druck in {"1", "ja"},
        "plotly_url": plotly_url(),
        "today": today(),
        "generated_at": utcnow(),
        "panels": service.PANELS,
    }
    if is_htmx_partial(request):
        if teil in service.PANELS:
            context = base | _panel_context(teil, session=session, actor=user, filters=filters)
            return render(request, TEMPLATE, context, block=f"panel_{teil}")
        context = base | {"data_state": finance_queries.data_state(session)}
        return render(request, TEMPLATE, context, block="heading")
    context = base | {"data_state": finance_queries.data_state(session)}
    context |= service.filter_options(session=session)
    for name in service.PANELS:
        context |= _panel_context(name, session=session, actor=user, filters=filters)
    return render(request, TEMPLATE, context, block=None)
