"""Everything the measure page shows, gathered in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from app.accounts.permissions import Principal, can_edit_measure, require
from app.core.errors import NotFound
from app.core.paging import page_in_range
from app.core.timeutil import today
from app.municipalities.models import Municipality
from app.portfolio.models import (
    ActionField,
    Approval,
    Measure,
    Milestone,
    Participation,
    ProjectPlan,
    StatusReport,
)

# The measure page shows the newest reports; all of them are on the measure's report pages.
REPORTS_SHOWN = 10
REPORTS_PAGE_SIZE = 50


@dataclass(frozen=True)
class ParticipantView:
    municipality: Municipality
    participation: Participation
    is_lead: bool
    approvals: list[Approval]

    @property
    def released(self) -> bool:
        """A measure is released for a municipality once its body agreed."""
        return any(a.result == "zugestimmt" for a in self.approvals)


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone

    @property
    def overdue(self) -> bool:
        m = self.milestone
        return m.done_on is None and m.due_on is not None and m.due_on < today()


@dataclass
class MeasureDetail:
    measure: Measure
    action_field: ActionField
    lead: Municipality
    participants: list[ParticipantView]
    plan: ProjectPlan | None
    milestones: list[MilestoneView]
    reports: Sequence[StatusReport]
    more_reports: bool = False  # older reports exist beyond ``reports``
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def latest_report(self) -> StatusReport | None:
        return self.reports[0] if self.reports else None


def measure_or_404(session: Session, code: str) -> Measure:
    measure: Measure | None = (
        session.execute(select(Measure).where(col(Measure.code) == code)).scalars().first()
    )
    if measure is None:
        raise _unknown(code)
    return measure


def _unknown(code: str) -> NotFound:
    return NotFound(f"Die Maßnahme „{code}“ gibt es nicht.")


def participant_ids(session: Session, measure_id: int) -> list[int]:
    rows = session.execute(
        select(col(Participation.municipality_id)).where(
            col(Participation.measure_id) == measure_id
        )
    ).scalars()
    return list(rows)


def require_measure_editor(
    session: Session, actor: Principal, measure: Measure, message: str
) -> None:
    """Officers of the lead or a participating municipality (and admins) edit a measure."""
    assert measure.id is not None
    require(
        can_edit_measure(
            actor,
            lead_id=measure.lead_municipality_id,
            participant_ids=participant_ids(session, measure.id),
        ),
        message,
    )


def measure_detail(*, session: Session, code: str) -> MeasureDetail:
    # The measure with its action field and lead in one round trip.
    found = session.execute(
        select(Measure, ActionField, Municipality)
        .join(ActionField, col(ActionField.id) == col(Measure.action_field_id))
        .join(Municipality, col(Municipality.id) == col(Measure.lead_municipality_id))
        .where(col(Measure.code) == code)
    ).first()
    if found is None:
        raise _unknown(code)
    measure, action_field, lead = found
    assert measure.id is not None
    rows = session.execute(
        select(Participation, Municipality)
        .join(Municipality, col(Municipality.id) == col(Participation.municipality_id))
        .where(col(Participation.measure_id) == measure.id)
        .order_by(col(Municipality.name))
    ).all()
    approvals = session.execute(
        select(Approval)
        .where(col(Approval.measure_id) == measure.id)
        .order_by(col(Approval.decided_on), col(Approval.id))
    ).scalars()
    by_municipality: dict[int, list[Approval]] = {}
    for approval in approvals:
        by_municipality.setdefault(approval.municipality_id, []).append(approval)
    participants = [
        ParticipantView(
            municipality=muni,
            participation=part,
            is_lead=muni.id == measure.lead_municipality_id,
            approvals=by_municipality.get(int(muni.id or 0), []),
        )
        for part, muni in rows
    ]
    plan = session.execute(
        select(ProjectPlan).where(col(ProjectPlan.measure_id) == measure.id)
    ).scalar()
    milestones: list[MilestoneView] = []
    if plan is not None:
        milestones = [
            MilestoneView(m)
            for m in session.execute(
                select(Milestone)
                .where(col(Milestone.plan_id) == plan.id, col(Milestone.archived).is_(False))
                .order_by(col(Milestone.due_on), col(Milestone.position), col(Milestone.id))
            ).scalars()
        ]
    reports = list(
        session.execute(_reports_newest_first(measure.id).limit(REPORTS_SHOWN + 1)).scalars()
    )
    return MeasureDetail(
        measure=measure,
        action_field=action_field,
        lead=lead,
        participants=participants,
        plan=plan,
        milestones=milestones,
        reports=reports[:REPORTS_SHOWN],
        more_reports=len(reports) > REPORTS_SHOWN,
    )


def _reports_newest_first(measure_id: int) -> Select[Any]:
    return (
        select(StatusReport)
        .where(col(StatusReport.measure_id) == measure_id)
        .order_by(col(StatusReport.reported_at).desc(), col(StatusReport.id).desc())
    )


@dataclass(frozen=True)
class ReportPage:
    measure: Measure
    reports: list[StatusReport]
    total: int
    page: int
    pages: int


def report_page(*, session: Session, code: str, page: int) -> ReportPage:
    """One page of a measure's status reports, newest first."""
    measure = measure_or_404(session, code)
    assert measure.id is not None
    total = int(
        session.execute(
            select(func.count())
            .select_from(StatusReport)
            .where(col(StatusReport.measure_id) == measure.id)
        ).scalar_one()
    )
    page, pages = page_in_range(page, total, REPORTS_PAGE_SIZE)
    reports = session.execute(
        _reports_newest_first(measure.id)
        .offset((page - 1) * REPORTS_PAGE_SIZE)
        .limit(REPORTS_PAGE_SIZE)
    ).scalars()
    return ReportPage(measure=measure, reports=list(reports), total=total, page=page, pages=pages)
