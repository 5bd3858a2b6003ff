"""A measure's approval per municipality, derived from the beschließend steps of the Vorlagen of
that municipality that concern the measure (nothing stores it twice).

The rule, in Python (:func:`approval_states`) and in SQL (:func:`released_pairs`) alike: the latest
decided beschließend step that agreed or refused decides (by session date, then order of
recording); a "vertagt" defers and decides nothing. A measure is released for a municipality
when that step agreed ("zugestimmt" or "geändert zugestimmt").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Subquery, func, select
from sqlmodel import Session, col

from app.core.enums import DecisionResult, DeliberationRole, SessionStatus
from app.core.rules import is_measure_code
from app.councils.models import (
    CouncilBody,
    CouncilSession,
    Deliberation,
    Proposal,
    ProposalMeasure,
)
from app.finance.queries.haushalt_rows import CouncilDecision
from app.portfolio.models import Measure

AGREED = (DecisionResult.zugestimmt.value, DecisionResult.geaendert_zugestimmt.value)
DECIDING = (*AGREED, DecisionResult.abgelehnt.value)

RELEASED = "freigegeben"
REFUSED = "abgelehnt"
DEFERRED = "vertagt"
PENDING = "ausstehend"
NONE = "offen"

STATE_LABELS = {
    RELEASED: "freigegeben",
    REFUSED: "abgelehnt",
    DEFERRED: "vertagt",
    PENDING: "Beschluss ausstehend",
    NONE: "noch kein Beschluss",
}


@dataclass(frozen=True)
class StepRef:
    """One beschließend step as the approval needs it."""

    proposal_id: int
    drucksache: str
    subject: str
    plan_version: int | None
    deliberation_id: int
    body: str
    body_kind: str
    held_on: date
    session_status: str
    result: str | None


@dataclass(frozen=True)
class ApprovalState:
    """Where a measure stands in one municipality's council cycle."""

    measure_id: int
    municipality_id: int
    state: str
    decisive: StepRef | None  # the step that decided (or deferred)
    next_step: StepRef | None  # the next planned beschließend step, if any

    @property
    def released(self) -> bool:
        return self.state == RELEASED

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def beschliessend_steps(
    session: Session, measure_ids: Sequence[int], municipality_id: int | None = None
) -> list[tuple[int, int, StepRef]]:
    """(measure id, municipality id, step) of every beschließend step about the measures (of
    one municipality's Vorlagen when given), by session date and order of recording."""
    only = [] if municipality_id is None else [col(Proposal.municipality_id) == municipality_id]
    rows = session.execute(
        select(
            col(ProposalMeasure.measure_id),
            col(Proposal.municipality_id),
            col(Proposal.id),
            col(Proposal.drucksache),
            col(Proposal.subject),
            col(ProposalMeasure.plan_version),
            col(Deliberation.id),
            col(CouncilBody.name),
            col(CouncilBody.kind),
            col(CouncilSession.held_on),
            col(CouncilSession.status),
            col(Deliberation.result),
        )
        .join(Proposal, col(Proposal.id) == col(ProposalMeasure.proposal_id))
        .join(Deliberation, col(Deliberation.proposal_id) == col(Proposal.id))
        .join(CouncilSession, col(CouncilSession.id) == col(Deliberation.session_id))
        .join(CouncilBody, col(CouncilBody.id) == col(CouncilSession.body_id))
        .where(
            col(ProposalMeasure.measure_id).in_(measure_ids),
            col(Deliberation.role) == DeliberationRole.beschliessend.value,
            *only,
        )
        .order_by(col(CouncilSession.held_on), col(Deliberation.id))
    ).all()
    return [
        (int(measure_id), int(municipality_id), StepRef(*rest))
        for measure_id, municipality_id, *rest in rows
    ]


def approval_states(
    session: Session, measure_ids: Sequence[int], municipality_id: int | None = None
) -> dict[tuple[int, int], ApprovalState]:
    """(measure id, municipality id) → its approval state, for every pair with a Vorlage; pairs
    without one are "offen" (see :func:`state_of`). One query."""
    if not measure_ids:
        return {}
    grouped: dict[tuple[int, int], list[StepRef]] = {}
    for measure_id, town_id, step in beschliessend_steps(
        session, list(measure_ids), municipality_id
    ):
        grouped.setdefault((measure_id, town_id), []).append(step)
    return {key: _decide(key, steps) for key, steps in grouped.items()}


def _decide(key: tuple[int, int], steps: list[StepRef]) -> ApprovalState:
    deciding = [s for s in steps if s.result in DECIDING]
    deferred = [s for s in steps if s.result == DecisionResult.vertagt.value]
    planned = [
        s for s in steps if s.result is None and s.session_status != SessionStatus.abgesagt.value
    ]
    next_step = planned[0] if planned else None
    if deciding:
        last = deciding[-1]
        state = RELEASED if last.result in AGREED else REFUSED
        if state == REFUSED and next_step is not None and next_step.held_on >= last.held_on:
            state = PENDING  # refused once, on the agenda again
        return ApprovalState(key[0], key[1], state, last, next_step)
    if next_step is not None:
        return ApprovalState(key[0], key[1], PENDING, deferred[-1] if deferred else None, next_step)
    if deferred:
        return ApprovalState(key[0], key[1], DEFERRED, deferred[-1], None)
    return ApprovalState(key[0], key[1], NONE, None, None)


def state_of(
    states: dict[tuple[int, int], ApprovalState], measure_id: int, municipality_id: int
) -> ApprovalState:
    return states.get(
        (measure_id, municipality_id),
        ApprovalState(measure_id, municipality_id, NONE, None, None),
    )


def released_pairs(municipality_id: int | None = None) -> Subquery:
    """SQL: the (``measure_id``, ``municipality_id``) pairs released by the rule of this module
    (of one municipality's Vorlagen when given).

    One pass over the deciding beschließend steps, numbered per pair from the latest (session
    date, then order of recording); a pair is released when its latest one agreed. Outer-join it
    to count "Beschluss offen" (no row); a pair occurs at most once.
    """
    latest_first = func.row_number().over(
        partition_by=(col(ProposalMeasure.measure_id), col(Proposal.municipality_id)),
        order_by=(col(CouncilSession.held_on).desc(), col(Deliberation.id).desc()),
    )
    only = [] if municipality_id is None else [col(Proposal.municipality_id) == municipality_id]
    steps = (
        select(
            col(ProposalMeasure.measure_id).label("measure_id"),
            col(Proposal.municipality_id).label("municipality_id"),
            col(Deliberation.result).label("result"),
            latest_first.label("rank"),
        )
        .select_from(ProposalMeasure)
        .join(Proposal, col(Proposal.id) == col(ProposalMeasure.proposal_id))
        .join(Deliberation, col(Deliberation.proposal_id) == col(Proposal.id))
        .join(CouncilSession, col(CouncilSession.id) == col(Deliberation.session_id))
        .where(
            col(Deliberation.role) == DeliberationRole.beschliessend.value,
            col(Deliberation.result).in_(DECIDING),
            *only,
        )
        .subquery("deciding_steps")
    )
    return (
        select(steps.c.measure_id, steps.c.municipality_id)
        .where(steps.c.rank == 1, steps.c.result.in_(AGREED))
        .subquery("released")
    )


@dataclass(frozen=True)
class PlanReservation:
    """The Magistratsvorbehalt of a measure's project plan across its municipalities."""

    released_names: list[str]
    open_names: list[str]
    plan_version: int | None
    changed_since: bool  # the plan moved on after the newest approval of a plan version

    @property
    def fulfilled(self) -> bool:
        return not self.open_names


@dataclass(frozen=True)
class CouncilView:
    """What the council cycle knows about one measure (``MeasureDetail.extra["council"]``)."""

    approvals: dict[int, ApprovalState]  # municipality id → state
    reservation: PlanReservation


def council_view(session: Session, detail: Any) -> CouncilView:
    """The approvals of a measure per participating municipality, and its plan's reservation
    (an extension of :func:`app.portfolio.queries.measure_detail`)."""
    measure_id = int(detail.measure.id or 0)
    states = approval_states(session, [measure_id])
    approvals = {
        int(p.municipality.id or 0): state_of(states, measure_id, int(p.municipality.id or 0))
        for p in detail.participants
    }
    plan_version = detail.plan.version if detail.plan is not None else None
    names = {int(p.municipality.id or 0): p.municipality.name for p in detail.participants}
    approved_versions = [
        s.decisive.plan_version
        for s in approvals.values()
        if s.released and s.decisive is not None and s.decisive.plan_version is not None
    ]
    return CouncilView(
        approvals=approvals,
        reservation=PlanReservation(
            released_names=[names[m] for m, s in approvals.items() if s.released],
            open_names=[names[m] for m, s in approvals.items() if not s.released],
            plan_version=plan_version,
            changed_since=bool(
                approved_versions and plan_version and max(approved_versions) < plan_version
            ),
        ),
    )


def decisions_by_code(
    session: Session, codes: Sequence[str], municipality_id: int
) -> dict[str, CouncilDecision]:
    """The municipality's decision on each measure named (for the Haushalt's Stand/Freigabe
    block, registered with finance by the application factory): two queries."""
    wanted = sorted({code for code in codes if is_measure_code(code)})
    if not wanted:
        return {}
    measures = session.execute(
        select(col(Measure.id), col(Measure.code), col(Measure.title)).where(
            col(Measure.code).in_(wanted)
        )
    ).all()
    states = approval_states(session, [int(m[0]) for m in measures], municipality_id)
    result = {}
    for measure_id, code, title in measures:
        state = state_of(states, int(measure_id), municipality_id)
        step = state.decisive
        result[code] = CouncilDecision(
            measure_title=title,
            body=step.body if step else "",
            decided_on=step.held_on if step else None,
            drucksache=step.drucksache if step else "",
            result=(step.result or "") if step else "",
            released=state.released,
        )
    return result
