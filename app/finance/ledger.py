"""The ledger: every municipality's share of every budget line, computed one way for all views.

The Haushalt page, the measure page, the API and the exports all read their figures from
:func:`compute_shares`, so the same figure is the same everywhere.

* Gross shares (planned, approved, actual) split each line by the measure's cost key.
* Funding is planned per grant over all covered measure-years (see
  :func:`app.finance.allocation.plan_grant_funding`, based on planned amounts), then spread over
  the measure-year's lines and municipalities by :func:`app.finance.allocation.split_funding`.
* A measure whose key cannot be applied (no participants, custom shares not 100 %) is reported
  in ``issues`` and its lines are left out of the shares rather than shared wrongly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from app.errors import ValidationFailed
from app.finance import queries
from app.finance.allocation import (
    GrantTerms,
    MeasureYearCost,
    key_weights,
    plan_grant_funding,
    split_funding,
    split_largest_remainder,
)
from app.finance.models import BudgetLine
from app.portfolio.models import Measure


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

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.funding_cents


@dataclass
class Ledger:
    shares: list[Share] = field(default_factory=list)
    # measure id → German explanation why its costs could not be shared
    issues: dict[int, str] = field(default_factory=dict)


def _apply_grants(session: Session) -> tuple[dict[tuple[int, int], int], dict[int, int]]:
    """Funding per ``(measure_id, year)`` and per grant; grants apply in notice-date order."""
    covered = queries.grant_measure_ids(session)
    all_ids = sorted({mid for ids in covered.values() for mid in ids})
    costs_by_measure: dict[int, list[MeasureYearCost]] = defaultdict(list)
    for measure_id, year, code, planned in queries.planned_by_measure_year(session, all_ids):
        costs_by_measure[measure_id].append(MeasureYearCost(measure_id, year, code, planned))
    funded: dict[tuple[int, int], int] = {}
    per_grant: dict[int, int] = {}
    for grant in queries.grants(session):
        grant_id = int(grant.id or 0)
        terms = GrantTerms(
            grant_id=grant_id,
            rate_bp=grant.rate_bp,
            eligible_cents=grant.eligible_cents,
            max_cents=grant.max_cents,
            first_year=grant.period_start.year,
            last_year=grant.period_end.year,
        )
        costs = [c for mid in covered.get(grant_id, []) for c in costs_by_measure[mid]]
        plan = plan_grant_funding(terms, costs, funded)
        for slot, amount in plan.items():
            funded[slot] = funded.get(slot, 0) + amount
        per_grant[grant_id] = sum(plan.values())
    return funded, per_grant


def funding_plan(session: Session) -> dict[tuple[int, int], int]:
    """Funding per ``(measure_id, year)`` of all grants together."""
    return _apply_grants(session)[0]


def funding_by_grant(session: Session) -> dict[int, int]:
    """Planned funding each grant contributes (for the grant overview)."""
    return _apply_grants(session)[1]


def _split_optional(amount: int | None, weights: list[tuple[int, int]]) -> dict[int, int | None]:
    if amount is None:
        return dict.fromkeys((key for key, _ in weights), None)
    return dict(split_largest_remainder(amount, weights))


def compute_shares(
    session: Session,
    *,
    measure_ids: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
) -> Ledger:
    """Shares of all lines of the given measures and years (all when ``None``)."""
    lines = queries.budget_lines(session, measure_ids=measure_ids, years=years)
    ids = sorted({line.measure_id for line in lines})
    measures = queries.measures_by_id(session, ids)
    parties = queries.parties(session, ids)
    funding = funding_plan(session)
    ledger = Ledger()
    groups: dict[tuple[int, int], list[BudgetLine]] = defaultdict(list)
    for line in lines:
        groups[(line.measure_id, line.year)].append(line)
    for (measure_id, year), group in sorted(groups.items()):
        measure: Measure = measures[measure_id]
        try:
            weights = key_weights(measure.cost_key, parties.get(measure_id, []))
        except ValidationFailed as exc:
            ledger.issues[measure_id] = "; ".join(exc.errors.values())
            continue
        gross = {
            int(line.id or 0): split_largest_remainder(line.planned_cents, weights)
            for line in group
        }
        line_funding = split_funding(
            min(funding.get((measure_id, year), 0), sum(line.planned_cents for line in group)),
            [(int(line.id or 0), line.planned_cents) for line in group],
            gross,
        )
        for line in group:
            line_id = int(line.id or 0)
            approved = _split_optional(line.approved_cents, weights)
            actual = _split_optional(line.actual_cents, weights)
            for municipality_id, _ in weights:
                ledger.shares.append(
                    Share(
                        municipality_id=municipality_id,
                        line_id=line_id,
                        measure_id=measure_id,
                        year=year,
                        category=line.category,
                        kind=line.kind,
                        gross_cents=gross[line_id][municipality_id],
                        approved_cents=approved[municipality_id],
                        actual_cents=actual[municipality_id],
                        funding_cents=line_funding[line_id][municipality_id],
                    )
                )
    return ledger
