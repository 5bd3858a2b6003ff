"""Baselines on demand (those at decisions are taken by :mod:`.proposals`)."""

from __future__ import annotations

from sqlmodel import Session

from app.accounts.permissions import Principal, can_take_baseline, require
from app.core.enums import BaselineReason
from app.councils import baselines
from app.councils.models import Baseline
from app.councils.schemas import BaselineCreate

TAKER_MESSAGE = "Baselines legen die Hauptamtsleitungen und die IKZ-Koordination an."


def take_baseline(*, session: Session, actor: Principal, data: BaselineCreate) -> Baseline:
    require(can_take_baseline(actor), TAKER_MESSAGE)
    return baselines.take(
        session,
        name=data.name,
        reason=BaselineReason.manuell,
        taken_by_id=actor.user_id,
        taken_by_name=actor.display_name,
    )
