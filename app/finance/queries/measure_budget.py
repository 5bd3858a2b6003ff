"""The budget section of a measure page: lines, the cost key and each municipality's share.

``measure_budget_summary`` feeds ``templates/finance/_measure_budget.html``; its figures come from
the same ledger as the Haushalt page, the API and the exports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session

from app.accounts.permissions import (
    Principal,
    can_edit_actual_costs,
    can_edit_measure_budget,
    can_manage_strategy,
)
from app.core.enums import BudgetKind, CostCategory
from app.core.errors import ValidationFailed
from app.finance.allocation import FULL_SHARE_BP, key_weights, split_largest_remainder
from app.finance.models import BudgetLine
from app.finance.queries import lookups as queries
from app.finance.queries.funding import FundingWarning, warnings_for_measure
from app.finance.queries.shares import compute_shares
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality
from app.portfolio.models import Measure


@dataclass
class Figures:
    gross_cents: int = 0
    funding_cents: int = 0

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.funding_cents


@dataclass
class MeasureBudgetSummary:
    measure: Measure
    years: list[int]
    lines_by_year: dict[int, list[BudgetLine]]
    participants: list[Municipality]
    key_shares_bp: dict[int, int]
    key_issue: str | None
    # municipality id → year → figures; and per municipality, per year, overall
    by_muni_year: dict[int, dict[int, Figures]] = field(default_factory=dict)
    by_muni: dict[int, Figures] = field(default_factory=dict)
    by_year: dict[int, Figures] = field(default_factory=dict)
    total: Figures = field(default_factory=Figures)
    planned_by_year: dict[int, int] = field(default_factory=dict)
    warnings: list[FundingWarning] = field(default_factory=list)
    can_edit_budget: bool = False
    can_edit_actual: bool = False
    can_edit_key: bool = False
    categories: list[str] = field(default_factory=lambda: [c.value for c in CostCategory])
    kinds: list[str] = field(default_factory=lambda: [k.value for k in BudgetKind])


def measure_budget_summary(
    *, session: Session, measure: Measure, actor: Principal | None = None
) -> MeasureBudgetSummary:
    """Everything the measure page shows about money, for ``_measure_budget.html``."""
    measure_id = int(measure.id or 0)
    lines = list(queries.budget_lines(session, measure_ids=[measure_id]))
    lines_by_year: dict[int, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        lines_by_year[line.year].append(line)
    parties = queries.parties(session, [measure_id]).get(measure_id, [])
    munis = {int(m.id or 0): m for m in municipality_queries.municipalities(session)}
    participants = [munis[p.municipality_id] for p in parties]
    key_issue: str | None = None
    key_shares: dict[int, int] = {}
    try:
        key_shares = split_largest_remainder(FULL_SHARE_BP, key_weights(measure.cost_key, parties))
    except ValidationFailed as exc:
        key_issue = "; ".join(exc.errors.values())
    participant_ids = [p.municipality_id for p in parties]
    summary = MeasureBudgetSummary(
        measure=measure,
        years=sorted(lines_by_year),
        lines_by_year=dict(lines_by_year),
        participants=participants,
        key_shares_bp=key_shares,
        key_issue=key_issue,
        warnings=warnings_for_measure(session=session, actor=actor, measure_id=measure_id)
        if actor is not None
        else [],
        can_edit_budget=can_edit_measure_budget(
            actor, lead_id=measure.lead_municipality_id, participant_ids=participant_ids
        ),
        can_edit_actual=can_edit_actual_costs(
            actor, lead_id=measure.lead_municipality_id, participant_ids=participant_ids
        ),
        can_edit_key=can_manage_strategy(actor),
    )
    for year, year_lines in lines_by_year.items():
        summary.planned_by_year[year] = sum(line.planned_cents for line in year_lines)
    for share in compute_shares(session, measure_ids=[measure_id]).shares:
        for figures in (
            summary.by_muni_year.setdefault(share.municipality_id, {}).setdefault(
                share.year, Figures()
            ),
            summary.by_muni.setdefault(share.municipality_id, Figures()),
            summary.by_year.setdefault(share.year, Figures()),
            summary.total,
        ):
            figures.gross_cents += share.gross_cents
            figures.funding_cents += share.funding_cents
    return summary
