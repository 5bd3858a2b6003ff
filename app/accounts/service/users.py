"""User administration (IKZ-Koordination) and a user's own password.

Every change of what a user may do ends all of their sessions at once: deactivation, a new or
removed role, a password set by an admin or changed by the user. Edits of a user carry the
version of the user record (409 when stale).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.models import RoleAssignment, User
from app.accounts.passwords import hash_password, verify_password
from app.accounts.permissions import Principal, can_manage_users, require
from app.accounts.schemas import ActiveIn, PasswordChange, PasswordReset, RoleIn, UserCreate
from app.accounts.service.sessions import end_all_sessions
from app.accounts.service.signin import normalise_username
from app.core.db import claim_version, for_edit
from app.core.enums import Role
from app.core.errors import NotFound, ValidationFailed
from app.core.inputs import VersionOnly
from app.municipalities.models import Municipality
from app.municipalities.queries import municipality_by_slug


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
    if not slug:
        return None
    municipality = municipality_by_slug(session, slug)
    if municipality is None or municipality.id is None:
        raise ValidationFailed({"municipality": "Unbekannte Kommune."})
    return municipality.id


def user_snapshot(user: User) -> dict[str, Any]:
    return {"display_name": user.display_name, "active": user.active, "version": user.version}


def list_users(*, session: Session, actor: Principal) -> Sequence[User]:
    require(can_manage_users(actor))
    return session.exec(select(User).order_by(col(User.username))).all()


def get_user(*, session: Session, actor: Principal, user_id: int) -> User:
    require(can_manage_users(actor))
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Benutzer nicht gefunden.")
    return user


def _user_for_edit(session: Session, actor: Principal, user_id: int) -> User:
    require(can_manage_users(actor))
    user: User | None = session.execute(
        for_edit(select(User).where(col(User.id) == user_id))
    ).scalar_one_or_none()
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


def create_user(
    *, session: Session, actor: Principal, data: UserCreate, roles: Sequence[RoleSpec] = ()
) -> User:
    """A new user with the schema's role (if any) and ``roles`` (the command line's)."""
    require(can_manage_users(actor))
    name = normalise_username(data.username)
    if session.exec(select(User.id).where(User.username == name)).first() is not None:
        raise ValidationFailed({"username": "Dieser Benutzername ist bereits vergeben."})
    wanted = list(roles)
    if data.role:
        wanted.insert(0, RoleSpec(Role(data.role), data.municipality or None))
    resolved = [
        (spec.role, municipality_id_for(session, spec.municipality_slug)) for spec in wanted
    ]
    user = User(
        username=name,
        display_name=data.display_name,
        email=data.email,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    for role, municipality_id in resolved:
        _add_role(session, user.id, role, municipality_id)
    session.flush()
    return user


def set_active(*, session: Session, actor: Principal, user_id: int, data: ActiveIn) -> User:
    """Deactivate (or reactivate) a user; a deactivated user can neither sign in nor use tokens,
    and their open sessions end."""
    user = _user_for_edit(session, actor, user_id)
    if not data.active and actor.user_id == user_id:
        raise ValidationFailed({"active": "Sie können sich nicht selbst deaktivieren."})
    claim_version(user, data.expected_version, user_snapshot)
    user.active = data.active
    if not data.active:
        end_all_sessions(session=session, user_id=user_id)
    session.flush()
    return user


def set_password(*, session: Session, actor: Principal, user_id: int, data: PasswordReset) -> User:
    """An admin sets a new password; every session of the user ends."""
    user = _user_for_edit(session, actor, user_id)
    claim_version(user, data.expected_version, user_snapshot)
    user.password_hash = hash_password(data.password)
    end_all_sessions(session=session, user_id=user_id)
    session.flush()
    return user


def change_own_password(*, session: Session, actor: Principal, data: PasswordChange) -> User:
    """A user changes their own password (the old one is required); every session ends."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.active:
        raise NotFound("Benutzer nicht gefunden.")
    if not verify_password(user.password_hash, data.current_password):
        raise ValidationFailed({"current_password": "Das bisherige Passwort stimmt nicht."})
    if data.new_password == data.current_password:
        raise ValidationFailed(
            {"new_password": "Das neue Passwort muss sich vom bisherigen unterscheiden."}
        )
    user.password_hash = hash_password(data.new_password)
    end_all_sessions(session=session, user_id=int(user.id or 0))
    session.flush()
    return user


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


def assign_role(*, session: Session, actor: Principal, user_id: int, data: RoleIn) -> User:
    user = _user_for_edit(session, actor, user_id)
    municipality_id = municipality_id_for(session, data.municipality)
    claim_version(user, data.expected_version, user_snapshot)
    _add_role(session, user_id, Role(data.role), municipality_id)
    end_all_sessions(session=session, user_id=user_id)
    session.flush()
    return user


def remove_role(
    *, session: Session, actor: Principal, user_id: int, assignment_id: int, data: VersionOnly
) -> User:
    user = _user_for_edit(session, actor, user_id)
    assignment = session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user_id:
        raise NotFound("Rollenzuordnung nicht gefunden.")
    if assignment.role == Role.admin.value and actor.user_id == user_id:
        raise ValidationFailed(
            {"role": "Sie können sich die Rolle IKZ-Koordination nicht selbst entziehen."}
        )
    claim_version(user, data.expected_version, user_snapshot)
    session.delete(assignment)
    end_all_sessions(session=session, user_id=user_id)
    session.flush()
    return user
