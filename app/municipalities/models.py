"""The municipality table: every domain reads it, so it lives below all of them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from app.audit.models import HIDDEN, Audited, AuditField
from app.core.db import Versioned
from app.core.enums import MunicipalityKind, enum_check


class Municipality(Audited, Versioned, SQLModel, table=True):
    """A Kommune taking part in the cooperation."""

    __audit_label__ = "Kommune"
    __audit_fields__ = {
        "slug": HIDDEN,
        "name": AuditField("Name"),
        "kind": AuditField("Art", "choice"),
        "executive_body": AuditField("Verwaltungsorgan"),
        "council": AuditField("Vertretungskörperschaft"),
        "population": AuditField("Einwohnerzahl", "number"),
        "population_date": AuditField("Stand der Einwohnerzahl", "date"),
        "population_source": AuditField("Quelle der Einwohnerzahl"),
        "version": HIDDEN,
    }

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
