"""A measure's cost key: how its costs are split between the participating municipalities.

A key moves costs between municipalities, so only the IKZ-Koordination changes it.
"""

from __future__ import annotations

from sqlmodel import Session, select

from app.accounts.permissions import Principal, can_manage_strategy, require
from app.core.db import claim_version
from app.core.enums import CostKeyKind
from app.core.errors import ValidationFailed
from app.finance.allocation import Party, key_weights
from app.finance.queries import lookups as queries
from app.finance.schemas import CostKeyIn
from app.portfolio.models import Measure, Participation
from app.portfolio.queries import measure_or_404
from app.portfolio.service.access import measure_for_edit

KEY_MESSAGE = "Den Kostenschlüssel ändert die IKZ-Koordination."


def key_measure(*, session: Session, actor: Principal, code: str) -> Measure:
    """The measure if ``actor`` may change its cost key: 404, then 403."""
    require(can_manage_strategy(actor), KEY_MESSAGE)
    return measure_or_404(session, code)


def set_cost_key(*, session: Session, actor: Principal, code: str, data: CostKeyIn) -> Measure:
    """Change a measure's cost key; custom shares must sum to exactly 100,00 %."""
    require(can_manage_strategy(actor), KEY_MESSAGE)
    measure = measure_for_edit(session, code)
    claim_version(
        measure,
        data.expected_version,
        lambda m: {"cost_key": m.cost_key, "version": m.version},
    )
    measure_id = int(measure.id or 0)
    parties = queries.parties(session, [measure_id]).get(measure_id, [])
    by_slug = {party.slug: party for party in parties}
    if any(slug not in by_slug and share for slug, share in data.shares.items()):
        raise ValidationFailed(
            {"shares": "Nur beteiligte Kommunen können einen Kostenanteil tragen."}
        )
    if data.cost_key == CostKeyKind.custom:
        missing = {
            f"share_{party.slug}": "Bitte einen Anteil in Prozent angeben."
            for party in parties
            if data.shares.get(party.slug) is None
        }
        if missing:
            raise ValidationFailed(missing)
        key_weights(
            data.cost_key,
            [
                Party(p.municipality_id, p.slug, p.population, data.shares.get(p.slug))
                for p in parties
            ],
        )
    else:
        key_weights(data.cost_key, parties)
    measure.cost_key = data.cost_key
    if data.cost_key == CostKeyKind.population:
        measure.population_reference_date = data.population_reference_date
    session.add(measure)
    for participation in session.exec(
        select(Participation).where(Participation.measure_id == measure.id)
    ).all():
        slug = next(
            (p.slug for p in parties if p.municipality_id == participation.municipality_id), ""
        )
        wanted = (
            data.shares.get(slug) if data.cost_key == CostKeyKind.custom else participation.share_bp
        )
        if participation.share_bp != wanted:
            participation.share_bp = wanted
            session.add(participation)
    session.flush()
    return measure
