"""The risk register's tasks and calendar entries (see :mod:`app.core.agenda`).

Task: open risks whose review date has passed or comes within two weeks, for the
Digitalisierungsbeauftragte and the Hauptamtsleitung of the risk's responsible municipality (the
IKZ-Koordination sees all). Calendar: the review dates of open risks (UID
``risikopruefung-<id>``: the entry moves with its date).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlmodel import Session, col

from app.core.agenda import AgendaScope, Event, EventQuery, EventSource, Task, TaskSource, Urgency
from app.core.enums import Role
from app.core.formatting import fmt_date
from app.portfolio.models import Measure, Participation
from app.risks.models import Risk
from app.risks.queries import is_open
from app.risks.scale import score, severity

REVIEW_AHEAD_DAYS = 14


def _open_reviews(*conditions: ColumnElement[bool]) -> Any:
    return (
        select(Risk, col(Measure.code), col(Measure.title))
        .join(Measure, col(Measure.id) == col(Risk.measure_id))
        .where(
            col(Measure.archived).is_(False),
            is_open(),
            col(Risk.review_on).is_not(None),
            *conditions,
        )
        .order_by(col(Risk.review_on), col(Risk.id))
    )


def _rating(risk: Risk) -> str:
    value = score(risk.current_probability, risk.current_impact)
    return f"Bewertung {value} ({severity(value)})"


def reviews_due(session: Session, scope: AgendaScope) -> list[Task]:
    """Open risks of the scope's municipalities to review: overdue first, then the next days."""
    conditions = [col(Risk.review_on) <= scope.on + timedelta(days=REVIEW_AHEAD_DAYS)]
    if scope.municipality_ids is not None:
        conditions.append(col(Risk.municipality_id).in_(sorted(scope.municipality_ids)))
    tasks = []
    for risk, code, _title in session.execute(_open_reviews(*conditions)).all():
        due = risk.review_on
        assert due is not None  # the query asks for a review date
        if due < scope.on:
            urgency, when = Urgency.overdue, f"Überprüfung überfällig seit {fmt_date(due)}"
        elif due == scope.on:
            urgency, when = Urgency.due, "Überprüfung heute"
        else:
            urgency, when = Urgency.soon, f"Überprüfung am {fmt_date(due)}"
        owner = f" Verantwortlich: {risk.owner}." if risk.owner else ""
        tasks.append(
            Task(
                key=f"risikopruefung:{risk.id}",
                title=f"{code}: {risk.title}",
                detail=f"{when}. {_rating(risk)}.{owner}",
                href=f"/massnahmen/{code}/risiken#risiko-{risk.id}",
                urgency=urgency,
                due_on=due,
                order=(due, code, risk.id),
            )
        )
    return sorted(tasks, key=lambda t: (t.urgency, t.order))


def _event_scope(query: EventQuery) -> ColumnElement[bool]:
    if query.measure_id is not None:
        return col(Measure.id) == query.measure_id
    if query.municipality_ids is None:
        return true()
    ids = sorted(query.municipality_ids)
    participating = select(col(Participation.measure_id)).where(
        col(Participation.municipality_id).in_(ids)
    )
    return or_(col(Measure.lead_municipality_id).in_(ids), col(Measure.id).in_(participating))


def review_events(session: Session, query: EventQuery) -> list[Event]:
    rows = session.execute(
        _open_reviews(
            col(Risk.review_on) >= query.start,
            col(Risk.review_on) <= query.end,
            _event_scope(query),
        )
    ).all()
    return [
        Event(
            uid=f"risikopruefung-{risk.id}",
            summary=f"Risiko überprüfen: {risk.title} ({code})",
            description=(
                f"Risiko der Maßnahme {code} {title}. {_rating(risk)}."
                + (f" Verantwortlich: {risk.owner}." if risk.owner else "")
            ),
            href=f"/massnahmen/{code}/risiken#risiko-{risk.id}",
            day=risk.review_on,
            categories=("Risikoprüfung",),
        )
        for risk, code, title in rows
    ]


REVIEWS_DUE = TaskSource(
    key="risikopruefung",
    heading="Risiken zur Überprüfung",
    roles=frozenset({Role.digital, Role.hauptamt}),
    find=reviews_due,
    explanation=(
        f"Offene Risiken, deren Überprüfung fällig ist oder in den nächsten "
        f"{REVIEW_AHEAD_DAYS} Tagen ansteht."
    ),
)
REVIEW_EVENTS = EventSource(key="risikopruefung", find=review_events)
