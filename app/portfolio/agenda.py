"""The portfolio's tasks and calendar entries (see :mod:`app.core.agenda`).

Tasks: status reports due, overdue and next milestones (Digitalisierungsbeauftragte), open
council decisions and measures red or late (Hauptamtsleitung). Calendar: milestone due dates and
the dates status reports fall due. Every source reads the measures the scope's municipalities
lead or take part in; archived measures and settled ones (completed, discarded) ask for nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlmodel import Session, col

from app.core.agenda import AgendaScope, Event, EventQuery, EventSource, Task, TaskSource, Urgency
from app.core.enums import Role
from app.core.formatting import fmt_date
from app.core.timeutil import BERLIN, as_aware
from app.portfolio.models import (
    Measure,
    Milestone,
    ProjectPlan,
    StatusReport,
    Strategy,
)
from app.portfolio.queries import FINAL_STATUSES, involving

NEXT_MILESTONE_DAYS = 14


def _running() -> list[ColumnElement[bool]]:
    return [col(Measure.archived).is_(False), col(Measure.status).not_in(FINAL_STATUSES)]


def _label(code: str, title: str) -> str:
    return f"{code} {title}"


def _day(moment: datetime) -> date:
    return as_aware(moment).astimezone(BERLIN).date()


# --- status reports ---------------------------------------------------------------------------


def _report_rows(session: Session, where: list[ColumnElement[bool]]) -> list[Any]:
    last = func.max(col(StatusReport.reported_at))
    query = (
        select(
            col(Measure.id),
            col(Measure.code),
            col(Measure.title),
            col(Measure.lead_municipality_id),
            col(Measure.actual_start),
            col(Strategy.report_interval_days),
            last,
        )
        .join(Strategy, col(Strategy.id) == col(Measure.strategy_id))
        .outerjoin(StatusReport, col(StatusReport.measure_id) == col(Measure.id))
        .where(*_running(), *where)
        .group_by(
            col(Measure.id),
            col(Measure.code),
            col(Measure.title),
            col(Measure.lead_municipality_id),
            col(Measure.actual_start),
            col(Strategy.report_interval_days),
        )
    )
    return list(session.execute(query).all())


def report_due_on(last: datetime | None, interval_days: int) -> date | None:
    """The day a measure's next status report falls due (None: it never had one)."""
    return None if last is None else _day(last) + timedelta(days=interval_days)


def reports_due(session: Session, scope: AgendaScope) -> list[Task]:
    """Running measures without a status report for the strategy's interval (default 30 days),
    the scope's led measures first, the longest overdue first."""
    tasks = []
    for measure_id, code, title, lead_id, _start, interval, last in _report_rows(
        session, [involving(scope.municipality_ids)]
    ):
        due = report_due_on(last, interval)
        if due is not None and due > scope.on:
            continue
        led = scope.municipality_ids is not None and lead_id in scope.municipality_ids
        if due is None:
            detail, urgency = "Noch kein Statusbericht.", Urgency.due
        else:
            urgency = Urgency.overdue if due < scope.on else Urgency.due
            detail = (
                f"Letzter Statusbericht am {fmt_date(_day(last))}, fällig seit {fmt_date(due)}."
            )
        if led:
            detail = "Federführung. " + detail
        tasks.append(
            Task(
                key=f"statusbericht:{measure_id}",
                title=_label(code, title),
                detail=detail,
                href=f"/massnahmen/{code}#statusbereich",
                urgency=urgency,
                due_on=due,
                order=(not led, due or date.min, code),
            )
        )
    return sorted(tasks, key=lambda t: t.order)


# --- milestones -------------------------------------------------------------------------------


def _milestones(
    session: Session, municipality_ids: frozenset[int] | None, *conditions: Any
) -> list[Any]:
    query = (
        select(Milestone, col(Measure.code), col(Measure.title))
        .join(ProjectPlan, col(ProjectPlan.id) == col(Milestone.plan_id))
        .join(Measure, col(Measure.id) == col(ProjectPlan.measure_id))
        .where(
            col(Milestone.archived).is_(False),
            col(Milestone.due_on).is_not(None),
            involving(municipality_ids),
            *conditions,
        )
        .order_by(col(Milestone.due_on), col(Measure.code), col(Milestone.id))
    )
    return list(session.execute(query).all())


def _milestone_task(milestone: Milestone, code: str, title: str, on: date) -> Task:
    due = milestone.due_on
    assert due is not None
    if due < on:
        urgency, when = Urgency.overdue, f"war am {fmt_date(due)} fällig"
    elif due == on:
        urgency, when = Urgency.due, "ist heute fällig"
    else:
        urgency, when = Urgency.soon, f"ist am {fmt_date(due)} fällig"
    owner = f" Zuständig: {milestone.owner}." if milestone.owner else ""
    return Task(
        key=f"meilenstein:{milestone.id}",
        title=f"{milestone.title} ({code})",
        detail=f"Meilenstein von {_label(code, title)} {when}.{owner}",
        href=f"/massnahmen/{code}#projektplan",
        urgency=urgency,
        due_on=due,
        order=(due, code),
    )


def milestones_overdue(session: Session, scope: AgendaScope) -> list[Task]:
    rows = _milestones(
        session,
        scope.municipality_ids,
        *_running(),
        col(Milestone.done_on).is_(None),
        col(Milestone.due_on) < scope.on,
    )
    return [_milestone_task(m, code, title, scope.on) for m, code, title in rows]


def milestones_next(session: Session, scope: AgendaScope) -> list[Task]:
    rows = _milestones(
        session,
        scope.municipality_ids,
        *_running(),
        col(Milestone.done_on).is_(None),
        col(Milestone.due_on) >= scope.on,
        col(Milestone.due_on) <= scope.on + timedelta(days=NEXT_MILESTONE_DAYS),
    )
    return [_milestone_task(m, code, title, scope.on) for m, code, title in rows]


# --- measures at risk -----------------------------------------------------------


def measures_at_risk(session: Session, scope: AgendaScope) -> list[Task]:
    """Running measures whose traffic light is red or whose planned end has passed."""
    rows = session.execute(
        select(Measure)
        .where(
            *_running(),
            involving(scope.municipality_ids),
            or_(col(Measure.traffic_light) == "rot", col(Measure.planned_end) < scope.on),
        )
        .order_by(col(Measure.code))
    ).scalars()
    tasks = []
    for measure in rows:
        reasons = []
        late = measure.planned_end is not None and measure.planned_end < scope.on
        if measure.traffic_light == "rot":
            reasons.append("Ampel rot – kritisch")
        if late:
            reasons.append(f"Geplantes Ende {fmt_date(measure.planned_end)} überschritten")
        tasks.append(
            Task(
                key=f"risiko:{measure.id}",
                title=_label(measure.code, measure.title),
                detail="; ".join(reasons) + f" ({measure.progress} % umgesetzt).",
                href=f"/massnahmen/{measure.code}",
                urgency=Urgency.overdue if late else Urgency.due,
                due_on=measure.planned_end if late else None,
                order=(not late, measure.planned_end or date.max, measure.code),
            )
        )
    return sorted(tasks, key=lambda t: t.order)


# --- calendar ---------------------------------------------------------------------------------


def _event_scope(query: EventQuery) -> ColumnElement[bool]:
    if query.measure_id is not None:
        return col(Measure.id) == query.measure_id
    return involving(query.municipality_ids)


def milestone_events(session: Session, query: EventQuery) -> list[Event]:
    rows = session.execute(
        select(Milestone, col(Measure.code), col(Measure.title))
        .join(ProjectPlan, col(ProjectPlan.id) == col(Milestone.plan_id))
        .join(Measure, col(Measure.id) == col(ProjectPlan.measure_id))
        .where(
            col(Milestone.archived).is_(False),
            col(Measure.archived).is_(False),
            col(Milestone.due_on) >= query.start,
            col(Milestone.due_on) <= query.end,
            _event_scope(query),
        )
        .order_by(col(Milestone.due_on), col(Milestone.id))
    ).all()
    events = []
    for milestone, code, title in rows:
        done = f" Erledigt am {fmt_date(milestone.done_on)}." if milestone.done_on else ""
        owner = f" Zuständig: {milestone.owner}." if milestone.owner else ""
        events.append(
            Event(
                uid=f"meilenstein-{milestone.id}",
                summary=(
                    f"Meilenstein {'erledigt' if milestone.done_on else 'fällig'}: "
                    f"{milestone.title} ({code})"
                ),
                description=f"Meilenstein von {_label(code, title)}.{owner}{done}",
                href=f"/massnahmen/{code}#projektplan",
                day=milestone.due_on,
                categories=("Meilenstein",),
            )
        )
    return events


def report_events(session: Session, query: EventQuery) -> list[Event]:
    """The day each running measure's next status report falls due (the same event, with the
    same UID, moves on with every report)."""
    events = []
    for measure_id, code, title, _lead, start, interval, last in _report_rows(
        session, [_event_scope(query)]
    ):
        due = report_due_on(last, interval)
        if due is None and start is not None:
            due = start + timedelta(days=interval)
        if due is None or not query.start <= due <= query.end:
            continue
        last_text = f"Letzter Statusbericht am {fmt_date(_day(last))}." if last else ""
        events.append(
            Event(
                uid=f"statusbericht-{measure_id}",
                summary=f"Statusbericht fällig: {_label(code, title)}",
                description=f"Statusbericht alle {interval} Tage. {last_text}".strip(),
                href=f"/massnahmen/{code}#statusbereich",
                day=due,
                categories=("Statusbericht",),
            )
        )
    return events


DIGITAL = frozenset({Role.digital})
HAUPTAMT = frozenset({Role.hauptamt})

REPORTS_DUE = TaskSource(
    key="statusberichte",
    heading="Statusberichte fällig",
    roles=DIGITAL,
    find=reports_due,
    explanation="Laufende Maßnahmen ohne Statusbericht im Berichtsrhythmus der Strategie.",
)
MILESTONES_OVERDUE = TaskSource(
    key="meilensteine-ueberfaellig",
    heading="Überfällige Meilensteine",
    roles=DIGITAL,
    find=milestones_overdue,
)
MILESTONES_NEXT = TaskSource(
    key="meilensteine-naechste",
    heading=f"Meilensteine der nächsten {NEXT_MILESTONE_DAYS} Tage",
    roles=DIGITAL,
    find=milestones_next,
)
MEASURES_AT_RISK = TaskSource(
    key="risiko",
    heading="Maßnahmen rot oder im Verzug",
    roles=HAUPTAMT,
    find=measures_at_risk,
)
MILESTONE_EVENTS = EventSource(key="meilensteine", find=milestone_events)
REPORT_EVENTS = EventSource(key="statusberichte", find=report_events)
