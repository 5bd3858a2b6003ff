"""Read queries of the portfolio domain: every SQL statement of the domain's reads lives here.

Strategy and action fields, measures by code, the measure page's facts in a fixed number of
queries, paged status reports, and the API's projection of measures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, true, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.core.db import newest_per
from app.core.errors import NotFound
from app.core.paging import page_in_range
from app.core.rules import is_measure_code, shown
from app.core.timeutil import BERLIN, as_aware, today
from app.municipalities.models import Municipality
from app.municipalities.queries import slugs_by_id
from app.portfolio.models import (
    ActionField,
    Measure,
    Milestone,
    Participation,
    ProjectPlan,
    StatusReport,
    Strategy,
)
from app.portfolio.schemas import (
    ActionFieldRef,
    MeasureDetailPublic,
    MeasurePublic,
    StatusReportPublic,
)

# A measure whose status is final needs no more status reports and counts as inactive.
FINAL_STATUSES = ("abgeschlossen", "verworfen")
# An active measure without a status report for this many days is flagged.
REPORT_STALE_DAYS = 90


_LED = aliased(Measure, name="led")  # built once: aliasing a mapped class is not cheap


def involving(municipalities: int | Iterable[int] | None) -> ColumnElement[bool]:
    """SQL condition on ``Measure``: led by a municipality of ``municipalities`` (one id or
    several) or with one of them among its participants; None: any measure.

    The one form of this rule for every domain. Written as ``id IN (participations UNION ALL
    led measures)`` rather than ``lead = x OR EXISTS (…)``: the database then starts from the
    municipality's few hundred measures (two index lookups) instead of walking a whole table
    in sort order and testing each row.
    """
    if municipalities is None:
        return true()
    ids = [municipalities] if isinstance(municipalities, int) else sorted(set(municipalities))
    if not ids:
        return false()
    participant = (
        col(Participation.municipality_id) == ids[0]
        if len(ids) == 1
        else col(Participation.municipality_id).in_(ids)
    )
    lead = (
        col(_LED.lead_municipality_id) == ids[0]
        if len(ids) == 1
        else col(_LED.lead_municipality_id).in_(ids)
    )
    measures: Any = union_all(
        select(col(Participation.measure_id)).where(participant),
        select(col(_LED.id)).where(lead),
    )
    return col(Measure.id).in_(measures)


def stale_cutoff(on: date) -> datetime:
    """Reports from this moment on count as recent on day ``on``: the start (Europe/Berlin) of
    the day REPORT_STALE_DAYS before it. Counted in whole days, so the figure changes at
    midnight and not with every minute (the dashboard caches it for the day)."""
    start = datetime.combine(on - timedelta(days=REPORT_STALE_DAYS), time(), tzinfo=BERLIN)
    return start.astimezone(UTC)


def current_strategy(session: Session) -> Strategy | None:
    """The strategy the UI works within: the newest period."""
    return session.exec(select(Strategy).order_by(col(Strategy.period_start).desc())).first()


def action_fields(session: Session, strategy_id: int) -> Sequence[ActionField]:
    return session.exec(
        select(ActionField)
        .where(ActionField.strategy_id == strategy_id)
        .order_by(col(ActionField.position), col(ActionField.code))
    ).all()


def measures(session: Session, *, include_archived: bool = False) -> Sequence[Measure]:
    query = select(Measure).order_by(col(Measure.code))
    if not include_archived:
        query = query.where(col(Measure.archived).is_(False))
    return session.exec(query).all()


def measure_by_code(session: Session, code: str) -> Measure | None:
    """The measure with this code; None for unknown codes and for text that is no code at all."""
    if not is_measure_code(code):
        return None
    return session.exec(select(Measure).where(Measure.code == code)).first()


def participant_slugs(session: Session, measure_ids: Sequence[int]) -> dict[int, list[str]]:
    """Slugs of the participating municipalities per measure, in one query."""
    result: dict[int, list[str]] = defaultdict(list)
    if not measure_ids:
        return result
    rows = session.exec(
        select(Participation.measure_id, Municipality.slug)
        .join(Municipality, col(Municipality.id) == col(Participation.municipality_id))
        .where(col(Participation.measure_id).in_(measure_ids))
        .order_by(col(Municipality.slug))
    ).all()
    for measure_id, slug in rows:
        result[measure_id].append(slug)
    return result


def latest_reports(session: Session, measure_ids: Sequence[int]) -> dict[int, StatusReport]:
    """The newest status report of each measure, in one query (window function)."""
    if not measure_ids:
        return {}
    if len(measure_ids) == 1:
        # One measure (its API resource): walk its index backwards to the newest report.
        newest = session.exec(
            select(StatusReport)
            .where(StatusReport.measure_id == measure_ids[0])
            .order_by(col(StatusReport.reported_at).desc(), col(StatusReport.id).desc())
            .limit(1)
        ).first()
        return {} if newest is None else {newest.measure_id: newest}
    ranked = newest_per(
        col(StatusReport.id),
        col(StatusReport.measure_id),
        (col(StatusReport.reported_at).desc(), col(StatusReport.id).desc()),
        col(StatusReport.measure_id).in_(measure_ids),
    )
    reports = session.exec(
        select(StatusReport)
        .join(ranked, ranked.c.id == col(StatusReport.id))
        .where(ranked.c.rank == 1)
    ).all()
    return {report.measure_id: report for report in reports}


def action_fields_by_id(session: Session) -> dict[int, ActionField]:
    return {int(field.id): field for field in session.exec(select(ActionField)).all() if field.id}


# The measure page shows the newest reports; all of them are on the measure's report pages.
REPORTS_SHOWN = 10
REPORTS_PAGE_SIZE = 50


@dataclass(frozen=True)
class ParticipantView:
    municipality: Municipality
    participation: Participation
    is_lead: bool


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


# What domains above the portfolio add to a measure's detail (``extra[name]``): the measure page
# and the plan page show it without this domain knowing them (see ``extend_measure_detail``).
DetailExtension = Callable[[Session, MeasureDetail], object]
_DETAIL_EXTENSIONS: dict[str, DetailExtension] = {}


def extend_measure_detail(name: str, extension: DetailExtension) -> None:
    """Have ``extension(session, detail)`` fill ``detail.extra[name]`` whenever a measure's
    detail is read (registered once by the application factory)."""
    _DETAIL_EXTENSIONS[name] = extension


def measure_or_404(session: Session, code: str) -> Measure:
    measure = measure_by_code(session, code)
    if measure is None:
        raise unknown_measure(code)
    return measure


def unknown_measure(code: str) -> NotFound:
    return NotFound(f"Die Maßnahme „{shown(code)}“ gibt es nicht.")


def participant_ids(session: Session, measure_id: int) -> list[int]:
    """Ids of the municipalities taking part in a measure (the one participants query)."""
    rows = session.execute(
        select(col(Participation.municipality_id)).where(
            col(Participation.measure_id) == measure_id
        )
    ).scalars()
    return list(rows)


def measure_detail(*, session: Session, code: str) -> MeasureDetail:
    if not is_measure_code(code):
        raise unknown_measure(code)
    # The measure with its action field and lead in one round trip.
    found = session.execute(
        select(Measure, ActionField, Municipality)
        .join(ActionField, col(ActionField.id) == col(Measure.action_field_id))
        .join(Municipality, col(Municipality.id) == col(Measure.lead_municipality_id))
        .where(col(Measure.code) == code)
    ).first()
    if found is None:
        raise unknown_measure(code)
    measure, action_field, lead = found
    assert measure.id is not None
    rows = session.execute(
        select(Participation, Municipality)
        .join(Municipality, col(Municipality.id) == col(Participation.municipality_id))
        .where(col(Participation.measure_id) == measure.id)
        .order_by(col(Municipality.name))
    ).all()
    participants = [
        ParticipantView(
            municipality=muni,
            participation=part,
            is_lead=muni.id == measure.lead_municipality_id,
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
    detail = MeasureDetail(
        measure=measure,
        action_field=action_field,
        lead=lead,
        participants=participants,
        plan=plan,
        milestones=milestones,
        reports=reports[:REPORTS_SHOWN],
        more_reports=len(reports) > REPORTS_SHOWN,
    )
    for name, extension in _DETAIL_EXTENSIONS.items():
        detail.extra[name] = extension(session, detail)
    return detail


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


def _report_public(report: StatusReport | None) -> StatusReportPublic | None:
    if report is None or report.id is None:
        return None
    return StatusReportPublic(
        id=report.id,
        reported_at=as_aware(report.reported_at),
        status=report.status,
        progress=report.progress,
        traffic_light=report.traffic_light,
        summary=report.summary,
        next_steps=report.next_steps,
        author=report.author_name,
    )


def _public(measures: Sequence[Measure], session: Session) -> list[MeasurePublic]:
    """The API's view of measures in a fixed number of queries, however many there are."""
    ids = [int(m.id) for m in measures if m.id is not None]
    fields = action_fields_by_id(session)
    leads = sorted({m.lead_municipality_id for m in measures})
    # A few measures (one API resource): only their leads' slugs, not all municipalities'.
    slugs = slugs_by_id(session, leads if len(leads) <= 50 else None)
    participants = participant_slugs(session, ids)
    reports = latest_reports(session, ids)
    result = []
    for measure in measures:
        field = fields[measure.action_field_id]
        result.append(
            MeasurePublic(
                code=measure.code,
                title=measure.title,
                action_field=ActionFieldRef(code=field.code, title=field.title),
                priority=measure.priority,
                status=measure.status,
                progress=measure.progress,
                traffic_light=measure.traffic_light,
                lead=slugs[measure.lead_municipality_id],
                participants=participants.get(int(measure.id or 0), []),
                example=measure.example,
                archived=measure.archived,
                version=measure.version,
                latest_status_report=_report_public(reports.get(int(measure.id or 0))),
            )
        )
    return result


def measures_public(session: Session, found: Sequence[Measure]) -> list[MeasurePublic]:
    """The API's view of the given measures (one page of them), in their order."""
    return _public(found, session)


def get_measure_public(*, session: Session, code: str) -> MeasureDetailPublic:
    """One measure with its master data (404 for an unknown code)."""
    measure = measure_or_404(session, code)
    summary = _public([measure], session)[0]
    return MeasureDetailPublic(
        **summary.model_dump(),
        goal=measure.goal,
        expected_effect=measure.expected_effect,
        responsible=measure.responsible,
        planned_start=measure.planned_start,
        planned_end=measure.planned_end,
        actual_start=measure.actual_start,
        actual_end=measure.actual_end,
    )
