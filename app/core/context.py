"""Per-request context: the request id (logs, audit) and the acting user of a unit of work."""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy.orm import Session

request_id_var: ContextVar[str] = ContextVar("request_id", default="")

ACTOR_ID_KEY = "actor_id"
ACTOR_NAME_KEY = "actor_name"


def set_actor(session: Session, *, actor_id: int | None, actor_name: str) -> None:
    """Record who acts in this unit of work (the audit trail reads it from ``session.info``)."""
    session.info[ACTOR_ID_KEY] = actor_id
    session.info[ACTOR_NAME_KEY] = actor_name
