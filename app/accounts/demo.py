"""Demo users for trying the application out (``ikz seed --demo-users``; refused in production).

``admin`` (IKZ-Koordination), ``leser`` (read only) and per municipality ``digital.<slug>``,
``hauptamt.<slug>`` and ``finanzen.<slug>``, all with the same password.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.accounts.models import RoleAssignment, User
from app.accounts.passwords import hash_password
from app.core.enums import Role
from app.municipalities.models import Municipality

DEMO_SLUGS = ("erbach", "michelstadt", "oberzent", "brombachtal")
ROLE_TITLES = {
    Role.digital: "Digitalisierung",
    Role.hauptamt: "Hauptamt",
    Role.finanzen: "Finanzen",
}


def demo_accounts(
    municipalities: dict[str, tuple[int, str]],
) -> list[tuple[str, str, list[tuple[Role, int | None]]]]:
    """``(username, display name, roles)`` of every demo user; municipalities by slug."""
    accounts: list[tuple[str, str, list[tuple[Role, int | None]]]] = [
        ("admin", "IKZ-Koordination (Demo)", [(Role.admin, None)]),
        ("leser", "Lesezugang (Demo)", [(Role.leser, mid) for mid, _ in municipalities.values()]),
    ]
    for slug in DEMO_SLUGS:
        if slug not in municipalities:
            continue
        municipality_id, name = municipalities[slug]
        for role, title in ROLE_TITLES.items():
            accounts.append(
                (f"{role.value}.{slug}", f"{title} {name} (Demo)", [(role, municipality_id)])
            )
    return accounts


def ensure_demo_users(session: Session, *, password: str) -> int:
    """Create the demo users that do not exist yet; returns how many were created.

    Existing users are left alone (their password is not reset), so running the seed twice is
    harmless. One password hash serves all demo users: argon2 is slow on purpose.
    """
    rows = session.exec(
        select(Municipality.slug, Municipality.id, Municipality.name).where(
            col(Municipality.slug).in_(DEMO_SLUGS)
        )
    ).all()
    municipalities = {slug: (int(mid), name) for slug, mid, name in rows if mid is not None}
    existing = set(session.exec(select(User.username)).all())
    password_hash = hash_password(password)
    created = 0
    for username, display_name, roles in demo_accounts(municipalities):
        if username in existing:
            continue
        user = User(username=username, display_name=display_name, password_hash=password_hash)
        session.add(user)
        session.flush()
        assert user.id is not None
        for role, municipality_id in roles:
            session.add(
                RoleAssignment(user_id=user.id, role=role.value, municipality_id=municipality_id)
            )
        created += 1
    session.flush()
    return created
