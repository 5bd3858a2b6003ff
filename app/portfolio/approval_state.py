"""Where a measure's council decisions stand, per participating municipality.

One rule, used by the home page's tasks, the measures list's filter "Beschluss offen" and its
approval column: a municipality's decision on a measure is *open* while its bodies have neither
agreed nor refused (no decision at all, or only "vertagt"). Only measures still running count:
an archived, completed or discarded measure asks for no decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select
from sqlmodel import Session, col

from app.core.enums import ApprovalResult
from app.municipalities.models import Municipality
from app.portfolio.models import Approval, Measure, Participation

# A final decision; "vertagt" (deferred) leaves the decision open.
DECIDED = (ApprovalResult.zugestimmt.value, ApprovalResult.abgelehnt.value)
# Statuses in which a measure asks for no more decisions (nor reports).
SETTLED_STATUSES = ("abgeschlossen", "verworfen")


def _decided(measure_id: Any, municipality_id: Any) -> ColumnElement[bool]:
    return exists().where(
        col(Approval.measure_id) == measure_id,
        col(Approval.municipality_id) == municipality_id,
        col(Approval.result).in_(DECIDED),
    )


def open_decision(municipality_id: int | None = None) -> ColumnElement[bool]:
    """SQL: the measure (``Measure`` in the query) waits for a decision of a participating
    municipality (of ``municipality_id`` when given)."""
    conditions = [
        col(Participation.measure_id) == col(Measure.id),
        ~_decided(col(Participation.measure_id), col(Participation.municipality_id)),
    ]
    if municipality_id is not None:
        conditions.append(col(Participation.municipality_id) == municipality_id)
    return and_(
        col(Measure.archived).is_(False),
        col(Measure.status).not_in(SETTLED_STATUSES),
        exists().where(*conditions),
    )


@dataclass(frozen=True)
class Decision:
    """One participating municipality's decision on one measure."""

    municipality_id: int
    municipality_name: str
    state: str  # "zugestimmt" | "abgelehnt" | "offen"
    last_body: str = ""
    last_on: date | None = None
    last_result: str = ""  # of the newest decision ("vertagt" while open)


@dataclass(frozen=True)
class ApprovalSummary:
    """The decisions of a measure's participants, for the approval column."""

    decisions: tuple[Decision, ...]

    @property
    def agreed(self) -> int:
        return sum(1 for d in self.decisions if d.state == "zugestimmt")

    @property
    def open(self) -> list[Decision]:
        return [d for d in self.decisions if d.state == "offen"]

    @property
    def refused(self) -> list[Decision]:
        return [d for d in self.decisions if d.state == "abgelehnt"]


def approval_summaries(session: Session, measure_ids: Sequence[int]) -> dict[int, ApprovalSummary]:
    """Each measure's decisions per participant, in two queries."""
    if not measure_ids:
        return {}
    participants = session.execute(
        select(col(Participation.measure_id), col(Municipality.id), col(Municipality.name))
        .join(Municipality, col(Municipality.id) == col(Participation.municipality_id))
        .where(col(Participation.measure_id).in_(measure_ids))
        .order_by(col(Municipality.name))
    ).all()
    approvals = session.execute(
        select(Approval)
        .where(col(Approval.measure_id).in_(measure_ids))
        .order_by(col(Approval.decided_on), col(Approval.id))
    ).scalars()
    by_pair: dict[tuple[int, int], list[Approval]] = {}
    for approval in approvals:
        by_pair.setdefault((approval.measure_id, approval.municipality_id), []).append(approval)
    result: dict[int, list[Decision]] = {}
    for measure_id, municipality_id, name in participants:
        history = by_pair.get((measure_id, municipality_id), [])
        decided = [a for a in history if a.result in DECIDED]
        state = decided[-1].result if decided else "offen"
        last = history[-1] if history else None
        result.setdefault(measure_id, []).append(
            Decision(
                municipality_id=municipality_id,
                municipality_name=name,
                state=state,
                last_body=last.body if last else "",
                last_on=last.decided_on if last else None,
                last_result=last.result if last else "",
            )
        )
    return {key: ApprovalSummary(tuple(value)) for key, value in result.items()}
