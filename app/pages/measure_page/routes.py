"""The measure page: facts, participants, plan, budget, status reports and change history, and
the status report form on it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import (
    Principal,
    can_edit_measure,
    can_manage_strategy,
    can_record_approval,
)
from app.audit.queries import measure_history, measure_history_page
from app.core.deps import SessionDep
from app.core.enums import MeasureStatus, TrafficLight
from app.core.forms import FormDep, accepts, submit
from app.core.web import is_htmx_partial, redirect_with_notice, render
from app.councils.queries.approvals import CouncilView
from app.finance.queries.measure_budget import measure_budget_summary
from app.pages.history import present
from app.portfolio.queries import MeasureDetail, measure_detail, measure_or_404, report_page
from app.portfolio.schemas import StatusReportIn
from app.portfolio.service.access import REPORTER_MESSAGE, editable_measure
from app.portfolio.service.status_reports import create_status_report
from app.risks.queries import RiskSection
from app.risks.scale import template_context as risk_scale
from app.risks.service import can_edit_risks

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
    council = detail.extra.get("council")
    context = _status_context(detail, user) | {
        "budget": budget,
        "budget_template": "finance/_measure_budget.html",
        "shares": budget.key_shares_bp,
        "history": present(session, history[:HISTORY_SHOWN]),
        "more_history": len(history) > HISTORY_SHOWN,
        "can_manage_participants": can_manage_strategy(user),
        "approval_municipalities": {
            p.municipality.id
            for p in detail.participants
            if can_record_approval(user, int(p.municipality.id or 0))
        },
        "approvals": council.approvals if isinstance(council, CouncilView) else {},
        "reservation": council.reservation if isinstance(council, CouncilView) else None,
    }
    return context | _risk_context(detail, user)


def _risk_context(detail: MeasureDetail, user: Principal) -> dict[str, Any]:
    """The "Risiken" section: the register's extension of the detail, and who may edit it."""
    section = detail.extra.get("risks")
    if not isinstance(section, RiskSection):
        return {}
    involved = {int(p.municipality.id or 0) for p in detail.participants}
    involved.add(detail.measure.lead_municipality_id)
    return risk_scale() | {
        "risk_section": section,
        "can_edit_risks": can_edit_risks(user, involved),
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
    return render(
        request,
        "portfolio/history.html",
        {"result": result, "m": measure, "entries": present(session, result.events)},
    )


def _status_panel(
    request: Request,
    session: SessionDep,
    user: Principal,
    code: str,
    status_code: int,
    extra: dict[str, Any],
) -> HTMLResponse:
    detail = measure_detail(session=session, code=code)
    if is_htmx_partial(request):
        # htmx swaps in the status panel only (no budget, no change history); the badges under
        # the title and the report history follow out of band.
        context = _status_context(detail, user) | extra | {"oob": True}
    else:
        context = _page_context(session, detail, user) | extra
    return render(
        request, "portfolio/detail.html", context, block="status_panel", status_code=status_code
    )


def _report_saved(request: Request, session: SessionDep, user: Principal, code: str) -> Response:
    notice = "Der Statusbericht wurde gespeichert."
    if not is_htmx_partial(request):
        return redirect_with_notice(request, f"/massnahmen/{code}#stand", notice)
    return _status_panel(request, session, user, code, 200, {"notice": notice})


@router.post("/massnahmen/{code}/statusbericht", response_model=None)
@accepts(StatusReportIn)
def post_status_report(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    editable_measure(session=session, actor=user, code=code, message=REPORTER_MESSAGE)
    return submit(
        session=session,
        schema=StatusReportIn,
        form=form,
        apply=lambda data: create_status_report(session=session, actor=user, code=code, data=data),
        success=lambda _report: _report_saved(request, session, user, code),
        failure=lambda status, extra: _status_panel(request, session, user, code, status, extra),
    )
