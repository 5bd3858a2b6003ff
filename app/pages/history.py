"""The change history as people read it: "Meilenstein geändert – Fällig am: 30.06.2026 →
15.07.2026", amounts in euros, dates in German, people and municipalities by name.

The audit trail stores raw column values; each audited table names itself and its fields in
German and says what kind of value each holds (:class:`app.audit.models.AuditField`). Technical
fields (ids, versions, hashes) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlmodel import Session, col

from app.accounts.models import User
from app.audit.models import AuditEvent, AuditField, audited_tables
from app.core.enums import LABELS
from app.core.formatting import (
    fmt_date,
    fmt_datetime,
    fmt_hundredths,
    fmt_money,
    fmt_number,
    fmt_percent_bp,
)
from app.core.rules import shown
from app.municipalities.models import Municipality

ACTIONS = {"insert": "angelegt", "update": "geändert", "delete": "gelöscht"}
# Values that name the record a change was made to, in this order of preference.
SUBJECT_FIELDS = ("title", "name", "display_name", "username", "notice_number", "code", "body")
TEXT_SHOWN = 160


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    occurred_at: datetime
    actor: str
    what: str  # "Meilenstein geändert"
    subject: str  # "„Abnahme“", or empty
    changes: list[ChangeLine]
    request_id: str


def _fields(entity: str) -> Mapping[str, AuditField]:
    table = audited_tables().get(entity)
    return table.__audit_fields__ if table is not None else {}


def _label(entity: str) -> str:
    table = audited_tables().get(entity)
    return table.__audit_label__ if table is not None and table.__audit_label__ else "Datensatz"


class _Names:
    """Names of the municipalities and users the events refer to, read in two queries."""

    def __init__(self, session: Session, events: Sequence[AuditEvent]) -> None:
        municipality_ids: set[int] = set()
        user_ids: set[int] = set()
        for event in events:
            fields = _fields(event.entity)
            for key, change in (event.changes or {}).items():
                spec = fields.get(key)
                if spec is None or not isinstance(change, dict):
                    continue
                target = (
                    municipality_ids
                    if spec.kind == "municipality"
                    else (user_ids if spec.kind == "user" else None)
                )
                if target is None:
                    continue
                for value in (change.get("before"), change.get("after")):
                    if isinstance(value, int):
                        target.add(value)
        # One query for both kinds of name whenever there is a history, so that a page's cost
        # does not depend on which changes happen to be the newest.
        self.municipalities: dict[int, str] = {}
        self.users: dict[int, str] = {}
        if not events:
            return
        names = union_all(
            select(literal("m"), col(Municipality.id), col(Municipality.name)).where(
                col(Municipality.id).in_(sorted(municipality_ids))
            ),
            select(literal("u"), col(User.id), col(User.display_name)).where(
                col(User.id).in_(sorted(user_ids))
            ),
        )
        for kind, key, name in session.execute(names).all():
            (self.municipalities if kind == "m" else self.users)[int(key)] = str(name)


def _value(spec: AuditField, value: Any, names: _Names) -> str:
    if value is None or value == "":
        return "–"
    kind = spec.kind
    if kind == "money" and isinstance(value, int):
        return fmt_money(value)
    if kind == "percent_bp" and isinstance(value, int):
        return fmt_percent_bp(value)
    if kind == "hundredths" and isinstance(value, int):
        return fmt_hundredths(value)
    if kind == "number" and isinstance(value, int):
        return fmt_number(value)
    if kind == "bool":
        return "ja" if value else "nein"
    if kind == "choice":
        return LABELS.get(str(value), str(value))
    if kind == "municipality":
        return names.municipalities.get(value, "unbekannte Kommune")
    if kind == "user":
        return names.users.get(value, "unbekannter Benutzer")
    if kind in ("date", "datetime") and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return shown(value, TEXT_SHOWN)
        if kind == "date" or (len(value) == 10):
            return fmt_date(date.fromisoformat(value[:10]))
        return fmt_datetime(moment)
    return shown(str(value), TEXT_SHOWN)


def _subject(event: AuditEvent) -> str:
    changes = event.changes or {}
    for key in SUBJECT_FIELDS:
        change = changes.get(key)
        if isinstance(change, dict):
            value = change.get("after") or change.get("before")
            if isinstance(value, str) and value:
                return f"„{shown(value, 60)}“"
    return ""


def _lines(event: AuditEvent, names: _Names) -> list[ChangeLine]:
    fields = _fields(event.entity)
    lines: list[ChangeLine] = []
    for key, change in (event.changes or {}).items():
        spec = fields.get(key)
        if spec is None or spec.kind == "hidden" or not isinstance(change, dict):
            continue
        before, after = change.get("before"), change.get("after")
        if key == "password_hash":  # only that it changed, never the hash
            lines.append(ChangeLine(spec.label, "", "neu gesetzt"))
            continue
        lines.append(
            ChangeLine(
                spec.label,
                "" if event.action == "insert" else _value(spec, before, names),
                "" if event.action == "delete" else _value(spec, after, names),
            )
        )
    order = list(fields)
    keys = {spec.label: order.index(k) for k, spec in fields.items()}
    return sorted(lines, key=lambda line: keys.get(line.label, len(order)))


def present(session: Session, events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    """The events as lines of a German change history, in the given order."""
    listed = list(events)
    names = _Names(session, listed)
    return [
        HistoryEntry(
            occurred_at=event.occurred_at,
            actor=event.actor_name or "System",
            what=f"{_label(event.entity)} {ACTIONS.get(event.action, event.action)}",
            subject=_subject(event),
            changes=_lines(event, names),
            request_id=event.request_id,
        )
        for event in listed
    ]


def entity_choices() -> list[tuple[str, str]]:
    """The kinds of record in the audit trail, for the admin list's filter (German, sorted)."""
    return sorted(
        ((name, table.__audit_label__) for name, table in audited_tables().items()),
        key=lambda item: item[1],
    )
