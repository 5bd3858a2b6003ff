"""Reads of Beschlussvorlagen: the list, one Vorlage with its Beratungsfolge and subject, and the
financial effects of its subject for its municipality (read from the ledger, never stored)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.core.enums import ProposalSubject
from app.core.errors import NotFound
from app.core.paging import page_in_range
from app.councils.models import (
    CouncilBody,
    CouncilSession,
    Deliberation,
    Proposal,
    ProposalMeasure,
)
from app.finance.queries.shares import compute_shares, sums_by_year_and_kind
from app.municipalities.models import Municipality
from app.portfolio.models import Measure, ProjectPlan, Strategy

PAGE_SIZE = 50


@dataclass(frozen=True)
class StepView:
    deliberation: Deliberation
    session: CouncilSession
    body: CouncilBody


@dataclass(frozen=True)
class SubjectMeasure:
    measure: Measure
    plan_version: int | None  # the plan version the Vorlage put to the vote
    current_plan_version: int | None


@dataclass
class YearEffect:
    year: int
    gross_cents: int = 0
    funding_cents: int = 0

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.funding_cents


@dataclass
class ProposalDetail:
    proposal: Proposal
    municipality: Municipality
    strategy: Strategy | None
    measures: list[SubjectMeasure]
    steps: list[StepView]
    effects: list[YearEffect] = field(default_factory=list)

    @property
    def effects_total(self) -> YearEffect:
        total = YearEffect(0)
        for effect in self.effects:
            total.gross_cents += effect.gross_cents
            total.funding_cents += effect.funding_cents
        return total

    @property
    def decided(self) -> StepView | None:
        """The last beschließend step that has a result."""
        done = [
            s
            for s in self.steps
            if s.deliberation.role == "beschliessend" and s.deliberation.result is not None
        ]
        return done[-1] if done else None


def steps_of(session: Session, proposal_id: int) -> list[StepView]:
    rows = session.execute(
        select(Deliberation, CouncilSession, CouncilBody)
        .join(CouncilSession, col(CouncilSession.id) == col(Deliberation.session_id))
        .join(CouncilBody, col(CouncilBody.id) == col(CouncilSession.body_id))
        .where(col(Deliberation.proposal_id) == proposal_id)
        .order_by(col(Deliberation.position), col(CouncilSession.held_on), col(Deliberation.id))
    ).all()
    return [StepView(*row) for row in rows]


def proposal_or_404(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("Diese Beschlussvorlage gibt es nicht.")
    return proposal


def subject_measures(session: Session, proposal_id: int) -> list[SubjectMeasure]:
    rows = session.execute(
        select(Measure, col(ProposalMeasure.plan_version), col(ProjectPlan.version))
        .join(ProposalMeasure, col(ProposalMeasure.measure_id) == col(Measure.id))
        .outerjoin(ProjectPlan, col(ProjectPlan.measure_id) == col(Measure.id))
        .where(col(ProposalMeasure.proposal_id) == proposal_id)
        .order_by(col(Measure.code))
    ).all()
    return [SubjectMeasure(m, plan_version, current) for m, plan_version, current in rows]


def financial_effects(
    session: Session, proposal: Proposal, measure_ids: list[int]
) -> list[YearEffect]:
    """The municipality's share per year of what the Vorlage is about: its measures, the whole
    strategy, or the budget year."""
    municipality_id = proposal.municipality_id
    by_year: dict[int, YearEffect] = {}
    if proposal.subject in (ProposalSubject.massnahme, ProposalSubject.projektplan):
        if measure_ids:
            for share in compute_shares(
                session, measure_ids=measure_ids, municipality_id=municipality_id
            ).shares:
                effect = by_year.setdefault(share.year, YearEffect(share.year))
                effect.gross_cents += share.gross_cents
                effect.funding_cents += share.funding_cents
    else:
        for summed in sums_by_year_and_kind(session, municipality_id=municipality_id):
            if proposal.subject == ProposalSubject.haushalt and summed.year != proposal.budget_year:
                continue
            effect = by_year.setdefault(summed.year, YearEffect(summed.year))
            effect.gross_cents += summed.gross_cents
            effect.funding_cents += summed.funding_cents
    return [by_year[year] for year in sorted(by_year)]


def proposal_detail(session: Session, proposal_id: int) -> ProposalDetail:
    proposal = proposal_or_404(session, proposal_id)
    municipality = session.get(Municipality, proposal.municipality_id)
    assert municipality is not None
    measures = subject_measures(session, proposal_id)
    detail = ProposalDetail(
        proposal=proposal,
        municipality=municipality,
        strategy=session.get(Strategy, proposal.strategy_id) if proposal.strategy_id else None,
        measures=measures,
        steps=steps_of(session, proposal_id),
    )
    detail.effects = financial_effects(
        session, proposal, [int(m.measure.id or 0) for m in measures]
    )
    return detail


@dataclass(frozen=True)
class ProposalRow:
    proposal: Proposal
    municipality: Municipality
    last_step: StepView | None
    codes: list[str]


@dataclass(frozen=True)
class ProposalPage:
    rows: list[ProposalRow]
    total: int
    page: int
    pages: int


def proposal_page(
    session: Session, *, municipality_id: int | None, page: int, open_only: bool = False
) -> ProposalPage:
    """Vorlagen, newest Drucksache first, each with its latest step (a bounded number of
    queries per page)."""
    conditions: list[Any] = []
    if municipality_id is not None:
        conditions.append(col(Proposal.municipality_id) == municipality_id)
    if open_only:
        decided = (
            select(col(Deliberation.id))
            .where(
                col(Deliberation.proposal_id) == col(Proposal.id),
                col(Deliberation.role) == "beschliessend",
                col(Deliberation.result).in_(("zugestimmt", "geaendert_zugestimmt", "abgelehnt")),
            )
            .exists()
        )
        conditions.append(~decided)
    total = int(
        session.execute(select(func.count()).select_from(Proposal).where(*conditions)).scalar_one()
    )
    page, pages = page_in_range(page, total, PAGE_SIZE)
    rows = session.execute(
        select(Proposal, Municipality)
        .join(Municipality, col(Municipality.id) == col(Proposal.municipality_id))
        .where(*conditions)
        .order_by(col(Proposal.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    ids = [int(p.id or 0) for p, _m in rows]
    last: dict[int, StepView] = {}
    codes: dict[int, list[str]] = defaultdict(list)
    if ids:
        for step in session.execute(
            select(Deliberation, CouncilSession, CouncilBody)
            .join(CouncilSession, col(CouncilSession.id) == col(Deliberation.session_id))
            .join(CouncilBody, col(CouncilBody.id) == col(CouncilSession.body_id))
            .where(col(Deliberation.proposal_id).in_(ids))
            .order_by(col(Deliberation.position), col(CouncilSession.held_on))
        ).all():
            view = StepView(*step)
            if view.deliberation.result is not None or view.deliberation.proposal_id not in last:
                last[view.deliberation.proposal_id] = view
        for proposal_id, code in session.execute(
            select(col(ProposalMeasure.proposal_id), col(Measure.code))
            .join(Measure, col(Measure.id) == col(ProposalMeasure.measure_id))
            .where(col(ProposalMeasure.proposal_id).in_(ids))
            .order_by(col(Measure.code))
        ).all():
            codes[int(proposal_id)].append(code)
    return ProposalPage(
        rows=[
            ProposalRow(p, m, last.get(int(p.id or 0)), codes.get(int(p.id or 0), []))
            for p, m in rows
        ],
        total=total,
        page=page,
        pages=pages,
    )
