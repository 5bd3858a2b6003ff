"""HTML pages of the portfolio domain: start, measures list, measure page, status reports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_edit_measure, can_record_approval
from app.audit.service import measure_history, measure_history_page
from app.deps import SessionDep
from app.enums import MeasureStatus, Priority, TrafficLight
from app.errors import StaleVersion, ValidationFailed
from app.finance.measure_view import measure_budget_summary
from app.portfolio import queries, service
from app.portfolio.detail import MeasureDetail, measure_detail, measure_or_404, report_page
from app.portfolio.filters import SORT_KEYS, MeasureFilter
from app.portfolio.list_queries import measure_page
from app.portfolio.status_reports import StatusReportInput, create_status_report
from app.web import is_htmx_partial, render

router = APIRouter(include_in_schema=False)

STATUSES = [s.value for s in MeasureStatus]
LIGHTS = [t.value for t in TrafficLight]
PRIORITIES = [p.value for p in Priority]
HISTORY_SHOWN = 20  # newest changes on the measure page; the rest on its history pages


@router.get("/", response_class=HTMLResponse)
def start(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    return render(request, "portfolio/start.html", {"overview": service.overview(session=session)})


@router.get("/massnahmen", response_class=HTMLResponse)
def measures_list(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    flt = MeasureFilter.from_params(dict(request.query_params))
    context: dict[str, Any] = {
        "flt": flt,
        "page": measure_page(session, flt),
        "sort_keys": SORT_KEYS,
        "can_create": user.is_admin,
    }
    if not is_htmx_partial(request):
        # The filter form is not part of the fragment htmx swaps in: only a full page needs it.
        strategy = queries.current_strategy(session)
        fields = queries.action_fields(session, strategy.id) if strategy and strategy.id else []
        years = list(range(strategy.period_start, strategy.period_end + 1)) if strategy else []
        context |= {
            "municipalities": queries.municipality_choices(session),
            "fields": fields,
            "years": years,
            "statuses": STATUSES,
            "lights": LIGHTS,
            "priorities": PRIORITIES,
        }
    return render(request, "portfolio/list.html", context, block="results")


def _status_context(detail: MeasureDetail, user: Principal) -> dict[str, Any]:
    """What the status panel (report form and newest reports) needs."""
    measure = detail.measure
    participants = [int(p.municipality.id or 0) for p in detail.participants]
    return {
        "d": detail,
        "m": measure,
        "statuses": STATUSES,
        "lights": LIGHTS,
        "can_edit_measure": can_edit_measure(
            user, lead_id=measure.lead_municipality_id, participant_ids=participants
        ),
    }


def _page_context(session: SessionDep, detail: MeasureDetail, user: Principal) -> dict[str, Any]:
    measure = detail.measure
    assert measure.id is not None
    budget = measure_budget_summary(session=session, measure=measure, actor=user)
    history = measure_history(session, measure.id, limit=HISTORY_SHOWN + 1)
    return _status_context(detail, user) | {
        "budget": budget,
        "budget_template": "finance/_measure_budget.html",
        "shares": budget.key_shares_bp,
        "history": history[:HISTORY_SHOWN],
        "more_history": len(history) > HISTORY_SHOWN,
        "approval_municipalities": {
            p.municipality.id
            for p in detail.participants
            if can_record_approval(user, int(p.municipality.id or 0))
        },
    }


@router.get("/massnahmen/{code}", response_class=HTMLResponse)
def measure_page_view(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    detail = measure_detail(session=session, code=code)
    return render(request, "portfolio/detail.html", _page_context(session, detail, user))


@router.get("/massnahmen/{code}/statusberichte", response_class=HTMLResponse)
def measure_reports(
    code: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    seite: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> HTMLResponse:
    """Every status report of a measure, newest first, page by page."""
    result = report_page(session=session, code=code, page=seite)
    return render(request, "portfolio/reports.html", {"result": result, "m": result.measure})


@router.get("/massnahmen/{code}/aenderungen", response_class=HTMLResponse)
def measure_changes(
    code: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    seite: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> HTMLResponse:
    """The measure's whole change history, newest first, page by page."""
    measure = measure_or_404(session, code)
    assert measure.id is not None
    result = measure_history_page(session, measure.id, seite)
    return render(request, "portfolio/history.html", {"result": result, "m": measure})


@router.post("/massnahmen/{code}/statusbericht", response_model=None)
async def post_status_report(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await request.form()
    values = {
        key: str(form.get(key, ""))
        for key in (
            "status",
            "progress",
            "traffic_light",
            "summary",
            "next_steps",
            "expected_version",
        )
    }
    data = StatusReportInput(**values)
    status_code = 200
    extra: dict[str, Any] = {}
    try:
        create_status_report(session=session, actor=user, code=code, data=data)
    except ValidationFailed as exc:
        status_code = 422
        extra = {"form_values": values, "form_errors": exc.errors}
    except StaleVersion as exc:
        status_code = 409
        kept = dict(values, expected_version=str(exc.current_version))
        extra = {"form_values": kept, "conflict": exc.current, "conflict_message": exc.message}
    if status_code == 200 and not is_htmx_partial(request):
        return RedirectResponse(f"/massnahmen/{code}#statusbereich", status_code=303)
    if status_code == 200:
        extra = {"notice": "Der Statusbericht wurde gespeichert."}
    detail = measure_detail(session=session, code=code)
    if is_htmx_partial(request):
        # htmx swaps in the status panel only: no need for the budget or the change history.
        context = _status_context(detail, user) | extra
    else:
        context = _page_context(session, detail, user) | extra
    return render(
        request, "portfolio/detail.html", context, block="status_panel", status_code=status_code
    )
