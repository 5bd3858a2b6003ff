"""A measure's project plan: its description and its milestones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.accounts.permissions import Principal
from app.core.db import claim_version, for_edit
from app.core.errors import NotFound
from app.core.inputs import VersionOnly
from app.portfolio.models import Measure, Milestone, ProjectPlan
from app.portfolio.schemas import (
    MilestoneCreate,
    MilestoneFields,
    MilestoneUpdate,
    PlanUpdate,
)
from app.portfolio.service.access import measure_for_edit, require_measure_editor

MILESTONE_FIELDS = tuple(MilestoneFields.model_fields)


def plan_of(session: Session, measure: Measure, *, lock: bool = False) -> ProjectPlan:
    """The measure's plan, created on first use (every measure has one)."""
    query = select(ProjectPlan).where(col(ProjectPlan.measure_id) == measure.id)
    plan = session.execute(for_edit(query) if lock else query).scalars().first()
    if plan is None:
        assert measure.id is not None
        plan = ProjectPlan(measure_id=measure.id)
        session.add(plan)
        session.flush()
    return plan


def update_plan(*, session: Session, actor: Principal, code: str, data: PlanUpdate) -> ProjectPlan:
    measure = measure_for_edit(session, code)
    require_measure_editor(session, actor, measure)
    plan = plan_of(session, measure, lock=True)
    claim_version(plan, data.expected_version, lambda p: {"summary": p.summary})
    plan.summary = data.summary
    session.add(plan)
    session.flush()
    return plan


def milestone_snapshot(milestone: Milestone) -> dict[str, Any]:
    return {name: getattr(milestone, name) for name in MILESTONE_FIELDS} | {
        "archived": milestone.archived
    }


def create_milestone(
    *, session: Session, actor: Principal, code: str, data: MilestoneCreate
) -> Milestone:
    measure = measure_for_edit(session, code)
    require_measure_editor(session, actor, measure)
    plan = plan_of(session, measure)
    assert plan.id is not None
    milestone = Milestone(
        plan_id=plan.id, **{name: getattr(data, name) for name in MILESTONE_FIELDS}
    )
    session.add(milestone)
    session.flush()
    return milestone


def _milestone_for_edit(session: Session, measure: Measure, milestone_id: int) -> Milestone:
    plan = plan_of(session, measure)
    milestone: Milestone | None = session.execute(
        for_edit(select(Milestone).where(col(Milestone.id) == milestone_id))
    ).scalar_one_or_none()
    if milestone is None or milestone.plan_id != plan.id:
        raise NotFound("Diesen Meilenstein gibt es bei dieser Maßnahme nicht.")
    return milestone


def update_milestone(
    *, session: Session, actor: Principal, code: str, milestone_id: int, data: MilestoneUpdate
) -> Milestone:
    measure = measure_for_edit(session, code)
    require_measure_editor(session, actor, measure)
    milestone = _milestone_for_edit(session, measure, milestone_id)
    claim_version(milestone, data.expected_version, milestone_snapshot)
    for name in MILESTONE_FIELDS:
        value = getattr(data, name)
        if getattr(milestone, name) != value:
            setattr(milestone, name, value)
    session.add(milestone)
    session.flush()
    return milestone


def set_milestone_archived(
    *,
    session: Session,
    actor: Principal,
    code: str,
    milestone_id: int,
    archived: bool,
    data: VersionOnly,
) -> Milestone:
    measure = measure_for_edit(session, code)
    require_measure_editor(session, actor, measure)
    milestone = _milestone_for_edit(session, measure, milestone_id)
    claim_version(milestone, data.expected_version, milestone_snapshot)
    milestone.archived = archived
    session.add(milestone)
    session.flush()
    return milestone
