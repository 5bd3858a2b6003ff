"""Reading the ledger (:mod:`app.finance.ledger`): stored shares, their sums and the measures
whose costs could not be shared. Nothing here writes; the shares are kept current by the writers'
own transactions (:mod:`app.finance.ledger.tracking`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app.finance.models import (
    BudgetLine,
    BudgetShare,
    BudgetTotal,
    Grant,
    GrantFunding,
    LedgerIssue,
)
from app.portfolio.models import Participation


@dataclass(frozen=True)
class Share:
    """One municipality's share of one budget line."""

    municipality_id: int
    line_id: int
    measure_id: int
    year: int
    category: str
    kind: str
    gross_cents: int
    approved_cents: int | None
    actual_cents: int | None
    funding_cents: int
    carryover_cents: int | None = None

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.funding_cents


@dataclass
class Ledger:
    shares: list[Share] = field(default_factory=list)
    # measure id → German explanation why its costs could not be shared
    issues: dict[int, str] = field(default_factory=dict)


def compute_shares(
    session: Session,
    *,
    measure_ids: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
    municipality_id: int | None = None,
) -> Ledger:
    """Stored shares of the given measures, years and municipality (all when ``None``).

    ``issues`` names the measures among them whose costs could not be shared.
    """
    query = select_columns(
        col(BudgetShare.municipality_id),
        col(BudgetShare.line_id),
        col(BudgetShare.measure_id),
        col(BudgetShare.year),
        col(BudgetShare.category),
        col(BudgetShare.kind),
        col(BudgetShare.gross_cents),
        col(BudgetShare.approved_cents),
        col(BudgetShare.actual_cents),
        col(BudgetShare.funding_cents),
        col(BudgetShare.carryover_cents),
    ).order_by(
        col(BudgetShare.measure_id),
        col(BudgetShare.year),
        col(BudgetShare.kind),
        col(BudgetShare.category),
        col(BudgetShare.municipality_id),
    )
    issue_query = select(LedgerIssue.measure_id, LedgerIssue.message)
    if measure_ids is not None:
        query = query.where(col(BudgetShare.measure_id).in_(measure_ids))
        issue_query = issue_query.where(col(LedgerIssue.measure_id).in_(measure_ids))
    if years is not None:
        query = query.where(col(BudgetShare.year).in_(years))
        issue_query = issue_query.where(
            col(LedgerIssue.measure_id).in_(
                select(BudgetLine.measure_id).where(col(BudgetLine.year).in_(years))
            )
        )
    if municipality_id is not None:
        query = query.where(col(BudgetShare.municipality_id) == municipality_id)
        issue_query = issue_query.where(
            col(LedgerIssue.measure_id).in_(
                select(Participation.measure_id).where(
                    Participation.municipality_id == municipality_id
                )
            )
        )
    ledger = Ledger(issues=dict(session.exec(issue_query).all()))
    ledger.shares = [Share(*row) for row in session.execute(query)]
    return ledger


def funding_by_grant(session: Session) -> dict[int, int]:
    """Planned funding each grant contributes (for the grant overview)."""
    rows = session.exec(
        select(GrantFunding.grant_id, func.sum(GrantFunding.cents)).group_by(
            col(GrantFunding.grant_id)
        )
    ).all()
    result = {int(grant_id or 0): 0 for grant_id in session.exec(select(Grant.id)).all()}
    result.update({grant_id: int(total or 0) for grant_id, total in rows})
    return result


@dataclass(frozen=True)
class SummedShares:
    """Sums of stored shares for one year and budget kind."""

    year: int
    kind: str
    gross_cents: int
    funding_cents: int
    approved_cents: int
    actual_cents: int


def sums_by_year_and_kind(
    session: Session, *, municipality_id: int | None = None, measures: Any = None
) -> list[SummedShares]:
    """Shares summed by the database per year and kind, for one municipality or all.

    ``measures`` optionally narrows them to a subquery of measure ids.
    """
    if measures is None:
        return _summed_totals(session, municipality_id)
    query = select_columns(
        col(BudgetShare.year),
        col(BudgetShare.kind),
        func.sum(BudgetShare.gross_cents),
        func.sum(BudgetShare.funding_cents),
        func.sum(BudgetShare.approved_cents),
        func.sum(BudgetShare.actual_cents),
    ).group_by(col(BudgetShare.year), col(BudgetShare.kind))
    if municipality_id is not None:
        query = query.where(col(BudgetShare.municipality_id) == municipality_id)
    if measures is not None:
        query = query.where(col(BudgetShare.measure_id).in_(measures))
    return [
        SummedShares(year, kind, int(g or 0), int(f or 0), int(a or 0), int(i or 0))
        for year, kind, g, f, a, i in session.execute(query).all()
    ]


def _summed_totals(session: Session, municipality_id: int | None) -> list[SummedShares]:
    query = select_columns(
        col(BudgetTotal.year),
        col(BudgetTotal.kind),
        func.sum(BudgetTotal.gross_cents),
        func.sum(BudgetTotal.funding_cents),
        func.sum(BudgetTotal.approved_cents),
        func.sum(BudgetTotal.actual_cents),
    ).group_by(col(BudgetTotal.year), col(BudgetTotal.kind))
    if municipality_id is not None:
        query = query.where(col(BudgetTotal.municipality_id) == municipality_id)
    return [
        SummedShares(year, kind, int(g or 0), int(f or 0), int(a or 0), int(i or 0))
        for year, kind, g, f, a, i in session.execute(query).all()
    ]


def issues(session: Session, *, municipality_id: int | None = None) -> dict[int, str]:
    """Measures (of a municipality, or all) whose costs could not be shared, with the reason."""
    query = select(LedgerIssue.measure_id, LedgerIssue.message)
    if municipality_id is not None:
        query = query.where(
            col(LedgerIssue.measure_id).in_(
                select(Participation.measure_id).where(
                    Participation.municipality_id == municipality_id
                )
            )
        )
    return dict(session.exec(query).all())
