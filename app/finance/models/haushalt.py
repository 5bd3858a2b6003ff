"""What the Kämmerei adds for the Haushalt beside the budget lines.

* ``HaushaltAccount``: where a municipality books the grant income, the Sonderposten's yearly
  Auflösung, the depreciation (AfA) of its share of investive lines and the grant it forwards
  to partner municipalities (gross principle: each on its own Produkt and Sachkonto).
* ``MeasureProdukt``: a Produkt a municipality gives one measure, in place of the cost
  category's default from the mapping.
* ``Commitment`` with its ``CommitmentPayment`` rows: a Verpflichtungsermächtigung, the
  authority granted in one budget year to commit to payments in later years.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Connection, UniqueConstraint, select
from sqlmodel import Field, SQLModel, col

from app.audit.models import HIDDEN, Audited, AuditField
from app.core.db import Versioned, describe_unique
from app.core.enums import CostCategory, HaushaltPurpose, enum_check
from app.core.rules import MAX_CENTS


class HaushaltAccount(Audited, Versioned, SQLModel, table=True):
    """Produkt and Sachkonto of one purpose beside the cost lines (grant income, AfA …)."""

    __audit_label__ = "Haushaltskonto"
    __audit_fields__ = {
        "municipality_id": AuditField("Kommune", "municipality"),
        "purpose": AuditField("Zweck", "choice"),
        "produkt": AuditField("Produkt"),
        "sachkonto": AuditField("Sachkonto"),
        "version": HIDDEN,
    }

    __tablename__ = "haushalt_account"
    __table_args__ = (
        UniqueConstraint("municipality_id", "purpose"),
        enum_check("purpose", HaushaltPurpose),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    purpose: str = Field(max_length=30)
    produkt: str = Field(max_length=40)
    sachkonto: str = Field(max_length=40)
    version: int = Field(default=1)


class MeasureProdukt(Audited, Versioned, SQLModel, table=True):
    """The Produkt a municipality books one measure on (instead of the cost category's)."""

    __audit_label__ = "Produkt der Maßnahme"
    __audit_fields__ = {
        "measure_id": HIDDEN,
        "municipality_id": AuditField("Kommune", "municipality"),
        "produkt": AuditField("Produkt"),
        "version": HIDDEN,
    }

    __tablename__ = "measure_produkt"
    __table_args__ = (UniqueConstraint("measure_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    produkt: str = Field(max_length=40)
    version: int = Field(default=1)


class Commitment(Audited, Versioned, SQLModel, table=True):
    """Verpflichtungsermächtigung: in budget year ``year``, the authority to commit to
    investive payments of a measure in later years (``CommitmentPayment``)."""

    __audit_label__ = "Verpflichtungsermächtigung"
    __audit_fields__ = {
        "measure_id": HIDDEN,
        "year": AuditField("Haushaltsjahr", "text"),
        "category": AuditField("Kostenart", "choice"),
        "amount_cents": AuditField("Betrag", "money"),
        "note": AuditField("Bemerkung"),
        "version": HIDDEN,
    }

    __tablename__ = "commitment"
    __table_args__ = (
        UniqueConstraint("measure_id", "year", "category"),
        enum_check("category", CostCategory),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
        CheckConstraint(f"amount_cents BETWEEN 1 AND {MAX_CENTS}", name="amount_bounded"),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    year: int
    category: str = Field(max_length=20)
    amount_cents: int = Field(sa_type=BigInteger)
    note: str = Field(default="", max_length=255)
    version: int = Field(default=1)


class CommitmentPayment(Audited, SQLModel, table=True):
    """The part of a Verpflichtungsermächtigung that falls due in one later year."""

    __audit_label__ = "Zahlung aus Verpflichtungsermächtigung"
    __audit_fields__ = {
        "commitment_id": HIDDEN,
        "year": AuditField("Fällig im Jahr", "text"),
        "amount_cents": AuditField("Betrag", "money"),
    }

    def audit_measure_id(self, connection: Connection) -> int | None:
        owner = select(col(Commitment.measure_id)).where(col(Commitment.id) == self.commitment_id)
        measure_id = connection.execute(owner).scalar_one_or_none()
        return int(measure_id) if measure_id is not None else None

    __tablename__ = "commitment_payment"
    __table_args__ = (
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
        CheckConstraint(f"amount_cents BETWEEN 1 AND {MAX_CENTS}", name="amount_bounded"),
    )

    commitment_id: int = Field(foreign_key="commitment.id", primary_key=True, ondelete="CASCADE")
    year: int = Field(primary_key=True)
    amount_cents: int = Field(sa_type=BigInteger)


describe_unique(
    HaushaltAccount,
    ("municipality_id", "purpose"),
    "accounts",
    "Dieses Konto wurde gleichzeitig angelegt; bitte die Seite neu laden.",
)
describe_unique(
    MeasureProdukt,
    ("measure_id", "municipality_id"),
    "measure_produkte",
    "Dieses Produkt wurde gleichzeitig angelegt; bitte die Seite neu laden.",
)
describe_unique(
    Commitment,
    ("measure_id", "year", "category"),
    "category",
    "Für dieses Haushaltsjahr und diese Kostenart gibt es schon eine "
    "Verpflichtungsermächtigung; bitte diese löschen und neu erfassen.",
)
