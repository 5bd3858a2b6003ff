"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index
from sqlmodel import Field, SQLModel

from app.enums import AuditAction, enum_check
from app.timeutil import utcnow


class AuditEvent(SQLModel, table=True):
    """Who changed what, when: one row per inserted, updated or deleted audited entity."""

    __tablename__ = "audit_event"
    __table_args__ = (
        enum_check("action", AuditAction),
        Index("ix_audit_event_entity", "entity", "entity_id"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
        # A measure's newest changes without sorting its whole history (the measure page).
        Index("ix_audit_event_measure_occurred", "measure_id", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    actor_id: int | None = Field(default=None, index=True)
    actor_name: str = Field(default="", max_length=120)
    request_id: str = Field(default="", max_length=64)
    entity: str = Field(max_length=60)
    entity_id: str = Field(max_length=60)
    measure_id: int | None = None
    action: str = Field(max_length=10)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
