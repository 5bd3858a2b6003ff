"""Who a user is to the services: a :class:`Principal` with roles per municipality."""

from __future__ import annotations

from sqlmodel import Session, select

from app.accounts.models import RoleAssignment, User
from app.accounts.permissions import Principal, principal_from_assignments


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
