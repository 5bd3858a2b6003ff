"""Read queries of the finance domain; every SQL statement of the domain's reads lives here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, text
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.core.timeutil import as_aware
from app.finance.allocation import Party
from app.finance.models import (
    BudgetLine,
    Commitment,
    CommitmentPayment,
    Drawdown,
    FundingProgramme,
    Grant,
    GrantMeasure,
    HaushaltAccount,
    HaushaltMapping,
    InvestmentNumber,
    MeasureProdukt,
    ProofOfUse,
)
from app.municipalities.models import Municipality
from app.portfolio.models import Measure, Participation, Strategy


def strategy_years(session: Session) -> tuple[int, int] | None:
    """Period of the strategy the UI works within (the newest one)."""
    strategy = session.exec(select(Strategy).order_by(col(Strategy.period_start).desc())).first()
    if strategy is None:
        return None
    return strategy.period_start, strategy.period_end


# The distinct years, read by jumping from year to year along the index on budget_line.year
# instead of reading every line (a "loose index scan"; both databases run it as written).
_DISTINCT_YEARS = text(
    "WITH RECURSIVE seen(year) AS ("
    " SELECT min(year) FROM budget_line"
    " UNION ALL"
    " SELECT (SELECT min(b.year) FROM budget_line b WHERE b.year > seen.year)"
    " FROM seen WHERE seen.year IS NOT NULL"
    ") SELECT year FROM seen WHERE year IS NOT NULL ORDER BY year"
)


def years_with_lines(session: Session) -> list[int]:
    return [int(year) for year in session.execute(_DISTINCT_YEARS).scalars()]


def measures_by_id(session: Session, measure_ids: Sequence[int]) -> dict[int, Measure]:
    if not measure_ids:
        return {}
    rows = session.exec(select(Measure).where(col(Measure.id).in_(measure_ids))).all()
    return {int(m.id or 0): m for m in rows}


def measure_labels(
    session: Session, measure_ids: Sequence[int]
) -> dict[int, tuple[str, str, bool]]:
    """``id → (code, title, example)``, read in chunks so any number of ids works."""
    result: dict[int, tuple[str, str, bool]] = {}
    ids = list(measure_ids)
    for start in range(0, len(ids), 1000):
        rows = session.exec(
            select(Measure.id, Measure.code, Measure.title, Measure.example).where(
                col(Measure.id).in_(ids[start : start + 1000])
            )
        ).all()
        result.update({int(mid or 0): (code, title, example) for mid, code, title, example in rows})
    return result


def measure_ids_of_municipality(session: Session, municipality_id: int) -> list[int]:
    rows = session.exec(
        select(Participation.measure_id).where(Participation.municipality_id == municipality_id)
    ).all()
    return list(rows)


def parties(session: Session, measure_ids: Sequence[int] | None) -> dict[int, list[Party]]:
    """Participants of each measure with what the cost key needs, ordered by slug."""
    query = (
        select(Participation.measure_id, Municipality)
        .join(Municipality, col(Municipality.id) == col(Participation.municipality_id))
        .order_by(col(Municipality.slug))
    )
    # share_bp is read through Participation; a second select keeps typing simple.
    share_query = select(
        Participation.measure_id, Participation.municipality_id, Participation.share_bp
    )
    if measure_ids is not None:
        query = query.where(col(Participation.measure_id).in_(measure_ids))
        share_query = share_query.where(col(Participation.measure_id).in_(measure_ids))
    shares = {(m, k): bp for m, k, bp in session.exec(share_query).all()}
    result: dict[int, list[Party]] = defaultdict(list)
    for measure_id, municipality in session.exec(query).all():
        mid = int(municipality.id or 0)
        result[measure_id].append(
            Party(
                municipality_id=mid,
                slug=municipality.slug,
                population=municipality.population,
                share_bp=shares.get((measure_id, mid)),
            )
        )
    return result


def budget_lines(
    session: Session,
    *,
    measure_ids: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
) -> Sequence[BudgetLine]:
    query = select(BudgetLine).order_by(
        col(BudgetLine.measure_id),
        col(BudgetLine.year),
        col(BudgetLine.kind),
        col(BudgetLine.category),
    )
    if measure_ids is not None:
        query = query.where(col(BudgetLine.measure_id).in_(measure_ids))
    if years is not None:
        query = query.where(col(BudgetLine.year).in_(years))
    return session.exec(query).all()


def grants(session: Session) -> Sequence[Grant]:
    """All grants in the order their funding is applied: notice date, then id."""
    return session.exec(select(Grant).order_by(col(Grant.notice_date), col(Grant.id))).all()


def grant_by_id(session: Session, grant_id: int) -> Grant | None:
    return session.get(Grant, grant_id)


def programmes(session: Session) -> dict[int, FundingProgramme]:
    return {int(p.id or 0): p for p in session.exec(select(FundingProgramme)).all()}


def grant_measure_ids(session: Session) -> dict[int, list[int]]:
    result: dict[int, list[int]] = defaultdict(list)
    for grant_id, measure_id in session.exec(
        select(GrantMeasure.grant_id, GrantMeasure.measure_id)
    ).all():
        result[grant_id].append(measure_id)
    return result


def planned_by_measure_year(
    session: Session, measure_ids: Sequence[int]
) -> list[tuple[int, int, str, int]]:
    """``(measure_id, year, measure code, planned cents)`` aggregated in SQL."""
    if not measure_ids:
        return []
    rows = session.exec(
        select(
            BudgetLine.measure_id,
            BudgetLine.year,
            Measure.code,
            func.sum(BudgetLine.planned_cents),
        )
        .join(Measure, col(Measure.id) == col(BudgetLine.measure_id))
        .where(col(BudgetLine.measure_id).in_(measure_ids))
        .group_by(col(BudgetLine.measure_id), col(BudgetLine.year), col(Measure.code))
    ).all()
    return [(m, y, code, int(total or 0)) for m, y, code, total in rows]


def drawn_by_grant(session: Session, grant_id: int | None = None) -> dict[int, int]:
    """The sum drawn per grant (of one grant, when ``grant_id`` is given)."""
    query = select(Drawdown.grant_id, func.sum(Drawdown.amount_cents)).group_by(
        col(Drawdown.grant_id)
    )
    if grant_id is not None:
        query = query.where(Drawdown.grant_id == grant_id)
    rows = session.exec(query).all()
    return {grant_id: int(total or 0) for grant_id, total in rows}


def received_by_grant(session: Session) -> dict[int, int]:
    rows = session.exec(
        select(Drawdown.grant_id, func.sum(Drawdown.amount_cents))
        .where(col(Drawdown.received_on).is_not(None))
        .group_by(col(Drawdown.grant_id))
    ).all()
    return {grant_id: int(total or 0) for grant_id, total in rows}


def drawdowns(session: Session, grant_id: int) -> Sequence[Drawdown]:
    return session.exec(
        select(Drawdown)
        .where(Drawdown.grant_id == grant_id)
        .order_by(col(Drawdown.requested_on), col(Drawdown.id))
    ).all()


def proofs_of_use(session: Session) -> Sequence[ProofOfUse]:
    return session.exec(
        select(ProofOfUse).order_by(col(ProofOfUse.due_on), col(ProofOfUse.id))
    ).all()


def mappings(session: Session, municipality_id: int) -> dict[tuple[str, str], HaushaltMapping]:
    rows = session.exec(
        select(HaushaltMapping).where(HaushaltMapping.municipality_id == municipality_id)
    ).all()
    return {(m.category, m.kind): m for m in rows}


def mappings_of(
    session: Session, municipality_ids: Sequence[int]
) -> dict[tuple[int, str, str], tuple[str, str]]:
    """``(municipality_id, category, kind) → (produkt, sachkonto)`` of the given municipalities."""
    if not municipality_ids:
        return {}
    rows = session.execute(
        select_columns(
            col(HaushaltMapping.municipality_id),
            col(HaushaltMapping.category),
            col(HaushaltMapping.kind),
            col(HaushaltMapping.produkt),
            col(HaushaltMapping.sachkonto),
        ).where(col(HaushaltMapping.municipality_id).in_(municipality_ids))
    ).all()
    return {(m, c, k): (p, s) for m, c, k, p, s in rows}


def investment_numbers_of(
    session: Session, municipality_ids: Sequence[int]
) -> dict[tuple[int, int], str]:
    """``(municipality_id, measure_id) → Investitionsnummer`` of the given municipalities."""
    if not municipality_ids:
        return {}
    rows = session.exec(
        select(
            InvestmentNumber.municipality_id, InvestmentNumber.measure_id, InvestmentNumber.number
        ).where(col(InvestmentNumber.municipality_id).in_(municipality_ids))
    ).all()
    return {(m, measure): number for m, measure, number in rows}


def measure_produkte_of(
    session: Session, municipality_ids: Sequence[int]
) -> dict[tuple[int, int], str]:
    """``(municipality_id, measure_id) → Produkt`` given to a measure (instead of the default)."""
    if not municipality_ids:
        return {}
    rows = session.exec(
        select(
            MeasureProdukt.municipality_id, MeasureProdukt.measure_id, MeasureProdukt.produkt
        ).where(col(MeasureProdukt.municipality_id).in_(municipality_ids))
    ).all()
    return {(m, measure): produkt for m, measure, produkt in rows}


def haushalt_accounts(session: Session, municipality_id: int) -> dict[str, HaushaltAccount]:
    """The municipality's accounts beside the cost lines, by purpose."""
    rows = session.exec(
        select(HaushaltAccount).where(HaushaltAccount.municipality_id == municipality_id)
    ).all()
    return {row.purpose: row for row in rows}


def commitments_of(
    session: Session, measure_ids: Sequence[int]
) -> list[tuple[Commitment, dict[int, int]]]:
    """Verpflichtungsermächtigungen of the measures, each with its payments (year → cents)."""
    if not measure_ids:
        return []
    found = session.exec(
        select(Commitment)
        .where(col(Commitment.measure_id).in_(measure_ids))
        .order_by(col(Commitment.year), col(Commitment.measure_id), col(Commitment.category))
    ).all()
    payments: dict[int, dict[int, int]] = defaultdict(dict)
    ids = [int(c.id or 0) for c in found]
    if ids:
        for commitment_id, year, cents in session.exec(
            select(
                CommitmentPayment.commitment_id,
                CommitmentPayment.year,
                CommitmentPayment.amount_cents,
            ).where(col(CommitmentPayment.commitment_id).in_(ids))
        ).all():
            payments[commitment_id][year] = cents
    return [(c, dict(sorted(payments[int(c.id or 0)].items()))) for c in found]


def investment_numbers(session: Session, municipality_id: int) -> dict[int, str]:
    rows = session.exec(
        select(InvestmentNumber.measure_id, InvestmentNumber.number).where(
            InvestmentNumber.municipality_id == municipality_id
        )
    ).all()
    return dict(rows)


def budget_line_by_id(session: Session, line_id: int) -> BudgetLine | None:
    return session.get(BudgetLine, line_id)


def data_state(session: Session) -> datetime | None:
    """When anything was last changed (newest audit event): the export's "Datenstand"."""
    value = session.exec(select(func.max(AuditEvent.occurred_at))).one()
    if value is None:
        return None
    return as_aware(value) if isinstance(value, datetime) else None


def measure_by_code(session: Session, code: str) -> Measure | None:
    return session.exec(select(Measure).where(Measure.code == code)).first()


def active_measure_ids(session: Session) -> list[int]:
    """Measures that are not archived (the candidates a grant may cover)."""
    rows = session.exec(select(Measure.id).where(col(Measure.archived).is_(False))).all()
    return [int(mid) for mid in rows if mid is not None]


def in_year(year: int) -> ColumnElement[bool]:
    """A measure "in" a year: it runs then by its planned dates, or it has budget in that year.

    The one definition the measures list and the dashboard filter by.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    runs = and_(
        col(Measure.planned_start).is_not(None),
        col(Measure.planned_start) <= last,
        or_(col(Measure.planned_end).is_(None), col(Measure.planned_end) >= first),
    )
    has_budget = exists().where(
        col(BudgetLine.measure_id) == col(Measure.id), col(BudgetLine.year) == year
    )
    return or_(runs, has_budget)
