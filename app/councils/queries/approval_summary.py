"""Where a measure's council decisions stand across its participating municipalities, for the
measures list (filter "Beschluss offen", column "Beschluss") and the home page's tasks.

One rule, in SQL (:func:`open_decision`) and in Python (:func:`approval_summaries`) alike: a
municipality has *decided* on a measure once a beschließend step of one of its Vorlagen for the
measure agreed or refused; the latest such step tells which. Until then the decision is *open*
(no Vorlage, only planned steps, or only "vertagt"). Only running measures ask for a decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select
from sqlmodel import Session, col

from app.core.enums import DeliberationRole
from app.councils.models import Deliberation, Proposal, ProposalMeasure
from app.councils.queries.approvals import AGREED, DECIDING, beschliessend_steps
from app.municipalities.models import Municipality
from app.portfolio.models import Measure, Participation
from app.portfolio.queries import FINAL_STATUSES


def _decided(measure_id: Any, municipality_id: Any) -> ColumnElement[bool]:
    return exists(
        select(col(Deliberation.id))
        .select_from(ProposalMeasure)
        .join(Proposal, col(Proposal.id) == col(ProposalMeasure.proposal_id))
        .join(Deliberation, col(Deliberation.proposal_id) == col(Proposal.id))
        .where(
            col(ProposalMeasure.measure_id) == measure_id,
            col(Proposal.municipality_id) == municipality_id,
            col(Deliberation.role) == DeliberationRole.beschliessend.value,
            col(Deliberation.result).in_(DECIDING),
        )
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
        col(Measure.status).not_in(FINAL_STATUSES),
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
    last_result: str = ""  # of the newest step with a result ("vertagt" while open)


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
    by_pair: dict[tuple[int, int], list[Any]] = {}
    for measure_id, municipality_id, step in beschliessend_steps(session, list(measure_ids)):
        if step.result is not None:
            by_pair.setdefault((measure_id, municipality_id), []).append(step)
    result: dict[int, list[Decision]] = {}
    for measure_id, municipality_id, name in participants:
        history = by_pair.get((measure_id, municipality_id), [])
        deciding = [s for s in history if s.result in DECIDING]
        if deciding:
            state = "zugestimmt" if deciding[-1].result in AGREED else "abgelehnt"
        else:
            state = "offen"
        last = history[-1] if history else None
        result.setdefault(measure_id, []).append(
            Decision(
                municipality_id=municipality_id,
                municipality_name=name,
                state=state,
                last_body=last.body if last else "",
                last_on=last.held_on if last else None,
                last_result=last.result if last else "",
            )
        )
    return {key: ApprovalSummary(tuple(value)) for key, value in result.items()}
