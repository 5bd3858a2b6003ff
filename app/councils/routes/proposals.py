"""Beschlussvorlagen: the Vorlage page with its Beratungsfolge, and the forms to create and edit
a Vorlage, add a step and record what a body decided."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_record_approval
from app.core.api import RecordId
from app.core.deps import SessionDep
from app.core.enums import DecisionResult, DeliberationRole, ProposalSubject, label
from app.core.forms import FormDep, accepts, submit
from app.core.web import redirect_with_notice, render
from app.councils.queries import proposals as queries
from app.councils.queries import sessions as session_queries
from app.councils.routes.sessions import recorder_municipalities
from app.councils.schemas import ProposalCreate, ProposalUpdate, StepCreate, StepResult
from app.councils.service import proposals as service
from app.councils.service.access import (
    recordable_proposal,
    recordable_step,
    require_recorder,
)
from app.municipalities import queries as municipality_queries

router = APIRouter(include_in_schema=False)

SUBJECT_OPTIONS = [(s.value, label(s)) for s in ProposalSubject]
ROLE_OPTIONS = [(r.value, label(r)) for r in DeliberationRole]
RESULT_OPTIONS = [(r.value, label(r)) for r in DecisionResult]
Prefill = Annotated[str, Query(max_length=60)]


def _new_page(
    request: Request, session: SessionDep, user: Principal, status: int = 200, **extra: Any
) -> HTMLResponse:
    allowed = set(recorder_municipalities(session, user))
    context = {
        "municipalities": [
            (m.slug, m.name)
            for m in municipality_queries.municipalities(session)
            if int(m.id or 0) in allowed
        ],
        "subjects": SUBJECT_OPTIONS,
    } | extra
    return render(request, "councils/proposal_form.html", context, status_code=status)


@router.get("/gremien/vorlagen/neu", response_class=HTMLResponse)
def new_proposal_form(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: Prefill = "",
    massnahme: Prefill = "",
) -> HTMLResponse:
    """The form, prefilled from the measure page's link (``?kommune=…&massnahme=…``)."""
    require_recorder(user)
    values = {"kommune": kommune, "massnahme": massnahme}
    if massnahme:
        values["subject"] = ProposalSubject.projektplan.value
    return _new_page(request, session, user, form_values=values)


@router.post("/gremien/vorlagen/neu", response_model=None)
@accepts(ProposalCreate)
def new_proposal(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    require_recorder(user)
    return submit(
        session=session,
        schema=ProposalCreate,
        form=form,
        apply=lambda data: service.create_proposal(session=session, actor=user, data=data),
        success=lambda proposal: redirect_with_notice(
            request,
            f"/gremien/vorlagen/{proposal.id}",
            "Die Beschlussvorlage wurde angelegt. Tragen Sie nun die Beratungsfolge ein.",
        ),
        failure=lambda status, extra: _new_page(request, session, user, status, **extra),
    )


def _proposal_page(
    request: Request,
    session: SessionDep,
    user: Principal,
    proposal_id: int,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    detail = queries.proposal_detail(session, proposal_id)
    can_edit = can_record_approval(user, detail.proposal.municipality_id)
    sessions = []
    if can_edit:
        taken = {step.session.id for step in detail.steps}
        sessions = [
            (str(row.session.id), f"{row.body.name}, {row.session.held_on:%d.%m.%Y}")
            for row in session_queries.session_rows(
                session,
                municipality_id=detail.proposal.municipality_id,
                newest_first=True,
                limit=200,
            )
            if row.session.id not in taken
        ]
    context = {
        "d": detail,
        "p": detail.proposal,
        "can_edit": can_edit,
        "session_options": sessions,
        "roles": ROLE_OPTIONS,
    } | extra
    return render(request, "councils/proposal.html", context, status_code=status)


@router.get("/gremien/vorlagen/{proposal_id}", response_class=HTMLResponse)
def proposal_page(
    proposal_id: RecordId, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    return _proposal_page(request, session, user, proposal_id)


@router.post("/gremien/vorlagen/{proposal_id}/beratungen", response_model=None)
@accepts(StepCreate)
def add_step(
    proposal_id: RecordId, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    recordable_proposal(session, user, proposal_id)
    return submit(
        session=session,
        schema=StepCreate,
        form=form,
        apply=lambda data: service.add_step(
            session=session, actor=user, proposal_id=proposal_id, data=data
        ),
        success=lambda _step: redirect_with_notice(
            request,
            f"/gremien/vorlagen/{proposal_id}#beratungsfolge",
            "Die Beratung wurde in die Beratungsfolge eingetragen.",
        ),
        failure=lambda status, extra: _proposal_page(
            request, session, user, proposal_id, status, step_form=extra
        ),
    )


def _edit_page(
    request: Request,
    session: SessionDep,
    user: Principal,
    proposal_id: int,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    proposal = recordable_proposal(session, user, proposal_id)
    context = {"p": proposal, "subjects": SUBJECT_OPTIONS} | extra
    return render(request, "councils/proposal_form.html", context, status_code=status)


@router.get("/gremien/vorlagen/{proposal_id}/bearbeiten", response_class=HTMLResponse)
def edit_proposal_form(
    proposal_id: RecordId, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    return _edit_page(request, session, user, proposal_id)


@router.post("/gremien/vorlagen/{proposal_id}/bearbeiten", response_model=None)
@accepts(ProposalUpdate)
def edit_proposal(
    proposal_id: RecordId, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    recordable_proposal(session, user, proposal_id)
    return submit(
        session=session,
        schema=ProposalUpdate,
        form=form,
        apply=lambda data: service.update_proposal(
            session=session, actor=user, proposal_id=proposal_id, data=data
        ),
        success=lambda _p: redirect_with_notice(
            request, f"/gremien/vorlagen/{proposal_id}", "Die Beschlussvorlage wurde gespeichert."
        ),
        failure=lambda status, extra: _edit_page(
            request, session, user, proposal_id, status, **extra
        ),
    )


def _step_page(
    request: Request,
    session: SessionDep,
    user: Principal,
    step_id: int,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    step = recordable_step(session, user, step_id)
    detail = queries.proposal_detail(session, step.proposal_id)
    view = next(s for s in detail.steps if s.deliberation.id == step_id)
    context = {"d": detail, "p": detail.proposal, "s": view, "results": RESULT_OPTIONS} | extra
    return render(request, "councils/step_form.html", context, status_code=status)


@router.get("/gremien/beratungen/{deliberation_id}", response_class=HTMLResponse)
def step_form(
    deliberation_id: RecordId, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    return _step_page(request, session, user, deliberation_id)


@router.post("/gremien/beratungen/{deliberation_id}", response_model=None)
@accepts(StepResult)
def record_result(
    deliberation_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    step = recordable_step(session, user, deliberation_id)
    proposal_id = step.proposal_id
    return submit(
        session=session,
        schema=StepResult,
        form=form,
        apply=lambda data: service.record_result(
            session=session, actor=user, step_id=deliberation_id, data=data
        ),
        success=lambda saved: redirect_with_notice(
            request,
            f"/gremien/vorlagen/{proposal_id}#beratung-{deliberation_id}",
            "Das Ergebnis wurde gespeichert."
            + (
                " Der Stand des Portfolios wurde als Baseline festgehalten."
                if saved.role == DeliberationRole.beschliessend
                and saved.result != DecisionResult.vertagt
                else ""
            ),
        ),
        failure=lambda status, extra: _step_page(
            request, session, user, deliberation_id, status, **extra
        ),
    )
