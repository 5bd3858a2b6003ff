"""The council cycle's tasks and calendar entries (listed in :mod:`app.agenda.registry`).

* "Offene Beschlüsse": per running measure and participating municipality, the decision its
  bodies have not yet taken (the rule of :mod:`app.councils.queries.approval_summary`);
* "Nächste Sitzungstermine": planned sessions of the municipality's bodies in the next weeks,
  with the Vorlagen on their agenda;
* the sessions as all-day calendar entries (UID ``sitzung-<id>``).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from app.core.agenda import AgendaScope, Event, EventQuery, EventSource, Task, TaskSource, Urgency
from app.core.enums import Role, SessionStatus
from app.core.formatting import fmt_date
from app.councils.queries.approval_summary import approval_summaries, open_decision
from app.councils.queries.sessions import sessions_for_calendar, upcoming_sessions
from app.municipalities.models import Municipality
from app.portfolio.models import Measure
from app.portfolio.queries import involving

NEXT_SESSION_DAYS = 28
HAUPTAMT = frozenset({Role.hauptamt})


def decisions_open(session: Session, scope: AgendaScope) -> list[Task]:
    """Per measure and participating municipality of the scope: no decision yet, or deferred."""
    rows = session.execute(
        select(col(Measure.id), col(Measure.code), col(Measure.title))
        .where(open_decision(), involving(scope.municipality_ids))
        .order_by(col(Measure.code))
    ).all()
    summaries = approval_summaries(session, [row[0] for row in rows])
    slugs = dict(session.execute(select(col(Municipality.id), col(Municipality.slug))).all())
    tasks = []
    for measure_id, code, title in rows:
        summary = summaries.get(measure_id)
        for decision in summary.open if summary else []:
            if not scope.covers(decision.municipality_id):
                continue
            if decision.last_result:
                detail = (
                    f"{decision.last_body} am {fmt_date(decision.last_on)}: {decision.last_result}."
                )
            else:
                detail = "Noch kein Beschluss."
            tasks.append(
                Task(
                    key=f"beschluss:{measure_id}:{decision.municipality_id}",
                    title=f"{code} {title} – Beschluss {decision.municipality_name}",
                    detail=detail,
                    href=f"/massnahmen/{code}#beschluss-{slugs.get(decision.municipality_id, '')}",
                    urgency=Urgency.due,
                    order=(code, decision.municipality_name),
                )
            )
    return tasks


def _agenda_text(count: int) -> str:
    if count == 0:
        return "Noch keine Vorlage auf der Tagesordnung."
    return f"{count} Vorlage{'n' if count != 1 else ''} auf der Tagesordnung."


def sessions_next(session: Session, scope: AgendaScope) -> list[Task]:
    """Planned sessions of the scope's bodies from today to four weeks ahead, with the Vorlagen
    on their agenda."""
    found = upcoming_sessions(
        session,
        None if scope.municipality_ids is None else sorted(scope.municipality_ids),
        scope.on + timedelta(days=NEXT_SESSION_DAYS),
        since=scope.on,
    )
    tasks = []
    for sitting in found:
        agenda = (
            "Tagesordnung: " + "; ".join(sitting.agenda) + "."
            if sitting.agenda
            else _agenda_text(0)
        )
        place = f" Ort: {sitting.place}." if sitting.place else ""
        tasks.append(
            Task(
                key=f"sitzung:{sitting.id}",
                title=f"{sitting.body} {sitting.municipality} am {fmt_date(sitting.held_on)}",
                detail=agenda + place,
                href=f"/gremien/sitzungen/{sitting.id}",
                urgency=Urgency.soon,
                due_on=sitting.held_on,
                order=(sitting.held_on, sitting.municipality, sitting.body),
            )
        )
    return tasks


def session_events(session: Session, query: EventQuery) -> list[Event]:
    """Every session in the period as an all-day entry; for a measure's feed the sessions that
    deliberate a Vorlage about it."""
    events = []
    for row in sessions_for_calendar(
        session,
        start=query.start,
        end=query.end,
        municipality_ids=query.municipality_ids,
        measure_id=query.measure_id,
    ):
        sitting, body, town = row.session, row.body.name, row.municipality.name
        cancelled = sitting.status == SessionStatus.abgesagt.value
        place = f" Ort: {sitting.place}." if sitting.place else ""
        events.append(
            Event(
                uid=f"sitzung-{sitting.id}",
                summary=f"{'Abgesagt: ' if cancelled else ''}Sitzung {body} {town}",
                description=f"{body} {town}. {_agenda_text(row.agenda)}{place}",
                href=f"/gremien/sitzungen/{sitting.id}",
                day=sitting.held_on,
                categories=("Sitzung",),
            )
        )
    return events


DECISIONS_OPEN = TaskSource(
    key="beschluesse",
    heading="Offene Beschlüsse",
    roles=HAUPTAMT,
    find=decisions_open,
    explanation="Beteiligte Kommunen, deren Gremien noch nicht zugestimmt oder abgelehnt haben.",
)
SESSIONS_NEXT = TaskSource(
    key="sitzungen",
    heading="Nächste Sitzungstermine",
    roles=HAUPTAMT,
    find=sessions_next,
    explanation="Geplante Sitzungen der Gremien in den nächsten vier Wochen.",
)
SESSION_EVENTS = EventSource(key="sitzungen", find=session_events)
