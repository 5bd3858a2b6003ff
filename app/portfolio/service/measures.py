"""Creating a measure, changing its master data, archiving and restoring it.

Every edit names the version it was based on; a stale one raises StaleVersion (HTTP 409) and
changes nothing. Nothing is deleted: measures are archived and can be restored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.accounts.permissions import Principal, can_manage_strategy, require
from app.core.db import claim_version
from app.core.enums import CostKeyKind, MeasureStatus, TrafficLight
from app.core.errors import ValidationFailed
from app.core.inputs import VersionOnly
from app.municipalities.models import Municipality
from app.portfolio.models import ActionField, Measure, Participation, ProjectPlan
from app.portfolio.schemas import MeasureCreate, MeasureFields, MeasureUpdate, ParticipantsIn
from app.portfolio.service.access import measure_for_edit, require_measure_editor

MEASURE_FIELDS = tuple(MeasureFields.model_fields)


def measure_snapshot(measure: Measure) -> dict[str, Any]:
    """A measure's master data as the 409 answer shows it."""
    return {name: getattr(measure, name) for name in MEASURE_FIELDS} | {
        "archived": measure.archived
    }


def update_measure(
    *, session: Session, actor: Principal, code: str, data: MeasureUpdate
) -> Measure:
    """Change a measure's master data (title, goal, priority, plan dates, responsible person)."""
    measure = measure_for_edit(session, code)
    require_measure_editor(session, actor, measure)
    claim_version(measure, data.expected_version, measure_snapshot)
    for name in MEASURE_FIELDS:
        value = getattr(data, name)
        if getattr(measure, name) != value:
            setattr(measure, name, value)
    session.add(measure)
    session.flush()
    return measure


def create_measure(*, session: Session, actor: Principal, data: MeasureCreate) -> Measure:
    """A new measure (IKZ-Koordination): code, action field, lead and participants."""
    require(can_manage_strategy(actor), "Neue Maßnahmen legt die IKZ-Koordination an.")
    errors: dict[str, str] = {}
    field = (
        session.execute(select(ActionField).where(col(ActionField.code) == data.action_field))
        .scalars()
        .first()
    )
    if field is None:
        errors["action_field"] = "Dieses Handlungsfeld gibt es nicht."
    slugs = set(data.participants) | {data.lead}
    municipalities = {
        m.slug: m
        for m in session.execute(
            select(Municipality).where(col(Municipality.slug).in_(sorted(slugs)))
        ).scalars()
    }
    if data.lead not in municipalities:
        errors["lead"] = "Diese Kommune gibt es nicht."
    unknown = sorted(slug for slug in data.participants if slug not in municipalities)
    if unknown:
        errors["participants"] = "Unbekannte Kommune: " + ", ".join(unknown)
    taken = session.execute(select(col(Measure.id)).where(col(Measure.code) == data.code)).first()
    if taken:
        errors["code"] = f"Den Code {data.code} gibt es bereits."
    if errors:
        raise ValidationFailed(errors)
    assert field is not None and field.id is not None
    measure = Measure(
        strategy_id=field.strategy_id,
        action_field_id=field.id,
        code=data.code,
        lead_municipality_id=int(municipalities[data.lead].id or 0),
        cost_key=CostKeyKind.equal.value,
        status=MeasureStatus.geplant.value,
        traffic_light=TrafficLight.gruen.value,
        **{name: getattr(data, name) for name in MEASURE_FIELDS},
    )
    session.add(measure)
    session.flush()
    assert measure.id is not None
    for slug in sorted(slugs):
        session.add(
            Participation(measure_id=measure.id, municipality_id=int(municipalities[slug].id or 0))
        )
    session.add(ProjectPlan(measure_id=measure.id))
    session.flush()
    return measure


def set_archived(
    *, session: Session, actor: Principal, code: str, archived: bool, data: VersionOnly
) -> Measure:
    """Archive (hide) or restore a measure; nothing is ever deleted."""
    measure = measure_for_edit(session, code)
    require(can_manage_strategy(actor), "Maßnahmen archiviert die IKZ-Koordination.")
    claim_version(measure, data.expected_version, measure_snapshot)
    measure.archived = archived
    session.add(measure)
    session.flush()
    return measure


PARTICIPANTS_MESSAGE = "Die beteiligten Kommunen ändert die IKZ-Koordination."


def participant_slugs_of(session: Session, measure: Measure) -> list[str]:
    rows = session.execute(
        select(col(Municipality.slug))
        .join(Participation, col(Participation.municipality_id) == col(Municipality.id))
        .where(col(Participation.measure_id) == measure.id)
        .order_by(col(Municipality.slug))
    ).scalars()
    return list(rows)


def set_participants(
    *, session: Session, actor: Principal, code: str, data: ParticipantsIn
) -> Measure:
    """Add and remove participating municipalities (IKZ-Koordination; they move costs).

    The lead always takes part. In the same unit of work the ledger shares every budget line
    and the grants' funding among the new participants (its listeners recompute on flush), and
    a removed municipality's council decisions on the measure are deleted (the change history
    keeps them). Under a custom cost key the shares must then be set again: until they add up
    to 100 % the measure's costs are flagged as not shared.
    """
    require(can_manage_strategy(actor), PARTICIPANTS_MESSAGE)
    measure = measure_for_edit(session, code)
    claim_version(
        measure,
        data.expected_version,
        lambda m: {"participants": participant_slugs_of(session, m), "version": m.version},
    )
    everyone = {
        m.slug: m for m in session.execute(select(Municipality)).scalars() if m.id is not None
    }
    unknown = sorted(slug for slug in data.participants if slug not in everyone)
    if unknown:
        raise ValidationFailed({"participants": "Unbekannte Kommune: " + ", ".join(unknown)})
    wanted = {int(everyone[slug].id or 0) for slug in data.participants}
    wanted.add(measure.lead_municipality_id)
    current = {
        p.municipality_id: p
        for p in session.execute(
            select(Participation).where(col(Participation.measure_id) == measure.id)
        ).scalars()
    }
    for municipality_id, participation in current.items():
        if municipality_id in wanted:
            continue
        # A municipality that leaves keeps its Vorlagen and their Beratungsfolge (council
        # decisions are records); approvals are only read for participants.
        session.delete(participation)
    for municipality_id in sorted(wanted - set(current)):
        session.add(Participation(measure_id=int(measure.id or 0), municipality_id=municipality_id))
    session.add(measure)
    session.flush()
    return measure
