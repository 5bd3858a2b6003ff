"""Pydantic models of the seed files. Every file is validated completely before anything is written.

Formats are deliberately strict so that a figure means exactly one thing:
- dates are ISO strings (``2024-04-23``),
- money is euros with a dot and exactly two decimals (``12500.00``), parsed via Decimal to cents,
- percentages have at most two decimals (``33.34``) and become basis points (10000 = 100 %).
The YAML reader (app.seed.reader) keeps such scalars as strings, so no float is ever involved.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.core.enums import (
    BudgetKind,
    CostCategory,
    CostKeyKind,
    DecisionResult,
    DeliberationRole,
    HaushaltPurpose,
    MeasureStatus,
    MunicipalityKind,
    Priority,
    ProposalSubject,
    RiskStatus,
    SessionStatus,
    TrafficLight,
)
from app.core.rules import MEASURE_CODE_PATTERN

_MONEY = re.compile(r"\d{1,13}\.\d{2}")
_PERCENT = re.compile(r"\d{1,3}(\.\d{1,2})?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _to_cents(value: object) -> int:
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _MONEY.fullmatch(text):
        raise ValueError(
            f"Betrag {value!r} ungültig: Euro mit Punkt und genau zwei Nachkommastellen "
            "angeben, z. B. 12500.00 (nicht negativ)"
        )
    return int(Decimal(text) * 100)


def _to_basis_points(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _PERCENT.fullmatch(text):
        raise ValueError(
            f"Prozentangabe {value!r} ungültig: Zahl mit höchstens zwei Nachkommastellen, "
            "z. B. 33.34"
        )
    points = int(Decimal(text) * 100)
    if points > 10000:
        raise ValueError(f"Prozentangabe {text} liegt über 100 %")
    return points


def _to_date(value: object) -> date:
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _ISO_DATE.fullmatch(text):
        raise ValueError(f"Datum {value!r} ungültig: Format JJJJ-MM-TT, z. B. 2024-04-23")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Datum {text!r} existiert nicht") from None


Cents = Annotated[int, BeforeValidator(_to_cents)]
BasisPoints = Annotated[int, BeforeValidator(_to_basis_points)]
SeedDate = Annotated[date, BeforeValidator(_to_date)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Code = Annotated[str, Field(pattern=rf"^{MEASURE_CODE_PATTERN}$", max_length=30)]
Text = Annotated[str, Field(max_length=10000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    """Base of every seed model: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- municipalities.yaml -------------------------------------------------------------------------


class MunicipalityEntry(Strict):
    slug: Slug
    name: Name
    kind: MunicipalityKind
    executive_body: Literal["Magistrat", "Gemeindevorstand"]
    council: Literal["Stadtverordnetenversammlung", "Gemeindevertretung"]
    population: int = Field(ge=0)
    population_date: SeedDate
    population_source: Annotated[str, Field(min_length=1, max_length=255)]


class MunicipalitiesFile(Strict):
    municipalities: list[MunicipalityEntry] = Field(min_length=1)


# --- strategy.yaml -------------------------------------------------------------------------------


class ActionFieldEntry(Strict):
    code: Code
    title: Name
    description: Text = ""


class StrategyEntry(Strict):
    slug: Slug
    title: Name
    period_start: int = Field(ge=2000, le=2100)
    period_end: int = Field(ge=2000, le=2100)
    adopted_on: SeedDate | None = None
    council_references: Text = ""
    description: Text = ""
    # A running measure's status report is due this many days after its last one.
    report_interval_days: int = Field(default=30, ge=1, le=365)
    action_fields: list[ActionFieldEntry] = []


class StrategiesFile(Strict):
    strategies: list[StrategyEntry] = Field(min_length=1)


# --- measures*.yaml ------------------------------------------------------------------------------


class CostKeyEntry(Strict):
    method: CostKeyKind
    reference_date: SeedDate | None = None
    shares: dict[str, BasisPoints] | None = None


class Period(Strict):
    start: SeedDate | None = None
    end: SeedDate | None = None


class FixedPeriod(Strict):
    start: SeedDate
    end: SeedDate


class MilestoneEntry(Strict):
    title: Name
    start: SeedDate | None = None
    due: SeedDate | None = None
    done: SeedDate | None = None
    owner: str = Field(default="", max_length=120)


class PlanEntry(Strict):
    summary: Text = ""
    milestones: list[MilestoneEntry] = []


class BudgetEntry(Strict):
    year: int = Field(ge=2000, le=2100)
    category: CostCategory
    kind: BudgetKind
    planned: Cents
    approved: Cents | None = None
    actual: Cents | None = None
    note: str = Field(default="", max_length=255)


class StatusReportEntry(Strict):
    date: SeedDate
    status: MeasureStatus
    progress: int = Field(ge=0, le=100)
    traffic_light: TrafficLight
    summary: Annotated[str, Field(min_length=1, max_length=10000)]
    next_steps: Text = ""
    author: str = Field(default="", max_length=120)


class ApprovalEntry(Strict):
    """A body's beschließend decision on the measure: a step of the Vorlage of that municipality
    with this Drucksache (created about the measure when councils.yaml has none)."""

    municipality: Slug
    body: Name
    date: SeedDate
    drucksache: str = Field(default="", max_length=60)
    result: DecisionResult
    example: bool | None = None  # the Vorlage's flag when created here (default: the measure's)


class MeasureEntry(Strict):
    code: Code
    title: Name
    action_field: Code
    goal: Text = ""
    expected_effect: Text = ""
    priority: Priority = Priority.mittel
    lead: Slug
    participants: list[Slug] = Field(min_length=1)
    cost_key: CostKeyEntry
    planned: Period = Period()
    actual: Period = Period()
    status: MeasureStatus = MeasureStatus.geplant
    progress: int = Field(default=0, ge=0, le=100)
    traffic_light: TrafficLight = TrafficLight.gruen
    responsible: str = Field(default="", max_length=120)
    example: bool = False
    plan: PlanEntry | None = None
    budget: list[BudgetEntry] = []
    status_reports: list[StatusReportEntry] = []
    approvals: list[ApprovalEntry] = []
    investment_numbers: dict[str, Annotated[str, Field(min_length=1, max_length=40)]] = {}


class MeasuresFile(Strict):
    strategy: Slug
    measures: list[MeasureEntry] = Field(min_length=1)


# --- funding.yaml --------------------------------------------------------------------------------


class DrawdownEntry(Strict):
    requested_on: SeedDate
    amount: Cents
    received_on: SeedDate | None = None


class ProofOfUseEntry(Strict):
    title: Name = "Verwendungsnachweis"
    due_on: SeedDate
    submitted_on: SeedDate | None = None


class GrantEntry(Strict):
    notice_number: Annotated[str, Field(min_length=1, max_length=80)]
    notice_date: SeedDate
    title: Name
    period: FixedPeriod
    eligible: Cents
    rate: BasisPoints
    maximum: Cents
    applicant: Slug
    measures: list[Code] = []
    drawdowns: list[DrawdownEntry] = []
    proofs_of_use: list[ProofOfUseEntry] = []


class ProgrammeEntry(Strict):
    slug: Slug
    name: Name
    provider: str = Field(default="", max_length=200)
    legal_basis: str = Field(default="", max_length=200)
    rate: BasisPoints = 0
    description: Text = ""
    grants: list[GrantEntry] = []


class FundingFile(Strict):
    programmes: list[ProgrammeEntry] = Field(min_length=1)


# --- haushalt.yaml -------------------------------------------------------------------------------


class MappingLine(Strict):
    category: CostCategory
    kind: BudgetKind
    produkt: Annotated[str, Field(min_length=1, max_length=40)]
    sachkonto: Annotated[str, Field(min_length=1, max_length=40)]


class AccountLine(Strict):
    purpose: HaushaltPurpose
    produkt: Annotated[str, Field(min_length=1, max_length=40)]
    sachkonto: Annotated[str, Field(min_length=1, max_length=40)]


class MunicipalityMappings(Strict):
    municipality: Slug
    lines: list[MappingLine] = []
    accounts: list[AccountLine] = []


class HaushaltFile(Strict):
    example: bool = False
    mappings: list[MunicipalityMappings] = Field(min_length=1)


# --- councils.yaml -------------------------------------------------------------------------------


class SessionEntry(Strict):
    municipality: Slug
    body: Name
    date: SeedDate
    place: str = Field(default="", max_length=200)
    status: SessionStatus | None = None  # default: held when in the past, else planned
    example: bool = False


class StepEntry(Strict):
    body: Name
    date: SeedDate
    role: DeliberationRole
    result: DecisionResult | None = None
    votes_yes: int | None = Field(default=None, ge=0)
    votes_no: int | None = Field(default=None, ge=0)
    votes_abstain: int | None = Field(default=None, ge=0)
    note: Text = ""


class ProposalEntry(Strict):
    municipality: Slug
    drucksache: Annotated[str, Field(min_length=1, max_length=60)]
    title: Annotated[str, Field(min_length=1, max_length=300)]
    fachbereich: str = Field(default="", max_length=120)
    sachbearbeitung: str = Field(default="", max_length=120)
    begruendung: Text = ""
    beschlussvorschlag: Text = ""
    subject: ProposalSubject
    strategy: Slug | None = None
    measures: list[Code] = []
    budget_year: int | None = Field(default=None, ge=2000, le=2100)
    example: bool = False
    beratungsfolge: list[StepEntry] = Field(min_length=1)


class CouncilsFile(Strict):
    sessions: list[SessionEntry] = []
    vorlagen: list[ProposalEntry] = []


# --- risks*.yaml ---------------------------------------------------------------------------------

Level = Annotated[int, Field(ge=1, le=5)]


class RiskEntry(Strict):
    """An illustrative risk of a measure (always stored as Beispieldaten)."""

    measure: Code
    title: Name
    cause: Text = ""
    effect: Text = ""
    probability: Level
    impact: Level
    residual_probability: Level | None = None
    residual_impact: Level | None = None
    owner: str = Field(default="", max_length=120)
    municipality: Slug | None = None  # the lead when not given
    mitigation: Text = ""
    status: RiskStatus = RiskStatus.offen
    review: SeedDate | None = None


class RisksFile(Strict):
    risks: list[RiskEntry]
