"""A council's decision on a measure, recorded by the municipality's Hauptamtsleitung."""

from __future__ import annotations

from sqlmodel import Session

from app.accounts.permissions import Principal, can_record_approval, holds_anywhere, require
from app.core.enums import Role
from app.core.errors import NotFound, ValidationFailed
from app.municipalities.models import Municipality
from app.municipalities.queries import municipality_by_slug
from app.portfolio.models import Approval, Measure
from app.portfolio.queries import measure_or_404, participant_ids
from app.portfolio.schemas import ApprovalIn
from app.portfolio.service.access import measure_for_edit


def approval_target(
    *, session: Session, actor: Principal, code: str, slug: str
) -> tuple[Measure, Municipality]:
    """The measure and the municipality whose decision ``actor`` wants to record: 404, then 403.

    Someone who records decisions for no municipality is refused before anything else is read.
    """
    require(
        holds_anywhere(actor, Role.hauptamt), "Beschlüsse erfasst die Hauptamtsleitung der Kommune."
    )
    measure = measure_or_404(session, code)
    municipality = municipality_by_slug(session, slug) if slug else None
    if municipality is None or municipality.id is None:
        raise NotFound("Bitte eine beteiligte Kommune wählen.")
    require(
        can_record_approval(actor, municipality.id),
        f"Beschlüsse für {municipality.name} erfasst nur die dortige Hauptamtsleitung.",
    )
    return measure, municipality


def record_approval(*, session: Session, actor: Principal, code: str, data: ApprovalIn) -> Approval:
    """Record a council decision; only that municipality's Hauptamtsleitung may."""
    _measure, municipality = approval_target(
        session=session, actor=actor, code=code, slug=data.kommune
    )
    measure = measure_for_edit(session, code)
    assert measure.id is not None and municipality.id is not None
    if municipality.id not in participant_ids(session, measure.id):
        raise ValidationFailed(
            {"kommune": f"{municipality.name} ist an dieser Maßnahme nicht beteiligt."}
        )
    approval = Approval(
        measure_id=measure.id,
        municipality_id=municipality.id,
        body=data.body,
        decided_on=data.decided_on,
        drucksache=data.drucksache,
        result=data.result,
    )
    session.add(approval)
    session.flush()
    return approval
