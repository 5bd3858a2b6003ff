"""Tables of goals, indicators and their measured values.

A goal belongs to a measure or to an action field (exactly one of them). An indicator belongs to
a goal and is kept by one municipality; its values are stored in hundredths of the unit (62,5 %
is 6250), so no float ever holds a figure.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Text,
    UniqueConstraint,
    select,
)
from sqlmodel import Field, SQLModel, col

from app.audit.models import HIDDEN, Audited, AuditField
from app.core.db import Versioned, describe_unique
from app.core.enums import enum_check
from app.core.timeutil import utcnow

# The largest value of an indicator: one billion units, held in hundredths.
MAX_HUNDREDTHS = 100_000_000_000


class Direction(StrEnum):
    """Which way is better for an indicator."""

    steigend = "steigend"
    fallend = "fallend"


DIRECTION_LABELS = {
    Direction.steigend.value: "höher ist besser",
    Direction.fallend.value: "niedriger ist besser",
}


class Goal(Audited, Versioned, SQLModel, table=True):
    """Ziel of a measure or of an action field."""

    __audit_label__ = "Ziel"
    __audit_fields__ = {
        "measure_id": HIDDEN,
        "action_field_id": HIDDEN,
        "title": AuditField("Ziel"),
        "description": AuditField("Beschreibung"),
        "version": HIDDEN,
    }

    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint("(measure_id IS NULL) <> (action_field_id IS NULL)", name="one_scope"),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int | None = Field(default=None, foreign_key="measure.id", index=True)
    action_field_id: int | None = Field(default=None, foreign_key="action_field.id", index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)


class Indicator(Audited, Versioned, SQLModel, table=True):
    """Indikator: a measurable figure with baseline and target."""

    __audit_label__ = "Indikator"
    __audit_fields__ = {
        "goal_id": HIDDEN,
        "name": AuditField("Name"),
        "definition": AuditField("Definition"),
        "unit": AuditField("Einheit"),
        "direction": AuditField("Richtung", "choice"),
        "baseline_value": AuditField("Ausgangswert", "hundredths"),
        "baseline_on": AuditField("Ausgangswert vom", "date"),
        "target_value": AuditField("Zielwert", "hundredths"),
        "target_on": AuditField("Ziel bis", "date"),
        "source": AuditField("Quelle"),
        "municipality_id": AuditField("Zuständige Kommune", "municipality"),
        "example": AuditField("Beispieldaten", "bool"),
        "latest_on": HIDDEN,
        "latest_value": HIDDEN,
        "behind": HIDDEN,
        "reached": HIDDEN,
        "version": HIDDEN,
    }

    def audit_measure_id(self, connection: Connection) -> int | None:
        query = select(col(Goal.measure_id)).where(col(Goal.id) == self.goal_id)
        measure_id = connection.execute(query).scalar_one_or_none()
        return int(measure_id) if measure_id is not None else None

    __tablename__ = "indicator"
    __table_args__ = (
        enum_check("direction", Direction),
        CheckConstraint(
            f"baseline_value BETWEEN 0 AND {MAX_HUNDREDTHS}", name="baseline_value_range"
        ),
        CheckConstraint(f"target_value BETWEEN 0 AND {MAX_HUNDREDTHS}", name="target_value_range"),
        CheckConstraint("target_on > baseline_on", name="target_after_baseline"),
        CheckConstraint(
            f"latest_value IS NULL OR latest_value BETWEEN 0 AND {MAX_HUNDREDTHS}",
            name="latest_value_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    name: str = Field(max_length=200)
    definition: str = Field(default="", sa_type=Text)
    unit: str = Field(max_length=30)
    direction: str = Field(default=Direction.steigend.value, max_length=10)
    baseline_value: int = Field(sa_column=Column(BigInteger, nullable=False))
    baseline_on: date
    target_value: int = Field(sa_column=Column(BigInteger, nullable=False))
    target_on: date
    source: str = Field(default="", max_length=300)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    example: bool = Field(default=False)
    # Derived from the values in the same unit of work (``service.refresh_state``), so the
    # dashboard counts in SQL: the latest value, and whether it is behind the path or on target.
    latest_on: date | None = None
    latest_value: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    behind: bool = Field(default=False)
    reached: bool = Field(default=False)
    version: int = Field(default=1)


class IndicatorValue(Audited, SQLModel, table=True):
    """A measured value of an indicator (Messwert); one per indicator and day."""

    __audit_label__ = "Messwert"
    __audit_fields__ = {
        "indicator_id": HIDDEN,
        "measured_on": AuditField("Gemessen am", "date"),
        "value": AuditField("Wert", "hundredths"),
        "note": AuditField("Anmerkung"),
        "author_id": HIDDEN,
        "author_name": AuditField("Erfasst von"),
        "entered_at": HIDDEN,
    }

    def audit_measure_id(self, connection: Connection) -> int | None:
        query = (
            select(col(Goal.measure_id))
            .join(Indicator, col(Indicator.goal_id) == col(Goal.id))
            .where(col(Indicator.id) == self.indicator_id)
        )
        measure_id = connection.execute(query).scalar_one_or_none()
        return int(measure_id) if measure_id is not None else None

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "measured_on"),
        CheckConstraint(f"value BETWEEN 0 AND {MAX_HUNDREDTHS}", name="value_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    measured_on: date
    value: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str = Field(default="", max_length=500)
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    author_name: str = Field(default="", max_length=120)
    entered_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


describe_unique(
    IndicatorValue,
    ("indicator_id", "measured_on"),
    "measured_on",
    "Für diesen Tag ist bereits ein Wert erfasst.",
)
