"""The ledger's bookkeeping of what a unit of work touched.

Session listeners note, after each flush, which measures' shares a change made stale: their budget
lines, participants, cost key or code, the population of a participant, and any grant or grant
coverage (funding of one grant depends on the others'). At the end of that same flush the stale
measures are recomputed (:mod:`app.finance.ledger.recompute`), so whatever reads after a flush, in
this transaction or after its commit, sees shares that agree with the lines, and no reader ever
needs to write.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy import select as select_columns
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from app.finance.ledger.recompute import STALE_KEY, Stale, serialise, update
from app.finance.models import BudgetShare


def _changed(obj: Any, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    """A deleted budget line takes its shares with it (ON DELETE CASCADE); note whose totals they
    were part of while they can still be read.

    The cascade deletes ``budget_share`` rows inside the flush, before the recomputation takes
    the ledger's lock: take the lock first, or a concurrent recomputation of the same measure
    (which holds the lock and waits for those rows) and this flush wait for each other."""
    line_ids = [
        int(obj.id)
        for obj in session.deleted
        if getattr(obj, "__tablename__", "") == "budget_line" and obj.id is not None
    ]
    if not line_ids:
        return
    with session.no_autoflush:
        serialise(session)  # type: ignore[arg-type]
        owners = session.execute(
            select_columns(col(BudgetShare.municipality_id))
            .where(col(BudgetShare.line_id).in_(line_ids))
            .distinct()
        ).scalars()
        stale: Stale = session.info.setdefault(STALE_KEY, Stale())
        stale.retotal.update(int(mid) for mid in owners)


def _after_flush(session: OrmSession, _context: Any) -> None:
    stale: Stale | None = session.info.get(STALE_KEY)
    for obj in chain(session.new, session.dirty, session.deleted):
        table = getattr(obj, "__tablename__", "")
        if table not in _WATCHED:
            continue
        is_new_or_deleted = obj in session.new or obj in session.deleted
        if stale is None:
            stale = session.info.setdefault(STALE_KEY, Stale())
        if table in ("budget_line", "participation"):
            if is_new_or_deleted or _changed(obj, *_WATCHED[table]):
                stale.measures.add(int(obj.measure_id))
                stale.measures.update(
                    int(v) for v in inspect(obj).attrs["measure_id"].history.deleted if v
                )
        elif table == "measure":
            if not is_new_or_deleted and _changed(obj, "cost_key", "code"):
                stale.measures.add(int(obj.id))
                stale.grants = stale.grants or _changed(obj, "code")
        elif table == "municipality":
            if not is_new_or_deleted and _changed(obj, "population"):
                stale.municipalities.add(int(obj.id))
        elif is_new_or_deleted or _changed(obj, *_WATCHED[table]):  # grants and their coverage
            stale.grants = True
            if table == "grant_measure":
                stale.measures.add(int(obj.measure_id))


# Tables whose changes make shares stale, with the columns that matter.
_WATCHED: dict[str, tuple[str, ...]] = {
    "budget_line": (
        *("measure_id", "year", "category", "kind"),
        *("planned_cents", "approved_cents", "actual_cents", "carryover_cents"),
    ),
    "participation": ("measure_id", "municipality_id", "share_bp"),
    "measure": ("cost_key", "code"),
    "municipality": ("population",),
    "grant_award": (
        *("notice_date", "period_start", "period_end"),
        *("eligible_cents", "rate_bp", "max_cents"),
    ),
    "grant_measure": ("grant_id", "measure_id"),
}


def _after_flush_postexec(session: OrmSession, _context: Any) -> None:
    # Inside the flush: queries here do not flush again; the recomputation writes through Core
    # statements only, so the flush has nothing new to write afterwards.
    stale: Stale | None = session.info.pop(STALE_KEY, None)
    if stale is not None:
        update(session, stale)  # type: ignore[arg-type]


def _before_commit(session: OrmSession) -> None:
    if session.info.get(STALE_KEY) is not None or session.new or session.dirty or session.deleted:
        refresh(session)  # type: ignore[arg-type]


_installed = False


def install() -> None:
    """Register the listeners once for every ORM session of the process."""
    global _installed
    if not _installed:
        event.listen(OrmSession, "before_flush", _before_flush)
        event.listen(OrmSession, "after_flush", _after_flush)
        event.listen(OrmSession, "after_flush_postexec", _after_flush_postexec)
        event.listen(OrmSession, "before_commit", _before_commit)
        _installed = True


def refresh(session: Session) -> None:
    """Bring the stored shares up to date with what this unit of work changed (writers only)."""
    session.flush()
    stale: Stale | None = session.info.pop(STALE_KEY, None)
    if stale is not None:
        update(session, stale)
