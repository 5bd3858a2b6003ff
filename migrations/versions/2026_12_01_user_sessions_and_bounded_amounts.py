"""user_sessions_and_bounded_amounts

Browser sessions kept on the server (so that logout, a new password or new roles end them), and
an upper bound of 1 billion euros on every amount, so that sums stay inside 64-bit integers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:59:35.471831
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_CENTS = 100_000_000_000
BOUNDS = {
    "budget_line": (
        ("planned_bounded", "planned_cents"),
        ("approved_bounded", "approved_cents"),
        ("actual_bounded", "actual_cents"),
    ),
    "grant_award": (("eligible_bounded", "eligible_cents"), ("max_bounded", "max_cents")),
    "drawdown": (("amount_bounded", "amount_cents"),),
}


def upgrade() -> None:
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("client_address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_agent", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_user_session_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_user_session_secret_hash")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index("ix_user_session_user_open", ["user_id", "revoked_at"], unique=False)
    for table, bounds in BOUNDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column in bounds:
                batch_op.create_check_constraint(name, f"{column} <= {MAX_CENTS}")


def downgrade() -> None:
    for table, bounds in BOUNDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _column in bounds:
                batch_op.drop_constraint(name, type_="check")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index("ix_user_session_user_open")
    op.drop_table("user_session")
