"""Reads of baselines: the list, one baseline, and what changed since it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.core.errors import NotFound
from app.core.paging import page_in_range
from app.councils.baselines import current_states, frozen_states
from app.councils.changes import Changes, compare
from app.councils.models import Baseline

PAGE_SIZE = 50
# The columns a list needs: never the (large) index of a baseline.
LISTED = (
    col(Baseline.id),
    col(Baseline.name),
    col(Baseline.taken_at),
    col(Baseline.reason),
    col(Baseline.deliberation_id),
    col(Baseline.taken_by_name),
    col(Baseline.measure_count),
    col(Baseline.new_states),
    col(Baseline.stored_bytes),
)


@dataclass(frozen=True)
class BaselineRow:
    id: int
    name: str
    taken_at: object
    reason: str
    deliberation_id: int | None
    taken_by_name: str
    measure_count: int
    new_states: int
    stored_bytes: int


@dataclass(frozen=True)
class BaselinePage:
    rows: list[BaselineRow]
    total: int
    page: int
    pages: int


def baseline_page(session: Session, page: int = 1) -> BaselinePage:
    total = int(session.execute(select(func.count()).select_from(Baseline)).scalar_one())
    page, pages = page_in_range(page, total, PAGE_SIZE)
    rows = session.execute(
        select(*LISTED)
        .order_by(col(Baseline.taken_at).desc(), col(Baseline.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return BaselinePage([BaselineRow(*row) for row in rows], total, page, pages)


def baseline_choices(session: Session, limit: int = 200) -> Sequence[BaselineRow]:
    """The newest baselines, for the "seit" choice of forms."""
    return baseline_page(session).rows[:limit]


def baseline_or_404(session: Session, baseline_id: int) -> Baseline:
    baseline = session.get(Baseline, baseline_id)
    if baseline is None:
        raise NotFound("Diese Baseline gibt es nicht.")
    return baseline


def changes_since(session: Session, baseline: Baseline, *, municipality_id: int | None) -> Changes:
    """What changed for a municipality (or the whole IKZ) since ``baseline``."""
    now = current_states(session, municipality_id=municipality_id)
    then = frozen_states(session, baseline)
    return compare(then, now, municipality_id)
