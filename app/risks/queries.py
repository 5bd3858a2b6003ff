"""Reads of the risk register: a measure's risks, the risk list's filters and the 5 × 5 matrix.

A risk counts at its current rating (:mod:`app.risks.scale`): the residual one once recorded,
else the gross one; closed risks count in neither the matrix nor "hohe Risiken".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    select,
)
from sqlmodel import Session, col

from app.core.enums import RiskStatus
from app.core.timeutil import today
from app.municipalities.models import Municipality
from app.portfolio.models import ActionField, Measure
from app.portfolio.queries import MeasureDetail, involving
from app.risks.models import Risk
from app.risks.scale import HIGH_SCORE, score, severity

LIST_LIMIT = 200  # rows on one page of the risk list


def current_probability() -> ColumnElement[int]:
    return func.coalesce(col(Risk.residual_probability), col(Risk.probability))


def current_impact() -> ColumnElement[int]:
    return func.coalesce(col(Risk.residual_impact), col(Risk.impact))


def is_open() -> ColumnElement[bool]:
    return col(Risk.status) != RiskStatus.geschlossen.value


def is_high() -> ColumnElement[bool]:
    """An open risk whose current score is "hoch" (the one SQL form of the rule)."""
    return and_(is_open(), current_probability() * current_impact() >= HIGH_SCORE)


def review_overdue(on: date) -> ColumnElement[bool]:
    return and_(is_open(), col(Risk.review_on).is_not(None), col(Risk.review_on) < on)


def has_high_risk() -> ColumnElement[bool]:
    """Condition on ``Measure``: it has an open risk rated "hoch" (the measures list's filter)."""
    return exists().where(col(Risk.measure_id) == col(Measure.id), is_high())


@dataclass(frozen=True)
class RiskView:
    risk: Risk
    measure_code: str
    measure_title: str
    municipality_slug: str
    municipality_name: str
    on: date

    @property
    def score(self) -> int:
        return score(self.risk.probability, self.risk.impact)

    @property
    def residual_score(self) -> int | None:
        r = self.risk
        if r.residual_probability is None or r.residual_impact is None:
            return None
        return score(r.residual_probability, r.residual_impact)

    @property
    def current_score(self) -> int:
        residual = self.residual_score
        return residual if residual is not None else self.score

    @property
    def severity(self) -> str:
        return severity(self.current_score)

    @property
    def closed(self) -> bool:
        return self.risk.status == RiskStatus.geschlossen.value

    @property
    def review_overdue(self) -> bool:
        r = self.risk
        return not self.closed and r.review_on is not None and r.review_on < self.on


def _views(session: Session, query: Select[Any], on: date) -> list[RiskView]:
    return [
        RiskView(risk, code, title, slug, name, on)
        for risk, code, title, slug, name in session.execute(query).all()
    ]


def _base() -> Any:
    return (
        select(
            Risk,
            col(Measure.code),
            col(Measure.title),
            col(Municipality.slug),
            col(Municipality.name),
        )
        .join(Measure, col(Measure.id) == col(Risk.measure_id))
        .join(Municipality, col(Municipality.id) == col(Risk.municipality_id))
    )


def risks_of_measure(session: Session, measure_id: int, on: date | None = None) -> list[RiskView]:
    """A measure's risks: open ones first, the highest current score first."""
    query = (
        _base()
        .where(col(Risk.measure_id) == measure_id)
        .order_by(
            (col(Risk.status) == RiskStatus.geschlossen.value),
            (current_probability() * current_impact()).desc(),
            col(Risk.id),
        )
    )
    return _views(session, query, on or today())


@dataclass(frozen=True)
class RiskFilter:
    """The risk list's filters (already validated; ids resolved)."""

    municipality_id: int | None = None
    field_code: str = ""
    probability: int | None = None  # current rating
    impact: int | None = None
    status: str = "offen"  # "offen": not closed; "alle"; or one status
    high: bool = False
    overdue: bool = False
    measure_id: int | None = None


def _measure_conditions(flt: RiskFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Measure.archived).is_(False)]
    if flt.municipality_id is not None:
        conditions.append(involving(flt.municipality_id))
    if flt.field_code:
        conditions.append(
            exists().where(
                col(ActionField.id) == col(Measure.action_field_id),
                col(ActionField.code) == flt.field_code,
            )
        )
    if flt.measure_id is not None:
        conditions.append(col(Measure.id) == flt.measure_id)
    return conditions


def _filtered(query: Select[Any], flt: RiskFilter, on: date) -> Select[Any]:
    query = query.where(*_measure_conditions(flt))
    if flt.status == "offen":
        query = query.where(is_open())
    elif flt.status != "alle":
        query = query.where(col(Risk.status) == flt.status)
    if flt.probability is not None:
        query = query.where(current_probability() == flt.probability)
    if flt.impact is not None:
        query = query.where(current_impact() == flt.impact)
    if flt.high:
        query = query.where(is_high())
    if flt.overdue:
        query = query.where(review_overdue(on))
    return query


@dataclass
class RiskPage:
    rows: list[RiskView]
    total: int


def risk_list(
    session: Session, flt: RiskFilter, on: date | None = None, limit: int = LIST_LIMIT
) -> RiskPage:
    on = on or today()
    total = session.execute(
        _filtered(
            select(func.count(col(Risk.id)))
            .select_from(Risk)
            .join(Measure, col(Measure.id) == col(Risk.measure_id)),
            flt,
            on,
        )
    ).scalar_one()
    query = _filtered(_base(), flt, on).order_by(
        (current_probability() * current_impact()).desc(), col(Measure.code), col(Risk.id)
    )
    return RiskPage(rows=_views(session, query.limit(limit), on), total=int(total))


@dataclass
class Matrix:
    """Open risks per cell of the 5 × 5 matrix, by current probability and impact."""

    counts: dict[tuple[int, int], int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, probability: int, impact: int) -> int:
        return self.counts.get((probability, impact), 0)

    @property
    def high(self) -> int:
        return sum(n for (p, i), n in self.counts.items() if score(p, i) >= HIGH_SCORE)


def matrix(session: Session, measures: Any, on: date | None = None) -> Matrix:
    """The matrix of the open risks of ``measures`` (a select of measure ids), in one query."""
    on = on or today()
    p, i = current_probability(), current_impact()
    overdue = func.sum(case((review_overdue(on), 1), else_=0))
    rows = session.execute(
        select(p, i, func.count(col(Risk.id)), overdue)
        .where(is_open(), col(Risk.measure_id).in_(measures))
        .group_by(p, i)
    ).all()
    result = Matrix()
    for probability, impact, count, late in rows:
        result.counts[(int(probability), int(impact))] = int(count)
        result.overdue += int(late or 0)
    return result


@dataclass(frozen=True)
class RiskSection:
    """What the measure page shows of the register (``detail.extra["risks"]``)."""

    risks: list[RiskView]


def measure_section(session: Session, detail: MeasureDetail) -> RiskSection:
    """The extension of a measure's detail (registered by the application factory)."""
    assert detail.measure.id is not None
    return RiskSection(risks=risks_of_measure(session, detail.measure.id))


def filtered_matrix(session: Session, flt: RiskFilter, on: date | None = None) -> Matrix:
    """The matrix of the risk list's measures (its municipality, field and measure filters)."""
    measures = select(col(Measure.id)).where(*_measure_conditions(flt))
    return matrix(session, measures, on)


def all_risks(session: Session, flt: RiskFilter, on: date | None = None) -> Iterator[RiskView]:
    """Every risk of the filter, highest current score first, read in batches (exports)."""
    on = on or today()
    query = _filtered(_base(), flt, on).order_by(
        (current_probability() * current_impact()).desc(), col(Measure.code), col(Risk.id)
    )
    for risk, code, title, slug, name in session.execute(query.execution_options(yield_per=500)):
        yield RiskView(risk, code, title, slug, name, on)
