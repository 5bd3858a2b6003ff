"""The permission rules on their own: roles per municipality, admin, anonymous."""

from __future__ import annotations

import pytest

from app.accounts import permissions as p
from app.core.enums import Role
from app.core.errors import Forbidden

ERBACH, MICHELSTADT, OBERZENT, BROMBACHTAL = 1, 2, 3, 4


def actor(*roles: tuple[str, int | None]) -> p.Principal:
    return p.principal_from_assignments(
        user_id=1, username="x", display_name="X", assignments=roles
    )


ADMIN = actor(("admin", None))
DIGITAL_ERBACH = actor(("digital", ERBACH))
HAUPTAMT_ERBACH = actor(("hauptamt", ERBACH))
FINANZEN_ERBACH = actor(("finanzen", ERBACH))
LESER = actor(("leser", ERBACH), ("leser", MICHELSTADT))


def test_officers_edit_measures_their_municipality_leads_or_takes_part_in() -> None:
    assert p.can_edit_measure(DIGITAL_ERBACH, lead_id=ERBACH, participant_ids=[])
    assert p.can_edit_measure(DIGITAL_ERBACH, lead_id=OBERZENT, participant_ids=[ERBACH])
    assert not p.can_edit_measure(
        DIGITAL_ERBACH, lead_id=OBERZENT, participant_ids=[MICHELSTADT, BROMBACHTAL]
    )
    for other in (HAUPTAMT_ERBACH, FINANZEN_ERBACH, LESER, None):
        assert not p.can_edit_measure(other, lead_id=ERBACH, participant_ids=[ERBACH])
    assert p.can_edit_measure(ADMIN, lead_id=OBERZENT, participant_ids=[])


def test_actual_costs_follow_the_officers_of_involved_municipalities() -> None:
    assert p.can_edit_actual_costs(DIGITAL_ERBACH, lead_id=OBERZENT, participant_ids=[ERBACH])
    assert not p.can_edit_actual_costs(DIGITAL_ERBACH, lead_id=OBERZENT, participant_ids=[OBERZENT])
    assert not p.can_edit_actual_costs(FINANZEN_ERBACH, lead_id=ERBACH, participant_ids=[ERBACH])


def test_hauptamt_records_only_its_own_councils_approval() -> None:
    assert p.can_record_approval(HAUPTAMT_ERBACH, ERBACH)
    assert not p.can_record_approval(HAUPTAMT_ERBACH, MICHELSTADT)
    assert not p.can_record_approval(DIGITAL_ERBACH, ERBACH)
    assert p.can_record_approval(ADMIN, MICHELSTADT)
    assert not p.can_record_approval(None, ERBACH)


def test_finanzen_edits_its_own_municipalitys_budget_and_mapping() -> None:
    assert p.can_edit_budget(FINANZEN_ERBACH, ERBACH)
    assert p.can_edit_haushalt_mapping(FINANZEN_ERBACH, ERBACH)
    assert not p.can_edit_budget(FINANZEN_ERBACH, OBERZENT)
    assert not p.can_edit_budget(DIGITAL_ERBACH, ERBACH)
    assert p.can_edit_measure_budget(FINANZEN_ERBACH, lead_id=OBERZENT, participant_ids=[ERBACH])
    assert not p.can_edit_measure_budget(
        FINANZEN_ERBACH, lead_id=OBERZENT, participant_ids=[MICHELSTADT]
    )


def test_admin_only_areas() -> None:
    for rule in (p.can_manage_strategy, p.can_manage_funding, p.can_manage_users):
        assert rule(ADMIN)
        for other in (DIGITAL_ERBACH, HAUPTAMT_ERBACH, FINANZEN_ERBACH, LESER, None):
            assert not rule(other)


def test_everyone_signed_in_reads() -> None:
    for someone in (ADMIN, DIGITAL_ERBACH, LESER, actor()):
        assert p.can_read(someone)
    assert not p.can_read(None)


def test_roles_in_several_municipalities() -> None:
    both = actor(("digital", ERBACH), ("hauptamt", OBERZENT))
    assert both.municipalities_with(Role.digital) == {ERBACH}
    assert p.can_record_approval(both, OBERZENT)
    assert not p.can_record_approval(both, ERBACH)
    assert p.can_edit_measure(both, lead_id=ERBACH, participant_ids=[])
    assert not both.is_admin


def test_tokens_belong_to_their_user() -> None:
    assert p.can_manage_tokens_of(DIGITAL_ERBACH, 1)
    assert not p.can_manage_tokens_of(DIGITAL_ERBACH, 2)
    assert p.can_manage_tokens_of(ADMIN, 2)


def test_require_raises_forbidden_with_a_german_message() -> None:
    p.require(True)
    with pytest.raises(Forbidden) as refused:
        p.require(False)
    assert refused.value.status_code == 403
    assert refused.value.message == "Dafür fehlt Ihnen die Berechtigung."
    with pytest.raises(Forbidden, match="Nur die IKZ-Koordination"):
        p.require(False, "Nur die IKZ-Koordination.")
