"""Budget lines, grants, mappings and the ledger's derived tables (amounts in cents)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.audit.models import HIDDEN, Audited, AuditField
from app.core.db import Versioned, describe_unique
from app.core.enums import BudgetKind, CostCategory, enum_check
from app.core.rules import MAX_CENTS


class BudgetLine(Audited, Versioned, SQLModel, table=True):
    """Budgetposition of a measure for one year, cost category and kind."""

    __audit_label__ = "Budgetposition"
    __audit_fields__ = {
        "measure_id": HIDDEN,
        "year": AuditField("Haushaltsjahr", "text"),
        "category": AuditField("Kostenart", "choice"),
        "kind": AuditField("Art", "choice"),
        "planned_cents": AuditField("Geplant", "money"),
        "approved_cents": AuditField("Haushaltsansatz", "money"),
        "actual_cents": AuditField("Ist", "money"),
        "note": AuditField("Bemerkung"),
        "carryover_cents": AuditField("Übertragung ins Folgejahr", "money"),
        "cover_note": AuditField("Deckungsvorschlag"),
        "version": HIDDEN,
    }

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("measure_id", "year", "category", "kind"),
        enum_check("category", CostCategory),
        enum_check("kind", BudgetKind),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
        CheckConstraint("planned_cents >= 0", name="planned_non_negative"),
        CheckConstraint(
            "approved_cents IS NULL OR approved_cents >= 0", name="approved_non_negative"
        ),
        CheckConstraint("actual_cents IS NULL OR actual_cents >= 0", name="actual_non_negative"),
        # At most 1 billion euros a line, so that sums of any number of lines stay in range.
        CheckConstraint(f"planned_cents <= {MAX_CENTS}", name="planned_bounded"),
        CheckConstraint(f"approved_cents <= {MAX_CENTS}", name="approved_bounded"),
        CheckConstraint(f"actual_cents <= {MAX_CENTS}", name="actual_bounded"),
        CheckConstraint(
            f"carryover_cents IS NULL OR carryover_cents BETWEEN 0 AND {MAX_CENTS}",
            name="carryover_bounded",
        ),
        Index("ix_budget_line_year_measure", "year", "measure_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    year: int
    category: str = Field(max_length=20)
    kind: str = Field(max_length=10)
    planned_cents: int = Field(default=0, sa_type=BigInteger)
    approved_cents: int | None = Field(default=None, sa_type=BigInteger)
    actual_cents: int | None = Field(default=None, sa_type=BigInteger)
    note: str = Field(default="", max_length=255)
    # Haushaltsrest carried into the next year (Übertragung), and how an Ist above the Ansatz is
    # covered (Deckungsvorschlag); both kept by the Kämmerei.
    carryover_cents: int | None = Field(default=None, sa_type=BigInteger)
    cover_note: str = Field(default="", max_length=500)
    version: int = Field(default=1)


class FundingProgramme(Audited, Versioned, SQLModel, table=True):
    """Förderprogramm such as "Starke Heimat Hessen"."""

    __audit_label__ = "Förderprogramm"
    __audit_fields__ = {
        "slug": HIDDEN,
        "name": AuditField("Name"),
        "provider": AuditField("Fördergeber"),
        "legal_basis": AuditField("Rechtsgrundlage"),
        "default_rate_bp": AuditField("Regelfördersatz", "percent_bp"),
        "description": AuditField("Beschreibung"),
        "version": HIDDEN,
    }

    __tablename__ = "funding_programme"
    __table_args__ = (CheckConstraint("default_rate_bp BETWEEN 0 AND 10000", name="rate_range"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    provider: str = Field(default="", max_length=200)
    legal_basis: str = Field(default="", max_length=200)
    default_rate_bp: int = Field(default=0)
    description: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)


class Grant(Audited, Versioned, SQLModel, table=True):
    """Zuwendung: a funding notice (Bewilligungsbescheid) for one or more measures."""

    __audit_label__ = "Zuwendung"
    __audit_fields__ = {
        "programme_id": HIDDEN,
        "notice_number": AuditField("Bescheidnummer"),
        "notice_date": AuditField("Bescheid vom", "date"),
        "title": AuditField("Titel"),
        "period_start": AuditField("Bewilligungszeitraum ab", "date"),
        "period_end": AuditField("Bewilligungszeitraum bis", "date"),
        "eligible_cents": AuditField("Zuwendungsfähige Ausgaben", "money"),
        "rate_bp": AuditField("Fördersatz", "percent_bp"),
        "max_cents": AuditField("Höchstbetrag", "money"),
        "applicant_municipality_id": AuditField("Antragstellende Kommune", "municipality"),
        "version": HIDDEN,
    }

    __tablename__ = "grant_award"
    __table_args__ = (
        CheckConstraint("rate_bp BETWEEN 0 AND 10000", name="rate_range"),
        CheckConstraint("eligible_cents >= 0", name="eligible_non_negative"),
        CheckConstraint("max_cents >= 0", name="max_non_negative"),
        CheckConstraint(f"eligible_cents <= {MAX_CENTS}", name="eligible_bounded"),
        CheckConstraint(f"max_cents <= {MAX_CENTS}", name="max_bounded"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="funding_programme.id", index=True)
    notice_number: str = Field(max_length=80, unique=True)
    notice_date: date
    title: str = Field(max_length=200)
    period_start: date
    period_end: date
    eligible_cents: int = Field(sa_type=BigInteger)
    rate_bp: int
    max_cents: int = Field(sa_type=BigInteger)
    applicant_municipality_id: int = Field(foreign_key="municipality.id", index=True)
    version: int = Field(default=1)


class GrantMeasure(Audited, SQLModel, table=True):
    """Link between a grant and a measure it covers."""

    __audit_label__ = "Geförderte Maßnahme"
    __audit_fields__ = {
        "grant_id": HIDDEN,
        "measure_id": HIDDEN,
    }

    __tablename__ = "grant_measure"

    grant_id: int = Field(foreign_key="grant_award.id", primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", primary_key=True, index=True)


class Drawdown(Audited, Versioned, SQLModel, table=True):
    """Mittelabruf: money requested from a grant, and when it arrived."""

    __audit_label__ = "Mittelabruf"
    __audit_fields__ = {
        "grant_id": HIDDEN,
        "requested_on": AuditField("Abgerufen am", "date"),
        "amount_cents": AuditField("Betrag", "money"),
        "received_on": AuditField("Eingegangen am", "date"),
        "version": HIDDEN,
    }

    __tablename__ = "drawdown"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint(f"amount_cents <= {MAX_CENTS}", name="amount_bounded"),
    )

    id: int | None = Field(default=None, primary_key=True)
    grant_id: int = Field(foreign_key="grant_award.id", index=True)
    requested_on: date
    amount_cents: int = Field(sa_type=BigInteger)
    received_on: date | None = None
    version: int = Field(default=1)


class ProofOfUse(Audited, Versioned, SQLModel, table=True):
    """Verwendungsnachweis: due date and the date it was submitted."""

    __audit_label__ = "Verwendungsnachweis"
    __audit_fields__ = {
        "grant_id": HIDDEN,
        "title": AuditField("Bezeichnung"),
        "due_on": AuditField("Fällig am", "date"),
        "submitted_on": AuditField("Eingereicht am", "date"),
        "version": HIDDEN,
    }

    __tablename__ = "proof_of_use"

    id: int | None = Field(default=None, primary_key=True)
    grant_id: int = Field(foreign_key="grant_award.id", index=True)
    title: str = Field(default="Verwendungsnachweis", max_length=200)
    due_on: date
    submitted_on: date | None = None
    version: int = Field(default=1)


class HaushaltMapping(Audited, Versioned, SQLModel, table=True):
    """Where a municipality books a cost category and kind: Produkt and Sachkonto."""

    __audit_label__ = "Haushaltszuordnung"
    __audit_fields__ = {
        "municipality_id": AuditField("Kommune", "municipality"),
        "category": AuditField("Kostenart", "choice"),
        "kind": AuditField("Art", "choice"),
        "produkt": AuditField("Produkt"),
        "sachkonto": AuditField("Sachkonto"),
        "version": HIDDEN,
    }

    __tablename__ = "haushalt_mapping"
    __table_args__ = (
        UniqueConstraint("municipality_id", "category", "kind"),
        enum_check("category", CostCategory),
        enum_check("kind", BudgetKind),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    category: str = Field(max_length=20)
    kind: str = Field(max_length=10)
    produkt: str = Field(max_length=40)
    sachkonto: str = Field(max_length=40)
    version: int = Field(default=1)


class InvestmentNumber(Audited, Versioned, SQLModel, table=True):
    """Investitionsnummer a municipality gives a measure for its investive lines."""

    __audit_label__ = "Investitionsnummer"
    __audit_fields__ = {
        "measure_id": HIDDEN,
        "municipality_id": AuditField("Kommune", "municipality"),
        "number": AuditField("Investitionsnummer"),
        "note": AuditField("Bemerkung"),
        "version": HIDDEN,
    }

    __tablename__ = "investment_number"
    __table_args__ = (UniqueConstraint("measure_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    number: str = Field(max_length=40)
    note: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)


class BudgetShare(SQLModel, table=True):
    """One municipality's share of one budget line, as the ledger computed it.

    Derived data: :mod:`app.finance.ledger` keeps it in step with the budget lines, cost keys,
    participants and grants in the same unit of work, so that every view can sum it in SQL.
    """

    __tablename__ = "budget_share"
    __table_args__ = (
        UniqueConstraint("line_id", "municipality_id"),
        Index("ix_budget_share_municipality_year", "municipality_id", "year"),
        Index("ix_budget_share_year_kind", "year", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="budget_line.id", ondelete="CASCADE")
    measure_id: int = Field(foreign_key="measure.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    year: int
    category: str = Field(max_length=20)
    kind: str = Field(max_length=10)
    gross_cents: int = Field(sa_type=BigInteger)
    approved_cents: int | None = Field(default=None, sa_type=BigInteger)
    actual_cents: int | None = Field(default=None, sa_type=BigInteger)
    funding_cents: int = Field(default=0, sa_type=BigInteger)
    carryover_cents: int | None = Field(default=None, sa_type=BigInteger)


class GrantFunding(SQLModel, table=True):
    """Planned funding of one grant for one covered measure in one year (derived, see ledger)."""

    __tablename__ = "grant_funding"

    grant_id: int = Field(foreign_key="grant_award.id", primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", primary_key=True, index=True)
    year: int = Field(primary_key=True)
    cents: int = Field(sa_type=BigInteger)


class LedgerIssue(SQLModel, table=True):
    """Why a measure's costs cannot be shared (no participants, custom key not 100 %)."""

    __tablename__ = "ledger_issue"

    measure_id: int = Field(foreign_key="measure.id", primary_key=True)
    message: str = Field(sa_type=Text)


class BudgetTotal(SQLModel, table=True):
    """A municipality's shares summed per year and budget kind (derived from ``budget_share``)."""

    __tablename__ = "budget_total"

    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)
    year: int = Field(primary_key=True)
    kind: str = Field(max_length=10, primary_key=True)
    gross_cents: int = Field(sa_type=BigInteger)
    funding_cents: int = Field(sa_type=BigInteger)
    approved_cents: int = Field(sa_type=BigInteger)
    actual_cents: int = Field(sa_type=BigInteger)


describe_unique(
    BudgetLine,
    ("measure_id", "year", "category", "kind"),
    "category",
    "Für dieses Jahr, diese Kostenart und Art gibt es schon eine Budgetposition; bitte diese "
    "ändern.",
)
describe_unique(
    Grant,
    ("notice_number",),
    "notice_number",
    "Einen Bescheid mit dieser Nummer gibt es schon.",
)
describe_unique(
    HaushaltMapping,
    ("municipality_id", "category", "kind"),
    "mappings",
    "Diese Zuordnung wurde gleichzeitig angelegt; bitte die Seite neu laden.",
)
describe_unique(
    InvestmentNumber,
    ("measure_id", "municipality_id"),
    "investment_numbers",
    "Diese Investitionsnummer wurde gleichzeitig angelegt; bitte die Seite neu laden.",
)
