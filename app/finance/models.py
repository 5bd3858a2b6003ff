"""Tables of the finance domain. Every amount is an integer number of cents."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import Versioned
from app.enums import BudgetKind, CostCategory, enum_check


class BudgetLine(Versioned, SQLModel, table=True):
    """Budgetposition of a measure for one year, cost category and kind."""

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
    version: int = Field(default=1)


class FundingProgramme(Versioned, SQLModel, table=True):
    """Förderprogramm such as "Starke Heimat Hessen"."""

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


class Grant(Versioned, SQLModel, table=True):
    """Zuwendung: a funding notice (Bewilligungsbescheid) for one or more measures."""

    __tablename__ = "grant_award"
    __table_args__ = (
        CheckConstraint("rate_bp BETWEEN 0 AND 10000", name="rate_range"),
        CheckConstraint("eligible_cents >= 0", name="eligible_non_negative"),
        CheckConstraint("max_cents >= 0", name="max_non_negative"),
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


class GrantMeasure(SQLModel, table=True):
    """Link between a grant and a measure it covers."""

    __tablename__ = "grant_measure"

    grant_id: int = Field(foreign_key="grant_award.id", primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", primary_key=True, index=True)


class Drawdown(Versioned, SQLModel, table=True):
    """Mittelabruf: money requested from a grant, and when it arrived."""

    __tablename__ = "drawdown"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    grant_id: int = Field(foreign_key="grant_award.id", index=True)
    requested_on: date
    amount_cents: int = Field(sa_type=BigInteger)
    received_on: date | None = None
    version: int = Field(default=1)


class ProofOfUse(Versioned, SQLModel, table=True):
    """Verwendungsnachweis: due date and the date it was submitted."""

    __tablename__ = "proof_of_use"

    id: int | None = Field(default=None, primary_key=True)
    grant_id: int = Field(foreign_key="grant_award.id", index=True)
    title: str = Field(default="Verwendungsnachweis", max_length=200)
    due_on: date
    submitted_on: date | None = None
    version: int = Field(default=1)


class HaushaltMapping(Versioned, SQLModel, table=True):
    """Where a municipality books a cost category and kind: Produkt and Sachkonto."""

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


class InvestmentNumber(Versioned, SQLModel, table=True):
    """Investitionsnummer a municipality gives a measure for its investive lines."""

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
