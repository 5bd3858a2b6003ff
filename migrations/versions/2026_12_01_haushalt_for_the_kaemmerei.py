"""haushalt_for_the_kaemmerei

What the Kämmerei books beside the cost lines: accounts for grant income, the Sonderposten's
Auflösung, depreciation and forwarding (haushalt_account); a Produkt per measure
(measure_produkt); Verpflichtungsermächtigungen with the years of their payments
(commitment, commitment_payment); and per budget line the amount carried into the next year
and a Deckungsvorschlag (budget_line.carryover_cents, cover_note), shared like the other
amounts (budget_share.carryover_cents). Existing lines keep every value; they carry nothing
over and have no Deckungsvorschlag yet.

Revision ID: 0017a
Revises: 0015a
Create Date: 2026-12-01 08:20:11.925264
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

MAX_CENTS = 100_000_000_000


revision: str = "0017a"
down_revision: str | None = "0015a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "haushalt_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("produkt", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("sachkonto", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('zuwendung_konsumtiv', 'zuwendung_investiv', 'aufloesung', 'abschreibung', 'weiterleitung')",
            name=op.f("ck_haushalt_account_purpose_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_haushalt_account_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_haushalt_account")),
        sa.UniqueConstraint(
            "municipality_id", "purpose", name=op.f("uq_haushalt_account_municipality_id_purpose")
        ),
    )
    with op.batch_alter_table("haushalt_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_haushalt_account_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IN ('software', 'hardware', 'dienstleistung', 'personal', 'schulung', 'betrieb')",
            name=op.f("ck_commitment_category_valid"),
        ),
        sa.CheckConstraint(
            "amount_cents BETWEEN 1 AND 100000000000", name=op.f("ck_commitment_amount_bounded")
        ),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_commitment_year_plausible")),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"], name=op.f("fk_commitment_measure_id_measure")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment")),
        sa.UniqueConstraint(
            "measure_id", "year", "category", name=op.f("uq_commitment_measure_id_year_category")
        ),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_measure_id"), ["measure_id"], unique=False)

    op.create_table(
        "measure_produkt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("produkt", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"], name=op.f("fk_measure_produkt_measure_id_measure")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_measure_produkt_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_produkt")),
        sa.UniqueConstraint(
            "measure_id",
            "municipality_id",
            name=op.f("uq_measure_produkt_measure_id_municipality_id"),
        ),
    )
    with op.batch_alter_table("measure_produkt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_produkt_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_measure_produkt_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "commitment_payment",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "amount_cents BETWEEN 1 AND 100000000000",
            name=op.f("ck_commitment_payment_amount_bounded"),
        ),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2100", name=op.f("ck_commitment_payment_year_plausible")
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_payment_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "year", name=op.f("pk_commitment_payment")),
    )
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carryover_cents", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "cover_note",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_check_constraint(
            "carryover_bounded",
            f"carryover_cents IS NULL OR carryover_cents BETWEEN 0 AND {MAX_CENTS}",
        )
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.alter_column("cover_note", server_default=None)

    with op.batch_alter_table("budget_share", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carryover_cents", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("budget_share", schema=None) as batch_op:
        batch_op.drop_column("carryover_cents")

    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.drop_constraint("carryover_bounded", type_="check")
        batch_op.drop_column("cover_note")
        batch_op.drop_column("carryover_cents")

    op.drop_table("commitment_payment")
    with op.batch_alter_table("measure_produkt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_produkt_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_measure_produkt_measure_id"))

    op.drop_table("measure_produkt")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_measure_id"))

    op.drop_table("commitment")
    with op.batch_alter_table("haushalt_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_haushalt_account_municipality_id"))

    op.drop_table("haushalt_account")
