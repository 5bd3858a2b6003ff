"""Bodies, sessions and decisions (Beschlussvorlagen with their Beratungsfolge) as JSON."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal
from app.core.api import API_PREFIX, RecordId, created, link, responses
from app.core.deps import SessionDep
from app.core.errors import NotFound
from app.core.forms import run_edit
from app.councils.models import Deliberation, Proposal
from app.councils.queries import proposals as proposal_queries
from app.councils.queries import sessions as session_queries
from app.councils.routes import municipality_filter
from app.councils.schemas import (
    BodyPublic,
    ProposalCreate,
    ProposalPublic,
    ProposalUpdate,
    SessionCreate,
    SessionPublic,
    SessionUpdate,
    StepCreate,
    StepPublic,
    StepResult,
)
from app.councils.service import proposals as proposal_service
from app.councils.service import sessions as session_service
from app.councils.service.access import (
    recordable_proposal,
    recordable_session,
    recordable_step,
    require_recorder,
)

router = APIRouter(prefix=API_PREFIX, tags=["Gremien"])

Kommune = Annotated[str, Query(max_length=60, description="Slug der Kommune")]


def _recorder(user: CurrentUser) -> Principal:
    require_recorder(user)
    return user


def _session_recorder(session_id: RecordId, session: SessionDep, user: CurrentUser) -> int:
    recordable_session(session, user, session_id)
    return session_id


def _proposal_recorder(proposal_id: RecordId, session: SessionDep, user: CurrentUser) -> int:
    recordable_proposal(session, user, proposal_id)
    return proposal_id


def _step_recorder(
    proposal_id: RecordId, step_id: RecordId, session: SessionDep, user: CurrentUser
) -> int:
    step = recordable_step(session, user, step_id)
    if step.proposal_id != proposal_id:
        raise NotFound("Diese Beratung gehört nicht zu dieser Vorlage.")
    return step_id


Recorder = Annotated[Principal, Depends(_recorder)]


@router.get("/bodies", response_model=list[BodyPublic], summary="Gremien", responses=responses(422))
def list_bodies(session: SessionDep, user: CurrentUser, kommune: Kommune = "") -> list[BodyPublic]:
    municipality = municipality_filter(session, kommune)
    rows = session_queries.bodies(session, [int(municipality.id or 0)] if municipality else None)
    return [
        BodyPublic(
            id=int(r.body.id or 0),
            municipality=r.municipality.slug,
            name=r.body.name,
            kind=r.body.kind,
        )
        for r in rows
    ]


def session_public(row: session_queries.SessionRow) -> SessionPublic:
    s = row.session
    return SessionPublic(
        id=int(s.id or 0),
        municipality=row.municipality.slug,
        body_id=int(row.body.id or 0),
        body=row.body.name,
        held_on=s.held_on,
        place=s.place,
        status=s.status,
        example=s.example,
        version=s.version,
    )


@router.get(
    "/sessions",
    response_model=list[SessionPublic],
    summary="Sitzungen der Gremien",
    responses=responses(422),
)
def list_sessions(
    session: SessionDep,
    user: CurrentUser,
    kommune: Kommune = "",
    von: Annotated[date | None, Query(description="frühestes Sitzungsdatum")] = None,
    bis: Annotated[date | None, Query(description="spätestes Sitzungsdatum")] = None,
) -> list[SessionPublic]:
    municipality = municipality_filter(session, kommune)
    rows = session_queries.session_rows(
        session,
        municipality_id=int(municipality.id or 0) if municipality else None,
        since=von,
        until=bis,
        limit=1000,
    )
    return [session_public(row) for row in rows]


@router.get(
    "/sessions/{session_id}",
    response_model=SessionPublic,
    summary="Eine Sitzung",
    responses=responses(404),
)
def get_session(session_id: RecordId, session: SessionDep, user: CurrentUser) -> SessionPublic:
    return session_public(session_queries.session_row(session, session_id))


@router.post(
    "/sessions",
    response_model=SessionPublic,
    status_code=201,
    summary="Sitzung anlegen",
    responses=responses(403, 404, 422)
    | created(
        "Die neue Sitzung",
        aendern=link("PUT", "/api/v1/sessions/{session_id}", session_id="$response.body#/id"),
    ),
)
def create_session(
    _user: Recorder, body: SessionCreate, session: SessionDep, user: CurrentUser
) -> SessionPublic:
    row = run_edit(
        session, lambda: session_service.create_session(session=session, actor=user, data=body)
    )
    return session_public(session_queries.session_row(session, int(row.id or 0)))


@router.put(
    "/sessions/{session_id}",
    response_model=SessionPublic,
    summary="Sitzung ändern",
    responses=responses(403, 404, 409, 422),
)
def update_session(
    _may: Recorder,  # the role first: a reader gets 403 whatever the address says
    session_id: Annotated[int, Depends(_session_recorder)],
    body: SessionUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> SessionPublic:
    run_edit(
        session,
        lambda: session_service.update_session(
            session=session, actor=user, session_id=session_id, data=body
        ),
    )
    return session_public(session_queries.session_row(session, session_id))


def proposal_public(session: Session, proposal_id: int) -> ProposalPublic:
    detail = proposal_queries.proposal_detail(session, proposal_id)
    p = detail.proposal
    return ProposalPublic(
        id=int(p.id or 0),
        municipality=detail.municipality.slug,
        drucksache=p.drucksache,
        title=p.title,
        fachbereich=p.fachbereich,
        sachbearbeitung=p.sachbearbeitung,
        begruendung=p.begruendung,
        beschlussvorschlag=p.beschlussvorschlag,
        subject=p.subject,
        measures=[m.measure.code for m in detail.measures],
        plan_versions={
            m.measure.code: m.plan_version for m in detail.measures if m.plan_version is not None
        },
        budget_year=p.budget_year,
        example=p.example,
        version=p.version,
        steps=[step_public(s) for s in detail.steps],
    )


def step_public(view: proposal_queries.StepView) -> StepPublic:
    d = view.deliberation
    return StepPublic(
        id=int(d.id or 0),
        position=d.position,
        session_id=int(view.session.id or 0),
        body=view.body.name,
        held_on=view.session.held_on,
        role=d.role,
        result=d.result,
        votes_yes=d.votes_yes,
        votes_no=d.votes_no,
        votes_abstain=d.votes_abstain,
        note=d.note,
        version=d.version,
    )


@router.get(
    "/decisions",
    response_model=list[ProposalPublic],
    summary="Beschlussvorlagen mit ihrer Beratungsfolge",
    description="Die neuesten 50 je Seite; `offen=true`: nur noch nicht beschlossene.",
    responses=responses(422),
)
def list_decisions(
    session: SessionDep,
    user: CurrentUser,
    kommune: Kommune = "",
    offen: Annotated[bool, Query(description="nur ohne Beschluss")] = False,
    seite: Annotated[int, Query(ge=1, le=100000, description="Seite")] = 1,
) -> list[ProposalPublic]:
    municipality = municipality_filter(session, kommune)
    page = proposal_queries.proposal_page(
        session,
        municipality_id=int(municipality.id or 0) if municipality else None,
        page=seite,
        open_only=offen,
    )
    return [proposal_public(session, int(row.proposal.id or 0)) for row in page.rows]


@router.get(
    "/decisions/{proposal_id}",
    response_model=ProposalPublic,
    summary="Eine Beschlussvorlage mit ihrer Beratungsfolge",
    responses=responses(404),
)
def get_decision(proposal_id: RecordId, session: SessionDep, user: CurrentUser) -> ProposalPublic:
    return proposal_public(session, proposal_id)


@router.post(
    "/decisions",
    response_model=ProposalPublic,
    status_code=201,
    summary="Beschlussvorlage anlegen",
    responses=responses(403, 422)
    | created(
        "Die neue Beschlussvorlage",
        aendern=link("PUT", "/api/v1/decisions/{proposal_id}", proposal_id="$response.body#/id"),
        beratung=link(
            "POST", "/api/v1/decisions/{proposal_id}/steps", proposal_id="$response.body#/id"
        ),
    ),
)
def create_decision(
    _user: Recorder, body: ProposalCreate, session: SessionDep, user: CurrentUser
) -> ProposalPublic:
    proposal: Proposal = run_edit(
        session, lambda: proposal_service.create_proposal(session=session, actor=user, data=body)
    )
    return proposal_public(session, int(proposal.id or 0))


@router.put(
    "/decisions/{proposal_id}",
    response_model=ProposalPublic,
    summary="Texte einer Beschlussvorlage ändern",
    responses=responses(403, 404, 409, 422),
)
def update_decision(
    _may: Recorder,  # the role first: a reader gets 403 whatever the address says
    proposal_id: Annotated[int, Depends(_proposal_recorder)],
    body: ProposalUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> ProposalPublic:
    run_edit(
        session,
        lambda: proposal_service.update_proposal(
            session=session, actor=user, proposal_id=proposal_id, data=body
        ),
    )
    return proposal_public(session, proposal_id)


@router.post(
    "/decisions/{proposal_id}/steps",
    response_model=ProposalPublic,
    status_code=201,
    summary="Beratung in die Beratungsfolge eintragen",
    responses=responses(403, 404, 422),
)
def add_step(
    _may: Recorder,  # the role first: a reader gets 403 whatever the address says
    proposal_id: Annotated[int, Depends(_proposal_recorder)],
    body: StepCreate,
    session: SessionDep,
    user: CurrentUser,
) -> ProposalPublic:
    run_edit(
        session,
        lambda: proposal_service.add_step(
            session=session, actor=user, proposal_id=proposal_id, data=body
        ),
    )
    return proposal_public(session, proposal_id)


@router.put(
    "/decisions/{proposal_id}/steps/{step_id}",
    response_model=ProposalPublic,
    summary="Ergebnis einer Beratung erfassen",
    description=(
        "Ein Beschluss eines beschließenden Gremiums (nicht „vertagt“) hält den Stand des "
        "Portfolios als Baseline fest."
    ),
    responses=responses(403, 404, 409, 422),
)
def record_result(
    proposal_id: RecordId,
    _may: Recorder,  # the role first: a reader gets 403 whatever the address says
    step_id: Annotated[int, Depends(_step_recorder)],
    body: StepResult,
    session: SessionDep,
    user: CurrentUser,
) -> ProposalPublic:
    step: Deliberation = run_edit(
        session,
        lambda: proposal_service.record_result(
            session=session, actor=user, step_id=step_id, data=body
        ),
    )
    return proposal_public(session, step.proposal_id)
