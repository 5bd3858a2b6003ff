"""JSON twins of the Kämmerei's forms: a line's Übertragung and Deckungsvorschlag, and a
measure's Verpflichtungsermächtigungen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from app.accounts.deps import CurrentUser
from app.core.api import API_PREFIX, RecordId, responses
from app.core.deps import SessionDep
from app.core.forms import run_edit
from app.core.inputs import VersionOnly
from app.finance.models import BudgetLine, Commitment
from app.finance.queries import lookups as queries
from app.finance.schemas import CarryoverIn, CommitmentIn
from app.finance.service import budget_lines, kaemmerei
from app.portfolio.models import Measure
from app.portfolio.queries import measure_or_404

router = APIRouter(prefix=API_PREFIX, tags=["Haushalt"])


class CarryoverPublic(BaseModel):
    line_id: int
    year: int
    approved_cents: int | None
    actual_cents: int | None
    carryover_cents: int | None = Field(description="Übertragung ins Folgejahr in Cent")
    cover_note: str = Field(description="Deckungsvorschlag")
    version: int


class CommitmentRecord(BaseModel):
    id: int
    measure_code: str
    year: int
    category: str
    amount_cents: int
    payments: dict[int, int] = Field(description="Betrag je Zahlungsjahr in Cent")
    note: str
    version: int


def _planner(code: str, session: SessionDep, user: CurrentUser) -> Measure:
    return budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)


Planner = Annotated[Measure, Depends(_planner)]


def _carryover(line: BudgetLine) -> CarryoverPublic:
    return CarryoverPublic(
        line_id=int(line.id or 0),
        year=line.year,
        approved_cents=line.approved_cents,
        actual_cents=line.actual_cents,
        carryover_cents=line.carryover_cents,
        cover_note=line.cover_note,
        version=line.version,
    )


@router.put(
    "/measures/{code}/budget-lines/{line_id}/carryover",
    response_model=CarryoverPublic,
    summary="Übertragung ins Folgejahr und Deckungsvorschlag einer Budgetposition (Kämmerei)",
    responses=responses(403, 404, 409, 422),
)
def set_carryover(
    code: str,
    line_id: RecordId,
    _measure: Planner,
    body: CarryoverIn,
    session: SessionDep,
    user: CurrentUser,
) -> CarryoverPublic:
    line = run_edit(
        session,
        lambda: kaemmerei.set_carryover(
            session=session, actor=user, code=code, line_id=line_id, data=body
        ),
    )
    return _carryover(line)


def _record(commitment: Commitment, code: str, payments: dict[int, int]) -> CommitmentRecord:
    return CommitmentRecord(
        id=int(commitment.id or 0),
        measure_code=code,
        year=commitment.year,
        category=commitment.category,
        amount_cents=commitment.amount_cents,
        payments=payments,
        note=commitment.note,
        version=commitment.version,
    )


@router.get(
    "/measures/{code}/commitments",
    response_model=list[CommitmentRecord],
    summary="Verpflichtungsermächtigungen einer Maßnahme",
    responses=responses(404),
)
def list_commitments(code: str, session: SessionDep, user: CurrentUser) -> list[CommitmentRecord]:
    measure = measure_or_404(session, code)
    return [
        _record(c, code, payments)
        for c, payments in queries.commitments_of(session, [int(measure.id or 0)])
    ]


@router.post(
    "/measures/{code}/commitments",
    response_model=CommitmentRecord,
    status_code=201,
    summary="Verpflichtungsermächtigung erfassen (Kämmerei)",
    responses=responses(403, 404, 422),
)
def create_commitment(
    code: str, _measure: Planner, body: CommitmentIn, session: SessionDep, user: CurrentUser
) -> CommitmentRecord:
    commitment = run_edit(
        session,
        lambda: kaemmerei.create_commitment(session=session, actor=user, code=code, data=body),
    )
    return _record(commitment, code, {p.year: p.amount_cents for p in body.payments})


@router.delete(
    "/measures/{code}/commitments/{commitment_id}",
    status_code=204,
    summary="Verpflichtungsermächtigung löschen (Kämmerei)",
    responses=responses(403, 404, 409, 422),
)
def delete_commitment(
    code: str,
    commitment_id: RecordId,
    _measure: Planner,
    expected_version: Annotated[int, Query(ge=1, le=2**31 - 1, description="Version der VE")],
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    data = VersionOnly(expected_version=expected_version)
    run_edit(
        session,
        lambda: kaemmerei.delete_commitment(
            session=session, actor=user, code=code, commitment_id=commitment_id, data=data
        ),
    )
    return Response(status_code=204)
