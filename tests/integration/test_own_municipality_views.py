"""The measures list's filters "Federführung" and "Beschluss offen" and its approval column
(compared with the seed's YAML files), the pages that open on the user's municipality, and the
e-mail settings on /profil."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.core.config import get_settings
from tests.conftest import sign_in
from tests.integration import seed_tasks as expect
from tests.integration.seed_tasks import NAMES, SLUGS

ROW_CODE = re.compile(r'<td><a href="/massnahmen/([A-Z0-9-]+)">')


def _codes(client: TestClient, query: str) -> set[str]:
    codes: set[str] = set()
    page = 1
    while True:
        html = client.get(f"/massnahmen?{query}&seite={page}").text
        found = ROW_CODE.findall(html)
        codes |= set(found)
        if "Nächste Seite" not in html:
            return codes
        page += 1


@pytest.mark.parametrize("slug", SLUGS)
def test_federfuehrung_lists_the_measures_a_municipality_leads(
    signed_in: TestClient, slug: str
) -> None:
    wanted = {m["code"] for m in expect.seed().measures if m["lead"] == slug}
    assert _codes(signed_in, f"kommune=alle&federfuehrung={slug}") == wanted


@pytest.mark.parametrize("slug", [None, *SLUGS])
def test_beschluss_offen_lists_measures_waiting_for_a_decision(
    signed_in: TestClient, slug: str | None
) -> None:
    slugs = {slug} if slug else set(SLUGS)
    wanted = {code for code, _slug in expect.decisions_open(slugs)}
    assert wanted
    assert _codes(signed_in, f"kommune={slug or 'alle'}&beschluss=offen") == wanted


def test_the_approval_column_names_who_agreed_and_who_is_open(signed_in: TestClient) -> None:
    html = signed_in.get("/massnahmen?kommune=alle&sort=code").text
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)[1:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        rows[ROW_CODE.search(row).group(1)] = cells[6]  # type: ignore[union-attr]
    assert len(rows) >= 10
    for m in expect.seed().measures:
        if m["code"] not in rows:
            continue
        cell = re.sub(r"<[^>]+>", " ", rows[m["code"]])
        approvals = m.get("approvals", [])
        agreed = {a["municipality"] for a in approvals if a["result"] == "zugestimmt"}
        total = len(m["participants"])
        if len(agreed) == total:
            assert f"alle {total} zugestimmt" in cell, (m["code"], cell)
            continue
        assert f"{len(agreed & set(m['participants']))} von {total} zugestimmt" in cell, cell
        decided = {a["municipality"] for a in approvals if a["result"] in expect.DECIDED}
        for participant in m["participants"]:
            if participant not in decided:
                assert NAMES[participant] in cell.split("offen:", 1)[1], (m["code"], cell)


def test_bad_filter_values_are_named_and_change_nothing(signed_in: TestClient) -> None:
    response = signed_in.get("/massnahmen?kommune=alle&federfuehrung=%00x&beschluss=vielleicht")
    assert response.status_code == 200
    assert "Nicht verwendet, weil ungültig: Federführung" in response.text
    assert _codes(signed_in, "kommune=alle&federfuehrung=darmstadt") == set()


@pytest.mark.parametrize(
    ("username", "slug"),
    [
        ("digital.erbach", "erbach"),
        ("hauptamt.oberzent", "oberzent"),
        ("finanzen.brombachtal", "brombachtal"),
    ],
)
def test_list_dashboard_and_haushalt_open_on_the_users_municipality(
    client: TestClient, username: str, slug: str
) -> None:
    sign_in(client, username)
    name = NAMES[slug]
    listing = client.get("/massnahmen").text
    assert f'<option value="{slug}" selected>' in listing
    assert 'href="/massnahmen?kommune=alle"' in listing, "one click to all municipalities"
    involved = {m["code"] for m in expect.seed().measures if expect.involved(m, {slug})}
    assert _codes(client, f"kommune={slug}") == involved
    everyone = _codes(client, "kommune=alle")
    assert involved < everyone
    dashboard = client.get("/dashboard").text
    assert f"Dashboard {name}" in dashboard
    assert "kommune=alle" in dashboard and "Gesamte IKZ anzeigen" in dashboard
    assert "Dashboard gesamte IKZ" in client.get("/dashboard?kommune=alle").text
    haushalt = client.get("/haushalt").text
    assert re.search(rf'<option value="{slug}"[^>]*selected', haushalt)


def test_ikz_wide_roles_open_on_all_municipalities(client: TestClient) -> None:
    sign_in(client, "admin")
    assert "Dashboard gesamte IKZ" in client.get("/dashboard").text
    assert _codes(client, "") == _codes(client, "kommune=alle")


def test_profile_saves_the_mail_settings_and_says_mail_is_not_set_up(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "smtp_url", "")
    sign_in(client, "digital.michelstadt")
    page = client.get("/profil").text
    assert "Der E-Mail-Versand ist auf diesem Server noch nicht eingerichtet" in page
    version = re.search(r'name="expected_version" value="(\d+)"', page)
    assert version
    form = {
        "email": "anna.muster@michelstadt.example",
        "digest_enabled": "1",
        "digest_weekday": "donnerstag",
        "expected_version": version.group(1),
    }
    saved = client.post("/profil/benachrichtigungen", data=form, follow_redirects=False)
    assert saved.status_code == 303
    after = client.get("/profil").text
    assert "Ihre Einstellungen für E-Mails sind gespeichert." in after
    assert 'value="anna.muster@michelstadt.example"' in after
    assert '<option value="donnerstag" selected>' in after
    assert 'id="reminders_enabled" name="reminders_enabled" value="1">' in after, "unticked"
    settings = client.get("/api/v1/me/notifications").json()
    assert settings["reminders_enabled"] is False and settings["digest_enabled"] is True
    assert settings["mail_configured"] is False
    monkeypatch.setattr(get_settings(), "smtp_url", "smtp://mail.example:587")
    assert "noch nicht eingerichtet" not in client.get("/profil").text


def test_a_bad_address_gets_a_german_message_and_changes_nothing(client: TestClient) -> None:
    sign_in(client, "digital.oberzent")
    before = client.get("/api/v1/me/notifications").json()
    refused = client.post(
        "/profil/benachrichtigungen",
        data={
            "email": "anna at oberzent",
            "reminders_enabled": "1",
            "digest_weekday": "montag",
            "expected_version": str(before["version"]),
        },
    )
    assert refused.status_code == 422
    assert "Bitte eine E-Mail-Adresse wie" in refused.text
    assert 'value="anna at oberzent"' in refused.text, "the input is kept"
    assert client.get("/api/v1/me/notifications").json() == before
    stale = client.post(
        "/profil/benachrichtigungen",
        data={"email": "", "digest_weekday": "montag", "expected_version": "0"},
    )
    assert stale.status_code == 409
    assert client.get("/api/v1/me/notifications").json() == before
