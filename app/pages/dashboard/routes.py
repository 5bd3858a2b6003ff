"""Dashboard pages: the whole page, one panel per htmx request, the print view."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2_fragments import render_block
from markupsafe import Markup
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal
from app.core import generation
from app.core.deps import SessionDep
from app.core.resources import STATIC_DIR
from app.core.timeutil import today, utcnow
from app.core.web import is_htmx_partial, render, static_url, templates
from app.finance.queries import lookups as finance_queries
from app.indicators.queries import impact_panel
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality
from app.pages.dashboard import charts, service
from app.pages.dashboard.cache import PanelCache
from app.pages.dashboard.service import Filters
from app.pages.dashboard.timeline_chart import timeline_chart
from app.risks.scale import template_context as risk_scale

router = APIRouter(include_in_schema=False)
TEMPLATE = "dashboard/index.html"
_STYLE_GUARD = re.compile(
    r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)'
)


PLOTLY = "vendor/plotly/plotly-basic.min.js"  # from npm: bar and scatter traces only


@lru_cache(maxsize=1)
def plotly_style_guards() -> tuple[str, ...]:
    """Ids of the <style> elements plotly.js injects at load time unless one already exists.

    The bundle adds a stylesheet as an inline <style>; the CSP blocks it. The page puts an empty
    element with the same id into <head>, so plotly.js skips it. Read from the bundle, so a new
    plotly version keeps working.
    """
    bundle = STATIC_DIR / PLOTLY
    if not bundle.is_file():
        return ()
    text = bundle.read_text(encoding="utf-8", errors="replace")
    return tuple(dict.fromkeys(_STYLE_GUARD.findall(text)))


def plotly_url() -> str:
    return static_url(PLOTLY)


def _panel_context(
    name: str,
    *,
    session: Session,
    actor: Principal,
    filters: Filters,
    on: date,
    memo: dict[str, Any],
) -> dict[str, Any]:
    """What panel ``name`` needs; ``memo`` shares the finance figures between panels."""

    def budget_panel() -> service.BudgetPanel:
        if "budget" not in memo:
            memo["budget"] = service.budget_panel(session=session, actor=actor, filters=filters)
        result: service.BudgetPanel = memo["budget"]
        return result

    def funding_panel() -> service.FundingPanel:
        if "funding" not in memo:
            memo["funding"] = service.funding_panel(
                session=session, actor=actor, filters=filters, on=on
            )
        result: service.FundingPanel = memo["funding"]
        return result

    def municipalities() -> Sequence[Municipality]:
        return _municipalities(session, memo)

    scope_name = filters.municipality.name if filters.municipality else "die IKZ"
    if name == "kennzahlen":
        return {
            "figures": service.key_figures(
                session=session,
                filters=filters,
                on=on,
                municipalities=municipalities(),
                memo=memo,
            ),
            "budget": budget_panel(),
            "funding": funding_panel(),
        }
    if name == "fortschritt":
        items = service.field_progress(session=session, filters=filters)
        return {"chart_fortschritt": charts.progress_chart(items, filters)}
    if name == "status":
        matrix, hidden = service.status_matrix(
            session=session, filters=filters, municipalities=municipalities(), memo=memo
        )
        return {"chart_status": charts.status_chart(matrix, filters, hidden=hidden)}
    if name == "budget":
        return {"chart_budget": charts.budget_chart(budget_panel(), scope_name)}
    if name == "foerderung":
        return {"chart_foerderung": charts.funding_chart(funding_panel(), filters)}
    if name == "zeitplan":
        data = service.timeline(session=session, filters=filters)
        return {"chart_zeitplan": timeline_chart(data, filters, on)}
    if name == "risiken":
        return risk_scale() | {
            "matrix": service.risk_matrix(session=session, filters=filters, on=on),
            "cell_url": lambda p, i: service.risk_list_url(
                filters, wahrscheinlichkeit=str(p), auswirkung=str(i)
            ),
            "risk_list_url": service.risk_list_url,
        }
    if name == "wirkung":
        municipality_id = filters.municipality.id if filters.municipality else None
        return {
            "impact": impact_panel(
                session, municipality_id=municipality_id, field_code=filters.field_code
            )
        }
    raise KeyError(name)


def _municipalities(session: Session, memo: dict[str, Any]) -> Sequence[Municipality]:
    """Every municipality, read once per request (key figures, status matrix, filter form)."""
    if "municipalities" not in memo:
        memo["municipalities"] = municipality_queries.municipalities(session)
    found: Sequence[Municipality] = memo["municipalities"]
    return found


def _panels(
    request: Request,
    names: tuple[str, ...],
    *,
    session: Session,
    actor: Principal,
    filters: Filters,
    base: dict[str, Any],
    memo: dict[str, Any],
) -> dict[str, Markup]:
    """The panels' HTML, from this process's cache when the data has not changed since.

    The generation is read before any figure, so an entry is never older than its key. Entries
    are keyed by the day (the only clock the figures depend on); of several requests missing
    the same entry, one computes it and the others wait for it (:meth:`PanelCache.compute`).
    """
    cache: PanelCache = request.app.state.panel_cache
    data_generation = generation.current(session)
    on: date = base["today"]
    result: dict[str, Markup] = {}
    for name in names:

        def render_panel(name: str = name) -> Markup:
            context = base | _panel_context(
                name, session=session, actor=actor, filters=filters, on=on, memo=memo
            )
            # The template escaped every value; the result is HTML.
            return Markup(render_block(templates.env, TEMPLATE, f"panel_{name}", context))  # noqa: S704

        if data_generation is None:
            result[name] = render_panel()
        else:
            key = (data_generation, on, name, filters.key, base["print_view"])
            result[name] = cache.compute(key, render_panel)
    return result


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: str | None = None,
    feld: str = "",
    jahr: str = "",
    teil: str = "",
    druck: str = "",
) -> HTMLResponse:
    """The whole page; with htmx, ``teil=<panel>`` returns that panel, no ``teil`` the heading.

    Without ``kommune`` the page opens on the user's own municipality; ``kommune=alle`` shows
    the whole IKZ."""
    filters = service.resolve(
        session=session,
        actor=user,
        kommune=service.default_scope(session, user, kommune),
        feld=feld,
        jahr=jahr,
    )
    base: dict[str, Any] = {
        "filters": filters,
        "print_view": druck in {"1", "ja"},
        "plotly_url": plotly_url(),
        "plotly_style_guards": plotly_style_guards(),
        "today": today(),
        "generated_at": utcnow(),
        "panels": service.PANELS,
    }
    if is_htmx_partial(request):
        if teil in service.PANELS:
            panel = _panels(
                request, (teil,), session=session, actor=user, filters=filters, base=base, memo={}
            )
            return HTMLResponse(panel[teil], headers={"Vary": "HX-Request"})
        context = base | {"data_state": finance_queries.data_state(session)}
        return render(request, TEMPLATE, context, block="heading")
    context = base | {"data_state": finance_queries.data_state(session)}
    memo: dict[str, Any] = {}
    context |= service.filter_options(
        session=session, municipalities=_municipalities(session, memo)
    )
    context["panel_html"] = _panels(
        request, service.PANELS, session=session, actor=user, filters=filters, base=base, memo=memo
    )
    return render(request, TEMPLATE, context, block=None)
