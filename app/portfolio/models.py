"""Tables of the portfolio domain. Integrity lives in the database: keys, uniques and checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Connection, DateTime, Index, Text, UniqueConstraint, select
from sqlmodel import Field, SQLModel, col

from app.audit.models import HIDDEN, Audited, AuditField
from app.core.db import Versioned, describe_unique
from app.core.enums import (
    CostKeyKind,
    MeasureStatus,
    Priority,
    TrafficLight,
    enum_check,
)
from app.core.timeutil import utcnow


class Strategy(Audited, Versioned, SQLModel, table=True):
    """A digital strategy with its period; the UI works within one of them."""

    __audit_label__ = "Digitalstrategie"
    __audit_fields__ = {
        "slug": HIDDEN,
        "title": AuditField("Titel"),
        "period_start": AuditField("Beginn des Zeitraums", "text"),
        "period_end": AuditField("Ende des Zeitraums", "text"),
        "adopted_on": AuditField("Beschlossen am", "date"),
        "council_references": AuditField("Beschlüsse"),
        "description": AuditField("Beschreibung"),
        "report_interval_days": AuditField("Statusbericht fällig nach (Tagen)", "number"),
        "version": HIDDEN,
    }

    __tablename__ = "strategy"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        CheckConstraint("period_start BETWEEN 2000 AND 2100", name="period_plausible"),
        CheckConstraint("report_interval_days BETWEEN 1 AND 365", name="report_interval_plausible"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True)
    title: str = Field(max_length=200)
    period_start: int
    period_end: int
    adopted_on: date | None = None
    council_references: str = Field(default="", sa_type=Text)
    description: str = Field(default="", sa_type=Text)
    # An active measure's status report is due this many days after the last one.
    report_interval_days: int = Field(default=30)
    version: int = Field(default=1)


class ActionField(Audited, Versioned, SQLModel, table=True):
    """Handlungsfeld of a strategy."""

    __audit_label__ = "Handlungsfeld"
    __audit_fields__ = {
        "strategy_id": HIDDEN,
        "code": AuditField("Kürzel"),
        "title": AuditField("Titel"),
        "description": AuditField("Beschreibung"),
        "position": AuditField("Reihenfolge", "number"),
        "version": HIDDEN,
    }

    __tablename__ = "action_field"
    __table_args__ = (UniqueConstraint("strategy_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    strategy_id: int = Field(foreign_key="strategy.id", index=True)
    code: str = Field(max_length=20)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    position: int = Field(default=0)
    version: int = Field(default=1)


class Measure(Audited, Versioned, SQLModel, table=True):
    """Maßnahme: the unit the portfolio is run by."""

    __audit_label__ = "Maßnahme"
    __audit_fields__ = {
        "strategy_id": HIDDEN,
        "action_field_id": HIDDEN,
        "code": AuditField("Code"),
        "title": AuditField("Titel"),
        "goal": AuditField("Ziel"),
        "expected_effect": AuditField("Erwartete Wirkung"),
        "priority": AuditField("Priorität", "choice"),
        "lead_municipality_id": AuditField("Federführung", "municipality"),
        "cost_key": AuditField("Kostenschlüssel", "choice"),
        "population_reference_date": AuditField("Stichtag der Einwohnerzahl", "date"),
        "planned_start": AuditField("Geplanter Beginn", "date"),
        "planned_end": AuditField("Geplantes Ende", "date"),
        "actual_start": AuditField("Tatsächlicher Beginn", "date"),
        "actual_end": AuditField("Tatsächliches Ende", "date"),
        "status": AuditField("Status", "choice"),
        "progress": AuditField("Fortschritt (%)", "number"),
        "traffic_light": AuditField("Ampel", "choice"),
        "responsible": AuditField("Verantwortlich"),
        "example": AuditField("Beispieldaten", "bool"),
        "archived": AuditField("Archiviert", "bool"),
        "version": HIDDEN,
    }

    def audit_measure_id(self, connection: Connection) -> int | None:
        return self.id

    __tablename__ = "measure"
    __table_args__ = (
        enum_check("priority", Priority),
        enum_check("status", MeasureStatus),
        enum_check("traffic_light", TrafficLight),
        enum_check("cost_key", CostKeyKind),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint(
            "planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start",
            name="planned_ordered",
        ),
        CheckConstraint(
            "actual_end IS NULL OR actual_start IS NULL OR actual_end >= actual_start",
            name="actual_ordered",
        ),
        Index("ix_measure_status_light", "status", "traffic_light"),
    )

    id: int | None = Field(default=None, primary_key=True)
    strategy_id: int = Field(foreign_key="strategy.id", index=True)
    action_field_id: int = Field(foreign_key="action_field.id", index=True)
    code: str = Field(max_length=30, unique=True)
    title: str = Field(max_length=200)
    goal: str = Field(default="", sa_type=Text)
    expected_effect: str = Field(default="", sa_type=Text)
    priority: str = Field(default=Priority.mittel.value, max_length=10)
    lead_municipality_id: int = Field(foreign_key="municipality.id", index=True)
    cost_key: str = Field(default=CostKeyKind.equal.value, max_length=12)
    population_reference_date: date | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    status: str = Field(default=MeasureStatus.geplant.value, max_length=20)
    progress: int = Field(default=0)
    traffic_light: str = Field(default=TrafficLight.gruen.value, max_length=10)
    responsible: str = Field(default="", max_length=120)
    example: bool = Field(default=False)
    archived: bool = Field(default=False, index=True)
    version: int = Field(default=1)


class Participation(Audited, Versioned, SQLModel, table=True):
    """A municipality taking part in a measure; ``share_bp`` is its custom share in 1/100 %."""

    __audit_label__ = "Beteiligung"
    __audit_fields__ = {
        "measure_id": HIDDEN,
        "municipality_id": AuditField("Kommune", "municipality"),
        "share_bp": AuditField("Kostenanteil", "percent_bp"),
        "version": HIDDEN,
    }

    __tablename__ = "participation"
    __table_args__ = (
        UniqueConstraint("measure_id", "municipality_id"),
        CheckConstraint(
            "share_bp IS NULL OR (share_bp >= 0 AND share_bp <= 10000)", name="share_range"
        ),
        # A municipality's measures straight from the index (the measures list's filter).
        Index("ix_participation_municipality_measure", "municipality_id", "measure_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    share_bp: int | None = None
    version: int = Field(default=1)


class ProjectPlan(Audited, Versioned, SQLModel, table=True):
    """Projektplan of a measure (one per measure)."""

    __audit_label__ = "Projektplan"
    __audit_fields__ = {
        "measure_id": HIDDEN,
        "summary": AuditField("Beschreibung"),
        "version": HIDDEN,
    }

    __tablename__ = "project_plan"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", unique=True)
    summary: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)


class Milestone(Audited, Versioned, SQLModel, table=True):
    """Meilenstein of a project plan."""

    __audit_label__ = "Meilenstein"
    __audit_fields__ = {
        "plan_id": HIDDEN,
        "title": AuditField("Titel"),
        "start_on": AuditField("Beginn", "date"),
        "due_on": AuditField("Fällig am", "date"),
        "done_on": AuditField("Erledigt am", "date"),
        "owner": AuditField("Zuständig"),
        "position": HIDDEN,
        "archived": AuditField("Archiviert", "bool"),
        "version": HIDDEN,
    }

    def audit_measure_id(self, connection: Connection) -> int | None:
        plan = select(col(ProjectPlan.measure_id)).where(col(ProjectPlan.id) == self.plan_id)
        measure_id = connection.execute(plan).scalar_one_or_none()
        return int(measure_id) if measure_id is not None else None

    __tablename__ = "milestone"
    __table_args__ = (
        CheckConstraint(
            "done_on IS NULL OR start_on IS NULL OR done_on >= start_on", name="done_after_start"
        ),
        CheckConstraint(
            "due_on IS NULL OR start_on IS NULL OR due_on >= start_on", name="due_after_start"
        ),
        Index("ix_milestone_open_due", "done_on", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="project_plan.id", index=True)
    title: str = Field(max_length=200)
    start_on: date | None = None
    due_on: date | None = None
    done_on: date | None = None
    owner: str = Field(default="", max_length=120)
    position: int = Field(default=0)
    archived: bool = Field(default=False)
    version: int = Field(default=1)


class StatusReport(Audited, SQLModel, table=True):
    """Dated snapshot of a measure's state. Never edited, never deleted."""

    __audit_label__ = "Statusbericht"
    __audit_fields__ = {
        "measure_id": HIDDEN,
        "reported_at": AuditField("Gemeldet am", "datetime"),
        "status": AuditField("Status", "choice"),
        "progress": AuditField("Fortschritt (%)", "number"),
        "traffic_light": AuditField("Ampel", "choice"),
        "summary": AuditField("Bericht"),
        "next_steps": AuditField("Nächste Schritte"),
        "author_id": HIDDEN,
        "author_name": AuditField("Verfasst von"),
    }

    __tablename__ = "status_report"
    __table_args__ = (
        enum_check("status", MeasureStatus),
        enum_check("traffic_light", TrafficLight),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        Index("ix_status_report_measure_reported", "measure_id", "reported_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id")
    reported_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    status: str = Field(max_length=20)
    progress: int
    traffic_light: str = Field(max_length=10)
    summary: str = Field(sa_type=Text)
    next_steps: str = Field(default="", sa_type=Text)
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    author_name: str = Field(default="", max_length=120)


describe_unique(Measure, ("code",), "code", "Diesen Code gibt es bereits.")
describe_unique(
    Participation,
    ("measure_id", "municipality_id"),
    "participants",
    "Diese Kommune ist an der Maßnahme bereits beteiligt.",
)
