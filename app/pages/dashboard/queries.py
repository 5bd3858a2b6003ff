"""SQL aggregations of the dashboard: every figure is counted by the database (GROUP BY).

Each function issues one statement (or a fixed few) whatever the number of measures, so a
dashboard request costs a bounded number of queries. ``Scope`` carries the filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, select, union_all
from sqlmodel import Session, col

from app.councils.queries.approvals import released_pairs
from app.finance.queries.lookups import in_year
from app.portfolio.models import (
    ActionField,
    Measure,
    Milestone,
    Participation,
    ProjectPlan,
    StatusReport,
)
from app.portfolio.queries import FINAL_STATUSES, involving

INACTIVE = FINAL_STATUSES


@dataclass(frozen=True)
class Scope:
    """The dashboard's filters: municipality id (None: whole IKZ), action field code, year."""

    municipality_id: int | None = None
    field_code: str = ""
    year: int | None = None


def _involvement() -> Any:
    """``(measure_id, municipality_id)`` for the lead and every participant (no duplicates).

    Participants, plus the lead where it is not also a participant: a UNION ALL of disjoint
    parts, so the database need not sort the pairs to remove duplicates.
    """
    lead_takes_part = exists().where(
        col(Participation.measure_id) == col(Measure.id),
        col(Participation.municipality_id) == col(Measure.lead_municipality_id),
    )
    return union_all(
        select(
            col(Participation.measure_id).label("measure_id"),
            col(Participation.municipality_id).label("municipality_id"),
        ),
        select(
            col(Measure.id).label("measure_id"),
            col(Measure.lead_municipality_id).label("municipality_id"),
        ).where(~lead_takes_part),
    ).subquery("involvement")


def _scope_conditions(scope: Scope, *, with_municipality: bool = True) -> list[ColumnElement[bool]]:
    """Conditions on ``Measure`` equal to the measures list's filters (``measure_list.queries``)."""
    conditions: list[ColumnElement[bool]] = [col(Measure.archived).is_(False)]
    if with_municipality and scope.municipality_id is not None:
        conditions.append(involving(scope.municipality_id))
    if scope.field_code:
        conditions.append(
            exists().where(
                col(ActionField.id) == col(Measure.action_field_id),
                col(ActionField.code) == scope.field_code,
            )
        )
    if scope.year is not None:
        conditions.append(in_year(scope.year))
    return conditions


def _scoped(query: Any, scope: Scope) -> Any:
    """``query`` narrowed to the measures in scope (typed loosely: any Select)."""
    return query.where(*_scope_conditions(scope))


def counts_by_status(session: Session, scope: Scope) -> dict[str, int]:
    query = _scoped(
        select(col(Measure.status), func.count(col(Measure.id))).group_by(col(Measure.status)),
        scope,
    )
    return {status: int(n) for status, n in session.execute(query).all()}


def counts_by_light(session: Session, scope: Scope) -> dict[str, int]:
    query = _scoped(
        select(col(Measure.traffic_light), func.count(col(Measure.id))).group_by(
            col(Measure.traffic_light)
        ),
        scope,
    )
    return {light: int(n) for light, n in session.execute(query).all()}


def overdue_milestones(session: Session, scope: Scope, on: date) -> tuple[int, int]:
    """(overdue milestones, measures with one): due before ``on``, not done, not archived."""
    query = _scoped(
        select(func.count(col(Milestone.id)), func.count(func.distinct(col(Measure.id))))
        .select_from(Milestone)
        .join(ProjectPlan, col(ProjectPlan.id) == col(Milestone.plan_id))
        .join(Measure, col(Measure.id) == col(ProjectPlan.measure_id))
        .where(
            col(Milestone.done_on).is_(None),
            col(Milestone.archived).is_(False),
            col(Milestone.due_on) < on,
        ),
        scope,
    )
    milestones, measures = session.execute(query).one()
    return int(milestones or 0), int(measures or 0)


def stale_report_count(session: Session, scope: Scope, cutoff: datetime) -> int:
    """Active measures whose newest status report is older than ``cutoff`` (or missing).

    Asked as "no report since the cutoff", which the index on (measure, reported_at) answers
    per measure without reading the whole history.
    """
    recent = exists().where(
        col(StatusReport.measure_id) == col(Measure.id),
        col(StatusReport.reported_at) >= cutoff,
    )
    query = _scoped(
        select(func.count(col(Measure.id))).where(col(Measure.status).not_in(INACTIVE), ~recent),
        scope,
    )
    return int(session.execute(query).scalar_one() or 0)


@dataclass(frozen=True)
class FieldProgress:
    code: str
    title: str
    measures: int
    average_progress: int  # whole per cent, rounded half up
    active: int


def progress_by_field(session: Session, scope: Scope, strategy_id: int) -> list[FieldProgress]:
    """Average progress of the (scoped) measures of every action field, empty fields included."""
    measure_ids = _scoped(select(col(Measure.id)), scope)
    query = (
        select(
            col(ActionField.code),
            col(ActionField.title),
            func.count(col(Measure.id)),
            func.coalesce(func.sum(col(Measure.progress)), 0),
            func.coalesce(func.sum(case((col(Measure.status).not_in(INACTIVE), 1), else_=0)), 0),
        )
        .select_from(ActionField)
        .outerjoin(
            Measure,
            and_(
                col(Measure.action_field_id) == col(ActionField.id),
                col(Measure.id).in_(measure_ids),
            ),
        )
        .where(col(ActionField.strategy_id) == strategy_id)
        .group_by(col(ActionField.id), col(ActionField.code), col(ActionField.title))
        .order_by(col(ActionField.position), col(ActionField.code))
    )
    if scope.field_code:
        query = query.where(col(ActionField.code) == scope.field_code)
    result = []
    for code, title, count, total, active in session.execute(query).all():
        count = int(count)
        average = (2 * int(total) + count) // (2 * count) if count else 0
        result.append(FieldProgress(code, title, count, average, int(active)))
    return result


def counts_by_municipality(
    session: Session, scope: Scope
) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """Measures per municipality (lead or participant) and status, and per municipality the
    active ones its council has not released (:mod:`app.councils.queries.approvals`): one pass
    over the pairs of measure and municipality serves the status matrix and the open
    decisions."""
    inv = _involvement()
    released = released_pairs(scope.municipality_id)  # the council cycle's rule
    open_decision = case(
        (and_(col(Measure.status).not_in(INACTIVE), released.c.measure_id.is_(None)), 1), else_=0
    )
    query = (
        select(
            inv.c.municipality_id,
            col(Measure.status),
            func.count(col(Measure.id)),
            func.coalesce(func.sum(open_decision), 0),
        )
        .select_from(inv)
        .join(Measure, col(Measure.id) == inv.c.measure_id)
        .outerjoin(
            released,
            and_(
                released.c.measure_id == inv.c.measure_id,
                released.c.municipality_id == inv.c.municipality_id,
            ),
        )
        .where(*_scope_conditions(scope, with_municipality=False))
        .group_by(inv.c.municipality_id, col(Measure.status))
    )
    if scope.municipality_id is not None:
        query = query.where(inv.c.municipality_id == scope.municipality_id)
    by_status: dict[int, dict[str, int]] = {}
    pending: dict[int, int] = {}
    for municipality_id, status, count, undecided in session.execute(query).all():
        mid = int(municipality_id)
        by_status.setdefault(mid, {})[status] = int(count)
        if int(undecided):
            pending[mid] = pending.get(mid, 0) + int(undecided)
    return by_status, pending


@dataclass(frozen=True)
class TimelineMeasure:
    id: int
    code: str
    title: str
    status: str
    start: date
    end: date


def timeline_measures(session: Session, scope: Scope, limit: int) -> list[TimelineMeasure]:
    """The ``limit`` active measures with planned dates that end soonest (a readable Gantt)."""
    query = (
        _scoped(
            select(
                col(Measure.id),
                col(Measure.code),
                col(Measure.title),
                col(Measure.status),
                col(Measure.planned_start),
                col(Measure.planned_end),
            ).where(
                col(Measure.planned_start).is_not(None),
                col(Measure.planned_end).is_not(None),
                col(Measure.status).not_in(INACTIVE),
            ),
            scope,
        )
        .order_by(col(Measure.planned_end), col(Measure.code))
        .limit(limit)
    )
    return [
        TimelineMeasure(int(mid), code, title, status, start, end)
        for mid, code, title, status, start, end in session.execute(query).all()
    ]


@dataclass(frozen=True)
class TimelineMilestone:
    measure_id: int
    title: str
    due_on: date
    done_on: date | None


def timeline_milestones(session: Session, measure_ids: list[int]) -> list[TimelineMilestone]:
    if not measure_ids:
        return []
    query = (
        select(
            col(ProjectPlan.measure_id),
            col(Milestone.title),
            col(Milestone.due_on),
            col(Milestone.done_on),
        )
        .join(ProjectPlan, col(ProjectPlan.id) == col(Milestone.plan_id))
        .where(
            col(ProjectPlan.measure_id).in_(measure_ids),
            col(Milestone.archived).is_(False),
            col(Milestone.due_on).is_not(None),
        )
        .order_by(col(Milestone.due_on))
    )
    return [
        TimelineMilestone(int(mid), title, due, done)
        for mid, title, due, done in session.execute(query).all()
    ]


def scoped_measure_ids(session: Session, scope: Scope) -> set[int]:
    """Ids of the measures in scope (to narrow the finance ledger's rows to the filters)."""
    return {int(mid) for mid in session.execute(_scoped(select(col(Measure.id)), scope)).scalars()}


def scoped_measure_select(scope: Scope) -> Any:
    """The ids of the measures in scope as a subquery (for the ledger's sums)."""
    return _scoped(select(col(Measure.id)), scope)


def field_exists(session: Session, strategy_id: int, code: str) -> bool:
    query = select(literal(1)).where(
        col(ActionField.strategy_id) == strategy_id, col(ActionField.code) == code
    )
    return session.execute(query).first() is not None
