"""Sessions of a municipality's bodies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.accounts.permissions import Principal
from app.core.db import claim_version, for_edit
from app.councils.models import CouncilSession
from app.councils.schemas import SessionCreate, SessionUpdate
from app.councils.service.access import recordable_body, recordable_session


def session_snapshot(row: CouncilSession) -> dict[str, Any]:
    return {"held_on": row.held_on, "place": row.place, "status": row.status}


def create_session(*, session: Session, actor: Principal, data: SessionCreate) -> CouncilSession:
    body = recordable_body(session, actor, data.body_id)
    row = CouncilSession(
        body_id=int(body.id or 0), held_on=data.held_on, place=data.place, status=data.status
    )
    session.add(row)
    session.flush()
    return row


def update_session(
    *, session: Session, actor: Principal, session_id: int, data: SessionUpdate
) -> CouncilSession:
    recordable_session(session, actor, session_id)
    row: CouncilSession = session.execute(
        for_edit(select(CouncilSession).where(col(CouncilSession.id) == session_id))
    ).scalar_one()
    claim_version(row, data.expected_version, session_snapshot)
    row.held_on = data.held_on
    row.place = data.place
    row.status = data.status
    session.add(row)
    session.flush()
    return row
