"""The measure page: facts, participants, plan, budget, status reports and change history, and
the status report form on it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_edit_measure, can_record_approval
from app.audit.queries import measure_history, measure_history_page
from app.core.deps import SessionDep
from app.core.enums import MeasureStatus, TrafficLight
from app.core.errors import StaleVersion, ValidationFailed
from app.core.web import is_htmx_partial, render
from app.finance.measure_view import measure_budget_summary
from app.portfolio.detail import MeasureDetail, measure_detail, measure_or_404, report_page
from app.portfolio.status_reports import StatusReportInput, create_status_report

router = APIRouter(include_in_schema=False)

STATUSES = [s.value for s in MeasureStatus]
LIGHTS = [t.value for t in TrafficLight]
HISTORY_SHOWN = 20  # newest changes on the measure page; the rest on its history pages


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
