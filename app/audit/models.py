"""The append-only audit log, and what an audited table tells it about itself.

A table takes part in the audit trail by mixing in :class:`Audited`: it names itself in German,
names its fields in German with the kind of value they hold (so the history can show euros,
dates and names instead of raw columns), and says which measure a row belongs to (so a measure's
page can show its own history). The audit package therefore imports no domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Literal

from sqlalchemy import JSON, Connection, DateTime, Index
from sqlmodel import Field, SQLModel

from app.core.enums import AuditAction, enum_check
from app.core.timeutil import utcnow

ValueKind = Literal[
    "text",
    "money",
    "date",
    "datetime",
    "bool",
    "choice",
    "percent_bp",
    "number",
    "hundredths",
    "municipality",
    "user",
    "hidden",
]


@dataclass(frozen=True)
class AuditField:
    """How a field appears in the history: German label and the kind of value it holds."""

    label: str
    kind: ValueKind = "text"


HIDDEN = AuditField("", "hidden")


class Audited:
    """Mixin for tables whose every insert, update and delete the audit trail records."""

    __audit_label__: ClassVar[str] = ""
    __audit_fields__: ClassVar[Mapping[str, AuditField]] = {}

    def audit_measure_id(self, connection: Connection) -> int | None:
        """The measure this row belongs to, for the measure's change history (None: none)."""
        value = getattr(self, "measure_id", None)
        return int(value) if value is not None else None


def audited_tables() -> dict[str, type[Audited]]:
    """Every audited table by name (the subclasses of :class:`Audited` that have a table)."""
    found: dict[str, type[Audited]] = {}
    pending: list[type[Audited]] = list(Audited.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        name = getattr(cls, "__tablename__", None)
        if isinstance(name, str):
            found[name] = cls
    return found


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
