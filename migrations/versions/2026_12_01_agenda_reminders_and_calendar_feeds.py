"""agenda_reminders_and_calendar_feeds

What each user wants by e-mail (reminders, weekly digest and its weekday), the sent-log that keeps
anyone from getting the same reminder twice, secret calendar feed addresses (only their hash), and
the strategy's report rhythm (a status report is due this many days after the last one).

Existing users get reminders and the digest (Mondays) switched on; nothing is sent to anyone
without an e-mail address. Existing strategies get a rhythm of 30 days.

Revision ID: 0015a
Revises: 0005
Create Date: 2026-12-01 08:21:31.068021
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015a"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WEEKDAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
WEEKDAY_CHECK = "digest_weekday IN ({})".format(", ".join(f"'{day}'" for day in WEEKDAYS))
ACTIVE = sa.text("revoked_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "notification_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("run_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_notification_sent_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_sent")),
        sa.UniqueConstraint(
            "user_id", "item_key", name=op.f("uq_notification_sent_user_id_item_key")
        ),
    )
    with op.batch_alter_table("notification_sent", schema=None) as batch_op:
        batch_op.create_index("ix_notification_sent_run", ["run_id"], unique=False)

    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=240), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(scope = 'eigener' AND measure_id IS NULL) OR "
            "(scope = 'massnahme' AND measure_id IS NOT NULL)",
            name=op.f("ck_calendar_feed_scope_matches"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"], name=op.f("fk_calendar_feed_measure_id_measure")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_calendar_feed_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calendar_feed_active_scope",
            ["user_id", "scope"],
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )
        batch_op.create_index(batch_op.f("ix_calendar_feed_user_id"), ["user_id"], unique=False)

    # Existing rows get their values through a server default, which is dropped afterwards: the
    # application sets every value itself.
    with op.batch_alter_table("strategy", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("report_interval_days", sa.Integer(), nullable=False, server_default="30")
        )
        batch_op.create_check_constraint(
            "report_interval_plausible", "report_interval_days BETWEEN 1 AND 365"
        )
    with op.batch_alter_table("strategy", schema=None) as batch_op:
        batch_op.alter_column("report_interval_days", server_default=None)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("digest_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column(
                "digest_weekday",
                sqlmodel.sql.sqltypes.AutoString(length=12),
                nullable=False,
                server_default="montag",
            )
        )
        batch_op.create_check_constraint("digest_weekday_valid", WEEKDAY_CHECK)
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("reminders_enabled", server_default=None)
        batch_op.alter_column("digest_enabled", server_default=None)
        batch_op.alter_column("digest_weekday", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint("digest_weekday_valid", type_="check")
        batch_op.drop_column("digest_weekday")
        batch_op.drop_column("digest_enabled")
        batch_op.drop_column("reminders_enabled")

    with op.batch_alter_table("strategy", schema=None) as batch_op:
        batch_op.drop_constraint("report_interval_plausible", type_="check")
        batch_op.drop_column("report_interval_days")

    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feed_user_id"))
        batch_op.drop_index("ix_calendar_feed_active_scope")
    op.drop_table("calendar_feed")

    with op.batch_alter_table("notification_sent", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_sent_run")
    op.drop_table("notification_sent")
