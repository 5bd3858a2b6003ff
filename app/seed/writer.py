"""Write validated seed data: upsert by natural keys and assign only what differs.

Assigning only changed values keeps a second run silent: the audit listener sees no update, no
version moves, and the report says "unchanged".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select

from app.core.enums import CostKeyKind
from app.core.timeutil import as_aware
from app.models import (
    ActionField,
    BudgetLine,
    Drawdown,
    FundingProgramme,
    Grant,
    GrantMeasure,
    HaushaltAccount,
    HaushaltMapping,
    InvestmentNumber,
    Measure,
    Milestone,
    Municipality,
    Participation,
    ProjectPlan,
    ProofOfUse,
    StatusReport,
    Strategy,
)
from app.seed.reader import SeedFiles
from app.seed.schema import FundingFile, HaushaltFile, MeasureEntry, StrategyEntry

Model = TypeVar("Model", bound=SQLModel)

# Status reports are dated in the seed; they are stamped in the morning (UTC) of that day.
REPORT_TIME = time(8, 0, tzinfo=UTC)


@dataclass
class SeedReport:
    """What a seed run did, per table."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    demo_users: int = 0

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, datetime) and isinstance(wanted, datetime):
        return as_aware(current) == as_aware(wanted)
    return bool(current == wanted)


def _table(model: type[SQLModel]) -> str:
    return str(getattr(model, "__tablename__", model.__name__))


class SeedWriter:
    """Upserts rows within the caller's session (and so within its single transaction)."""

    def __init__(self, session: Session, progress: Callable[[str], None] | None = None) -> None:
        self.session = session
        self.report = SeedReport()
        self._progress = progress
        self.municipality_ids: dict[str, int] = {}
        self.measure_ids: dict[str, int] = {}
        self.strategy_ids: dict[str, int] = {}

    def _step(self, text: str) -> None:
        if self._progress is not None:
            self._progress(text)

    def upsert(self, model: type[Model], key: dict[str, Any], values: dict[str, Any]) -> Model:
        """Find the row by its natural ``key``; create it, or assign the differing ``values``."""
        row = self.session.exec(select(model).filter_by(**key)).first()
        if row is None:
            row = model(**key, **values)
            self.session.add(row)
            self.session.flush()
            self.report.created[_table(model)] += 1
            return row
        changed = False
        for name, wanted in values.items():
            if not _same(getattr(row, name), wanted):
                setattr(row, name, wanted)
                changed = True
        if changed:
            if hasattr(row, "version"):
                row.version = int(row.version) + 1
            self.session.flush()
            self.report.updated[_table(model)] += 1
        else:
            self.report.unchanged += 1
        return row

    @staticmethod
    def _id(row: SQLModel) -> int:
        value = getattr(row, "id", None)
        assert value is not None, "flushed rows carry an id"
        return int(value)

    # --- municipalities and strategies -----------------------------------------------------------

    def municipalities(self, files: SeedFiles) -> None:
        self._step("Kommunen")
        for _file, content in files.municipalities:
            for muni in content.municipalities:
                row = self.upsert(
                    Municipality,
                    {"slug": muni.slug},
                    {
                        "name": muni.name,
                        "kind": muni.kind.value,
                        "executive_body": muni.executive_body,
                        "council": muni.council,
                        "population": muni.population,
                        "population_date": muni.population_date,
                        "population_source": muni.population_source,
                    },
                )
                self.municipality_ids[muni.slug] = self._id(row)

    def strategies(self, files: SeedFiles) -> dict[str, tuple[int, dict[str, int]]]:
        """Write strategies and their action fields; return ids by slug and code."""
        self._step("Strategie und Handlungsfelder")
        result: dict[str, tuple[int, dict[str, int]]] = {}
        for _file, content in files.strategies:
            for strategy in content.strategies:
                result[strategy.slug] = self._strategy(strategy)
        return result

    def _strategy(self, strategy: StrategyEntry) -> tuple[int, dict[str, int]]:
        row = self.upsert(
            Strategy,
            {"slug": strategy.slug},
            {
                "title": strategy.title,
                "period_start": strategy.period_start,
                "period_end": strategy.period_end,
                "adopted_on": strategy.adopted_on,
                "council_references": strategy.council_references,
                "description": strategy.description,
                "report_interval_days": strategy.report_interval_days,
            },
        )
        strategy_id = self._id(row)
        self.strategy_ids[strategy.slug] = strategy_id
        field_ids: dict[str, int] = {}
        for position, action_field in enumerate(strategy.action_fields, start=1):
            field_row = self.upsert(
                ActionField,
                {"strategy_id": strategy_id, "code": action_field.code},
                {
                    "title": action_field.title,
                    "description": action_field.description,
                    "position": position,
                },
            )
            field_ids[action_field.code] = self._id(field_row)
        return strategy_id, field_ids

    # --- measures --------------------------------------------------------------------------------

    def measures(self, files: SeedFiles, strategies: dict[str, tuple[int, dict[str, int]]]) -> None:
        for file, content in files.measures:
            self._step(f"Maßnahmen aus {file}")
            strategy_id, field_ids = strategies[content.strategy]
            for measure in content.measures:
                self._measure(measure, strategy_id, field_ids[measure.action_field])

    def _measure(self, measure: MeasureEntry, strategy_id: int, field_id: int) -> None:
        ids = self.municipality_ids
        row = self.upsert(
            Measure,
            {"code": measure.code},
            {
                "strategy_id": strategy_id,
                "action_field_id": field_id,
                "title": measure.title,
                "goal": measure.goal,
                "expected_effect": measure.expected_effect,
                "priority": measure.priority.value,
                "lead_municipality_id": ids[measure.lead],
                "cost_key": measure.cost_key.method.value,
                "population_reference_date": measure.cost_key.reference_date,
                "planned_start": measure.planned.start,
                "planned_end": measure.planned.end,
                "actual_start": measure.actual.start,
                "actual_end": measure.actual.end,
                "status": measure.status.value,
                "progress": measure.progress,
                "traffic_light": measure.traffic_light.value,
                "responsible": measure.responsible,
                "example": measure.example,
            },
        )
        measure_id = self._id(row)
        self.measure_ids[measure.code] = measure_id
        custom = measure.cost_key.method is CostKeyKind.custom
        shares = measure.cost_key.shares or {}
        for slug in measure.participants:
            self.upsert(
                Participation,
                {"measure_id": measure_id, "municipality_id": ids[slug]},
                {"share_bp": shares[slug] if custom else None},
            )
        if measure.plan is not None:
            plan = self.upsert(
                ProjectPlan, {"measure_id": measure_id}, {"summary": measure.plan.summary}
            )
            plan_id = self._id(plan)
            for position, milestone in enumerate(measure.plan.milestones, start=1):
                self.upsert(
                    Milestone,
                    {"plan_id": plan_id, "title": milestone.title},
                    {
                        "start_on": milestone.start,
                        "due_on": milestone.due,
                        "done_on": milestone.done,
                        "owner": milestone.owner,
                        "position": position,
                    },
                )
        for line in measure.budget:
            self.upsert(
                BudgetLine,
                {
                    "measure_id": measure_id,
                    "year": line.year,
                    "category": line.category.value,
                    "kind": line.kind.value,
                },
                {
                    "planned_cents": line.planned,
                    "approved_cents": line.approved,
                    "actual_cents": line.actual,
                    "note": line.note,
                },
            )
        for report in measure.status_reports:
            self.upsert(
                StatusReport,
                {"measure_id": measure_id, "reported_at": report_time(report.date)},
                {
                    "status": report.status.value,
                    "progress": report.progress,
                    "traffic_light": report.traffic_light.value,
                    "summary": report.summary,
                    "next_steps": report.next_steps,
                    "author_name": report.author,
                },
            )
        for slug, number in measure.investment_numbers.items():
            self.upsert(
                InvestmentNumber,
                {"measure_id": measure_id, "municipality_id": ids[slug]},
                {"number": number},
            )

    # --- funding and Haushalt --------------------------------------------------------------------

    def funding(self, files: SeedFiles) -> None:
        self._step("Förderprogramme und Zuwendungen")
        for _file, content in files.funding:
            self._funding(content)

    def _funding(self, content: FundingFile) -> None:
        for programme in content.programmes:
            programme_row = self.upsert(
                FundingProgramme,
                {"slug": programme.slug},
                {
                    "name": programme.name,
                    "provider": programme.provider,
                    "legal_basis": programme.legal_basis,
                    "default_rate_bp": programme.rate,
                    "description": programme.description,
                },
            )
            for grant in programme.grants:
                grant_row = self.upsert(
                    Grant,
                    {"notice_number": grant.notice_number},
                    {
                        "programme_id": self._id(programme_row),
                        "notice_date": grant.notice_date,
                        "title": grant.title,
                        "period_start": grant.period.start,
                        "period_end": grant.period.end,
                        "eligible_cents": grant.eligible,
                        "rate_bp": grant.rate,
                        "max_cents": grant.maximum,
                        "applicant_municipality_id": self.municipality_ids[grant.applicant],
                    },
                )
                grant_id = self._id(grant_row)
                for code in grant.measures:
                    self.upsert(
                        GrantMeasure,
                        {"grant_id": grant_id, "measure_id": self.measure_ids[code]},
                        {},
                    )
                for drawdown in grant.drawdowns:
                    self.upsert(
                        Drawdown,
                        {"grant_id": grant_id, "requested_on": drawdown.requested_on},
                        {"amount_cents": drawdown.amount, "received_on": drawdown.received_on},
                    )
                for proof in grant.proofs_of_use:
                    self.upsert(
                        ProofOfUse,
                        {"grant_id": grant_id, "title": proof.title},
                        {"due_on": proof.due_on, "submitted_on": proof.submitted_on},
                    )

    def haushalt(self, files: SeedFiles) -> None:
        self._step("Haushaltszuordnungen")
        for _file, content in files.haushalt:
            self._haushalt(content)

    def _haushalt(self, content: HaushaltFile) -> None:
        for block in content.mappings:
            municipality_id = self.municipality_ids[block.municipality]
            for line in block.lines:
                self.upsert(
                    HaushaltMapping,
                    {
                        "municipality_id": municipality_id,
                        "category": line.category.value,
                        "kind": line.kind.value,
                    },
                    {"produkt": line.produkt, "sachkonto": line.sachkonto},
                )
            for account in block.accounts:
                self.upsert(
                    HaushaltAccount,
                    {"municipality_id": municipality_id, "purpose": account.purpose.value},
                    {"produkt": account.produkt, "sachkonto": account.sachkonto},
                )


def report_time(day: date) -> datetime:
    """The timestamp a seeded status report dated ``day`` carries."""
    return datetime.combine(day, REPORT_TIME)
