"""Read queries of the portfolio domain (all SQL of the domain's reads lives here)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.municipalities.models import Municipality
from app.portfolio.models import ActionField, Measure, Participation, StatusReport, Strategy

# A measure whose status is final needs no more status reports and counts as inactive.
FINAL_STATUSES = ("abgeschlossen", "verworfen")
# An active measure without a status report for this many days is flagged.
REPORT_STALE_DAYS = 90


def current_strategy(session: Session) -> Strategy | None:
    """The strategy the UI works within: the newest period."""
    return session.exec(select(Strategy).order_by(col(Strategy.period_start).desc())).first()


def action_fields(session: Session, strategy_id: int) -> Sequence[ActionField]:
    return session.exec(
        select(ActionField)
        .where(ActionField.strategy_id == strategy_id)
        .order_by(col(ActionField.position), col(ActionField.code))
    ).all()


def measures(session: Session, *, include_archived: bool = False) -> Sequence[Measure]:
    query = select(Measure).order_by(col(Measure.code))
    if not include_archived:
        query = query.where(col(Measure.archived).is_(False))
    return session.exec(query).all()


def measure_by_code(session: Session, code: str) -> Measure | None:
    return session.exec(select(Measure).where(Measure.code == code)).first()


def participant_slugs(session: Session, measure_ids: Sequence[int]) -> dict[int, list[str]]:
    """Slugs of the participating municipalities per measure, in one query."""
    result: dict[int, list[str]] = defaultdict(list)
    if not measure_ids:
        return result
    rows = session.exec(
        select(Participation.measure_id, Municipality.slug)
        .join(Municipality, col(Municipality.id) == col(Participation.municipality_id))
        .where(col(Participation.measure_id).in_(measure_ids))
        .order_by(col(Municipality.slug))
    ).all()
    for measure_id, slug in rows:
        result[measure_id].append(slug)
    return result


def latest_reports(session: Session, measure_ids: Sequence[int]) -> dict[int, StatusReport]:
    """The newest status report of each measure, in one query (window function)."""
    if not measure_ids:
        return {}
    if len(measure_ids) == 1:
        # One measure (its API resource): walk its index backwards to the newest report.
        newest = session.exec(
            select(StatusReport)
            .where(StatusReport.measure_id == measure_ids[0])
            .order_by(col(StatusReport.reported_at).desc(), col(StatusReport.id).desc())
            .limit(1)
        ).first()
        return {} if newest is None else {newest.measure_id: newest}
    ranked = (
        select(
            col(StatusReport.id).label("id"),
            func.row_number()
            .over(
                partition_by=col(StatusReport.measure_id),
                order_by=(col(StatusReport.reported_at).desc(), col(StatusReport.id).desc()),
            )
            .label("rank"),
        )
        .where(col(StatusReport.measure_id).in_(measure_ids))
        .subquery()
    )
    reports = session.exec(
        select(StatusReport)
        .join(ranked, ranked.c.id == col(StatusReport.id))
        .where(ranked.c.rank == 1)
    ).all()
    return {report.measure_id: report for report in reports}


def action_fields_by_id(session: Session) -> dict[int, ActionField]:
    return {int(field.id): field for field in session.exec(select(ActionField)).all() if field.id}
