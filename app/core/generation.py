"""The data generation: a number that every commit changing portfolio data raises.

Figures derived from the whole portfolio (the dashboard's panels) are cached per process under
the generation they were computed at. A reader takes the generation *before* it reads the data,
and a writer raises it in the same transaction as its change, so whatever a reader computes is at
least as new as the generation it files the result under; the next commit makes every older entry
unreachable. Sign-ins, tokens, role assignments and the audit trail do not count as data.

The row is created by the first change with a start value taken from the clock, so a database
that is recreated (or restored) never reuses the numbers of its predecessor.
"""

from __future__ import annotations

import time
from itertools import chain
from typing import Any

from sqlalchemy import BigInteger, event, insert, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, Session, SQLModel, select

import app.core.db  # noqa: F401  (sets the metadata's naming convention before the table is made)

CHANGED_KEY = "data_generation_changed"
ROW_ID = 1


class DataGeneration(SQLModel, table=True):
    __tablename__ = "data_generation"

    id: int = Field(primary_key=True)
    value: int = Field(sa_type=BigInteger)


# Tables whose changes do not alter any portfolio figure.
_NOT_DATA = frozenset(
    {
        "user_account",
        "role_assignment",
        "api_token",
        "login_attempt",
        "user_session",
        "audit_event",
    }
)


def current(session: Session) -> int | None:
    """The generation the session's data belongs to; None before the first change."""
    value = session.exec(select(DataGeneration.value).where(DataGeneration.id == ROW_ID)).first()
    return int(value) if value is not None else None


def bump(session: Session | OrmSession) -> None:
    """Raise the generation inside the session's transaction (or create it)."""
    table = DataGeneration.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(table).where(table.c.id == ROW_ID).values(value=table.c.value + 1)
    )
    if not getattr(result, "rowcount", 0):
        session.execute(insert(table).values(id=ROW_ID, value=time.time_ns()))


def _after_flush(session: OrmSession, _context: Any) -> None:
    if session.info.get(CHANGED_KEY):
        return
    for obj in chain(session.new, session.dirty, session.deleted):
        if getattr(obj, "__tablename__", "") not in _NOT_DATA:
            session.info[CHANGED_KEY] = True
            return


def _before_commit(session: OrmSession) -> None:
    # A flag left by a rolled-back change costs one needless raise, never a missed one.
    if session.new or session.dirty or session.deleted:
        session.flush()
    if session.info.pop(CHANGED_KEY, False):
        bump(session)


_installed = False


def install() -> None:
    """Register the listeners once per process; after the ledger's, which flushes its own work."""
    global _installed
    if not _installed:
        event.listen(OrmSession, "after_flush", _after_flush)
        event.listen(OrmSession, "before_commit", _before_commit)
        _installed = True
