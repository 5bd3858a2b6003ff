"""The sent-log of the e-mail notifications: nobody gets the same reminder twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.timeutil import utcnow


class SentNotification(SQLModel, table=True):
    """One reminder (a task at a date and urgency) or one weekly digest, sent to one user.

    A run claims its rows first (insert; the unique key makes a second, overlapping run skip
    them), sends, then marks them sent; a failed send deletes its claims so that the next run
    tries again. ``run_id`` tells a run's own claims from another's.
    """

    __tablename__ = "notification_sent"
    __table_args__ = (
        UniqueConstraint("user_id", "item_key"),
        Index("ix_notification_sent_run", "run_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    item_key: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # "erinnerung" | "wochenuebersicht"
    run_id: str = Field(max_length=36)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
