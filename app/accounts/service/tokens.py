"""API tokens: created for a user (shown once), listed, revoked; only their hash is stored."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from app.accounts.models import ApiToken, User
from app.accounts.permissions import Principal, can_manage_tokens_of, require
from app.accounts.service.principals import load_principal
from app.core.errors import NotFound, ValidationFailed
from app.core.rules import bad_characters
from app.core.timeutil import as_aware, utcnow

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "ikz_"  # noqa: S105 - a prefix that marks tokens, not a secret


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def create_token(
    *, session: Session, actor: Principal, user_id: int, name: str = ""
) -> tuple[ApiToken, str]:
    """Create a token for ``user_id``; the plain token is returned once and never stored."""
    require(can_manage_tokens_of(actor, user_id))
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("Benutzer nicht gefunden.")
    name = name.strip()
    if len(name) > 120:
        raise ValidationFailed({"name": "Die Bezeichnung darf höchstens 120 Zeichen lang sein."})
    reason = bad_characters(name, multiline=False)
    if reason:
        raise ValidationFailed({"name": reason})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, name=name or "API-Token", token_hash=hash_token(plain))
    session.add(token)
    session.flush()
    return token, plain


def list_tokens(*, session: Session, actor: Principal, user_id: int) -> Sequence[ApiToken]:
    require(can_manage_tokens_of(actor, user_id))
    return session.exec(
        select(ApiToken)
        .where(ApiToken.user_id == user_id)
        .order_by(col(ApiToken.revoked_at).is_not(None), col(ApiToken.created_at).desc())
    ).all()


def revoke_token(*, session: Session, actor: Principal, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("API-Token nicht gefunden.")
    require(can_manage_tokens_of(actor, token.user_id))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def principal_for_token(*, session: Session, plain: str) -> Principal | None:
    """The principal behind a bearer token; None for unknown, revoked or deactivated ones."""
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(plain))).first()
    if token is None or token.revoked_at is not None or token.id is None:
        return None
    principal = load_principal(session=session, user_id=token.user_id, via_token=True)
    if principal is None:
        return None
    now = utcnow()
    if token.last_used_at is None or as_aware(token.last_used_at) < now - timedelta(minutes=5):
        _touch_token(session, token.id, now)
    return principal


def _touch_token(session: Session, token_id: int, now: datetime) -> None:
    """Note when a token was last used; a bookkeeping column, written past the ORM so that it is
    not an audited change.

    Best effort: on SQLite a read transaction may not write once another writer has committed
    since it began ("database is locked"). Then the savepoint is rolled back, the request goes on,
    and a later request records the use.
    """
    try:
        with session.begin_nested():
            session.execute(
                update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now)
            )
    except OperationalError:
        logger.info("last use of API token %s not recorded (database busy)", token_id)
