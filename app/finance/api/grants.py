"""JSON twins of the funding edits: grants, drawdowns and proofs of use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal
from app.core.api import API_PREFIX, RecordId, created, link, responses
from app.core.deps import SessionDep
from app.core.errors import NotFound
from app.core.forms import run_edit
from app.finance.models import Grant
from app.finance.queries import lookups as queries
from app.finance.schemas import (
    DrawdownIn,
    DrawdownPublic,
    GrantIn,
    GrantPublic,
    GrantUpdate,
    ProofPublic,
    ProofSubmittedIn,
)
from app.finance.service import grants
from app.municipalities import queries as municipality_queries

router = APIRouter(prefix=API_PREFIX, tags=["Förderung"])


def grant_public(session: Session, grant: Grant) -> GrantPublic:
    grant_id = int(grant.id or 0)
    drawn = queries.drawn_by_grant(session, grant_id).get(grant_id, 0)
    slugs = municipality_queries.slugs_by_id(session, [grant.applicant_municipality_id])
    covered = queries.grant_measure_ids(session).get(grant_id, [])
    return GrantPublic(
        id=grant_id,
        programme_id=grant.programme_id,
        notice_number=grant.notice_number,
        notice_date=grant.notice_date,
        title=grant.title,
        period_start=grant.period_start,
        period_end=grant.period_end,
        eligible_cents=grant.eligible_cents,
        rate_bp=grant.rate_bp,
        max_cents=grant.max_cents,
        applicant=slugs.get(grant.applicant_municipality_id, ""),
        measure_codes=sorted(m.code for m in queries.measures_by_id(session, covered).values()),
        drawn_cents=drawn,
        drawable_cents=max(grants.drawable_limit(grant) - drawn, 0),
        version=grant.version,
        drawdowns=[
            DrawdownPublic(
                id=int(d.id or 0),
                requested_on=d.requested_on,
                amount_cents=d.amount_cents,
                received_on=d.received_on,
                version=d.version,
            )
            for d in queries.drawdowns(session, grant_id)
        ],
        proofs_of_use=[
            ProofPublic(
                id=int(p.id or 0),
                title=p.title,
                due_on=p.due_on,
                submitted_on=p.submitted_on,
                version=p.version,
            )
            for p in queries.proofs_of_use(session)
            if p.grant_id == grant_id
        ],
    )


def _funding_manager(user: CurrentUser) -> Principal:
    grants.require_funding_manager(user)
    return user


FundingManager = Annotated[Principal, Depends(_funding_manager)]


def _grant_or_404(session: Session, grant_id: RecordId) -> Grant:
    grant = queries.grant_by_id(session, grant_id)
    if grant is None:
        raise NotFound("Diese Zuwendung gibt es nicht.")
    return grant


@router.get(
    "/grants", response_model=list[GrantPublic], summary="Zuwendungen", responses=responses()
)
def list_grants(session: SessionDep, user: CurrentUser) -> list[GrantPublic]:
    return [grant_public(session, grant) for grant in queries.grants(session)]


@router.get(
    "/grants/{grant_id}",
    response_model=GrantPublic,
    summary="Eine Zuwendung mit Abrufen und Nachweisen",
    responses=responses(404),
)
def get_grant(grant_id: RecordId, session: SessionDep, user: CurrentUser) -> GrantPublic:
    return grant_public(session, _grant_or_404(session, grant_id))


@router.post(
    "/grants",
    response_model=GrantPublic,
    status_code=201,
    summary="Zuwendung anlegen (IKZ-Koordination)",
    responses=responses(403, 422)
    | created(
        "Die neue Zuwendung",
        lesen=link("GET", "/api/v1/grants/{grant_id}", grant_id="$response.body#/id"),
        aendern=link("PUT", "/api/v1/grants/{grant_id}", grant_id="$response.body#/id"),
        abruf=link("POST", "/api/v1/grants/{grant_id}/drawdowns", grant_id="$response.body#/id"),
    ),
)
def create_grant(
    _manager: FundingManager, body: GrantIn, session: SessionDep, user: CurrentUser
) -> GrantPublic:
    grant = run_edit(session, lambda: grants.create_grant(session=session, actor=user, data=body))
    return grant_public(session, grant)


@router.put(
    "/grants/{grant_id}",
    response_model=GrantPublic,
    summary="Zuwendung ändern (IKZ-Koordination)",
    responses=responses(403, 404, 409, 422),
)
def update_grant(
    grant_id: RecordId,
    _manager: FundingManager,
    body: GrantUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> GrantPublic:
    grant = run_edit(
        session,
        lambda: grants.update_grant(session=session, actor=user, grant_id=grant_id, data=body),
    )
    return grant_public(session, grant)


@router.post(
    "/grants/{grant_id}/drawdowns",
    response_model=GrantPublic,
    status_code=201,
    summary="Mittelabruf erfassen (IKZ-Koordination)",
    description="Abgelehnt (422), wenn die Summe der Abrufe den Höchstbetrag überstiege.",
    responses=responses(403, 404, 422),
)
def create_drawdown(
    grant_id: RecordId,
    _manager: FundingManager,
    body: DrawdownIn,
    session: SessionDep,
    user: CurrentUser,
) -> GrantPublic:
    run_edit(
        session,
        lambda: grants.record_drawdown(session=session, actor=user, grant_id=grant_id, data=body),
    )
    return grant_public(session, _grant_or_404(session, grant_id))


@router.put(
    "/proofs-of-use/{proof_id}",
    response_model=ProofPublic,
    summary="Einreichung eines Verwendungsnachweises erfassen (IKZ-Koordination)",
    responses=responses(403, 404, 409, 422),
)
def save_proof(
    proof_id: RecordId,
    _manager: FundingManager,
    body: ProofSubmittedIn,
    session: SessionDep,
    user: CurrentUser,
) -> ProofPublic:
    proof = run_edit(
        session,
        lambda: grants.record_proof_submitted(
            session=session, actor=user, proof_id=proof_id, data=body
        ),
    )
    return ProofPublic(
        id=int(proof.id or 0),
        title=proof.title,
        due_on=proof.due_on,
        submitted_on=proof.submitted_on,
        version=proof.version,
    )
