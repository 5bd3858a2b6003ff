"""Reading the audit log: the admin's filterable list and a measure's change history.

Nothing here writes: audit events are appended by :mod:`app.audit.listener` only, and no
function or route changes or deletes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.core.errors import ValidationFailed
from app.core.paging import page_in_range
from app.core.timeutil import BERLIN

PAGE_SIZE = 50

ENTITY_LABELS: dict[str, str] = {
    "municipality": "Kommune",
    "strategy": "Strategie",
    "strategy_decision": "Strategiebeschluss",
    "action_field": "Handlungsfeld",
    "measure": "Maßnahme",
    "participation": "Beteiligung",
    "approval": "Beschluss",
    "project_plan": "Projektplan",
    "milestone": "Meilenstein",
    "status_report": "Statusbericht",
    "budget_line": "Budgetposition",
    "funding_programme": "Förderprogramm",
    "grant": "Zuwendung",
    "grant_measure": "Zuwendung – Maßnahme",
    "drawdown": "Mittelabruf",
    "proof_of_use": "Verwendungsnachweis",
    "haushalt_mapping": "Haushaltszuordnung",
    "investment_number": "Investitionsnummer",
    "user_account": "Benutzer",
    "role_assignment": "Rollenzuordnung",
    "api_token": "API-Token",
}
ACTION_LABELS = {"insert": "angelegt", "update": "geändert", "delete": "gelöscht"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


def field_changes(event: AuditEvent) -> list[FieldChange]:
    """The changed fields of an event, in a stable order (the version column left out)."""
    changes = event.changes or {}
    return [
        FieldChange(field=key, before=value.get("before"), after=value.get("after"))
        for key, value in sorted(changes.items())
        if key != "version" and isinstance(value, dict)
    ]


@dataclass(frozen=True)
class AuditFilter:
    entity: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None
    measure_id: int | None = None
    page: int = 1


@dataclass(frozen=True)
class AuditPage:
    events: Sequence[AuditEvent]
    total: int
    page: int
    pages: int


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BERLIN)


def list_events(*, session: Session, filters: AuditFilter) -> AuditPage:
    """Audit events, newest first, filtered by entity, actor name, date range and measure."""
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise ValidationFailed({"date_to": "Das Enddatum liegt vor dem Anfangsdatum."})
    conditions: list[Any] = []
    if filters.entity:
        conditions.append(col(AuditEvent.entity) == filters.entity)
    if filters.actor:
        pattern = f"%{filters.actor.strip().lower()}%"
        conditions.append(func.lower(col(AuditEvent.actor_name)).like(pattern))
    if filters.date_from:
        conditions.append(col(AuditEvent.occurred_at) >= _start_of_day(filters.date_from))
    if filters.date_to:
        end = _start_of_day(filters.date_to + timedelta(days=1))
        conditions.append(col(AuditEvent.occurred_at) < end)
    if filters.measure_id is not None:
        conditions.append(col(AuditEvent.measure_id) == filters.measure_id)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    page, pages = page_in_range(filters.page, int(total), PAGE_SIZE)
    events = session.exec(
        select(AuditEvent)
        .where(*conditions)
        .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return AuditPage(events=events, total=int(total), page=page, pages=pages)


def entities_in_log(session: Session) -> list[str]:
    """Entity names that occur in the log (for the filter's choices)."""
    rows = session.exec(select(AuditEvent.entity).distinct().order_by(col(AuditEvent.entity)))
    return list(rows.all())


def measure_history(session: Session, measure_id: int, *, limit: int = 200) -> Sequence[AuditEvent]:
    """The measure's change history ("Änderungsverlauf"), newest first.

    Includes the measure itself and everything recorded with its ``measure_id`` (status
    reports, participations, approvals, plans, milestones, budget lines). Every signed-in user
    may read it.
    """
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.measure_id == measure_id)
        .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    ).all()


def measure_history_page(session: Session, measure_id: int, page: int) -> AuditPage:
    """One page of a measure's change history, newest first (every signed-in user reads it)."""
    total = session.exec(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.measure_id == measure_id)
    ).one()
    page, pages = page_in_range(page, int(total), PAGE_SIZE)
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.measure_id == measure_id)
        .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return AuditPage(events=events, total=int(total), page=page, pages=pages)
