"""risk_register

The risk register of the measures: title, cause, effect, probability and impact on the scale
1–5 (checked here), the residual rating after mitigation (given whole or not at all), owner and
responsible municipality, mitigation, status and review date.

Revision ID: 0018r
Revises: 0018i
Create Date: 2026-12-07 01:41:35.887917
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018r"
down_revision: str | None = "0018i"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("effect", sa.Text(), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("residual_probability", sa.Integer(), nullable=True),
        sa.Column("residual_impact", sa.Integer(), nullable=True),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('offen', 'in_bearbeitung', 'geschlossen')",
            name=op.f("ck_risk_status_valid"),
        ),
        sa.CheckConstraint(
            "(residual_probability IS NULL) = (residual_impact IS NULL)",
            name=op.f("ck_risk_residual_whole"),
        ),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name=op.f("ck_risk_impact_scale")),
        sa.CheckConstraint("probability BETWEEN 1 AND 5", name=op.f("ck_risk_probability_scale")),
        sa.CheckConstraint(
            "residual_impact IS NULL OR residual_impact BETWEEN 1 AND 5",
            name=op.f("ck_risk_residual_impact_scale"),
        ),
        sa.CheckConstraint(
            "residual_probability IS NULL OR residual_probability BETWEEN 1 AND 5",
            name=op.f("ck_risk_residual_probability_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"], name=op.f("fk_risk_measure_id_measure")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_risk_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk")),
    )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_measure_id"), ["measure_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_risk_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index("ix_risk_status_review", ["status", "review_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_status_review")
        batch_op.drop_index(batch_op.f("ix_risk_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_risk_measure_id"))

    op.drop_table("risk")
