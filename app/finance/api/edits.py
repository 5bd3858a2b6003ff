"""JSON twins of the finance domain's HTML edits: budget lines, cost keys, Haushalt mappings,
grants, proofs of use and drawdowns.

Each calls the same service with the same schema as its form; the permission is checked (as a
dependency) before the body is validated.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal
from app.core.api import API_PREFIX, RecordId, created, link, responses
from app.core.deps import SessionDep
from app.core.errors import NotFound
from app.core.forms import run_edit
from app.core.inputs import VersionOnly
from app.finance.models import BudgetLine, Grant
from app.finance.queries import lookups as queries
from app.finance.schemas import (
    BudgetLineIn,
    BudgetLineRecord,
    BudgetLineUpdate,
    CostKeyIn,
    CostKeyPublic,
    DrawdownIn,
    DrawdownPublic,
    GrantIn,
    GrantPublic,
    GrantUpdate,
    HaushaltIn,
    HaushaltPublic,
    MappingPublic,
    ProofPublic,
    ProofSubmittedIn,
)
from app.finance.service import budget_lines, cost_keys, grants, haushalt
from app.municipalities import queries as municipality_queries
from app.portfolio.models import Measure
from app.portfolio.queries import measure_or_404

router = APIRouter(prefix=API_PREFIX, tags=["Haushalt"])
funding_router = APIRouter(prefix=API_PREFIX, tags=["Förderung"])


def _line_record(line: BudgetLine, code: str) -> BudgetLineRecord:
    return BudgetLineRecord(
        id=int(line.id or 0),
        measure_code=code,
        year=line.year,
        category=line.category,
        kind=line.kind,
        planned_cents=line.planned_cents,
        approved_cents=line.approved_cents,
        actual_cents=line.actual_cents,
        note=line.note,
        version=line.version,
    )


def _planner(code: str, session: SessionDep, user: CurrentUser) -> Measure:
    return budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)


def _budget_editor(code: str, session: SessionDep, user: CurrentUser) -> Measure:
    return budget_lines.budget_measure(session=session, actor=user, code=code)


@router.get(
    "/measures/{code}/budget-lines",
    response_model=list[BudgetLineRecord],
    summary="Budgetpositionen einer Maßnahme",
    responses=responses(404),
)
def list_lines(code: str, session: SessionDep, user: CurrentUser) -> list[BudgetLineRecord]:
    measure = measure_or_404(session, code)
    lines = queries.budget_lines(session, measure_ids=[int(measure.id or 0)])
    return [_line_record(line, code) for line in lines]


@router.post(
    "/measures/{code}/budget-lines",
    response_model=BudgetLineRecord,
    status_code=201,
    summary="Budgetposition anlegen",
    responses=responses(403, 404, 422)
    | created(
        "Die neue Budgetposition",
        aendern=link(
            "PUT",
            "/api/v1/measures/{code}/budget-lines/{line_id}",
            code="$request.path.code",
            line_id="$response.body#/id",
        ),
        loeschen=link(
            "DELETE",
            "/api/v1/measures/{code}/budget-lines/{line_id}",
            code="$request.path.code",
            line_id="$response.body#/id",
        ),
    ),
)
def create_line(
    code: str,
    _measure: Annotated[Measure, Depends(_planner)],
    body: BudgetLineIn,
    session: SessionDep,
    user: CurrentUser,
) -> BudgetLineRecord:
    line = run_edit(
        session,
        lambda: budget_lines.create_budget_line(session=session, actor=user, code=code, data=body),
    )
    return _line_record(line, code)


@router.put(
    "/measures/{code}/budget-lines/{line_id}",
    response_model=BudgetLineRecord,
    summary="Budgetposition ändern (Digitalisierungsbeauftragte: nur das Ist)",
    responses=responses(403, 404, 409, 422),
)
def update_line(
    code: str,
    line_id: RecordId,
    _measure: Annotated[Measure, Depends(_budget_editor)],
    body: BudgetLineUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> BudgetLineRecord:
    line = run_edit(
        session,
        lambda: budget_lines.update_budget_line(
            session=session, actor=user, code=code, line_id=line_id, data=body
        ),
    )
    return _line_record(line, code)


@router.delete(
    "/measures/{code}/budget-lines/{line_id}",
    status_code=204,
    summary="Budgetposition löschen",
    responses=responses(403, 404, 409, 422),
)
def delete_line(
    code: str,
    line_id: RecordId,
    _measure: Annotated[Measure, Depends(_planner)],
    expected_version: Annotated[int, Query(ge=1, le=2**31 - 1, description="Version der Position")],
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    data = VersionOnly(expected_version=expected_version)
    run_edit(
        session,
        lambda: budget_lines.delete_budget_line(
            session=session, actor=user, code=code, line_id=line_id, data=data
        ),
    )
    return Response(status_code=204)


def _cost_key_public(session: Session, measure: Measure) -> CostKeyPublic:
    parties = queries.parties(session, [int(measure.id or 0)]).get(int(measure.id or 0), [])
    return CostKeyPublic(
        measure_code=measure.code,
        cost_key=measure.cost_key,
        population_reference_date=measure.population_reference_date,
        shares_bp={p.slug: p.share_bp for p in parties if p.share_bp is not None},
        version=measure.version,
    )


def _key_manager(code: str, session: SessionDep, user: CurrentUser) -> Measure:
    return cost_keys.key_measure(session=session, actor=user, code=code)


@router.get(
    "/measures/{code}/cost-key",
    response_model=CostKeyPublic,
    summary="Kostenschlüssel einer Maßnahme",
    responses=responses(404),
)
def get_cost_key(code: str, session: SessionDep, user: CurrentUser) -> CostKeyPublic:
    return _cost_key_public(session, measure_or_404(session, code))


@router.put(
    "/measures/{code}/cost-key",
    response_model=CostKeyPublic,
    summary="Kostenschlüssel ändern (IKZ-Koordination)",
    responses=responses(403, 404, 409, 422),
)
def set_cost_key(
    code: str,
    _measure: Annotated[Measure, Depends(_key_manager)],
    body: CostKeyIn,
    session: SessionDep,
    user: CurrentUser,
) -> CostKeyPublic:
    measure = run_edit(
        session,
        lambda: cost_keys.set_cost_key(session=session, actor=user, code=code, data=body),
    )
    return _cost_key_public(session, measure)


def _haushalt_public(session: Session, slug: str) -> HaushaltPublic:
    municipality = municipality_queries.municipality_by_slug(session, slug)
    if municipality is None or municipality.id is None:
        raise NotFound("Diese Kommune gibt es nicht.")
    mappings = queries.mappings(session, municipality.id)
    numbers = queries.investment_numbers(session, municipality.id)
    codes = queries.measure_labels(session, list(numbers))
    return HaushaltPublic(
        municipality=slug,
        mappings=[
            MappingPublic(
                category=m.category,
                kind=m.kind,
                produkt=m.produkt,
                sachkonto=m.sachkonto,
                version=m.version,
            )
            for m in sorted(mappings.values(), key=lambda m: (m.category, m.kind))
        ],
        investment_numbers={codes[mid][0]: number for mid, number in numbers.items()},
    )


def _haushalt_keeper(slug: str, session: SessionDep, user: CurrentUser) -> str:
    haushalt.haushalt_municipality(session=session, actor=user, slug=slug)
    return slug


@router.get(
    "/municipalities/{slug}/haushalt",
    response_model=HaushaltPublic,
    summary="Haushaltszuordnung und Investitionsnummern einer Kommune",
    responses=responses(404),
)
def get_haushalt(slug: str, session: SessionDep, user: CurrentUser) -> HaushaltPublic:
    return _haushalt_public(session, slug)


@router.put(
    "/municipalities/{slug}/haushalt",
    response_model=HaushaltPublic,
    summary="Haushaltszuordnung und Investitionsnummern speichern (Kämmerei der Kommune)",
    responses=responses(403, 404, 409, 422),
)
def save_haushalt(
    slug: str,
    _slug: Annotated[str, Depends(_haushalt_keeper)],
    body: HaushaltIn,
    session: SessionDep,
    user: CurrentUser,
) -> HaushaltPublic:
    run_edit(
        session, lambda: haushalt.save_haushalt(session=session, actor=user, slug=slug, data=body)
    )
    return _haushalt_public(session, slug)


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
        drawable_cents=max(grant.max_cents - drawn, 0),
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


@funding_router.get(
    "/grants", response_model=list[GrantPublic], summary="Zuwendungen", responses=responses()
)
def list_grants(session: SessionDep, user: CurrentUser) -> list[GrantPublic]:
    return [grant_public(session, grant) for grant in queries.grants(session)]


@funding_router.get(
    "/grants/{grant_id}",
    response_model=GrantPublic,
    summary="Eine Zuwendung mit Abrufen und Nachweisen",
    responses=responses(404),
)
def get_grant(grant_id: RecordId, session: SessionDep, user: CurrentUser) -> GrantPublic:
    return grant_public(session, _grant_or_404(session, grant_id))


@funding_router.post(
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


@funding_router.put(
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


@funding_router.post(
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


@funding_router.put(
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
