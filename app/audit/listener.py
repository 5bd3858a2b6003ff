"""The one audit mechanism: SQLAlchemy session events on every audited table.

Services never write audit rows by hand. After each flush we look at what the unit of work
inserted, changed and deleted, and append one ``audit_event`` row per entity with the changed
fields' before and after values. The actor comes from ``session.info`` (set by the request's
session dependency or the CLI), the request id from a context variable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, attributes

from app.audit.models import Audited, AuditEvent
from app.core.context import ACTOR_ID_KEY, ACTOR_NAME_KEY, request_id_var
from app.core.enums import AuditAction
from app.core.timeutil import utcnow

REDACTED = {"password_hash", "token_hash"}
REDACTED_VALUE = "***"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _shown(key: str, value: Any) -> Any:
    if key in REDACTED and value is not None:
        return REDACTED_VALUE
    return _jsonable(value)


def _identity(obj: Any) -> str:
    # Read the key from the row values: during after_flush a freshly inserted object has its
    # primary key but not yet its identity key.
    state = inspect(obj)
    key = state.mapper.primary_key_from_instance(obj)
    if any(part is None for part in key):
        key = list(state.identity or ())
    return "/".join(str(part) for part in key)


def _column_keys(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _changes_for(obj: Any, action: AuditAction) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key in _column_keys(obj):
        if action is AuditAction.insert:
            value = getattr(obj, key)
            if value is not None:
                changes[key] = {"before": None, "after": _shown(key, value)}
        elif action is AuditAction.delete:
            history = attributes.get_history(obj, key)
            before = history.deleted[0] if history.deleted else getattr(obj, key)
            changes[key] = {"before": _shown(key, before), "after": None}
        else:
            history = attributes.get_history(obj, key)
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
            changes[key] = {"before": _shown(key, before), "after": _shown(key, after)}
    return changes


def _rows(session: Session) -> list[dict[str, Any]]:
    actor_id = session.info.get(ACTOR_ID_KEY)
    actor_name = session.info.get(ACTOR_NAME_KEY, "System")
    request_id = request_id_var.get()
    now = utcnow()
    rows: list[dict[str, Any]] = []
    groups = (
        (AuditAction.insert, session.new),
        (AuditAction.update, session.dirty),
        (AuditAction.delete, session.deleted),
    )
    for action, objects in groups:
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            table = str(getattr(obj, "__tablename__", ""))
            if action is AuditAction.update and not session.is_modified(obj):
                continue
            changes = _changes_for(obj, action)
            if action is AuditAction.update and set(changes) <= {"version"}:
                continue  # nothing but the version moved (an edit that kept every value)
            rows.append(
                {
                    "occurred_at": now,
                    "actor_id": actor_id,
                    "actor_name": actor_name,
                    "request_id": request_id,
                    "entity": table,
                    "entity_id": _identity(obj),
                    "measure_id": obj.audit_measure_id(session.connection()),
                    "action": action.value,
                    "changes": changes,
                }
            )
    return rows


def _after_flush(session: Session, _flush_context: Any) -> None:
    rows = _rows(session)
    if rows:
        session.connection().execute(AuditEvent.__table__.insert(), rows)  # type: ignore[attr-defined]


_installed = False


def install() -> None:
    """Register the listener once for every ORM session of the process."""
    global _installed
    if not _installed:
        event.listen(Session, "after_flush", _after_flush)
        _installed = True
