"""JSON twins of the budget edits of a measure: its lines and its cost key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.core.api import API_PREFIX, RecordId, created, link, responses
from app.core.deps import SessionDep
from app.core.forms import run_edit
from app.core.inputs import VersionOnly
from app.finance.models import BudgetLine
from app.finance.queries import lookups as queries
from app.finance.schemas import (
    BudgetLineIn,
    BudgetLineRecord,
    BudgetLineUpdate,
    CostKeyIn,
    CostKeyPublic,
)
from app.finance.service import budget_lines, cost_keys
from app.portfolio.models import Measure
from app.portfolio.queries import measure_or_404

router = APIRouter(prefix=API_PREFIX, tags=["Haushalt"])


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
