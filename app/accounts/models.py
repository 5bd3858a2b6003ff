"""Users, role assignments, API tokens and login attempts (throttling lives in the database)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Connection, DateTime, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.audit.models import HIDDEN, Audited, AuditField
from app.core.db import Versioned, describe_unique
from app.core.enums import Role, Weekday, enum_check
from app.core.timeutil import utcnow


class User(Audited, Versioned, SQLModel, table=True):
    """A person signing in; ``user`` is reserved in PostgreSQL, hence the table name."""

    __audit_label__ = "Benutzer"
    __audit_fields__ = {
        "username": AuditField("Benutzername"),
        "display_name": AuditField("Name"),
        "email": AuditField("E-Mail"),
        "password_hash": AuditField("Passwort"),
        "active": AuditField("Aktiv", "bool"),
        "reminders_enabled": AuditField("Erinnerungen per E-Mail", "bool"),
        "digest_enabled": AuditField("Wochenübersicht per E-Mail", "bool"),
        "digest_weekday": AuditField("Wochentag der Wochenübersicht", "choice"),
        "created_at": HIDDEN,
        "version": HIDDEN,
    }

    __tablename__ = "user_account"
    __table_args__ = (enum_check("digest_weekday", Weekday),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    display_name: str = Field(max_length=120)
    email: str = Field(default="", max_length=200)
    password_hash: str = Field(default="", max_length=255)
    active: bool = Field(default=True)
    # What the user wants by e-mail (``ikz notify send``): reminders of new and overdue tasks,
    # and a weekly digest on one weekday. Nothing is sent without an address.
    reminders_enabled: bool = Field(default=True)
    digest_enabled: bool = Field(default=True)
    digest_weekday: str = Field(default=Weekday.montag.value, max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    version: int = Field(default=1)


class RoleAssignment(Audited, SQLModel, table=True):
    """A role held by a user, scoped to a municipality (none for the IKZ-wide admin role)."""

    __audit_label__ = "Rollenzuordnung"
    __audit_fields__ = {
        "user_id": AuditField("Benutzer", "user"),
        "role": AuditField("Rolle", "choice"),
        "municipality_id": AuditField("Kommune", "municipality"),
    }

    __tablename__ = "role_assignment"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "municipality_id"),
        enum_check("role", Role),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    role: str = Field(max_length=20)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")


class ApiToken(Audited, SQLModel, table=True):
    """API token; only its SHA-256 hash is stored."""

    __audit_label__ = "API-Token"
    __audit_fields__ = {
        "user_id": AuditField("Benutzer", "user"),
        "name": AuditField("Bezeichnung"),
        "token_hash": HIDDEN,
        "created_at": HIDDEN,
        "last_used_at": HIDDEN,
        "revoked_at": AuditField("Widerrufen am", "datetime"),
    }

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str = Field(default="", max_length=120)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class CalendarFeed(Audited, SQLModel, table=True):
    """A secret address of a calendar (iCalendar) feed: the user's own (their municipalities'
    dates) or one measure's. Only the SHA-256 hash of the token is stored; the address grants
    reading that feed and nothing else. Renewing revokes the old address and makes a new one;
    one address per user and scope is active at a time."""

    __audit_label__ = "Kalenderadresse"
    __audit_fields__ = {
        "user_id": AuditField("Benutzer", "user"),
        "scope": HIDDEN,
        "measure_id": HIDDEN,
        "label": AuditField("Kalender"),
        "token_hash": HIDDEN,
        "created_at": HIDDEN,
        "last_used_at": HIDDEN,
        "revoked_at": AuditField("Widerrufen am", "datetime"),
    }

    __tablename__ = "calendar_feed"
    __table_args__ = (
        Index(
            "ix_calendar_feed_active_scope",
            "user_id",
            "scope",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        CheckConstraint(
            "(scope = 'eigener' AND measure_id IS NULL) OR "
            "(scope = 'massnahme' AND measure_id IS NOT NULL)",
            name="scope_matches",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    # "eigener": the user's municipalities; "massnahme": one measure (measure_id).
    scope: str = Field(max_length=12)
    measure_id: int | None = Field(default=None, foreign_key="measure.id")
    label: str = Field(default="", max_length=240)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))

    def audit_measure_id(self, connection: Connection) -> int | None:
        return None  # a personal address, not part of the measure's history


class LoginAttempt(SQLModel, table=True):
    """A failed login, kept so that every worker sees the same throttling window."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "attempted_at"),
        Index("ix_login_attempt_address_at", "client_address", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80)
    client_address: str = Field(max_length=64)
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class UserSession(SQLModel, table=True):
    """A browser session after sign-in; the signed cookie names it by a secret (only its hash is
    stored), so it can be ended on the server: at logout, or for all of a user's devices."""

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_open", "user_id", "revoked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    secret_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    client_address: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=200)


describe_unique(User, ("username",), "username", "Dieser Benutzername ist bereits vergeben.")
describe_unique(
    RoleAssignment,
    ("user_id", "role", "municipality_id"),
    "role",
    "Diese Rolle hat der Benutzer bereits.",
)
