"""Who records a municipality's council cycle: its Hauptamtsleitung, and the IKZ-Koordination.

The lookups run in the order permission-first: who records for no municipality at all gets a 403
before anything is read; then an unknown record is a 404; then a record of a municipality one
does not record for is a 403.
"""

from __future__ import annotations

from sqlmodel import Session

from app.accounts.permissions import Principal, can_record_approval, holds_anywhere, require
from app.core.enums import Role
from app.core.errors import NotFound
from app.councils.models import CouncilBody, CouncilSession, Deliberation, Proposal
from app.municipalities.models import Municipality

RECORDER_MESSAGE = "Sitzungen, Vorlagen und Beschlüsse erfasst die Hauptamtsleitung der Kommune."


def require_recorder(actor: Principal) -> None:
    require(holds_anywhere(actor, Role.hauptamt), RECORDER_MESSAGE)


def require_recorder_of(session: Session, actor: Principal, municipality_id: int) -> None:
    require_recorder(actor)
    if can_record_approval(actor, municipality_id):
        return
    municipality = session.get(Municipality, municipality_id)
    name = municipality.name if municipality else "diese Kommune"
    require(False, f"Für {name} erfasst das nur die dortige Hauptamtsleitung.")


def recordable_body(session: Session, actor: Principal, body_id: int) -> CouncilBody:
    require_recorder(actor)
    body = session.get(CouncilBody, body_id)
    if body is None:
        raise NotFound("Dieses Gremium gibt es nicht.")
    require_recorder_of(session, actor, body.municipality_id)
    return body


def recordable_session(session: Session, actor: Principal, session_id: int) -> CouncilSession:
    require_recorder(actor)
    found = session.get(CouncilSession, session_id)
    if found is None:
        raise NotFound("Diese Sitzung gibt es nicht.")
    body = session.get(CouncilBody, found.body_id)
    assert body is not None
    require_recorder_of(session, actor, body.municipality_id)
    return found


def recordable_proposal(session: Session, actor: Principal, proposal_id: int) -> Proposal:
    require_recorder(actor)
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("Diese Beschlussvorlage gibt es nicht.")
    require_recorder_of(session, actor, proposal.municipality_id)
    return proposal


def recordable_step(session: Session, actor: Principal, step_id: int) -> Deliberation:
    require_recorder(actor)
    step = session.get(Deliberation, step_id)
    if step is None:
        raise NotFound("Diese Beratung gibt es nicht.")
    recordable_proposal(session, actor, step.proposal_id)
    return step
