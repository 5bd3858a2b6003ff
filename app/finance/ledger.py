"""The ledger: every municipality's share of every budget line, computed one way for all views.

The shares are derived data kept in four tables: ``budget_share``, their sums per municipality,
year and kind in ``budget_total``, ``grant_funding`` and ``ledger_issue``. They are recomputed
for exactly the measures a unit of work touched, before anything reads them and before the
transaction commits, so the Haushalt page, the measure page, the dashboard, the API and the
exports read the same figures and can sum them in SQL.

* Gross shares (planned, approved, actual) split each line by the measure's cost key.
* Funding is planned per grant over all covered measure-years (see
  :func:`app.finance.allocation.plan_grant_funding`, based on planned amounts), then spread over
  the measure-year's lines and municipalities by :func:`app.finance.allocation.split_funding`.
* A measure whose key cannot be applied (no participants, custom shares not 100 %) is recorded
  in ``ledger_issue`` and its lines are left out of the shares rather than shared wrongly.

What makes a measure's shares stale: its budget lines, participants, cost key or code, the
population of a participant, and any grant or grant coverage (funding of one grant depends on the
others', so a change to a covered measure recomputes the funding plan and every measure whose
funding moved).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, text
from sqlalchemy import select as select_columns
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from app.core import generation
from app.core.errors import ValidationFailed
from app.finance import queries
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
    Grant,
    GrantFunding,
    GrantMeasure,
    LedgerIssue,
)
from app.portfolio.models import Participation

STALE_KEY = "ledger_stale"
# Arbitrary constant naming the ledger's advisory lock on PostgreSQL.
LEDGER_LOCK_KEY = 4_210_001
CHUNK = 500


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


@dataclass
class _Stale:
    measures: set[int] = field(default_factory=set)
    municipalities: set[int] = field(default_factory=set)
    grants: bool = False
    # municipalities whose totals must be summed again although none of their shares remain
    retotal: set[int] = field(default_factory=set)


# --- Tracking what a unit of work touched -------------------------------------------------------


def _changed(obj: Any, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    """A deleted budget line takes its shares with it (ON DELETE CASCADE); note whose totals they
    were part of while they can still be read."""
    line_ids = [
        int(obj.id)
        for obj in session.deleted
        if getattr(obj, "__tablename__", "") == "budget_line" and obj.id is not None
    ]
    if not line_ids:
        return
    with session.no_autoflush:
        owners = session.execute(
            select_columns(col(BudgetShare.municipality_id))
            .where(col(BudgetShare.line_id).in_(line_ids))
            .distinct()
        ).scalars()
        stale: _Stale = session.info.setdefault(STALE_KEY, _Stale())
        stale.retotal.update(int(mid) for mid in owners)


def _after_flush(session: OrmSession, _context: Any) -> None:
    stale: _Stale | None = session.info.get(STALE_KEY)
    for obj in chain(session.new, session.dirty, session.deleted):
        table = getattr(obj, "__tablename__", "")
        if table not in _WATCHED:
            continue
        is_new_or_deleted = obj in session.new or obj in session.deleted
        if stale is None:
            stale = session.info.setdefault(STALE_KEY, _Stale())
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
        *("planned_cents", "approved_cents", "actual_cents"),
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
        event.listen(OrmSession, "before_commit", _before_commit)
        _installed = True


# --- Recomputing ------------------------------------------------------------------------------


def refresh(session: Session) -> None:
    """Bring the stored shares up to date with what this unit of work changed."""
    session.flush()
    stale: _Stale | None = session.info.pop(STALE_KEY, None)
    if stale is None:
        return
    _serialise(session)
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
    _serialise(session)
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


def _serialise(session: Session) -> None:
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
                    }
                )
    return rows, issues


# --- Reading ----------------------------------------------------------------------------------


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
    refresh(session)
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
    refresh(session)
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
    refresh(session)
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
    refresh(session)
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
