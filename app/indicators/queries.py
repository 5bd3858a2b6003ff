"""Reads of goals, indicators and values: the KPI cards of a measure, an action field and the
dashboard, and the public JSON shapes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.accounts.permissions import Principal
from app.core.db import newest_per
from app.core.enums import Role
from app.core.errors import NotFound
from app.indicators.chart import TrendChart, trend_chart
from app.indicators.models import DIRECTION_LABELS, Goal, Indicator, IndicatorValue
from app.indicators.progress import Path, Reading, behind_plan, sentence, target_reached
from app.indicators.schemas import IndicatorPublic, ValuePublic
from app.municipalities.models import Municipality
from app.portfolio.models import ActionField, Measure
from app.portfolio.queries import MeasureDetail

VALUES_ON_CARD = 24  # the newest values a card's chart and table show


def can_enter_values(actor: Principal | None, indicator: Indicator) -> bool:
    """Measured values: the officers of the responsible municipality, and the IKZ-Koordination."""
    if actor is None:
        return False
    return actor.is_admin or actor.has_role(Role.digital, indicator.municipality_id)


@dataclass
class Card:
    """A KPI card: what, why, target, by when, source, the trend and the plain sentence."""

    indicator: Indicator
    goal: Goal
    municipality: Municipality
    measure_code: str | None
    measure_title: str | None
    field_code: str | None = None  # of an action field's own goal
    values: list[IndicatorValue] = field(default_factory=list)  # oldest first

    @property
    def path(self) -> Path:
        i = self.indicator
        return Path(i.direction, i.baseline_value, i.baseline_on, i.target_value, i.target_on)

    @property
    def readings(self) -> list[Reading]:
        return [Reading(v.measured_on, v.value) for v in self.values]

    @property
    def latest(self) -> Reading | None:
        return self.readings[-1] if self.values else None

    @property
    def behind(self) -> bool:
        return behind_plan(self.path, self.latest)

    @property
    def reached(self) -> bool:
        return target_reached(self.path, self.latest)

    @property
    def sentence(self) -> str:
        return sentence(self.path, self.indicator.unit, self.latest)

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS.get(self.indicator.direction, self.indicator.direction)

    @property
    def chart(self) -> TrendChart:
        return trend_chart(self.path, self.readings)

    def may_enter(self, actor: Principal | None) -> bool:
        return can_enter_values(actor, self.indicator)


def _cards(session: Session, where: Iterable[object], *, limit: int | None = None) -> list[Card]:
    query = (
        select(Indicator, Goal, Municipality, Measure.code, Measure.title, ActionField.code)  # type: ignore[call-overload]
        .join(Goal, col(Goal.id) == col(Indicator.goal_id))
        .join(Municipality, col(Municipality.id) == col(Indicator.municipality_id))
        .outerjoin(Measure, col(Measure.id) == col(Goal.measure_id))
        .outerjoin(ActionField, col(ActionField.id) == col(Goal.action_field_id))
        .where(*where)
        .order_by(col(Goal.title), col(Indicator.name), col(Indicator.id))
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    cards = [Card(i, g, m, code, title, fcode) for i, g, m, code, title, fcode in rows]
    _attach_values(session, cards)
    return cards


def _attach_values(session: Session, cards: Sequence[Card]) -> None:
    """Each card's newest ``VALUES_ON_CARD`` values, numbered per indicator in SQL, so an
    indicator with a long history is not read whole."""
    by_id = {int(card.indicator.id or 0): card for card in cards}
    if not by_id:
        return
    newest = newest_per(
        col(IndicatorValue.id),
        col(IndicatorValue.indicator_id),
        (col(IndicatorValue.measured_on).desc(), col(IndicatorValue.id).desc()),
        col(IndicatorValue.indicator_id).in_(by_id),
    )
    found: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in session.execute(
        select(IndicatorValue)
        .join(newest, newest.c.id == col(IndicatorValue.id))
        .where(newest.c.rank <= VALUES_ON_CARD)
        .order_by(col(IndicatorValue.measured_on), col(IndicatorValue.id))
    ).scalars():
        found[value.indicator_id].append(value)
    for indicator_id, values in found.items():
        by_id[indicator_id].values = values


def measure_cards(session: Session, measure_id: int) -> list[Card]:
    return _cards(session, [col(Goal.measure_id) == measure_id])


FIELD_CARDS_SHOWN = 60


def field_cards(
    session: Session, action_field_id: int, *, limit: int = FIELD_CARDS_SHOWN + 1
) -> list[Card]:
    """The action field's own goals and those of its measures (at most ``limit``)."""
    return _cards(
        session,
        [
            (col(Goal.action_field_id) == action_field_id)
            | (col(Measure.action_field_id) == action_field_id)
        ],
        limit=limit,
    )


def goal_titles(
    session: Session, *, measure_id: int | None, action_field_id: int | None
) -> list[str]:
    """The goals already set in a scope (the form offers them)."""
    return list(
        session.execute(
            select(col(Goal.title))
            .where(
                col(Goal.measure_id) == measure_id
                if measure_id is not None
                else col(Goal.action_field_id) == action_field_id
            )
            .order_by(col(Goal.title))
        ).scalars()
    )


def card_by_id(session: Session, indicator_id: int) -> Card:
    cards = _cards(session, [col(Indicator.id) == indicator_id])
    if not cards:
        raise NotFound("Diesen Indikator gibt es nicht.")
    return cards[0]


@dataclass(frozen=True)
class ImpactPanel:
    """The dashboard's panel: counts over every indicator in view, and the cards to look at
    first (behind the plan, then without a value, then the rest)."""

    total: int
    behind: int
    reached: int
    without_value: int
    cards: list[Card]


def impact_panel(
    session: Session, *, municipality_id: int | None, field_code: str, shown: int = 6
) -> ImpactPanel:
    """Counts over the indicators in view, aggregated in SQL from the flags each indicator
    keeps (``service.refresh_state``), then the shown cards with their trends."""
    where: list[Any] = [col(Measure.archived).is_not(True)]
    if municipality_id is not None:
        where.append(col(Indicator.municipality_id) == municipality_id)
    if field_code:
        where.append(col(ActionField.code) == field_code)

    def scoped(query: Any) -> Any:
        query = (
            query.join(Goal, col(Goal.id) == col(Indicator.goal_id))
            .outerjoin(Measure, col(Measure.id) == col(Goal.measure_id))
            .where(*where)
        )
        if field_code:
            query = query.join(
                ActionField,
                (col(ActionField.id) == col(Measure.action_field_id))
                | (col(ActionField.id) == col(Goal.action_field_id)),
            )
        return query

    def flagged(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    total, behind, reached, empty = session.execute(
        scoped(
            select(
                func.count(col(Indicator.id)),
                flagged(col(Indicator.behind)),
                flagged(col(Indicator.reached)),
                flagged(col(Indicator.latest_on).is_(None)),
            ).select_from(Indicator)
        )
    ).one()
    chosen = list(
        session.execute(
            scoped(
                select(col(Indicator.id))
                .order_by(
                    case((col(Indicator.behind), 0), else_=1),
                    case((col(Indicator.latest_on).is_(None), 0), else_=1),
                    col(Indicator.name),
                    col(Indicator.id),
                )
                .limit(shown)
            )
        ).scalars()
    )
    cards = _cards(session, [col(Indicator.id).in_(chosen)]) if chosen else []
    order = {ident: index for index, ident in enumerate(chosen)}
    cards.sort(key=lambda card: order[int(card.indicator.id or 0)])
    return ImpactPanel(
        total=int(total),
        behind=int(behind),
        reached=int(reached),
        without_value=int(empty),
        cards=cards,
    )


def field_code_of(session: Session, goal: Goal) -> str | None:
    if goal.action_field_id is None:
        return None
    found: str | None = session.execute(
        select(col(ActionField.code)).where(col(ActionField.id) == goal.action_field_id)
    ).scalar_one_or_none()
    return found


def indicator_public(session: Session, card: Card, *, all_values: bool = True) -> IndicatorPublic:
    i = card.indicator
    assert i.id is not None
    values = card.values
    if all_values:
        values = list(
            session.execute(
                select(IndicatorValue)
                .where(col(IndicatorValue.indicator_id) == i.id)
                .order_by(col(IndicatorValue.measured_on))
            ).scalars()
        )
    return IndicatorPublic(
        id=i.id,
        goal=card.goal.title,
        measure_code=card.measure_code,
        action_field_code=card.field_code,
        name=i.name,
        definition=i.definition,
        unit=i.unit,
        direction=i.direction,
        baseline_value=i.baseline_value,
        baseline_on=i.baseline_on,
        target_value=i.target_value,
        target_on=i.target_on,
        source=i.source,
        municipality=card.municipality.slug,
        example=i.example,
        version=i.version,
        behind_plan=card.behind,
        summary=card.sentence,
        values=[
            ValuePublic(
                measured_on=v.measured_on,
                value=v.value,
                note=v.note,
                author=v.author_name,
                entered_at=v.entered_at,
            )
            for v in values
        ],
    )


@dataclass(frozen=True)
class MeasureIndicators:
    """What the measure page shows of its goals and indicators (a detail extension)."""

    cards: list[Card]
    involved: frozenset[int]

    def may_define(self, actor: Principal | None) -> bool:
        if actor is None:
            return False
        return actor.is_admin or bool(actor.municipalities_with(Role.digital) & self.involved)


def measure_indicators(session: Session, detail: MeasureDetail) -> MeasureIndicators:
    """The measure's KPI cards, registered with ``portfolio.queries.extend_measure_detail``."""
    measure = detail.measure
    assert measure.id is not None
    involved = {int(p.municipality.id or 0) for p in detail.participants}
    involved.add(measure.lead_municipality_id)
    return MeasureIndicators(measure_cards(session, measure.id), frozenset(involved))


def export_cards(
    session: Session, *, municipality_id: int | None
) -> tuple[list[Card], dict[int, list[IndicatorValue]]]:
    """Every indicator (of one responsible municipality, or all) with every value, oldest first."""
    where = [] if municipality_id is None else [col(Indicator.municipality_id) == municipality_id]
    cards = _cards(session, where)
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    ids = [int(card.indicator.id or 0) for card in cards]
    for chunk in range(0, len(ids), 1000):
        for value in session.execute(
            select(IndicatorValue)
            .where(col(IndicatorValue.indicator_id).in_(ids[chunk : chunk + 1000]))
            .order_by(col(IndicatorValue.indicator_id), col(IndicatorValue.measured_on))
        ).scalars():
            values[value.indicator_id].append(value)
    return cards, values
