"""Tables of the portfolio domain. Integrity lives in the database: keys, uniques and checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import Versioned
from app.enums import (
    ApprovalResult,
    CostKeyKind,
    MeasureStatus,
    MunicipalityKind,
    Priority,
    TrafficLight,
    enum_check,
)
from app.timeutil import utcnow


class Municipality(Versioned, SQLModel, table=True):
    """A Kommune taking part in the cooperation."""

    __tablename__ = "municipality"
    __table_args__ = (
        enum_check("kind", MunicipalityKind),
        CheckConstraint("population >= 0", name="population_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=20)
    executive_body: str = Field(max_length=60)
    council: str = Field(max_length=80)
    population: int
    population_date: date
    population_source: str = Field(max_length=255)
    version: int = Field(default=1)


class Strategy(Versioned, SQLModel, table=True):
    """A digital strategy with its period; the UI works within one of them."""

    __tablename__ = "strategy"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        CheckConstraint("period_start BETWEEN 2000 AND 2100", name="period_plausible"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True)
    title: str = Field(max_length=200)
    period_start: int
    period_end: int
    adopted_on: date | None = None
    council_references: str = Field(default="", sa_type=Text)
    description: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)


class StrategyDecision(SQLModel, table=True):
    """One step of a strategy's Beratungsfolge in one municipality (body, date, Drucksache)."""

    __tablename__ = "strategy_decision"
    __table_args__ = (enum_check("result", ApprovalResult),)

    id: int | None = Field(default=None, primary_key=True)
    strategy_id: int = Field(foreign_key="strategy.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    body: str = Field(max_length=120)
    decided_on: date
    drucksache: str = Field(default="", max_length=60)
    result: str = Field(max_length=20)


class ActionField(Versioned, SQLModel, table=True):
    """Handlungsfeld of a strategy."""

    __tablename__ = "action_field"
    __table_args__ = (UniqueConstraint("strategy_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    strategy_id: int = Field(foreign_key="strategy.id", index=True)
    code: str = Field(max_length=20)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    position: int = Field(default=0)
    version: int = Field(default=1)


class Measure(Versioned, SQLModel, table=True):
    """Maßnahme: the unit the portfolio is run by."""

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


class Participation(Versioned, SQLModel, table=True):
    """A municipality taking part in a measure; ``share_bp`` is its custom share in 1/100 %."""

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


class Approval(Versioned, SQLModel, table=True):
    """Beschluss of a municipality's body on a measure (or its project plan)."""

    __tablename__ = "approval"
    __table_args__ = (enum_check("result", ApprovalResult),)

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    body: str = Field(max_length=120)
    decided_on: date
    drucksache: str = Field(default="", max_length=60)
    result: str = Field(max_length=20)
    version: int = Field(default=1)


class ProjectPlan(Versioned, SQLModel, table=True):
    """Projektplan of a measure (one per measure)."""

    __tablename__ = "project_plan"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", unique=True)
    summary: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)


class Milestone(Versioned, SQLModel, table=True):
    """Meilenstein of a project plan."""

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


class StatusReport(SQLModel, table=True):
    """Dated snapshot of a measure's state. Never edited, never deleted."""

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
