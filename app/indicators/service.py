"""Use cases of goals and indicators: define an indicator (with its goal), change it, and enter
a measured value. Permission first, then the input, then the version; flush, never commit."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.accounts.permissions import Principal, require
from app.core.db import claim_version, for_edit
from app.core.enums import Role
from app.core.errors import NotFound, ValidationFailed
from app.indicators.models import Goal, Indicator, IndicatorValue
from app.indicators.progress import Path, Reading, behind_plan, target_reached
from app.indicators.queries import can_enter_values
from app.indicators.schemas import IndicatorCreate, IndicatorFields, IndicatorUpdate, ValueIn
from app.municipalities.queries import municipality_by_slug
from app.portfolio import queries as portfolio_queries
from app.portfolio.models import ActionField, Measure
from app.portfolio.queries import participant_ids

DEFINE_MESSAGE = (
    "Indikatoren einer Maßnahme legen die Digitalisierungsbeauftragten der beteiligten Kommunen "
    "und die IKZ-Koordination an."
)
FIELD_MESSAGE = "Ziele und Indikatoren eines Handlungsfelds legt die IKZ-Koordination an."
VALUE_MESSAGE = (
    "Messwerte erfassen die Digitalisierungsbeauftragten der zuständigen Kommune und die "
    "IKZ-Koordination."
)


def refresh_state(indicator: Indicator, added: Reading | None = None) -> None:
    """Keep the indicator's latest value and its flags current: after a value is ``added``
    (values are only ever added) or its path changed. No query, so no extra flush: the version
    moves once per edit."""
    if added is not None and (
        indicator.latest_on is None or added.measured_on > indicator.latest_on
    ):
        indicator.latest_on = added.measured_on
        indicator.latest_value = added.value
    latest = None
    if indicator.latest_on is not None and indicator.latest_value is not None:
        latest = Reading(indicator.latest_on, indicator.latest_value)
    path = Path(
        indicator.direction,
        indicator.baseline_value,
        indicator.baseline_on,
        indicator.target_value,
        indicator.target_on,
    )
    behind, reached = behind_plan(path, latest), target_reached(path, latest)
    if indicator.behind != behind:
        indicator.behind = behind
    if indicator.reached != reached:
        indicator.reached = reached


INDICATOR_FIELDS = tuple(
    name for name in IndicatorFields.model_fields if name not in {"goal", "municipality"}
)


def involved_ids(session: Session, measure: Measure) -> set[int]:
    assert measure.id is not None
    return {measure.lead_municipality_id, *participant_ids(session, measure.id)}


def can_define_for_measure(actor: Principal | None, involved: set[int]) -> bool:
    """Indicators of a measure: officers of the lead or a participating municipality, admins."""
    if actor is None:
        return False
    return actor.is_admin or bool(actor.municipalities_with(Role.digital) & involved)


def indicator_snapshot(indicator: Indicator) -> dict[str, Any]:
    return {name: getattr(indicator, name) for name in INDICATOR_FIELDS} | {
        "municipality_id": indicator.municipality_id,
        "version": indicator.version,
    }


def _responsible(
    session: Session, actor: Principal, data: IndicatorFields, involved: set[int] | None
) -> int:
    """The responsible municipality: known, and for an officer one of theirs in the measure."""
    municipality = municipality_by_slug(session, data.municipality)
    if municipality is None or municipality.id is None:
        raise ValidationFailed({"municipality": "Unbekannte Kommune."})
    if not actor.is_admin:
        if involved is not None and municipality.id not in involved:
            raise ValidationFailed(
                {"municipality": "Die zuständige Kommune muss an der Maßnahme beteiligt sein."}
            )
        if not actor.has_role(Role.digital, municipality.id):
            raise ValidationFailed(
                {"municipality": "Sie können nur Ihre eigene Kommune als zuständig eintragen."}
            )
    return municipality.id


def _check_dates(data: IndicatorFields) -> None:
    if data.target_on <= data.baseline_on:
        raise ValidationFailed(
            {"target_on": "Das Zieldatum muss nach dem Datum des Ausgangswerts liegen."}
        )


def _goal(session: Session, *, title: str, measure_id: int | None, field_id: int | None) -> Goal:
    """The scope's goal of that title, created on first use (its goals are few)."""
    query = select(Goal).where(col(Goal.title) == title)
    if measure_id is not None:
        query = query.where(col(Goal.measure_id) == measure_id)
    else:
        query = query.where(col(Goal.action_field_id) == field_id)
    goal = session.execute(query).scalars().first()
    if goal is None:
        goal = Goal(measure_id=measure_id, action_field_id=field_id, title=title)
        session.add(goal)
        session.flush()
    return goal


def measure_or_404(session: Session, code: str) -> Measure:
    return portfolio_queries.measure_or_404(session, code)


def require_indicator_role(actor: Principal) -> None:
    """Only the IKZ-Koordination and Digitalisierungsbeauftragte change indicators or enter
    values anywhere; everybody else gets 403 before an address or a body is looked at."""
    require(actor.is_admin or bool(actor.municipalities_with(Role.digital)), DEFINE_MESSAGE)


def definable_measure(*, session: Session, actor: Principal, code: str) -> Measure:
    """The measure if ``actor`` may define its indicators (404 before 403)."""
    require_indicator_role(actor)
    measure = measure_or_404(session, code)
    require(can_define_for_measure(actor, involved_ids(session, measure)), DEFINE_MESSAGE)
    return measure


def create_measure_indicator(
    *, session: Session, actor: Principal, code: str, data: IndicatorCreate
) -> Indicator:
    measure = definable_measure(session=session, actor=actor, code=code)
    _check_dates(data)
    municipality_id = _responsible(session, actor, data, involved_ids(session, measure))
    goal = _goal(session, title=data.goal, measure_id=measure.id, field_id=None)
    return _add_indicator(session, goal, municipality_id, data)


def field_or_404(session: Session, code: str) -> ActionField:
    found: ActionField | None = (
        session.execute(
            select(ActionField).where(col(ActionField.code) == code).order_by(col(ActionField.id))
        )
        .scalars()
        .first()
    )
    if found is None:
        raise NotFound("Dieses Handlungsfeld gibt es nicht.")
    return found


def create_field_indicator(
    *, session: Session, actor: Principal, field_code: str, data: IndicatorCreate
) -> Indicator:
    require(actor.is_admin, FIELD_MESSAGE)
    action_field = field_or_404(session, field_code)
    _check_dates(data)
    municipality_id = _responsible(session, actor, data, None)
    goal = _goal(session, title=data.goal, measure_id=None, field_id=action_field.id)
    return _add_indicator(session, goal, municipality_id, data)


def _add_indicator(
    session: Session, goal: Goal, municipality_id: int, data: IndicatorFields
) -> Indicator:
    assert goal.id is not None
    indicator = Indicator(
        goal_id=goal.id,
        municipality_id=municipality_id,
        **{name: getattr(data, name) for name in INDICATOR_FIELDS},
    )
    session.add(indicator)
    session.flush()
    return indicator


def indicator_for_edit(session: Session, indicator_id: int) -> Indicator:
    indicator: Indicator | None = session.execute(
        for_edit(select(Indicator).where(col(Indicator.id) == indicator_id))
    ).scalar_one_or_none()
    if indicator is None:
        raise NotFound("Diesen Indikator gibt es nicht.")
    return indicator


def require_definer(session: Session, actor: Principal, indicator: Indicator) -> Goal:
    """Who may change an indicator: for a measure's, who may define them there; for an action
    field's, the IKZ-Koordination."""
    goal = session.get(Goal, indicator.goal_id)
    assert goal is not None
    if goal.measure_id is None:
        require(actor.is_admin, FIELD_MESSAGE)
        return goal
    measure = session.get(Measure, goal.measure_id)
    assert measure is not None
    require(can_define_for_measure(actor, involved_ids(session, measure)), DEFINE_MESSAGE)
    return goal


def update_indicator(
    *, session: Session, actor: Principal, indicator_id: int, data: IndicatorUpdate
) -> Indicator:
    """Replace an indicator's definition. Everything that reads (and may create the goal) runs
    before the version is claimed, so the indicator is written once and its version moves by
    one."""
    indicator = indicator_for_edit(session, indicator_id)
    goal = require_definer(session, actor, indicator)
    if data.expected_version != indicator.version:
        claim_version(indicator, data.expected_version, indicator_snapshot)  # 409
    _check_dates(data)
    involved = None
    if goal.measure_id is not None:
        measure = session.get(Measure, goal.measure_id)
        assert measure is not None
        involved = involved_ids(session, measure)
    municipality_id = _responsible(session, actor, data, involved)
    goal_id = indicator.goal_id
    if goal.title != data.goal:
        found = _goal(
            session, title=data.goal, measure_id=goal.measure_id, field_id=goal.action_field_id
        )
        goal_id = int(found.id or 0)
    claim_version(indicator, data.expected_version, indicator_snapshot)
    indicator.municipality_id = municipality_id
    indicator.goal_id = goal_id
    for name in INDICATOR_FIELDS:
        value = getattr(data, name)
        if getattr(indicator, name) != value:
            setattr(indicator, name, value)
    refresh_state(indicator)
    session.add(indicator)
    session.flush()
    return indicator


def require_value_enterer(*, session: Session, actor: Principal, indicator_id: int) -> Indicator:
    """404 for an unknown indicator, then 403 for who may not enter its values."""
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound("Diesen Indikator gibt es nicht.")
    require(can_enter_values(actor, indicator), VALUE_MESSAGE)
    return indicator


def add_value(
    *, session: Session, actor: Principal, indicator_id: int, data: ValueIn
) -> IndicatorValue:
    """Store a measured value. It moves the indicator's version, so of several entries based on
    one version exactly one is accepted."""
    indicator = indicator_for_edit(session, indicator_id)
    require(can_enter_values(actor, indicator), VALUE_MESSAGE)
    claim_version(indicator, data.expected_version, indicator_snapshot)
    # Before any query: its autoflush writes the indicator once, with the claimed version.
    refresh_state(indicator, Reading(data.measured_on, data.value))
    taken = session.execute(
        select(col(IndicatorValue.id)).where(
            col(IndicatorValue.indicator_id) == indicator_id,
            col(IndicatorValue.measured_on) == data.measured_on,
        )
    ).first()
    if taken is not None:
        raise ValidationFailed({"measured_on": "Für diesen Tag ist bereits ein Wert erfasst."})
    value = IndicatorValue(
        indicator_id=indicator_id,
        measured_on=data.measured_on,
        value=data.value,
        note=data.note,
        author_id=actor.user_id,
        author_name=actor.display_name,
    )
    session.add(indicator)
    session.add(value)
    session.flush()
    return value
