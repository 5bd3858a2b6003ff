"""Input and output shapes of the finance domain: one schema per edit, for form and API alike.

Amounts are integer cents in JSON (``planned_cents``) and German euros in forms (``planned``:
``1.234,56``); shares and rates are basis points in JSON and per cent in forms. Every amount lies
between 0 and 1 billion euros.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from app.core.enums import BudgetKind, CostCategory, CostKeyKind, HaushaltPurpose
from app.core.inputs import Input, Replacement
from app.core.rules import (
    AccountCode,
    BasisPoints,
    Cents,
    Code,
    Day,
    FormName,
    Keyed,
    Many,
    OneOf,
    Slug,
    Text,
    Version,
    Whole,
    Year,
    not_before,
)

# --- budget lines -----------------------------------------------------------------------------


class BudgetLineIn(Input):
    """A budget line of a measure for one year, cost category and kind."""

    year: Annotated[int, Year()]
    category: Annotated[str, OneOf.of(CostCategory, message="Bitte eine Kostenart wählen.")]
    kind: Annotated[str, OneOf.of(BudgetKind, message="Bitte investiv oder konsumtiv wählen.")]
    planned_cents: Annotated[int, Cents(), FormName("planned")] = Field(
        description="Planbetrag in Cent"
    )
    approved_cents: Annotated[int | None, Cents(optional=True), FormName("approved")] = Field(
        default=None, description="Haushaltsansatz in Cent (fehlt: noch keiner)"
    )
    actual_cents: Annotated[int | None, Cents(optional=True), FormName("actual")] = Field(
        default=None, description="Ist in Cent (fehlt: noch keins)"
    )
    note: Annotated[str, Text(255)] = ""


class BudgetLineUpdate(BudgetLineIn, Replacement):
    expected_version: Annotated[int, Version()]


class CostKeyIn(Input):
    """A measure's cost key; custom shares (per municipality slug) must sum to 100,00 %."""

    cost_key: Annotated[str, OneOf.of(CostKeyKind, message="Bitte einen Kostenschlüssel wählen.")]
    population_reference_date: Annotated[date | None, Day(optional=True)] = None
    shares: Annotated[dict[str, int | None], Keyed(Slug(), BasisPoints(optional=True))] = Field(
        default_factory=dict,
        description="Individuelle Anteile je Kommune (Slug → Hundertstel Prozent)",
    )
    expected_version: Annotated[int, Version()] = Field(description="Version der Maßnahme")


class CarryoverIn(Replacement):
    """A line's Haushaltsrest carried into the next year, and the Deckungsvorschlag for an Ist
    above the Ansatz (the Kämmerei)."""

    carryover_cents: Annotated[int | None, Cents(optional=True), FormName("carryover")] = Field(
        default=None, description="Übertragung ins Folgejahr in Cent (fehlt: keine)"
    )
    cover_note: Annotated[str, Text(500, multiline=True)] = Field(
        default="", description="Deckungsvorschlag, wenn das Ist den Ansatz übersteigt"
    )
    expected_version: Annotated[int, Version()]


class PaymentEntry(Input):
    """The part of a Verpflichtungsermächtigung due in one later year."""

    year: Annotated[int, Year()]
    amount_cents: Annotated[int, Cents(message="Bitte den Betrag angeben.")] = Field(
        description="Betrag in Cent"
    )


class CommitmentIn(Input):
    """A Verpflichtungsermächtigung: authority in budget year ``year`` to commit to investive
    payments in later years; the payments add up to the amount."""

    year: Annotated[int, Year()] = Field(description="Haushaltsjahr, das ermächtigt")
    category: Annotated[str, OneOf.of(CostCategory, message="Bitte eine Kostenart wählen.")]
    amount_cents: Annotated[int, Cents(message="Bitte den Betrag angeben."), FormName("amount")]
    payments: list[PaymentEntry] = Field(
        default_factory=list, max_length=10, description="Zahlungen je späterem Jahr"
    )
    note: Annotated[str, Text(255)] = ""


# --- Haushalt mapping -------------------------------------------------------------------------


class MappingEntry(Input):
    """Where a municipality books one cost category and kind; both empty removes the entry."""

    category: Annotated[str, OneOf.of(CostCategory)]
    kind: Annotated[str, OneOf.of(BudgetKind)]
    produkt: Annotated[str, AccountCode()] = ""
    sachkonto: Annotated[str, AccountCode()] = ""
    expected_version: Annotated[int | None, Whole(1, optional=True)] = Field(
        default=None, description="Version der bisherigen Zuordnung; null, wenn es keine gab"
    )


class AccountEntry(Input):
    """Produkt and Sachkonto of one purpose beside the cost lines; both empty removes it."""

    purpose: Annotated[str, OneOf.of(HaushaltPurpose)]
    produkt: Annotated[str, AccountCode()] = ""
    sachkonto: Annotated[str, AccountCode()] = ""
    expected_version: Annotated[int | None, Whole(1, optional=True)] = Field(
        default=None, description="Version des bisherigen Kontos; null, wenn es keins gab"
    )


class HaushaltIn(Input):
    """A municipality's Produkt/Sachkonto mapping, its accounts for grant income, Auflösung,
    AfA and forwarding, Investitionsnummern and Produkte per measure, saved as one."""

    mappings: list[MappingEntry] = Field(default_factory=list, max_length=100)
    accounts: list[AccountEntry] = Field(default_factory=list, max_length=20)
    measure_produkte: Annotated[dict[str, str], Keyed(Code(), AccountCode(), max_items=5000)] = (
        Field(
            default_factory=dict,
            description="Produkt je Maßnahme statt der Standardzuordnung (Code → Produkt; leer "
            "entfernt es)",
        )
    )
    investment_numbers: Annotated[dict[str, str], Keyed(Code(), AccountCode(), max_items=5000)] = (
        Field(
            default_factory=dict,
            description="Investitionsnummer je Maßnahme (Code → Nummer; leer entfernt sie)",
        )
    )


# --- grants, proofs of use, drawdowns ---------------------------------------------------------


class GrantIn(Input):
    """A grant (Zuwendung): the notice, its period, eligible costs, rate and maximum."""

    programme_id: Annotated[int, Whole(1, message="Bitte ein Förderprogramm wählen.")]
    notice_number: Annotated[str, Text(80, required=True)]
    notice_date: Annotated[date, Day()]
    title: Annotated[str, Text(200, required=True)]
    period_start: Annotated[date, Day()]
    period_end: Annotated[
        date,
        Day(),
        not_before("period_start", "Das Ende des Bewilligungszeitraums liegt vor seinem Beginn."),
    ]
    eligible_cents: Annotated[int, Cents(), FormName("eligible")] = Field(
        description="Zuwendungsfähige Ausgaben in Cent"
    )
    rate_bp: Annotated[int, BasisPoints(), FormName("rate")] = Field(
        description="Fördersatz in Hundertstel Prozent (9000 = 90 %)"
    )
    max_cents: Annotated[int, Cents(), FormName("maximum")] = Field(
        description="Höchstbetrag der Zuwendung in Cent"
    )
    applicant: Annotated[str, Slug(message="Bitte die antragstellende Kommune wählen.")] = Field(
        description="Slug der antragstellenden Kommune"
    )
    measure_codes: Annotated[list[str], Many(Code())] = Field(
        default_factory=list, description="Codes der geförderten Maßnahmen"
    )


class GrantUpdate(GrantIn, Replacement):
    expected_version: Annotated[int, Version()]


class ProofSubmittedIn(Input):
    """The date a proof of use was submitted (empty: not submitted)."""

    submitted_on: Annotated[date | None, Day(optional=True)] = None
    expected_version: Annotated[int, Version()]


class DrawdownIn(Input):
    """A Mittelabruf: the amount requested from a grant, and when the money arrived."""

    requested_on: Annotated[date, Day(message="Bitte das Datum des Abrufs angeben.")]
    amount_cents: Annotated[
        int, Cents(message="Bitte den Abrufbetrag angeben."), FormName("amount")
    ] = Field(description="Abrufbetrag in Cent")
    received_on: Annotated[
        date | None,
        Day(optional=True),
        not_before("requested_on", "Der Geldeingang kann nicht vor dem Abruf liegen."),
    ] = None


# --- output -----------------------------------------------------------------------------------


class BudgetLineRecord(BaseModel):
    """A budget line as stored (the planned, approved and actual amount of the whole line)."""

    id: int
    measure_code: str
    year: int
    category: str
    kind: str
    planned_cents: int
    approved_cents: int | None
    actual_cents: int | None
    note: str
    version: int


class CostKeyPublic(BaseModel):
    measure_code: str
    cost_key: str
    population_reference_date: date | None
    shares_bp: dict[str, int] = Field(description="Anteil je Kommune (Slug → Hundertstel Prozent)")
    version: int


class MappingPublic(BaseModel):
    category: str
    kind: str
    produkt: str
    sachkonto: str
    version: int


class AccountPublic(BaseModel):
    purpose: str
    produkt: str
    sachkonto: str
    version: int


class HaushaltPublic(BaseModel):
    municipality: str
    mappings: list[MappingPublic]
    accounts: list[AccountPublic]
    investment_numbers: dict[str, str]
    measure_produkte: dict[str, str]


class DrawdownPublic(BaseModel):
    id: int
    requested_on: date
    amount_cents: int
    received_on: date | None
    version: int


class ProofPublic(BaseModel):
    id: int
    title: str
    due_on: date
    submitted_on: date | None
    version: int


class GrantPublic(BaseModel):
    id: int
    programme_id: int
    notice_number: str
    notice_date: date
    title: str
    period_start: date
    period_end: date
    eligible_cents: int
    rate_bp: int
    max_cents: int
    applicant: str = Field(description="Slug der antragstellenden Kommune")
    measure_codes: list[str]
    drawn_cents: int
    drawable_cents: int = Field(description="Noch abrufbar (nie negativ)")
    version: int
    drawdowns: list[DrawdownPublic]
    proofs_of_use: list[ProofPublic]
