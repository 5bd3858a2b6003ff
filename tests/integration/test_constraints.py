"""The database itself refuses impossible figures, whatever code writes them.

Each case first shows that the boundary value is accepted, then that one step beyond is refused,
so a missing or too strict constraint fails the test.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.finance.models import BudgetLine
from app.portfolio.models import Measure, Participation


def _measure(session: Session, code: str = "HF2-M03") -> Measure:
    return session.execute(select(Measure).where(Measure.code == code)).scalar_one()


def _accepts_then_refuses(
    session: Session, assign: Callable[[int], None], accepted: int, refused: int
) -> None:
    assign(accepted)
    with session.begin_nested():
        session.flush()
    assign(refused)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.flush()


def test_progress_above_100_is_refused(session: Session) -> None:
    measure = _measure(session)

    def assign(value: int) -> None:
        measure.progress = value

    _accepts_then_refuses(session, assign, accepted=100, refused=120)


def test_a_cost_share_of_130_percent_is_refused(session: Session) -> None:
    participation = (
        session.execute(
            select(Participation).where(Participation.measure_id == _measure(session).id)
        )
        .scalars()
        .first()
    )
    assert participation is not None

    def assign(value: int) -> None:
        participation.share_bp = value

    _accepts_then_refuses(session, assign, accepted=10000, refused=13000)


@pytest.mark.parametrize("column", ["planned_cents", "approved_cents", "actual_cents"])
def test_a_negative_budget_amount_is_refused(session: Session, column: str) -> None:
    line = (
        session.execute(select(BudgetLine).where(BudgetLine.measure_id == _measure(session).id))
        .scalars()
        .first()
    )
    assert line is not None

    def assign(value: int) -> None:
        setattr(line, column, value)

    _accepts_then_refuses(session, assign, accepted=0, refused=-100)


def test_a_duplicate_measure_code_is_refused(session: Session) -> None:
    existing = _measure(session)
    fields = existing.model_dump(exclude={"id", "code"})

    session.add(Measure(code="HF2-M99", **fields))
    with session.begin_nested():
        session.flush()

    session.add(Measure(code="HF2-M03", **fields))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.flush()
