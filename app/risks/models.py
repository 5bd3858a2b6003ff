"""The risk register's table. Integrity lives in the database: the scale 1–5, a residual rating
given whole or not at all, the status."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Index, Text
from sqlmodel import Field, SQLModel

from app.audit.models import HIDDEN, Audited, AuditField
from app.core.db import Versioned
from app.core.enums import RiskStatus, enum_check


class Risk(Audited, Versioned, SQLModel, table=True):
    """A risk of a measure: cause, effect, gross and residual rating, owner and mitigation."""

    __audit_label__ = "Risiko"
    __audit_fields__ = {
        "measure_id": HIDDEN,
        "title": AuditField("Titel"),
        "cause": AuditField("Ursache"),
        "effect": AuditField("Auswirkung (Beschreibung)"),
        "probability": AuditField("Eintrittswahrscheinlichkeit (1–5)", "number"),
        "impact": AuditField("Schadensausmaß (1–5)", "number"),
        "residual_probability": AuditField("Wahrscheinlichkeit nach Maßnahmen (1–5)", "number"),
        "residual_impact": AuditField("Ausmaß nach Maßnahmen (1–5)", "number"),
        "owner": AuditField("Risikoverantwortlich"),
        "municipality_id": AuditField("Zuständige Kommune", "municipality"),
        "mitigation": AuditField("Gegenmaßnahmen"),
        "status": AuditField("Status", "choice"),
        "review_on": AuditField("Überprüfen am", "date"),
        "example": AuditField("Beispieldaten", "bool"),
        "version": HIDDEN,
    }

    __tablename__ = "risk"
    __table_args__ = (
        CheckConstraint("probability BETWEEN 1 AND 5", name="probability_scale"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_scale"),
        CheckConstraint(
            "residual_probability IS NULL OR residual_probability BETWEEN 1 AND 5",
            name="residual_probability_scale",
        ),
        CheckConstraint(
            "residual_impact IS NULL OR residual_impact BETWEEN 1 AND 5",
            name="residual_impact_scale",
        ),
        CheckConstraint(
            "(residual_probability IS NULL) = (residual_impact IS NULL)",
            name="residual_whole",
        ),
        enum_check("status", RiskStatus),
        # Open risks by review date (the home page's tasks, the calendar).
        Index("ix_risk_status_review", "status", "review_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    title: str = Field(max_length=200)
    cause: str = Field(default="", sa_type=Text)
    effect: str = Field(default="", sa_type=Text)
    probability: int
    impact: int
    residual_probability: int | None = None
    residual_impact: int | None = None
    owner: str = Field(default="", max_length=120)
    # Whose risk it is; its officers and Hauptamtsleitung see the review among their tasks.
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    mitigation: str = Field(default="", sa_type=Text)
    status: str = Field(default=RiskStatus.offen.value, max_length=20)
    review_on: date | None = None
    example: bool = Field(default=False)
    version: int = Field(default=1)

    @property
    def mitigated(self) -> bool:
        return self.residual_probability is not None and self.residual_impact is not None

    @property
    def current_probability(self) -> int:
        return (
            self.residual_probability if self.residual_probability is not None else self.probability
        )

    @property
    def current_impact(self) -> int:
        return self.residual_impact if self.residual_impact is not None else self.impact
