"""Demo users of DESIGN.md §5: who exists, with which roles, and that seeding twice is harmless."""

from __future__ import annotations

from sqlmodel import Session, select

from app.accounts import service
from app.accounts.demo import ensure_demo_users
from app.accounts.models import User
from app.core.enums import Role


def test_demo_users_exist_with_their_roles(session: Session) -> None:
    names = set(session.exec(select(User.username)).all())
    expected = {"admin", "leser"} | {
        f"{role}.{slug}"
        for role in ("digital", "hauptamt", "finanzen")
        for slug in ("erbach", "michelstadt", "oberzent", "brombachtal")
    }
    assert expected <= names
    principal = service.authenticate(
        session=session,
        username="hauptamt.oberzent",
        password="demo-passwort",
        client_address="test",
    )
    assert set(principal.roles) == {Role.hauptamt}
    assert len(principal.municipalities_with(Role.hauptamt)) == 1
    admin = service.authenticate(
        session=session, username="admin", password="demo-passwort", client_address="test"
    )
    assert admin.is_admin


def test_seeding_demo_users_twice_creates_nobody(session: Session) -> None:
    assert ensure_demo_users(session, password="anderes-passwort") == 0
