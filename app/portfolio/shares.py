"""Cost shares of a measure's participants in 1/100 %, as shown on the measure page."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.errors import ValidationFailed
from app.finance.allocation import FULL_SHARE_BP, Party, key_weights, split_largest_remainder
from app.portfolio.models import Measure, Municipality, Participation


def share_bp_by_municipality(session: Session, measure: Measure) -> dict[int, int]:
    """Each participant's share of 100 % under the measure's cost key (empty if invalid)."""
    rows = session.execute(
        select(Participation, Municipality)
        .join(Municipality, col(Municipality.id) == col(Participation.municipality_id))
        .where(col(Participation.measure_id) == measure.id)
    ).all()
    parties = [
        Party(
            municipality_id=int(muni.id),
            slug=muni.slug,
            population=muni.population,
            share_bp=part.share_bp,
        )
        for part, muni in rows
    ]
    if not parties:
        return {}
    try:
        return split_largest_remainder(FULL_SHARE_BP, key_weights(measure.cost_key, parties))
    except ValidationFailed:
        return {}
