"""Use cases of the risk register: record, change and close a measure's risks.

Who may: the Digitalisierungsbeauftragte and the Hauptamtsleitung of the lead or a participating
municipality, and the IKZ-Koordination; everyone signed in reads.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.accounts.permissions import Principal, require
from app.core.db import claim_version, for_edit
from app.core.enums import RiskStatus, Role
from app.core.errors import NotFound, ValidationFailed
from app.core.inputs import VersionOnly
from app.municipalities import queries as municipality_queries
from app.portfolio.models import Measure
from app.portfolio.queries import measure_or_404, participant_ids
from app.portfolio.service.access import measure_for_edit
from app.risks.models import Risk
from app.risks.schemas import RiskCreate, RiskFields, RiskUpdate

EDITOR_MESSAGE = (
    "Risiken einer Maßnahme pflegen die Digitalisierungsbeauftragten und die Hauptamtsleitungen "
    "der beteiligten Kommunen."
)
VALUE_FIELDS = tuple(name for name in RiskFields.model_fields if name != "municipality")


def involved_ids(session: Session, measure: Measure) -> set[int]:
    assert measure.id is not None
    return {measure.lead_municipality_id, *participant_ids(session, measure.id)}


def can_edit_risks(actor: Principal | None, involved: set[int]) -> bool:
    """The officers and Hauptamtsleitung of an involved municipality, and the IKZ-Koordination."""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    held = actor.municipalities_with(Role.digital) | actor.municipalities_with(Role.hauptamt)
    return bool(held & involved)


def may_edit_any(actor: Principal | None) -> bool:
    """Whether ``actor`` edits the risks of any measure at all (403 before anything else)."""
    if actor is None:
        return False
    return actor.is_admin or bool(
        actor.municipalities_with(Role.digital) | actor.municipalities_with(Role.hauptamt)
    )


def require_risk_editor(session: Session, actor: Principal, measure: Measure) -> None:
    require(can_edit_risks(actor, involved_ids(session, measure)), EDITOR_MESSAGE)


def snapshot(risk: Risk) -> dict[str, Any]:
    return {name: getattr(risk, name) for name in VALUE_FIELDS}


def _municipality_id(session: Session, measure: Measure, slug: str) -> int:
    """The responsible municipality: one of the involved, the lead when none is named."""
    if not slug:
        return measure.lead_municipality_id
    municipality = municipality_queries.municipality_by_slug(session, slug)
    if municipality is None or municipality.id not in involved_ids(session, measure):
        raise ValidationFailed(
            {"municipality": "Bitte eine an der Maßnahme beteiligte Kommune wählen."}
        )
    return int(municipality.id)


def create_risk(*, session: Session, actor: Principal, code: str, data: RiskCreate) -> Risk:
    measure = measure_for_edit(session, code)
    require_risk_editor(session, actor, measure)
    assert measure.id is not None
    risk = Risk(
        measure_id=measure.id,
        municipality_id=_municipality_id(session, measure, data.municipality),
        **{name: getattr(data, name) for name in VALUE_FIELDS},
    )
    session.add(risk)
    session.flush()
    return risk


def _risk_for_edit(session: Session, measure: Measure, risk_id: int) -> Risk:
    risk: Risk | None = session.execute(
        for_edit(select(Risk).where(col(Risk.id) == risk_id))
    ).scalar_one_or_none()
    if risk is None or risk.measure_id != measure.id:
        raise NotFound("Dieses Risiko gibt es bei dieser Maßnahme nicht.")
    return risk


def update_risk(
    *, session: Session, actor: Principal, code: str, risk_id: int, data: RiskUpdate
) -> Risk:
    measure = measure_for_edit(session, code)
    require_risk_editor(session, actor, measure)
    risk = _risk_for_edit(session, measure, risk_id)
    claim_version(risk, data.expected_version, snapshot)
    municipality_id = _municipality_id(session, measure, data.municipality)
    if risk.municipality_id != municipality_id:
        risk.municipality_id = municipality_id
    for name in VALUE_FIELDS:
        value = getattr(data, name)
        if getattr(risk, name) != value:
            setattr(risk, name, value)
    session.add(risk)
    session.flush()
    return risk


def close_risk(
    *, session: Session, actor: Principal, code: str, risk_id: int, data: VersionOnly
) -> Risk:
    """A risk that no longer threatens the measure is closed, not deleted: the register keeps
    what was foreseen."""
    measure = measure_for_edit(session, code)
    require_risk_editor(session, actor, measure)
    risk = _risk_for_edit(session, measure, risk_id)
    claim_version(risk, data.expected_version, snapshot)
    risk.status = RiskStatus.geschlossen.value
    session.add(risk)
    session.flush()
    return risk


def editable_measure(*, session: Session, actor: Principal, code: str) -> Measure:
    """The measure if ``actor`` may edit its risks: 403 for who edits no risks at all, 404 for
    an unknown code, then 403."""
    require(may_edit_any(actor), EDITOR_MESSAGE)
    measure = measure_or_404(session, code)
    require_risk_editor(session, actor, measure)
    return measure
