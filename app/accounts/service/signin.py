"""Signing in, with throttling that slows attackers down without locking out the owner.

Failed sign-ins are kept in the database (every worker sees the same counts) and counted within
a window (15 minutes by default):

* per account *and* client address: after 10 failures that pair is refused until the window has
  passed, so an attacker on one address cannot go on guessing one account;
* per client address: after 100 failures (of any accounts) the address is refused, so one
  machine cannot try many accounts, while an office behind one proxy can still sign in;
* per account from anywhere: after 10 failures each further attempt must wait a delay that
  doubles with each failure, up to a minute. A password-spraying botnet gets one guess a minute;
  the owner, on their own address, waits at most that minute and is never locked out.

Every refusal is a 429 that says in ``Retry-After`` how many seconds to wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.accounts.models import LoginAttempt, User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.accounts.permissions import Principal
from app.accounts.service.principals import load_principal
from app.core.config import get_settings
from app.core.errors import DomainError
from app.core.timeutil import as_aware, utcnow

ATTEMPTS_KEPT_FOR = timedelta(days=1)
MAX_ACCOUNT_DELAY_SECONDS = 60
# Verified against when the user does not exist, so that both cases take the same time.
_DUMMY_HASH = hash_password("timing-equaliser-not-a-password")


class LoginFailed(DomainError):
    """Wrong user name or password; the message never says which."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__("Benutzername oder Passwort ist nicht korrekt.")


class LoginThrottled(DomainError):
    """Too many failures: for this account and address, for this address, or (slowing down)
    for this account."""

    status_code = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        if self.retry_after >= 120:
            wait = f"in {math.ceil(self.retry_after / 60)} Minuten"
        else:
            wait = f"in {self.retry_after} Sekunden"
        super().__init__(
            "Die Anmeldung ist nach zu vielen Fehlversuchen vorübergehend gesperrt. "
            f"Bitte versuchen Sie es {wait} erneut."
        )


def normalise_username(username: str) -> str:
    return username.strip().lower()


@dataclass(frozen=True)
class _Failures:
    """Failures within the window: count and the oldest and newest moment."""

    count: int
    oldest: datetime | None
    newest: datetime | None


def _failures(session: Session, since: datetime, *conditions: object) -> _Failures:
    count, oldest, newest = session.exec(
        select(
            func.count(),
            func.min(LoginAttempt.attempted_at),
            func.max(LoginAttempt.attempted_at),
        ).where(col(LoginAttempt.attempted_at) >= since, *conditions)  # type: ignore[arg-type]
    ).one()
    return _Failures(
        int(count),
        as_aware(oldest) if isinstance(oldest, datetime) else None,
        as_aware(newest) if isinstance(newest, datetime) else None,
    )


def check_throttle(session: Session, *, username: str, address: str, now: datetime) -> None:
    """Raise :class:`LoginThrottled` when this attempt must wait (see the module's rules)."""
    settings = get_settings()
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window

    def until_window_passes(oldest: datetime | None) -> int:
        return int((oldest + window - now).total_seconds()) + 1 if oldest else 1

    pair = _failures(
        session,
        since,
        col(LoginAttempt.username) == username,
        col(LoginAttempt.client_address) == address,
    )
    if pair.count >= settings.login_max_failures:
        raise LoginThrottled(until_window_passes(pair.oldest))
    by_address = _failures(session, since, col(LoginAttempt.client_address) == address)
    if by_address.count >= settings.login_max_failures_per_address:
        raise LoginThrottled(until_window_passes(by_address.oldest))
    by_account = _failures(session, since, col(LoginAttempt.username) == username)
    excess = by_account.count - settings.login_max_failures
    if excess >= 0 and by_account.newest is not None:
        delay = min(2**excess, MAX_ACCOUNT_DELAY_SECONDS)
        waited = (now - by_account.newest).total_seconds()
        if waited < delay:
            raise LoginThrottled(math.ceil(delay - waited))


def authenticate(
    *, session: Session, username: str, password: str, client_address: str
) -> Principal:
    """Check the credentials; raise :class:`LoginThrottled` or :class:`LoginFailed`.

    A throttled attempt is refused without looking at the password and is not counted.
    """
    settings = get_settings()
    now = utcnow()
    name = normalise_username(username)[:80]
    address = (client_address or "unbekannt")[:64]
    check_throttle(session, username=name, address=address, now=now)
    user = session.exec(select(User).where(User.username == name)).first()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        valid = False
    else:
        valid = verify_password(user.password_hash, password) and user.active
    if user is None or not valid:
        session.add(LoginAttempt(username=name, client_address=address, attempted_at=now))
        # Failures outside every window can never count again; keep the table small.
        keep = max(ATTEMPTS_KEPT_FOR, timedelta(minutes=settings.login_window_minutes))
        session.execute(delete(LoginAttempt).where(col(LoginAttempt.attempted_at) < now - keep))
        session.flush()
        raise LoginFailed()
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.username) == name))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    principal = load_principal(session=session, user_id=int(user.id or 0))
    assert principal is not None
    return principal
