"""A user's e-mail settings and secret calendar feed addresses (only their hash is stored)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from app.accounts.models import CalendarFeed, User
from app.accounts.permissions import Principal, can_manage_tokens_of, require
from app.accounts.schemas import NotificationSettingsIn
from app.accounts.service.principals import load_principal
from app.core.config import get_settings
from app.core.db import claim_version, for_edit
from app.core.errors import NotFound
from app.core.timeutil import as_aware, utcnow

logger = logging.getLogger(__name__)

FEED_TOKEN_PREFIX = "kal_"  # noqa: S105 - a prefix that marks feed tokens, not a secret
OWN_SCOPE = "eigener"
MEASURE_SCOPE = "massnahme"


def get_own_user(*, session: Session, actor: Principal) -> User:
    """The acting user's own record (for their profile)."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise NotFound("Benutzer nicht gefunden.")
    return user


def _own_user(session: Session, actor: Principal) -> User:
    """The acting user's own record, locked for the edit."""
    if actor.user_id is None:
        raise NotFound("Benutzer nicht gefunden.")
    user: User | None = session.execute(
        for_edit(select(User).where(col(User.id) == actor.user_id))
    ).scalar()
    if user is None or not user.active:
        raise NotFound("Benutzer nicht gefunden.")
    return user


def _snapshot(user: User) -> dict[str, object]:
    return {
        "email": user.email,
        "reminders_enabled": user.reminders_enabled,
        "digest_enabled": user.digest_enabled,
        "digest_weekday": user.digest_weekday,
        "version": user.version,
    }


def change_notification_settings(
    *, session: Session, actor: Principal, data: NotificationSettingsIn
) -> User:
    """A user sets their own e-mail address, reminders and weekly digest."""
    user = _own_user(session, actor)
    claim_version(user, data.expected_version, _snapshot)
    user.email = data.email
    user.reminders_enabled = data.reminders_enabled
    user.digest_enabled = data.digest_enabled
    user.digest_weekday = data.digest_weekday
    session.flush()
    return user


def hash_feed_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def create_calendar_feed(
    *, session: Session, actor: Principal, measure_id: int | None = None, label: str = ""
) -> tuple[CalendarFeed, str]:
    """A new secret address for the actor's own calendar (``measure_id`` None) or one measure's.
    An address the user had for the same calendar stops working. The plain token is returned
    once and never stored."""
    user = _own_user(session, actor)  # locked: two requests at once leave one active address
    scope = OWN_SCOPE if measure_id is None else MEASURE_SCOPE
    active = session.exec(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id,
            CalendarFeed.scope == scope,
            col(CalendarFeed.measure_id).is_(None)
            if measure_id is None
            else CalendarFeed.measure_id == measure_id,
            col(CalendarFeed.revoked_at).is_(None),
        )
    ).all()
    for feed in active:
        feed.revoked_at = utcnow()
    session.flush()
    plain = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed(
        user_id=int(user.id or 0),
        scope=scope,
        measure_id=measure_id,
        label=(label or "Meine Termine")[:240],
        token_hash=hash_feed_token(plain),
    )
    session.add(feed)
    session.flush()
    return feed, plain


def _feed(session: Session, actor: Principal, feed_id: int) -> CalendarFeed:
    feed = session.get(CalendarFeed, feed_id)
    if feed is None or feed.revoked_at is not None:
        raise NotFound("Diese Kalenderadresse gibt es nicht (mehr).")
    require(can_manage_tokens_of(actor, feed.user_id))
    return feed


def renew_calendar_feed(
    *, session: Session, actor: Principal, feed_id: int
) -> tuple[CalendarFeed, str]:
    """A new address for the same calendar; the old one stops working."""
    feed = _feed(session, actor, feed_id)
    require(actor.user_id == feed.user_id, "Nur der Inhaber kann die Adresse erneuern.")
    return create_calendar_feed(
        session=session, actor=actor, measure_id=feed.measure_id, label=feed.label
    )


def revoke_calendar_feed(*, session: Session, actor: Principal, feed_id: int) -> CalendarFeed:
    feed = _feed(session, actor, feed_id)
    feed.revoked_at = utcnow()
    session.flush()
    return feed


def list_calendar_feeds(*, session: Session, actor: Principal) -> Sequence[CalendarFeed]:
    """The actor's working calendar addresses, their own calendar first."""
    return session.exec(
        select(CalendarFeed)
        .where(CalendarFeed.user_id == actor.user_id, col(CalendarFeed.revoked_at).is_(None))
        .order_by(col(CalendarFeed.scope), col(CalendarFeed.label))
    ).all()


def feed_for_token(*, session: Session, plain: str) -> tuple[CalendarFeed, Principal] | None:
    """The working feed behind a token and its (active) owner; None otherwise."""
    if not plain.startswith(FEED_TOKEN_PREFIX) or len(plain) > 100:
        return None
    feed = session.exec(
        select(CalendarFeed).where(CalendarFeed.token_hash == hash_feed_token(plain))
    ).first()
    if feed is None or feed.revoked_at is not None or feed.id is None:
        return None
    principal = load_principal(session=session, user_id=feed.user_id)
    if principal is None:
        return None
    now = utcnow()
    if feed.last_used_at is None or as_aware(feed.last_used_at) < now - timedelta(minutes=5):
        _touch(session, feed.id, now)
    return feed, principal


def _touch(session: Session, feed_id: int, now: datetime) -> None:
    """Note when a calendar last fetched the feed (best effort, past the ORM: not audited)."""
    try:
        with session.begin_nested():
            session.execute(
                update(CalendarFeed).where(col(CalendarFeed.id) == feed_id).values(last_used_at=now)
            )
    except OperationalError:
        logger.info("last use of calendar feed %s not recorded (database busy)", feed_id)


def feed_url(plain: str) -> str:
    """The address a calendar program subscribes to (built from ``IKZ_BASE_URL``)."""
    return f"{get_settings().base_url.rstrip('/')}/kalender/{plain}.ics"
