"""The ledger: every municipality's share of every budget line, stored and kept current.

``tracking`` notes what a unit of work touched and recomputes it before the commit,
``recompute`` computes shares and funding; :mod:`app.finance.queries.shares` reads them (and
never writes).
"""

from app.finance.ledger.recompute import build_if_missing, rebuild
from app.finance.ledger.tracking import install, refresh
from app.finance.queries.shares import (
    Ledger,
    Share,
    SummedShares,
    compute_shares,
    funding_by_grant,
    issues,
    sums_by_year_and_kind,
)

__all__ = [
    "Ledger",
    "Share",
    "SummedShares",
    "build_if_missing",
    "compute_shares",
    "funding_by_grant",
    "install",
    "issues",
    "rebuild",
    "refresh",
    "sums_by_year_and_kind",
]
