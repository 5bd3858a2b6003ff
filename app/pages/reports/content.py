"""What a Sachstandsbericht says, gathered once from the domains and then written as PDF or DOCX.

Every figure comes from the same reads as the pages and the API: the budget from the finance
domain's report (so the totals equal ``GET /api/v1/budget`` to the cent), changes from the
council cycle's baselines, grants from the funding overview.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from app.accounts.permissions import Principal
from app.core.enums import DeliberationRole, MeasureStatus, TrafficLight
from app.core.timeutil import utcnow
from app.councils.changes import Changes
from app.councils.models import Baseline, CouncilBody, CouncilSession, Deliberation, Proposal
from app.councils.queries.baselines import changes_since
from app.finance.queries.budget import BudgetTotals, budget_report
from app.finance.queries.funding import grant_overviews
from app.municipalities.models import Municipality
from app.portfolio.models import ActionField, Measure, Milestone, ProjectPlan, Strategy
from app.portfolio.queries import action_fields, current_strategy, involving

RECENT_DAYS = 365


@dataclass
class FieldSummary:
    code: str
    title: str
    measures: int = 0
    progress_sum: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    lights: Counter[str] = field(default_factory=Counter)

    @property
    def average_progress(self) -> int:
        return (
            (2 * self.progress_sum + self.measures) // (2 * self.measures) if self.measures else 0
        )


@dataclass(frozen=True)
class MeasureLine:
    code: str
    title: str
    field_code: str
    status: str
    traffic_light: str
    progress: int
    example: bool
    next_milestone: str
    next_due: date | None


@dataclass(frozen=True)
class DecisionLine:
    municipality: str
    drucksache: str
    title: str
    body: str
    held_on: date
    role: str
    result: str | None
    example: bool


@dataclass(frozen=True)
class YearBudget:
    year: int
    totals: BudgetTotals


@dataclass(frozen=True)
class Deadline:
    on: date
    grant: str
    what: str
    level: str  # "" (due later), "warn", "critical"


@dataclass
class ReportContent:
    stand: date
    generated_at: datetime
    municipality: Municipality | None
    strategy: Strategy | None
    baseline: Baseline | None
    fields: list[FieldSummary]
    measures: list[MeasureLine]
    changes: Changes | None
    pending: list[DecisionLine]
    recent: list[DecisionLine]
    budget: list[YearBudget]
    budget_total: BudgetTotals
    deadlines: list[Deadline]

    @property
    def scope(self) -> str:
        if self.municipality is None:
            return "Gesamte IKZ"
        return f"{self.municipality.kind} {self.municipality.name}"

    @property
    def has_examples(self) -> bool:
        return any(m.example for m in self.measures) or any(
            d.example for d in [*self.pending, *self.recent]
        )


def _measures(session: Session, municipality_id: int | None) -> list[tuple[Measure, ActionField]]:
    query = (
        select(Measure, ActionField)
        .join(ActionField, col(ActionField.id) == col(Measure.action_field_id))
        .where(col(Measure.archived).is_(False))
        .order_by(col(ActionField.position), col(Measure.code))
    )
    if municipality_id is not None:
        query = query.where(involving(municipality_id))
    return [(m, f) for m, f in session.execute(query).all()]


def _next_milestones(session: Session, measure_ids: list[int]) -> dict[int, tuple[str, date]]:
    found: dict[int, tuple[str, date]] = {}
    if not measure_ids:
        return found
    for measure_id, title, due in session.execute(
        select(col(ProjectPlan.measure_id), col(Milestone.title), col(Milestone.due_on))
        .join(ProjectPlan, col(ProjectPlan.id) == col(Milestone.plan_id))
        .where(
            col(ProjectPlan.measure_id).in_(measure_ids),
            col(Milestone.done_on).is_(None),
            col(Milestone.archived).is_(False),
            col(Milestone.due_on).is_not(None),
        )
        .order_by(col(Milestone.due_on))
    ).all():
        found.setdefault(int(measure_id), (title, due))
    return found


def _decisions(
    session: Session, municipality_id: int | None, stand: date
) -> tuple[list[DecisionLine], list[DecisionLine]]:
    """(pending: steps without a result from the Stand on; recent: decided within a year)."""
    query = (
        select(Deliberation, Proposal, CouncilSession, CouncilBody, Municipality)
        .join(Proposal, col(Proposal.id) == col(Deliberation.proposal_id))
        .join(CouncilSession, col(CouncilSession.id) == col(Deliberation.session_id))
        .join(CouncilBody, col(CouncilBody.id) == col(CouncilSession.body_id))
        .join(Municipality, col(Municipality.id) == col(Proposal.municipality_id))
        .where(col(CouncilSession.held_on) >= stand - timedelta(days=RECENT_DAYS))
        .order_by(col(CouncilSession.held_on), col(Municipality.name), col(Deliberation.position))
    )
    if municipality_id is not None:
        query = query.where(col(Proposal.municipality_id) == municipality_id)
    pending: list[DecisionLine] = []
    recent: list[DecisionLine] = []
    for step, proposal, council_session, body, municipality in session.execute(query).all():
        line = DecisionLine(
            municipality=municipality.name,
            drucksache=proposal.drucksache,
            title=proposal.title,
            body=body.name,
            held_on=council_session.held_on,
            role=step.role,
            result=step.result,
            example=proposal.example,
        )
        if step.result is None and council_session.held_on >= stand:
            pending.append(line)
        elif step.result is not None and council_session.held_on <= stand:
            recent.append(line)
    recent.reverse()
    return pending, recent


def _deadlines(
    session: Session, actor: Principal, measure_ids: set[int], stand: date
) -> list[Deadline]:
    result: list[Deadline] = []
    for overview in grant_overviews(session=session, actor=actor, on=stand):
        if not any(m.id in measure_ids for m in overview.measures):
            continue
        levels = {w.level for w in overview.warnings}
        title = overview.grant.title
        if overview.grant.period_end >= stand - timedelta(days=RECENT_DAYS):
            result.append(
                Deadline(
                    overview.grant.period_end,
                    title,
                    "Ende des Bewilligungszeitraums",
                    "critical" if "critical" in levels else ("warn" if levels else ""),
                )
            )
        for proof in overview.proofs:
            if proof.submitted_on is not None:
                continue
            days = (proof.due_on - stand).days
            level = "critical" if days < 0 else ("warn" if days <= 30 else "")
            result.append(Deadline(proof.due_on, title, f"{proof.title} fällig", level))
    return sorted(result, key=lambda d: d.on)


def report_content(
    *,
    session: Session,
    actor: Principal,
    municipality: Municipality | None,
    baseline: Baseline | None,
    stand: date,
) -> ReportContent:
    municipality_id = int(municipality.id or 0) if municipality else None
    strategy = current_strategy(session)
    summaries: dict[str, FieldSummary] = {}
    if strategy is not None and strategy.id is not None:
        for action_field in action_fields(session, strategy.id):
            summaries[action_field.code] = FieldSummary(action_field.code, action_field.title)
    rows = _measures(session, municipality_id)
    upcoming = _next_milestones(session, [int(m.id or 0) for m, _f in rows])
    lines: list[MeasureLine] = []
    for measure, action_field in rows:
        summary = summaries.setdefault(
            action_field.code, FieldSummary(action_field.code, action_field.title)
        )
        summary.measures += 1
        summary.progress_sum += measure.progress
        summary.statuses[measure.status] += 1
        summary.lights[measure.traffic_light] += 1
        title, due = upcoming.get(int(measure.id or 0), ("", None))
        lines.append(
            MeasureLine(
                measure.code,
                measure.title,
                action_field.code,
                measure.status,
                measure.traffic_light,
                measure.progress,
                measure.example,
                title,
                due,
            )
        )
    budget = budget_report(
        session=session, actor=actor, municipality=municipality.slug if municipality else None
    )
    by_year: dict[int, list[object]] = defaultdict(list)
    for row in budget.rows:
        by_year[row.year].append(row)
    pending, recent = _decisions(session, municipality_id, stand)
    return ReportContent(
        stand=stand,
        generated_at=utcnow(),
        municipality=municipality,
        strategy=strategy,
        baseline=baseline,
        fields=[s for s in summaries.values() if s.measures],
        measures=lines,
        changes=changes_since(session, baseline, municipality_id=municipality_id)
        if baseline is not None
        else None,
        pending=pending,
        recent=recent,
        budget=[
            YearBudget(year, BudgetTotals.of(rows))  # type: ignore[arg-type]
            for year, rows in sorted(by_year.items())
        ],
        budget_total=budget.totals,
        deadlines=_deadlines(session, actor, {int(m.id or 0) for m, _f in rows}, stand),
    )


STATUS_ORDER = [s.value for s in MeasureStatus]
LIGHT_ORDER = [t.value for t in TrafficLight]
DECIDING = DeliberationRole.beschliessend.value
