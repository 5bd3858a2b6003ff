"""Who may do what: the acting principal and the rule functions every service calls.

Routes never decide permissions. A service receives the ``actor`` (a :class:`Principal`), asks one
of the ``can_*`` functions below and raises :class:`~app.core.errors.Forbidden` through
:func:`require` when the answer is no. HTML routes and the API therefore share one guard, and
templates may call the same functions to hide what a user cannot do.

Everyone signed in reads everything; the admin role (IKZ-Koordination) may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.core.enums import Role
from app.core.errors import Forbidden


@dataclass(frozen=True)
class Principal:
    """The signed-in user as services see it: identity plus roles per municipality.

    ``roles`` maps each role to the ids of the municipalities it is held in; ``None`` in the set
    stands for a role held without a municipality (the IKZ-wide admin role).
    """

    user_id: int | None
    username: str
    display_name: str
    roles: dict[Role, frozenset[int | None]] = field(default_factory=dict)
    via_token: bool = False

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles

    def has_role(self, role: Role, municipality_id: int | None = None) -> bool:
        """True when the role is held in ``municipality_id`` (or anywhere, when it is None)."""
        held = self.roles.get(role)
        if not held:
            return False
        return municipality_id is None or municipality_id in held

    def municipalities_with(self, role: Role) -> frozenset[int]:
        """Ids of the municipalities in which the role is held."""
        return frozenset(m for m in self.roles.get(role, frozenset()) if m is not None)

    def home_municipality(self, ordered_ids: Iterable[int]) -> int | None:
        """The municipality the user works for, which the dashboard, the measures list and the
        Haushalt open on: of their Finanzen role first, then Hauptamtsleitung, then
        Digitalisierungsbeauftragte (the first of ``ordered_ids`` where they hold several).
        None for IKZ-wide roles (IKZ-Koordination, Leser): their pages open on all."""
        ordered = list(ordered_ids)
        for role in (Role.finanzen, Role.hauptamt, Role.digital):
            held = self.municipalities_with(role)
            for municipality_id in ordered:
                if municipality_id in held:
                    return municipality_id
        return None

    @classmethod
    def system(cls, name: str = "System") -> Principal:
        """An all-powerful actor for the command line and the seed loader."""
        return cls(
            user_id=None,
            username="system",
            display_name=name,
            roles={Role.admin: frozenset({None})},
        )


def principal_from_assignments(
    *,
    user_id: int | None,
    username: str,
    display_name: str,
    assignments: Iterable[tuple[str, int | None]],
    via_token: bool = False,
) -> Principal:
    """Build a principal from ``(role, municipality_id)`` pairs as stored in the database."""
    roles: dict[Role, set[int | None]] = {}
    for role_value, municipality_id in assignments:
        roles.setdefault(Role(role_value), set()).add(municipality_id)
    return Principal(
        user_id=user_id,
        username=username,
        display_name=display_name,
        roles={role: frozenset(ids) for role, ids in roles.items()},
        via_token=via_token,
    )


def _involved(lead_id: int | None, participant_ids: Iterable[int]) -> set[int]:
    ids = set(participant_ids)
    if lead_id is not None:
        ids.add(lead_id)
    return ids


def can_read(actor: Principal | None) -> bool:
    """Everyone signed in reads everything."""
    return actor is not None


def is_admin(actor: Principal | None) -> bool:
    return actor is not None and actor.is_admin


def can_edit_measure(
    actor: Principal | None, *, lead_id: int | None, participant_ids: Iterable[int]
) -> bool:
    """Status reports, progress, project plan and milestones of a measure.

    Digitalisierungsbeauftragte of the lead municipality or of a participating one.
    """
    if actor is None:
        return False
    if actor.is_admin:
        return True
    return bool(actor.municipalities_with(Role.digital) & _involved(lead_id, participant_ids))


def can_edit_actual_costs(
    actor: Principal | None, *, lead_id: int | None, participant_ids: Iterable[int]
) -> bool:
    """Actual amounts (Ist) of a measure's budget lines: the officers of involved municipalities."""
    return can_edit_measure(actor, lead_id=lead_id, participant_ids=participant_ids)


def can_record_approval(actor: Principal | None, municipality_id: int) -> bool:
    """A municipality's council cycle (its bodies' sessions, Beschlussvorlagen and what the
    bodies decided) is recorded by that municipality's Hauptamtsleitung."""
    if actor is None:
        return False
    return actor.is_admin or actor.has_role(Role.hauptamt, municipality_id)


def can_take_baseline(actor: Principal | None) -> bool:
    """A baseline of the whole portfolio on demand: a Hauptamtsleitung preparing its council's
    report, or the IKZ-Koordination."""
    return holds_anywhere(actor, Role.hauptamt)


def can_edit_budget(actor: Principal | None, municipality_id: int) -> bool:
    """Budget figures and Haushalt mappings of one municipality: its Finanzen role."""
    if actor is None:
        return False
    return actor.is_admin or actor.has_role(Role.finanzen, municipality_id)


def can_edit_measure_budget(
    actor: Principal | None, *, lead_id: int | None, participant_ids: Iterable[int]
) -> bool:
    """Planned and approved amounts of a measure shared by several municipalities.

    Finanzen of any municipality that carries costs of the measure (or leads it).
    """
    if actor is None:
        return False
    if actor.is_admin:
        return True
    return bool(actor.municipalities_with(Role.finanzen) & _involved(lead_id, participant_ids))


def can_edit_haushalt_mapping(actor: Principal | None, municipality_id: int) -> bool:
    """Produkt/Sachkonto mapping of a municipality (same people as its budget)."""
    return can_edit_budget(actor, municipality_id)


def can_manage_strategy(actor: Principal | None) -> bool:
    """Strategy, action fields and measures' master data: IKZ-Koordination."""
    return is_admin(actor)


def can_manage_funding(actor: Principal | None) -> bool:
    """Funding programmes, grants, drawdowns and proofs of use: IKZ-Koordination."""
    return is_admin(actor)


def can_manage_users(actor: Principal | None) -> bool:
    return is_admin(actor)


def can_view_audit_log(actor: Principal | None) -> bool:
    """The full, filterable audit list (each measure shows its own history to every reader)."""
    return is_admin(actor)


def can_manage_tokens_of(actor: Principal | None, user_id: int) -> bool:
    """API tokens belong to their user; admins may revoke anyone's."""
    if actor is None:
        return False
    return actor.is_admin or (actor.user_id is not None and actor.user_id == user_id)


def holds_anywhere(actor: Principal | None, *roles: Role) -> bool:
    """The actor holds one of ``roles`` in some municipality (or is the admin): the least one
    needs before it is worth looking up what one wants to change. Someone who can change such
    things nowhere gets a 403 at once, whatever they ask for, existing or not."""
    if actor is None:
        return False
    return actor.is_admin or any(actor.municipalities_with(role) for role in roles)


def require(allowed: bool, message: str | None = None) -> None:
    """Raise :class:`Forbidden` (HTTP 403) unless ``allowed``."""
    if not allowed:
        raise Forbidden(message) if message else Forbidden()
