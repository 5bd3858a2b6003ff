"""The ledger's recomputation: every municipality's share of every budget line, one way for all.

The shares are derived data kept in four tables: ``budget_share``, their sums per municipality,
year and kind in ``budget_total``, ``grant_funding`` and ``ledger_issue``. They are recomputed
for exactly the measures a unit of work touched, before anything reads them and before the
transaction commits, so the Haushalt page, the measure page, the dashboard, the API and the
exports read the same figures and can sum them in SQL.

* Gross shares (planned, approved, actual, carried over) split each line by the measure's
  cost key.
* Funding is planned per grant over all covered measure-years (see
  :func:`app.finance.allocation.plan_grant_funding`, based on planned amounts), then spread over
  the measure-year's lines and municipalities by :func:`app.finance.allocation.split_funding`.
* A measure whose key cannot be applied (no participants, custom shares not 100 %) is recorded
  in ``ledger_issue`` and its lines are left out of the shares rather than shared wrongly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, inspect, text
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app.core import generation
from app.core.errors import ValidationFailed
from app.finance.allocation import (
    GrantTerms,
    MeasureYearCost,
    key_weights,
    plan_grant_funding,
    split_funding,
    split_largest_remainder,
)
from app.finance.models import (
    BudgetLine,
    BudgetShare,
    BudgetTotal,
    GrantFunding,
    GrantMeasure,
    LedgerIssue,
)
from app.finance.queries import lookups as queries
from app.portfolio.models import Participation

STALE_KEY = "ledger_stale"
# Arbitrary constant naming the ledger's advisory lock on PostgreSQL.
LEDGER_LOCK_KEY = 4_210_001
CHUNK = 500


@dataclass
class Stale:
    measures: set[int] = field(default_factory=set)
    municipalities: set[int] = field(default_factory=set)
    grants: bool = False
    # municipalities whose totals must be summed again although none of their shares remain
    retotal: set[int] = field(default_factory=set)


def update(session: Session, stale: Stale) -> None:
    """Recompute the shares of the measures ``stale`` names (and every measure whose funding
    moved with them)."""
    serialise(session)
    ids = set(stale.measures)
    if stale.municipalities:
        ids.update(
            session.exec(
                select(Participation.measure_id).where(
                    col(Participation.municipality_id).in_(stale.municipalities)
                )
            ).all()
        )
    if stale.grants or (ids and _covered(session, ids)):
        ids |= _refresh_funding(session)
    _recompute(session, sorted(ids))
    _retotal(session, stale.retotal)


def rebuild(session: Session) -> int:
    """Recompute every share from scratch (after bulk loads); returns the number of shares."""
    session.flush()
    session.info.pop(STALE_KEY, None)
    serialise(session)
    session.execute(delete(BudgetShare))
    session.execute(delete(LedgerIssue))
    session.execute(delete(BudgetTotal))
    _refresh_funding(session)
    ids = list(session.exec(select(BudgetLine.measure_id).distinct()).all())
    _recompute(session, sorted(ids), fresh=True)
    _retotal(session, None)
    generation.bump(session)
    return int(session.exec(select(func.count()).select_from(BudgetShare)).one())


def build_if_missing(session: Session) -> bool:
    """Fill the ledger of a database that has budget lines but no shares yet (after upgrading
    from a version without stored shares). Returns whether it was built."""
    if not inspect(session.connection()).has_table(BudgetShare.__tablename__):
        return False  # an older schema than the models: nothing to fill yet
    has_lines = session.exec(select(BudgetLine.id).limit(1)).first() is not None
    has_ledger = (
        session.exec(select(BudgetShare.id).limit(1)).first() is not None
        or session.exec(select(LedgerIssue.measure_id).limit(1)).first() is not None
    )
    if has_lines and not has_ledger:
        rebuild(session)
        return True
    return False


def serialise(session: Session) -> None:
    """One ledger update at a time (PostgreSQL; SQLite has a single writer anyway).

    Held until the transaction ends. Each statement after it sees what earlier updates
    committed, so funding planned across measures never mixes two transactions' views, and two
    updates never delete and insert the same measure's shares side by side.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK_KEY})


def _covered(session: Session, measure_ids: Iterable[int]) -> bool:
    wanted = list(measure_ids)
    return any(
        session.exec(
            select(GrantMeasure.measure_id)
            .where(col(GrantMeasure.measure_id).in_(wanted[i : i + CHUNK]))
            .limit(1)
        ).first()
        is not None
        for i in range(0, len(wanted), CHUNK)
    )


def _plan_funding(session: Session) -> dict[tuple[int, int, int], int]:
    """Funding per ``(grant_id, measure_id, year)``; grants apply in notice-date order."""
    covered = queries.grant_measure_ids(session)
    all_ids = sorted({mid for ids in covered.values() for mid in ids})
    costs_by_measure: dict[int, list[MeasureYearCost]] = defaultdict(list)
    for measure_id, year, code, planned in queries.planned_by_measure_year(session, all_ids):
        costs_by_measure[measure_id].append(MeasureYearCost(measure_id, year, code, planned))
    funded: dict[tuple[int, int], int] = {}
    result: dict[tuple[int, int, int], int] = {}
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
        for (measure_id, year), amount in plan_grant_funding(terms, costs, funded).items():
            funded[(measure_id, year)] = funded.get((measure_id, year), 0) + amount
            result[(grant_id, measure_id, year)] = amount
    return result


def _refresh_funding(session: Session) -> set[int]:
    """Store the funding plan anew; returns the measures whose funding per year changed."""
    plan = _plan_funding(session)
    stored = {
        (g, m, y): c
        for g, m, y, c in session.exec(
            select(
                GrantFunding.grant_id,
                GrantFunding.measure_id,
                GrantFunding.year,
                GrantFunding.cents,
            )
        ).all()
    }
    if plan == stored:
        return set()
    session.execute(delete(GrantFunding))
    if plan:
        session.execute(
            insert(GrantFunding),
            [
                {"grant_id": g, "measure_id": m, "year": y, "cents": c}
                for (g, m, y), c in plan.items()
            ],
        )
    return {m for (_, m, _), _ in set(plan.items()) ^ set(stored.items())}


def _funding(session: Session, measure_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    rows = session.exec(
        select(GrantFunding.measure_id, GrantFunding.year, func.sum(GrantFunding.cents))
        .where(col(GrantFunding.measure_id).in_(measure_ids))
        .group_by(col(GrantFunding.measure_id), col(GrantFunding.year))
    ).all()
    return {(m, y): int(total or 0) for m, y, total in rows}


def _recompute(session: Session, measure_ids: Sequence[int], *, fresh: bool = False) -> None:
    for start in range(0, len(measure_ids), CHUNK):
        chunk = list(measure_ids[start : start + CHUNK])
        touched: set[int] = set()
        if not fresh:
            touched.update(
                session.exec(
                    select(BudgetShare.municipality_id)
                    .where(col(BudgetShare.measure_id).in_(chunk))
                    .distinct()
                ).all()
            )
            session.execute(delete(BudgetShare).where(col(BudgetShare.measure_id).in_(chunk)))
            session.execute(delete(LedgerIssue).where(col(LedgerIssue.measure_id).in_(chunk)))
        shares, issues = _compute(session, chunk)
        if shares:
            _insert_shares(session, shares)
        if not fresh:
            _retotal(session, touched | {row["municipality_id"] for row in shares})
        if issues:
            session.execute(
                insert(LedgerIssue),
                [{"measure_id": mid, "message": text} for mid, text in issues.items()],
            )


def _retotal(session: Session, municipality_ids: set[int] | None) -> None:
    """Sum the shares of the given municipalities (all when ``None``) into ``budget_total``."""
    if municipality_ids is not None and not municipality_ids:
        return
    sums = select_columns(
        col(BudgetShare.municipality_id),
        col(BudgetShare.year),
        col(BudgetShare.kind),
        func.sum(BudgetShare.gross_cents),
        func.sum(BudgetShare.funding_cents),
        func.coalesce(func.sum(BudgetShare.approved_cents), 0),
        func.coalesce(func.sum(BudgetShare.actual_cents), 0),
    ).group_by(col(BudgetShare.municipality_id), col(BudgetShare.year), col(BudgetShare.kind))
    clear = delete(BudgetTotal)
    if municipality_ids is not None:
        sums = sums.where(col(BudgetShare.municipality_id).in_(municipality_ids))
        clear = clear.where(col(BudgetTotal.municipality_id).in_(municipality_ids))
    session.execute(clear)
    columns = ["municipality_id", "year", "kind", "gross_cents", "funding_cents"]
    session.execute(
        insert(BudgetTotal).from_select([*columns, "approved_cents", "actual_cents"], sums)
    )


def _insert_shares(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert share rows; on PostgreSQL large batches go through COPY (a full rebuild)."""
    connection = session.connection()
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql" and len(rows) > 1000 and raw is not None:
        columns = list(rows[0])
        statement = f"COPY budget_share ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])
    else:
        session.execute(insert(BudgetShare), rows)


def _split_optional(amount: int | None, weights: list[tuple[int, int]]) -> dict[int, int | None]:
    if amount is None:
        return dict.fromkeys((key for key, _ in weights), None)
    return dict(split_largest_remainder(amount, weights))


def _compute(
    session: Session, measure_ids: Sequence[int]
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Share rows and key issues of the given measures, from their lines, keys and funding."""
    lines = queries.budget_lines(session, measure_ids=measure_ids)
    measures = queries.measures_by_id(session, measure_ids)
    parties = queries.parties(session, measure_ids)
    funding = _funding(session, measure_ids)
    groups: dict[tuple[int, int], list[BudgetLine]] = defaultdict(list)
    for line in lines:
        groups[(line.measure_id, line.year)].append(line)
    rows: list[dict[str, Any]] = []
    issues: dict[int, str] = {}
    weights_by_measure: dict[int, list[tuple[int, int]]] = {}
    for (measure_id, year), group in sorted(groups.items()):
        if measure_id in issues:
            continue
        weights = weights_by_measure.get(measure_id)
        if weights is None:
            try:
                weights = key_weights(measures[measure_id].cost_key, parties.get(measure_id, []))
            except ValidationFailed as exc:
                issues[measure_id] = "; ".join(exc.errors.values())
                continue
            weights_by_measure[measure_id] = weights
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
            carryover = _split_optional(line.carryover_cents, weights)
            for municipality_id, _ in weights:
                rows.append(
                    {
                        "line_id": line_id,
                        "measure_id": measure_id,
                        "municipality_id": municipality_id,
                        "year": year,
                        "category": line.category,
                        "kind": line.kind,
                        "gross_cents": gross[line_id][municipality_id],
                        "approved_cents": approved[municipality_id],
                        "actual_cents": actual[municipality_id],
                        "funding_cents": line_funding[line_id][municipality_id],
                        "carryover_cents": carryover[municipality_id],
                    }
                )
    return rows, issues
