"""Who may edit a measure, and loading a measure for an edit (404 before 403 before anything)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.accounts.permissions import (
    Principal,
    can_edit_measure,
    can_manage_strategy,
    holds_anywhere,
    require,
)
from app.core.db import for_edit
from app.core.enums import Role
from app.core.rules import is_measure_code
from app.portfolio.models import Measure
from app.portfolio.queries import measure_or_404, participant_ids, unknown_measure

EDITOR_MESSAGE = (
    "Diese Maßnahme bearbeiten nur die Digitalisierungsbeauftragten der beteiligten Kommunen."
)
REPORTER_MESSAGE = (
    "Statusberichte erfassen nur die Digitalisierungsbeauftragten der beteiligten Kommunen."
)
STRATEGY_MESSAGE = "Das ändert die IKZ-Koordination."


def require_measure_editor(
    session: Session, actor: Principal, measure: Measure, message: str = EDITOR_MESSAGE
) -> None:
    """Officers of the lead or a participating municipality (and admins) edit a measure."""
    assert measure.id is not None
    require(
        can_edit_measure(
            actor,
            lead_id=measure.lead_municipality_id,
            participant_ids=participant_ids(session, measure.id),
        ),
        message,
    )


def editable_measure(
    *, session: Session, actor: Principal, code: str, message: str = EDITOR_MESSAGE
) -> Measure:
    """The measure if ``actor`` may edit it: 403 for who edits no measure at all, 404 for an
    unknown code, then 403."""
    require(holds_anywhere(actor, Role.digital), message)
    measure = measure_or_404(session, code)
    require_measure_editor(session, actor, measure, message)
    return measure


def managed_measure(*, session: Session, actor: Principal, code: str) -> Measure:
    """The measure if ``actor`` manages the strategy's master data (IKZ-Koordination)."""
    require(can_manage_strategy(actor), STRATEGY_MESSAGE)
    return measure_or_404(session, code)


def measure_for_edit(session: Session, code: str) -> Measure:
    """The measure read afresh and locked until the unit of work ends (see ``for_edit``)."""
    if not is_measure_code(code):
        raise unknown_measure(code)
    measure: Measure | None = session.execute(
        for_edit(select(Measure).where(col(Measure.code) == code))
    ).scalar_one_or_none()
    if measure is None:
        raise unknown_measure(code)
    return measure
