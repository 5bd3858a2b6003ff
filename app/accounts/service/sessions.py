"""Browser sessions kept on the server, so that they can end there.

The signed cookie carries a random secret; the database keeps its hash with the user and, once
it ends, the moment it ended. A session ends at logout; all of a user's sessions end when they
sign out everywhere, when their password is changed or reset, when they are deactivated and
when their roles change. An ended session's cookie is worth nothing, whoever still has it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.accounts.models import UserSession
from app.accounts.permissions import Principal
from app.accounts.service.principals import load_principal
from app.core.config import get_settings
from app.core.timeutil import as_aware, utcnow

SESSIONS_KEPT_FOR = timedelta(days=2)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(
    *, session: Session, user_id: int, client_address: str = "", user_agent: str = ""
) -> str:
    """Record a new session for ``user_id``; returns the secret for the cookie (never stored)."""
    now = utcnow()
    # Sessions that ended or expired long ago can never come back; keep the table small.
    session.execute(
        delete(UserSession).where(col(UserSession.created_at) < now - SESSIONS_KEPT_FOR)
    )
    secret = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user_id,
            secret_hash=_hash(secret),
            created_at=now,
            client_address=client_address[:64],
            user_agent="".join(c for c in user_agent if c.isprintable())[:200],
        )
    )
    session.flush()
    return secret


def principal_for_session(*, session: Session, secret: str) -> Principal | None:
    """The principal of a live session; None for unknown, ended or expired ones."""
    row = session.exec(select(UserSession).where(UserSession.secret_hash == _hash(secret))).first()
    if row is None or row.revoked_at is not None:
        return None
    max_age = timedelta(hours=get_settings().session_max_hours)
    if as_aware(row.created_at) < utcnow() - max_age:
        return None
    return load_principal(session=session, user_id=row.user_id)


def end_session(*, session: Session, secret: str) -> None:
    """End one session (logout)."""
    session.execute(
        update(UserSession)
        .where(col(UserSession.secret_hash) == _hash(secret), col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def end_all_sessions(*, session: Session, user_id: int) -> int:
    """End every session of a user at once; returns how many were open."""
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def open_sessions(*, session: Session, user_id: int) -> int:
    """How many sessions of a user are open (devices signed in)."""
    max_age = timedelta(hours=get_settings().session_max_hours)
    rows = session.exec(
        select(UserSession.id).where(
            UserSession.user_id == user_id,
            col(UserSession.revoked_at).is_(None),
            col(UserSession.created_at) >= utcnow() - max_age,
        )
    ).all()
    return len(rows)
