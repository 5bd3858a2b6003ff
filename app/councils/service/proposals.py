"""Beschlussvorlagen and their Beratungsfolge; a beschließend decision takes a baseline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.accounts.permissions import Principal
from app.core.db import claim_version, for_edit
from app.core.enums import BaselineReason, DecisionResult, DeliberationRole, ProposalSubject
from app.core.errors import ValidationFailed
from app.core.formatting import fmt_date
from app.councils import baselines
from app.councils.models import (
    Baseline,
    CouncilBody,
    CouncilSession,
    Deliberation,
    Proposal,
    ProposalMeasure,
)
from app.councils.schemas import (
    ProposalCreate,
    ProposalFields,
    ProposalUpdate,
    StepCreate,
    StepResult,
)
from app.councils.service.access import (
    recordable_proposal,
    recordable_step,
    require_recorder,
    require_recorder_of,
)
from app.municipalities.models import Municipality
from app.municipalities.queries import municipality_by_slug
from app.portfolio.models import Measure, Participation, ProjectPlan
from app.portfolio.queries import current_strategy, measure_by_code

TEXT_FIELDS = tuple(ProposalFields.model_fields)
PER_MEASURE = (ProposalSubject.massnahme.value, ProposalSubject.projektplan.value)


def proposal_snapshot(proposal: Proposal) -> dict[str, Any]:
    return {name: getattr(proposal, name) for name in TEXT_FIELDS}


def _lock_municipality(session: Session, municipality_id: int) -> None:
    """Vorlagen of one municipality are numbered one at a time (the Drucksache check holds)."""
    session.execute(
        for_edit(select(Municipality).where(col(Municipality.id) == municipality_id))
    ).scalar_one()


def _check_drucksache(
    session: Session, municipality: Municipality, drucksache: str, own_id: int | None = None
) -> None:
    query = select(func.count()).where(
        col(Proposal.municipality_id) == municipality.id, col(Proposal.drucksache) == drucksache
    )
    if own_id is not None:
        query = query.where(col(Proposal.id) != own_id)
    if session.execute(query).scalar_one():
        raise ValidationFailed(
            {"drucksache": f"Die Drucksache {drucksache} gibt es in {municipality.name} bereits."}
        )


def _subject_measure(
    session: Session, municipality: Municipality, data: ProposalCreate
) -> Measure | None:
    if data.subject not in PER_MEASURE and not data.massnahme:
        return None
    if not data.massnahme:
        raise ValidationFailed({"massnahme": "Bitte den Code der Maßnahme angeben."})
    measure = measure_by_code(session, data.massnahme)
    if measure is None or measure.archived:
        raise ValidationFailed({"massnahme": f"Die Maßnahme {data.massnahme} gibt es nicht."})
    involved = (
        measure.lead_municipality_id == municipality.id
        or session.execute(
            select(func.count()).where(
                col(Participation.measure_id) == measure.id,
                col(Participation.municipality_id) == municipality.id,
            )
        ).scalar_one()
    )
    if not involved:
        message = f"{municipality.name} ist an der Maßnahme {measure.code} nicht beteiligt."
        raise ValidationFailed({"massnahme": message})
    return measure


def create_proposal(*, session: Session, actor: Principal, data: ProposalCreate) -> Proposal:
    require_recorder(actor)
    municipality = municipality_by_slug(session, data.kommune)
    if municipality is None or municipality.id is None:
        raise ValidationFailed({"kommune": "Bitte eine Kommune wählen."})
    require_recorder_of(session, actor, municipality.id)
    if data.subject == ProposalSubject.haushalt and data.haushaltsjahr is None:
        raise ValidationFailed({"haushaltsjahr": "Bitte das Haushaltsjahr angeben."})
    measure = _subject_measure(session, municipality, data)
    strategy = current_strategy(session)
    if data.subject == ProposalSubject.strategie and strategy is None:
        raise ValidationFailed({"subject": "Es gibt noch keine Digitalstrategie."})
    _lock_municipality(session, municipality.id)
    _check_drucksache(session, municipality, data.drucksache)
    proposal = Proposal(
        municipality_id=municipality.id,
        subject=data.subject,
        strategy_id=strategy.id if strategy and data.subject == ProposalSubject.strategie else None,
        budget_year=data.haushaltsjahr if data.subject == ProposalSubject.haushalt else None,
        **{name: getattr(data, name) for name in TEXT_FIELDS},
    )
    session.add(proposal)
    session.flush()
    if measure is not None:
        plan_version = None
        if data.subject == ProposalSubject.projektplan:
            plan_version = (
                session.execute(
                    select(col(ProjectPlan.version)).where(
                        col(ProjectPlan.measure_id) == measure.id
                    )
                ).scalar_one_or_none()
                or 1
            )
        session.add(
            ProposalMeasure(
                proposal_id=int(proposal.id or 0),
                measure_id=int(measure.id or 0),
                plan_version=plan_version,
            )
        )
        session.flush()
    return proposal


def update_proposal(
    *, session: Session, actor: Principal, proposal_id: int, data: ProposalUpdate
) -> Proposal:
    found = recordable_proposal(session, actor, proposal_id)
    _lock_municipality(session, found.municipality_id)
    proposal: Proposal = session.execute(
        for_edit(select(Proposal).where(col(Proposal.id) == proposal_id))
    ).scalar_one()
    claim_version(proposal, data.expected_version, proposal_snapshot)
    municipality = session.get(Municipality, proposal.municipality_id)
    assert municipality is not None
    _check_drucksache(session, municipality, data.drucksache, own_id=proposal_id)
    for name in TEXT_FIELDS:
        setattr(proposal, name, getattr(data, name))
    session.add(proposal)
    session.flush()
    return proposal


def add_step(
    *, session: Session, actor: Principal, proposal_id: int, data: StepCreate
) -> Deliberation:
    """A further step of the Beratungsfolge: a session of one of the municipality's bodies."""
    recordable_proposal(session, actor, proposal_id)
    proposal: Proposal = session.execute(
        for_edit(select(Proposal).where(col(Proposal.id) == proposal_id))
    ).scalar_one()
    found = session.execute(
        select(CouncilSession, CouncilBody)
        .join(CouncilBody, col(CouncilBody.id) == col(CouncilSession.body_id))
        .where(col(CouncilSession.id) == data.session_id)
    ).first()
    if found is None or found[1].municipality_id != proposal.municipality_id:
        raise ValidationFailed(
            {"session_id": "Bitte eine Sitzung eines Gremiums dieser Kommune wählen."}
        )
    council_session, body = found
    steps = (
        session.execute(select(Deliberation).where(col(Deliberation.proposal_id) == proposal_id))
        .scalars()
        .all()
    )
    if any(step.session_id == data.session_id for step in steps):
        raise ValidationFailed(
            {
                "session_id": f"Die Vorlage steht schon auf der Sitzung "
                f"{body.name} am {fmt_date(council_session.held_on)}."
            }
        )
    step = Deliberation(
        proposal_id=proposal_id,
        session_id=data.session_id,
        role=data.role,
        position=1 + max((s.position for s in steps), default=0),
    )
    session.add(step)
    session.flush()
    return step


def step_snapshot(step: Deliberation) -> dict[str, Any]:
    return {
        "result": step.result,
        "votes_yes": step.votes_yes,
        "votes_no": step.votes_no,
        "votes_abstain": step.votes_abstain,
        "note": step.note,
    }


def record_result(
    *, session: Session, actor: Principal, step_id: int, data: StepResult
) -> Deliberation:
    """What a body decided; a beschließend decision (not a deferral) takes a baseline once."""
    recordable_step(session, actor, step_id)
    step: Deliberation = session.execute(
        for_edit(select(Deliberation).where(col(Deliberation.id) == step_id))
    ).scalar_one()
    claim_version(step, data.expected_version, step_snapshot)
    step.result = data.result
    step.votes_yes = data.votes_yes
    step.votes_no = data.votes_no
    step.votes_abstain = data.votes_abstain
    step.note = data.note
    session.add(step)
    session.flush()
    if step.role == DeliberationRole.beschliessend and data.result != DecisionResult.vertagt:
        _baseline_at(session, actor, step)
    return step


def _baseline_at(session: Session, actor: Principal, step: Deliberation) -> Baseline | None:
    already = session.execute(
        select(col(Baseline.id)).where(col(Baseline.deliberation_id) == step.id)
    ).first()
    if already is not None:
        return None
    row = session.execute(
        select(Proposal, CouncilSession, CouncilBody, Municipality)
        .join(Deliberation, col(Deliberation.proposal_id) == col(Proposal.id))
        .join(CouncilSession, col(CouncilSession.id) == col(Deliberation.session_id))
        .join(CouncilBody, col(CouncilBody.id) == col(CouncilSession.body_id))
        .join(Municipality, col(Municipality.id) == col(Proposal.municipality_id))
        .where(col(Deliberation.id) == step.id)
    ).one()
    proposal, council_session, body, municipality = row
    number = f"Drucksache {proposal.drucksache}" if proposal.drucksache else proposal.title
    name = (
        f"Beschluss {body.name} {municipality.name} {fmt_date(council_session.held_on)}: {number}"
    )
    return baselines.take(
        session,
        name=name[:160],
        reason=BaselineReason.beschluss,
        taken_by_id=actor.user_id,
        taken_by_name=actor.display_name,
        deliberation_id=step.id,
    )
