"""HTML forms of the portfolio domain: measures, project plans and milestones.

Each route checks the permission first (a form one may not submit is a 403, also on GET), then
hands the form to :func:`app.core.forms.submit` with the edit's schema and service.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_edit_measure, can_manage_strategy, require
from app.core.api import RecordId
from app.core.deps import SessionDep
from app.core.enums import Priority, label
from app.core.forms import FormDep, accepts, submit
from app.core.inputs import VersionOnly
from app.core.web import redirect_with_notice, render
from app.municipalities import queries as municipality_queries
from app.portfolio import queries
from app.portfolio.schemas import (
    MeasureCreate,
    MeasureUpdate,
    MilestoneCreate,
    MilestoneUpdate,
    ParticipantsIn,
    PlanUpdate,
)
from app.portfolio.service import measures, plans
from app.portfolio.service.access import editable_measure, managed_measure

router = APIRouter(include_in_schema=False)

PRIORITY_OPTIONS = [(p.value, label(p)) for p in Priority]
NEW_MEASURE_MESSAGE = "Neue Maßnahmen legt die IKZ-Koordination an."


def _measure_form_context(session: SessionDep, **extra: Any) -> dict[str, Any]:
    strategy = queries.current_strategy(session)
    fields = queries.action_fields(session, strategy.id) if strategy and strategy.id else []
    return {
        "priorities": PRIORITY_OPTIONS,
        "fields": fields,
        "municipalities": municipality_queries.municipalities(session),
    } | extra


@router.get("/massnahmen/neu", response_class=HTMLResponse)
def new_measure_form(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    require(can_manage_strategy(user), NEW_MEASURE_MESSAGE)
    return render(request, "portfolio/measure_form.html", _measure_form_context(session))


@router.post("/massnahmen/neu", response_model=None)
@accepts(MeasureCreate)
def new_measure(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    require(can_manage_strategy(user), NEW_MEASURE_MESSAGE)
    return submit(
        session=session,
        schema=MeasureCreate,
        form=form,
        apply=lambda data: measures.create_measure(session=session, actor=user, data=data),
        success=lambda measure: redirect_with_notice(
            request, f"/massnahmen/{measure.code}", f"Die Maßnahme {measure.code} wurde angelegt."
        ),
        failure=lambda status, extra: render(
            request,
            "portfolio/measure_form.html",
            _measure_form_context(session, **extra),
            status_code=status,
        ),
    )


def _edit_form(
    request: Request, session: SessionDep, user: Principal, code: str, status: int, extra: Any
) -> HTMLResponse:
    measure = queries.measure_or_404(session, code)
    context = _measure_form_context(
        session, measure=measure, can_archive=can_manage_strategy(user), **extra
    )
    return render(request, "portfolio/measure_form.html", context, status_code=status)


@router.get("/massnahmen/{code}/bearbeiten", response_class=HTMLResponse)
def edit_measure_form(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    editable_measure(session=session, actor=user, code=code)
    return _edit_form(request, session, user, code, 200, {})


@router.post("/massnahmen/{code}/bearbeiten", response_model=None)
@accepts(MeasureUpdate)
def edit_measure(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    editable_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=MeasureUpdate,
        form=form,
        apply=lambda data: measures.update_measure(
            session=session, actor=user, code=code, data=data
        ),
        success=lambda _measure: redirect_with_notice(
            request, f"/massnahmen/{code}", "Die Stammdaten der Maßnahme wurden gespeichert."
        ),
        failure=lambda status, extra: _edit_form(request, session, user, code, status, extra),
    )


def _archive(
    code: str,
    archived: bool,
    request: Request,
    session: SessionDep,
    user: Principal,
    form: FormDep,
) -> Response:
    managed_measure(session=session, actor=user, code=code)
    done = "archiviert" if archived else "wiederhergestellt"
    return submit(
        session=session,
        schema=VersionOnly,
        form=form,
        apply=lambda data: measures.set_archived(
            session=session, actor=user, code=code, archived=archived, data=data
        ),
        success=lambda _measure: redirect_with_notice(
            request, f"/massnahmen/{code}", f"Die Maßnahme wurde {done}."
        ),
        failure=lambda status, extra: _edit_form(request, session, user, code, status, extra),
    )


@router.post("/massnahmen/{code}/archivieren", response_model=None)
@accepts(VersionOnly)
def archive_measure(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    return _archive(code, True, request, session, user, form)


@router.post("/massnahmen/{code}/wiederherstellen", response_model=None)
@accepts(VersionOnly)
def restore_measure(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    return _archive(code, False, request, session, user, form)


def _plan_page(
    request: Request,
    session: SessionDep,
    user: Principal,
    code: str,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    detail = queries.measure_detail(session=session, code=code)
    participants = [int(p.municipality.id or 0) for p in detail.participants]
    can_edit = can_edit_measure(
        user, lead_id=detail.measure.lead_municipality_id, participant_ids=participants
    )
    return render(
        request,
        "portfolio/plan.html",
        {"d": detail, "m": detail.measure, "can_edit": can_edit} | extra,
        status_code=status,
    )


def _plan_saved(request: Request, code: str, notice: str, anchor: str) -> Response:
    """Back to the plan with a notice, at the thing that changed (marked as the page's target)."""
    return redirect_with_notice(request, f"/massnahmen/{code}/projektplan#{anchor}", notice)


@router.get("/massnahmen/{code}/projektplan", response_class=HTMLResponse)
def plan_page(
    code: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    bearbeiten: Annotated[
        str,
        Query(
            pattern=r"^(plan|neu|[1-9][0-9]{0,8})$",
            description="Was bearbeitet wird: plan, neu oder die Nummer eines Meilensteins",
        ),
    ] = "",
) -> HTMLResponse:
    """The plan with its milestones as a list; one thing at a time opens for editing."""
    return _plan_page(request, session, user, code, editing=bearbeiten)


@router.post("/massnahmen/{code}/projektplan", response_model=None)
@accepts(PlanUpdate)
def save_plan(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    editable_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=PlanUpdate,
        form=form,
        apply=lambda data: plans.update_plan(session=session, actor=user, code=code, data=data),
        success=lambda _plan: _plan_saved(
            request, code, "Die Beschreibung des Plans wurde gespeichert.", "beschreibung"
        ),
        failure=lambda status, extra: _plan_page(
            request, session, user, code, status, plan_form=extra
        ),
    )


@router.post("/massnahmen/{code}/meilensteine", response_model=None)
@accepts(MilestoneCreate)
def add_milestone(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    editable_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=MilestoneCreate,
        form=form,
        apply=lambda data: plans.create_milestone(
            session=session, actor=user, code=code, data=data
        ),
        success=lambda milestone: _plan_saved(
            request,
            code,
            f"Der Meilenstein „{milestone.title}“ wurde angelegt.",
            f"meilenstein-{milestone.id}",
        ),
        failure=lambda status, extra: _plan_page(
            request, session, user, code, status, new_form=extra
        ),
    )


@router.post("/massnahmen/{code}/meilensteine/{milestone_id}", response_model=None)
@accepts(MilestoneUpdate)
def edit_milestone(
    code: str,
    milestone_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    editable_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=MilestoneUpdate,
        form=form,
        apply=lambda data: plans.update_milestone(
            session=session, actor=user, code=code, milestone_id=milestone_id, data=data
        ),
        success=lambda milestone: _plan_saved(
            request,
            code,
            f"Der Meilenstein „{milestone.title}“ wurde gespeichert.",
            f"meilenstein-{milestone.id}",
        ),
        failure=lambda status, extra: _plan_page(
            request, session, user, code, status, edit_forms={milestone_id: extra}
        ),
    )


@router.post("/massnahmen/{code}/meilensteine/{milestone_id}/archivieren", response_model=None)
@accepts(VersionOnly)
def archive_milestone(
    code: str,
    milestone_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    editable_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=VersionOnly,
        form=form,
        apply=lambda data: plans.set_milestone_archived(
            session=session,
            actor=user,
            code=code,
            milestone_id=milestone_id,
            archived=True,
            data=data,
        ),
        success=lambda milestone: _plan_saved(
            request,
            code,
            f"Der Meilenstein „{milestone.title}“ wurde archiviert.",
            "meilensteine-titel",
        ),
        failure=lambda status, extra: _plan_page(
            request, session, user, code, status, edit_forms={milestone_id: extra}
        ),
    )


def _participants_page(
    request: Request, session: SessionDep, code: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    measure = queries.measure_or_404(session, code)
    current = measures.participant_slugs_of(session, measure)
    values = extra.pop("form_values", None) or {}
    chosen = values.get("participants", current) if values else current
    context = {
        "m": measure,
        "municipalities": municipality_queries.municipalities(session),
        "chosen": [chosen] if isinstance(chosen, str) else list(chosen),
        "expected_version": values.get("expected_version", measure.version),
        "custom_key": measure.cost_key == "custom",
    } | extra
    return render(request, "portfolio/participants_form.html", context, status_code=status)


@router.get("/massnahmen/{code}/beteiligte", response_class=HTMLResponse)
def participants_form(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    managed_measure(session=session, actor=user, code=code)
    return _participants_page(request, session, code)


@router.post("/massnahmen/{code}/beteiligte", response_model=None)
@accepts(ParticipantsIn)
def save_participants(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    managed_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=ParticipantsIn,
        form=form,
        apply=lambda data: measures.set_participants(
            session=session, actor=user, code=code, data=data
        ),
        success=lambda measure: redirect_with_notice(
            request,
            f"/massnahmen/{code}#kommunen",
            "Die beteiligten Kommunen wurden gespeichert; Anteile, Förderung und Haushalt "
            "sind neu berechnet."
            + (
                " Bitte die individuellen Kostenanteile neu festlegen."
                if measure.cost_key == "custom"
                else ""
            ),
        ),
        failure=lambda status, extra: _participants_page(request, session, code, status, **extra),
    )
