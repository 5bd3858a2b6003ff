"""Baselines, what changed since one, and a measure's approvals as JSON."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_take_baseline, require
from app.core.api import API_PREFIX, RecordId, created, link, responses
from app.core.deps import SessionDep
from app.core.enums import DecisionResult
from app.core.forms import run_edit
from app.core.timeutil import as_aware
from app.councils.changes import Changes
from app.councils.models import Baseline
from app.councils.queries import baselines as queries
from app.councils.queries.approvals import approval_states, state_of
from app.councils.routes import municipality_filter
from app.councils.schemas import ApprovalPublic, BaselineCreate, BaselinePublic
from app.councils.service import baselines as service
from app.councils.service.baselines import TAKER_MESSAGE
from app.municipalities.queries import slugs_by_id
from app.portfolio.queries import measure_or_404, participant_ids

router = APIRouter(prefix=API_PREFIX, tags=["Berichte"])


def _taker(user: CurrentUser) -> Principal:
    require(can_take_baseline(user), TAKER_MESSAGE)
    return user


def baseline_public(row: Baseline | queries.BaselineRow) -> BaselinePublic:
    return BaselinePublic(
        id=int(row.id or 0),
        name=row.name,
        taken_at=as_aware(row.taken_at),  # type: ignore[arg-type]
        reason=row.reason,
        deliberation_id=row.deliberation_id,
        taken_by=row.taken_by_name,
        measure_count=row.measure_count,
        new_states=row.new_states,
        stored_bytes=row.stored_bytes,
    )


@router.get(
    "/baselines",
    response_model=list[BaselinePublic],
    summary="Baselines, die neueste zuerst",
    responses=responses(422),
)
def list_baselines(
    session: SessionDep,
    user: CurrentUser,
    seite: Annotated[int, Query(ge=1, le=100000, description="Seite")] = 1,
) -> list[BaselinePublic]:
    return [baseline_public(row) for row in queries.baseline_page(session, seite).rows]


@router.post(
    "/baselines",
    response_model=BaselinePublic,
    status_code=201,
    summary="Baseline festhalten",
    responses=responses(403, 422)
    | created(
        "Die neue Baseline",
        aenderungen=link(
            "GET", "/api/v1/baselines/{baseline_id}/changes", baseline_id="$response.body#/id"
        ),
    ),
)
def take_baseline(
    _taker: Annotated[Principal, Depends(_taker)],
    body: BaselineCreate,
    session: SessionDep,
    user: CurrentUser,
) -> BaselinePublic:
    baseline = run_edit(
        session, lambda: service.take_baseline(session=session, actor=user, data=body)
    )
    return baseline_public(baseline)


class MilestoneMovePublic(BaseModel):
    measure: str
    milestone: str
    due_before: date | None
    due_after: date | None
    days: int | None = Field(description="Verschiebung in Tagen (positiv: später)")


class BudgetChangePublic(BaseModel):
    measure: str
    year: int
    planned_before_cents: int
    planned_after_cents: int
    delta_cents: int
    funding_before_cents: int
    funding_after_cents: int


class StateChangePublic(BaseModel):
    measure: str
    before: str
    after: str


class YearTotalPublic(BaseModel):
    year: int
    planned_before_cents: int
    planned_after_cents: int
    delta_cents: int


class ChangesPublic(BaseModel):
    """What changed since a baseline, for a municipality (its share) or the whole IKZ."""

    baseline: BaselinePublic
    municipality: str | None
    milestones_moved: list[MilestoneMovePublic]
    budgets_changed: list[BudgetChangePublic]
    traffic_lights_changed: list[StateChangePublic]
    measures_started: list[StateChangePublic]
    measures_finished: list[StateChangePublic]
    measures_stopped: list[StateChangePublic]
    measures_added: list[str]
    measures_removed: list[str]
    planned_by_year: list[YearTotalPublic]


def changes_public(baseline: Baseline, slug: str | None, changes: Changes) -> ChangesPublic:
    def states(items: list) -> list[StateChangePublic]:  # type: ignore[type-arg]
        return [StateChangePublic(measure=c.code, before=c.before, after=c.after) for c in items]

    return ChangesPublic(
        baseline=baseline_public(baseline),
        municipality=slug,
        milestones_moved=[
            MilestoneMovePublic(
                measure=m.code,
                milestone=m.title,
                due_before=m.before,
                due_after=m.after,
                days=m.days,
            )
            for m in changes.milestones
        ],
        budgets_changed=[
            BudgetChangePublic(
                measure=b.code,
                year=b.year,
                planned_before_cents=b.before_cents,
                planned_after_cents=b.after_cents,
                delta_cents=b.delta_cents,
                funding_before_cents=b.funding_before_cents,
                funding_after_cents=b.funding_after_cents,
            )
            for b in changes.budgets
        ],
        traffic_lights_changed=states(changes.lights),
        measures_started=states(changes.started),
        measures_finished=states(changes.finished),
        measures_stopped=states(changes.stopped),
        measures_added=[m.code for m in changes.added],
        measures_removed=[m.code for m in changes.removed],
        planned_by_year=[
            YearTotalPublic(
                year=t.year,
                planned_before_cents=t.before_cents,
                planned_after_cents=t.after_cents,
                delta_cents=t.delta_cents,
            )
            for t in changes.totals
        ],
    )


@router.get(
    "/baselines/{baseline_id}/changes",
    response_model=ChangesPublic,
    summary="Änderungen seit einer Baseline",
    responses=responses(404, 422),
)
def baseline_changes(
    baseline_id: RecordId,
    session: SessionDep,
    user: CurrentUser,
    kommune: Annotated[str, Query(max_length=60, description="Slug der Kommune")] = "",
) -> ChangesPublic:
    baseline = queries.baseline_or_404(session, baseline_id)
    municipality = municipality_filter(session, kommune)
    changes = queries.changes_since(
        session, baseline, municipality_id=int(municipality.id or 0) if municipality else None
    )
    return changes_public(baseline, municipality.slug if municipality else None, changes)


@router.get(
    "/measures/{code}/approvals",
    response_model=list[ApprovalPublic],
    summary="Beschlusslage einer Maßnahme je Kommune",
    description="Abgeleitet aus den beschließenden Schritten der Beschlussvorlagen.",
    responses=responses(404),
)
def measure_approvals(code: str, session: SessionDep, user: CurrentUser) -> list[ApprovalPublic]:
    measure = measure_or_404(session, code)
    measure_id = int(measure.id or 0)
    involved = sorted({*participant_ids(session, measure_id), measure.lead_municipality_id})
    slugs = slugs_by_id(session, involved)
    states = approval_states(session, [measure_id])
    result = []
    for municipality_id in involved:
        state = state_of(states, measure_id, municipality_id)
        step = state.decisive
        result.append(
            ApprovalPublic(
                municipality=slugs[municipality_id],
                state=state.state,
                decided_on=step.held_on if step else None,
                body=step.body if step else None,
                drucksache=step.drucksache if step else None,
                result=DecisionResult(step.result) if step and step.result else None,
                proposal_id=step.proposal_id if step else None,
                next_session_on=state.next_step.held_on if state.next_step else None,
            )
        )
    return sorted(result, key=lambda a: a.municipality)
