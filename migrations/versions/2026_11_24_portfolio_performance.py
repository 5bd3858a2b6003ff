"""portfolio performance: composite indexes for the measures list and the measure page

The municipality filter of the measures list reads a municipality's measures from
``participation (municipality_id, measure_id)``; the measure page reads a measure's newest audit
events from ``audit_event (measure_id, occurred_at)``. Each replaces the single-column index on its
leading column.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_participation_municipality_measure",
            ["municipality_id", "measure_id"],
            unique=False,
        )
        batch_op.drop_index(batch_op.f("ix_participation_municipality_id"))

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_event_measure_occurred", ["measure_id", "occurred_at"], unique=False
        )
        batch_op.drop_index(batch_op.f("ix_audit_event_measure_id"))


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_measure_id"), ["measure_id"], unique=False)
        batch_op.drop_index("ix_audit_event_measure_occurred")

    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participation_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.drop_index("ix_participation_municipality_measure")
