"""Accounts use cases: sign-in with throttling, principals, user administration, API tokens.

Keyword-only functions that take the session and never commit (the request's unit of work does).
Throttling state lives in the database so that every worker process sees the same failures.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from app.accounts.models import ApiToken, LoginAttempt, RoleAssignment, User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.accounts.permissions import (
    Principal,
    can_manage_tokens_of,
    can_manage_users,
    principal_from_assignments,
    require,
)
from app.core.config import get_settings
from app.core.enums import Role
from app.core.errors import DomainError, NotFound, ValidationFailed
from app.core.timeutil import as_aware, utcnow
from app.municipalities.models import Municipality

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "ikz_"  # noqa: S105 - a prefix that marks tokens, not a secret
MIN_PASSWORD_LENGTH = 10
ATTEMPTS_KEPT_FOR = timedelta(days=1)
# Verified against when the user does not exist, so that both cases take the same time.
_DUMMY_HASH = hash_password("timing-equaliser-not-a-password")


class LoginFailed(DomainError):
    """Wrong user name or password; the message never says which."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__("Benutzername oder Passwort ist nicht korrekt.")


class LoginThrottled(DomainError):
    """Too many failures for this account or client address within the window."""

    status_code = 429

    def __init__(self, minutes: int) -> None:
        super().__init__(
            "Die Anmeldung ist nach zu vielen Fehlversuchen vorübergehend gesperrt. "
            f"Bitte versuchen Sie es in {minutes} Minuten erneut."
        )


def normalise_username(username: str) -> str:
    return username.strip().lower()


# --- sign-in and throttling -------------------------------------------------------------------


def _recent_failures(session: Session, *, username: str, client_address: str) -> tuple[int, int]:
    settings = get_settings()
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    by_account = session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.username == username, col(LoginAttempt.attempted_at) >= since)
    ).one()
    by_address = session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.client_address == client_address,
            col(LoginAttempt.attempted_at) >= since,
        )
    ).one()
    return int(by_account), int(by_address)


def authenticate(
    *, session: Session, username: str, password: str, client_address: str
) -> Principal:
    """Check the credentials; raise :class:`LoginThrottled` or :class:`LoginFailed`.

    While an account or an address is locked, further attempts are refused without looking at
    the password and without being counted, so the lock ends when the window has passed.
    """
    settings = get_settings()
    name = normalise_username(username)[:80]
    address = (client_address or "unbekannt")[:64]
    by_account, by_address = _recent_failures(session, username=name, client_address=address)
    if max(by_account, by_address) >= settings.login_max_failures:
        raise LoginThrottled(settings.login_window_minutes)
    user = session.exec(select(User).where(User.username == name)).first()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        valid = False
    else:
        valid = verify_password(user.password_hash, password) and user.active
    if user is None or not valid:
        session.add(LoginAttempt(username=name, client_address=address))
        # Failures outside every window can never count again; keep the table small.
        keep = max(ATTEMPTS_KEPT_FOR, timedelta(minutes=settings.login_window_minutes))
        cutoff = utcnow() - keep
        session.execute(delete(LoginAttempt).where(col(LoginAttempt.attempted_at) < cutoff))
        session.flush()
        raise LoginFailed()
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.username) == name))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    principal = load_principal(session=session, user_id=int(user.id or 0))
    assert principal is not None
    return principal


def load_principal(*, session: Session, user_id: int, via_token: bool = False) -> Principal | None:
    """The principal of an active user, or None when the user is unknown or deactivated."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.id is None:
        return None
    assignments = session.exec(
        select(RoleAssignment.role, RoleAssignment.municipality_id).where(
            RoleAssignment.user_id == user.id
        )
    ).all()
    return principal_from_assignments(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        assignments=[(role, muni) for role, muni in assignments],
        via_token=via_token,
    )


# --- API tokens -------------------------------------------------------------------------------


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


# --- user administration ----------------------------------------------------------------------


@dataclass(frozen=True)
class RoleSpec:
    """A role to assign, optionally within a municipality given by its slug."""

    role: Role
    municipality_slug: str | None = None

    @classmethod
    def parse(cls, text: str) -> RoleSpec:
        """``digital:erbach`` or ``admin``."""
        role_text, _, slug = text.strip().partition(":")
        try:
            role = Role(role_text.strip())
        except ValueError:
            raise ValidationFailed({"role": f"Unbekannte Rolle: {role_text}"}) from None
        return cls(role=role, municipality_slug=slug.strip() or None)


def municipality_id_for(session: Session, slug: str | None) -> int | None:
    if slug is None:
        return None
    municipality = session.exec(select(Municipality).where(Municipality.slug == slug)).first()
    if municipality is None or municipality.id is None:
        raise ValidationFailed({"municipality": f"Unbekannte Kommune: {slug}"})
    return municipality.id


def list_users(*, session: Session, actor: Principal) -> Sequence[User]:
    require(can_manage_users(actor))
    return session.exec(select(User).order_by(col(User.username))).all()


def get_user(*, session: Session, actor: Principal, user_id: int) -> User:
    require(can_manage_users(actor))
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Benutzer nicht gefunden.")
    return user


def roles_of(*, session: Session, user_id: int) -> Sequence[tuple[RoleAssignment, str | None]]:
    """The user's role assignments with the municipality's name (None for IKZ-wide roles)."""
    rows = session.exec(
        select(RoleAssignment, Municipality.name)
        .join(
            Municipality,
            col(Municipality.id) == col(RoleAssignment.municipality_id),
            isouter=True,
        )
        .where(RoleAssignment.user_id == user_id)
        .order_by(col(RoleAssignment.role), col(Municipality.name))
    ).all()
    return [(assignment, name) for assignment, name in rows]


def _check_new_user(session: Session, username: str, display_name: str, password: str) -> None:
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "Bitte geben Sie einen Benutzernamen an."
    elif len(username) > 80 or not all(c.isalnum() or c in "._-@" for c in username):
        errors["username"] = "Erlaubt sind Buchstaben, Ziffern und . _ - @ (höchstens 80 Zeichen)."
    elif session.exec(select(User.id).where(User.username == username)).first() is not None:
        errors["username"] = "Dieser Benutzername ist bereits vergeben."
    if not display_name:
        errors["display_name"] = "Bitte geben Sie den angezeigten Namen an."
    elif len(display_name) > 120:
        errors["display_name"] = "Der Name darf höchstens 120 Zeichen lang sein."
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen haben."
    if errors:
        raise ValidationFailed(errors)


def create_user(
    *,
    session: Session,
    actor: Principal,
    username: str,
    display_name: str,
    password: str,
    email: str = "",
    roles: Sequence[RoleSpec] = (),
) -> User:
    require(can_manage_users(actor))
    name = normalise_username(username)
    display_name = display_name.strip()
    _check_new_user(session, name, display_name, password)
    resolved = [(spec.role, municipality_id_for(session, spec.municipality_slug)) for spec in roles]
    user = User(
        username=name,
        display_name=display_name,
        email=email.strip(),
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    for role, municipality_id in resolved:
        _add_role(session, user.id, role, municipality_id)
    session.flush()
    return user


def set_active(*, session: Session, actor: Principal, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) a user; a deactivated user can neither sign in nor use tokens."""
    user = get_user(session=session, actor=actor, user_id=user_id)
    if not active and actor.user_id == user_id:
        raise ValidationFailed({"active": "Sie können sich nicht selbst deaktivieren."})
    if user.active != active:
        user.active = active
        session.flush()
    return user


def set_password(*, session: Session, actor: Principal, user_id: int, password: str) -> None:
    user = get_user(session=session, actor=actor, user_id=user_id)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            {"password": f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen haben."}
        )
    user.password_hash = hash_password(password)
    session.flush()


def _add_role(session: Session, user_id: int, role: Role, municipality_id: int | None) -> None:
    if role is Role.admin:
        municipality_id = None
    elif municipality_id is None:
        raise ValidationFailed(
            {"municipality": "Diese Rolle gilt für eine Kommune; bitte wählen Sie eine aus."}
        )
    exists = session.exec(
        select(RoleAssignment.id).where(
            RoleAssignment.user_id == user_id,
            RoleAssignment.role == role.value,
            RoleAssignment.municipality_id == municipality_id,
        )
    ).first()
    if exists is None:
        session.add(
            RoleAssignment(user_id=user_id, role=role.value, municipality_id=municipality_id)
        )


def assign_role(
    *,
    session: Session,
    actor: Principal,
    user_id: int,
    role: Role,
    municipality_id: int | None,
) -> None:
    get_user(session=session, actor=actor, user_id=user_id)
    if municipality_id is not None and session.get(Municipality, municipality_id) is None:
        raise ValidationFailed({"municipality": "Unbekannte Kommune."})
    _add_role(session, user_id, role, municipality_id)
    session.flush()


def remove_role(*, session: Session, actor: Principal, user_id: int, assignment_id: int) -> None:
    get_user(session=session, actor=actor, user_id=user_id)
    assignment = session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user_id:
        raise NotFound("Rollenzuordnung nicht gefunden.")
    if assignment.role == Role.admin.value and actor.user_id == user_id:
        raise ValidationFailed(
            {"role": "Sie können sich die Rolle IKZ-Koordination nicht selbst entziehen."}
        )
    session.delete(assignment)
    session.flush()
