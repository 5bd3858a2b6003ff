"""Concurrent writers against the real server (two worker processes), on SQLite and PostgreSQL.

Exactly one of many writers of one version wins; the sum drawn from a grant never exceeds its
maximum; identical creations give one success and German refusals naming the field; every form
route answers in bounded time while others wait for the same rows. No answer is a server error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.server import LiveServer
from tests.integration.live import (
    Outcome,
    api,
    bearer,
    describe,
    json_of,
    one_winner,
    race,
    signed_in_client,
    start_live_server,
    statuses,
)
from tests.judge_log import record_judge


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    yield from start_live_server()


@pytest.fixture(scope="module")
def admin(server: LiveServer) -> dict[str, str]:
    return bearer(server, "admin")


def _no_server_errors(outcomes: list[Outcome]) -> None:
    bad = [o for o in outcomes if o.status >= 500 or o.status == 0]
    assert not bad, describe(outcomes)


def _count(server: LiveServer, sql: str, *params: object) -> int:
    return int(server.query(sql, *params)[0][0])


def test_fifty_status_reports_on_one_version_have_one_winner(
    server: LiveServer, admin: dict[str, str]
) -> None:
    code = server.measure_codes()[0]
    with api(server, admin) as client:
        measure = json_of(client.get(f"/api/v1/measures/{code}"))
    # The same values as now: an accepted report must still move the version.
    body = {
        "status": measure["status"],
        "progress": measure["progress"],
        "traffic_light": measure["traffic_light"],
        "summary": "Gleichzeitig gemeldet",
        "expected_version": measure["version"],
    }
    before = _count(
        server,
        "SELECT count(*) FROM status_report r JOIN measure m ON m.id = r.measure_id "
        "WHERE m.code = ?",
        code,
    )

    def send(_: int) -> httpx.Response:
        with api(server, admin) as client:
            return client.post(f"/api/v1/measures/{code}/status-reports", json=body)

    outcomes = race(50, send)
    _no_server_errors(outcomes)
    assert one_winner(outcomes, won=201, lost=409), describe(outcomes)
    record_judge("race", kind="versions", requests=len(outcomes), winners=1)
    after = _count(
        server,
        "SELECT count(*) FROM status_report r JOIN measure m ON m.id = r.measure_id "
        "WHERE m.code = ?",
        code,
    )
    assert after == before + 1
    with api(server, admin) as client:
        assert json_of(client.get(f"/api/v1/measures/{code}"))["version"] == measure["version"] + 1


def test_status_report_form_posted_twenty_times_at_once_has_one_winner(
    server: LiveServer,
) -> None:
    code = server.measure_codes()[1]
    client = signed_in_client(server, "admin")
    try:
        version = json_of(client.get(f"/api/v1/measures/{code}"))["version"]
        form = {
            "status": "in_umsetzung",
            "progress": "50",
            "traffic_light": "gelb",
            "summary": "Formular, zwanzigmal zugleich",
            "expected_version": str(version),
        }
        outcomes = race(20, lambda _: client.post(f"/massnahmen/{code}/statusbericht", data=form))
    finally:
        client.close()
    _no_server_errors(outcomes)
    assert one_winner(outcomes, won=303, lost=409), describe(outcomes)


def test_drawdowns_at_once_never_exceed_the_grant(
    server: LiveServer, admin: dict[str, str]
) -> None:
    with api(server, admin) as client:
        programme = server.query("SELECT id FROM funding_programme ORDER BY id")[0][0]
        grant = client.post(
            "/api/v1/grants",
            json={
                "programme_id": programme,
                "notice_number": "RACE-2026-1",
                "notice_date": "2026-02-01",
                "title": "Zuwendung unter Last",
                "period_start": "2026-01-01",
                "period_end": "2027-12-31",
                "eligible_cents": 20_000_000,
                "rate_bp": 9000,
                "max_cents": 10_000_000,
                "applicant": "oberzent",
                "measure_codes": [],
            },
        )
        grant_id = json_of(grant)["id"]

    def send(index: int) -> httpx.Response:
        with api(server, admin) as client:
            return client.post(
                f"/api/v1/grants/{grant_id}/drawdowns",
                json={"requested_on": "2026-03-01", "amount_cents": 1_000_000 + index},
            )

    outcomes = race(20, send)
    _no_server_errors(outcomes)
    drawn = _count(
        server, "SELECT coalesce(sum(amount_cents), 0) FROM drawdown WHERE grant_id = ?", grant_id
    )
    assert drawn <= 10_000_000
    accepted = statuses(outcomes)[201]
    assert accepted == 9, describe(outcomes)  # 9 × ~10.000 € fit, a tenth no longer does
    assert statuses(outcomes)[422] == 11
    with api(server, admin) as client:
        shown = json_of(client.get(f"/api/v1/grants/{grant_id}"))
    assert shown["drawn_cents"] == drawn and shown["drawable_cents"] == 10_000_000 - drawn >= 0


@pytest.mark.parametrize(
    ("what", "path", "body", "field"),
    [
        (
            "measure",
            "/api/v1/measures",
            {"code": "HF9-RACE", "title": "Doppelt", "action_field": "HF1", "lead": "erbach"},
            "code",
        ),
        (
            "user",
            "/api/v1/users",
            {
                "username": "doppelt.angelegt",
                "display_name": "Doppelt",
                "password": "ein-langes-passwort",
            },
            "username",
        ),
        (
            "budget line",
            "/api/v1/measures/{code}/budget-lines",
            {"year": 2099, "category": "personal", "kind": "konsumtiv", "planned_cents": 100},
            "category",
        ),
    ],
)
def test_identical_creations_at_once_give_one_success(
    server: LiveServer,
    admin: dict[str, str],
    what: str,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    url = path.replace("{code}", server.measure_codes()[2])

    def send(_: int) -> httpx.Response:
        with api(server, admin) as client:
            return client.post(url, json=body)

    outcomes = race(20, send)
    _no_server_errors(outcomes)
    assert one_winner(outcomes, won=201, lost=422), f"{what}: {describe(outcomes)}"
    refusals = [o.body for o in outcomes if o.status == 422]
    assert all(f'"{field}"' in text for text in refusals), refusals[:2]
    assert all(re.search(r"gibt es|vergeben", text) for text in refusals), refusals[:2]


def test_forwarded_headers_from_an_untrusted_peer_do_not_choose_the_address(
    server: LiveServer,
) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        response = client.post(
            "/login",
            data={"username": "weitergeleitet", "password": "x", "csrf_token": token.group(1)},
            headers={"X-Forwarded-For": "203.0.113.99"},
        )
    assert response.status_code == 401
    addresses = server.query(
        "SELECT client_address FROM login_attempt WHERE username = ?", "weitergeleitet"
    )
    assert addresses == [("127.0.0.1",)]


def _form_requests(
    server: LiveServer, admin: dict[str, str]
) -> dict[str, tuple[str, dict[str, str]]]:
    """A valid post for every HTML form route, built from the live server's own data."""
    code = server.measure_codes()[3]
    with api(server, admin) as client:
        measure = json_of(client.get(f"/api/v1/measures/{code}"))
        milestone = json_of(
            client.post(f"/api/v1/measures/{code}/milestones", json={"title": "Last"})
        )
        line = json_of(
            client.post(
                f"/api/v1/measures/{code}/budget-lines",
                json={
                    "year": 2098,
                    "category": "schulung",
                    "kind": "konsumtiv",
                    "planned_cents": 1,
                },
            )
        )
        commitment = json_of(
            client.post(
                f"/api/v1/measures/{code}/commitments",
                json={
                    "year": 2029,
                    "category": "hardware",
                    "amount_cents": 100,
                    "payments": [{"year": 2030, "amount_cents": 100}],
                },
            )
        )
        grant = json_of(client.get("/api/v1/grants"))[0]
        settings = json_of(client.get("/api/v1/me/notifications"))
        feeds = [
            json_of(client.post("/api/v1/me/calendar-feeds", json={"measure": code}))
            for _ in range(2)
        ]
        user = json_of(
            client.post(
                "/api/v1/users",
                json={
                    "username": "last.ziel",
                    "display_name": "Ziel unter Last",
                    "password": "ein-langes-passwort",
                    "role": "leser",
                    "municipality": "erbach",
                },
            )
        )
        body = json_of(client.get("/api/v1/bodies?kommune=erbach"))[0]["id"]
        sitting = json_of(
            client.post("/api/v1/sessions", json={"body_id": body, "held_on": "2031-06-01"})
        )
        free = json_of(
            client.post("/api/v1/sessions", json={"body_id": body, "held_on": "2031-06-08"})
        )
        texts = {"drucksache": "LAST-1", "title": "Last", "subject": "haushalt"}
        vorlage = json_of(
            client.post(
                "/api/v1/decisions", json=texts | {"kommune": "erbach", "haushaltsjahr": 2031}
            )
        )
        step = json_of(
            client.post(
                f"/api/v1/decisions/{vorlage['id']}/steps",
                json={"session_id": sitting["id"], "role": "beschliessend"},
            )
        )["steps"][0]
    version = str(measure["version"])
    ms = f"/massnahmen/{code}/meilensteine/{milestone['id']}"
    line_form = {
        "line_id": str(line["id"]),
        "expected_version": str(line["version"]),
        "year": "2098",
        "category": "schulung",
        "kind": "konsumtiv",
        "planned": "2,00",
    }
    grant_form = {
        "programme_id": str(grant["programme_id"]),
        "notice_number": "LAST-1",
        "notice_date": "2026-01-02",
        "title": "Last",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "eligible": "1.000,00",
        "rate": "90,00",
        "maximum": "900,00",
        "applicant": "erbach",
    }
    uid = user["id"]
    role_id = user["roles"][0]["id"]
    requests: dict[str, tuple[str, dict[str, str]]] = {
        "/massnahmen/neu": (
            "/massnahmen/neu",
            {"code": "HF9-L01", "title": "Last", "action_field": "HF1", "lead": "erbach"},
        ),
        "/massnahmen/{code}/bearbeiten": (
            f"/massnahmen/{code}/bearbeiten",
            {"title": "Unter Last", "expected_version": version},
        ),
        "/massnahmen/{code}/archivieren": (
            f"/massnahmen/{code}/archivieren",
            {"expected_version": version},
        ),
        "/massnahmen/{code}/wiederherstellen": (
            f"/massnahmen/{code}/wiederherstellen",
            {"expected_version": version},
        ),
        "/massnahmen/{code}/beteiligte": (
            f"/massnahmen/{code}/beteiligte",
            {"participants": measure["participants"][-1], "expected_version": version},
        ),
        "/massnahmen/{code}/projektplan": (
            f"/massnahmen/{code}/projektplan",
            {"summary": "Plan unter Last", "expected_version": "1"},
        ),
        "/massnahmen/{code}/meilensteine": (f"/massnahmen/{code}/meilensteine", {"title": "M"}),
        "/massnahmen/{code}/meilensteine/{milestone_id}": (
            ms,
            {"title": "M2", "expected_version": str(milestone["version"])},
        ),
        "/massnahmen/{code}/meilensteine/{milestone_id}/archivieren": (
            f"{ms}/archivieren",
            {"expected_version": str(milestone["version"])},
        ),
        "/massnahmen/{code}/statusbericht": (
            f"/massnahmen/{code}/statusbericht",
            {
                "status": "in_umsetzung",
                "progress": "10",
                "traffic_light": "gruen",
                "summary": "Last",
                "expected_version": version,
            },
        ),
        "/massnahmen/{code}/budget": (f"/massnahmen/{code}/budget", line_form),
        "/massnahmen/{code}/budget/{line_id}/loeschen": (
            f"/massnahmen/{code}/budget/{line['id']}/loeschen",
            {"expected_version": str(line["version"])},
        ),
        "/massnahmen/{code}/budget/{line_id}/uebertragung": (
            f"/massnahmen/{code}/budget/{line['id']}/uebertragung",
            {"carryover": "", "cover_note": "Last", "expected_version": str(line["version"])},
        ),
        "/massnahmen/{code}/ve": (
            f"/massnahmen/{code}/ve",
            {
                "year": "2030",
                "category": "software",
                "amount": "1,00",
                "payment_year_1": "2031",
                "payment_amount_1": "1,00",
            },
        ),
        "/massnahmen/{code}/ve/{commitment_id}/loeschen": (
            f"/massnahmen/{code}/ve/{commitment['id']}/loeschen",
            {"expected_version": str(commitment["version"])},
        ),
        "/massnahmen/{code}/kostenschluessel": (
            f"/massnahmen/{code}/kostenschluessel",
            {"cost_key": "equal", "expected_version": version},
        ),
        "/haushalt/zuordnung": (
            "/haushalt/zuordnung?kommune=erbach",
            {"produkt_schulung_konsumtiv": "1.1.1", "sachkonto_schulung_konsumtiv": "4000"},
        ),
        "/foerderung/zuwendungen": ("/foerderung/zuwendungen", grant_form),
        "/foerderung/{grant_id}/abrufe": (
            f"/foerderung/{grant['id']}/abrufe",
            {"requested_on": "2026-02-01", "amount": "1,00"},
        ),
        "/admin/benutzer": (
            "/admin/benutzer",
            {"username": "last.neu", "display_name": "Neu", "password": "ein-langes-passwort"},
        ),
        "/admin/benutzer/{user_id}/aktiv": (
            f"/admin/benutzer/{uid}/aktiv",
            {"active": "0", "expected_version": str(user["version"])},
        ),
        "/admin/benutzer/{user_id}/rollen": (
            f"/admin/benutzer/{uid}/rollen",
            {"role": "digital", "municipality": "erbach", "expected_version": str(user["version"])},
        ),
        "/admin/benutzer/{user_id}/rollen/{assignment_id}/entfernen": (
            f"/admin/benutzer/{uid}/rollen/{role_id}/entfernen",
            {"expected_version": str(user["version"])},
        ),
        "/admin/benutzer/{user_id}/passwort": (
            f"/admin/benutzer/{uid}/passwort",
            {"password": "noch-ein-langes-passwort", "expected_version": str(user["version"])},
        ),
        "/profil/tokens": ("/profil/tokens", {"name": "Last"}),
        "/profil/benachrichtigungen": (
            "/profil/benachrichtigungen",
            {
                "email": "last@erbach.example",
                "reminders_enabled": "1",
                "digest_weekday": "mittwoch",
                "expected_version": str(settings["version"]),
            },
        ),
        "/profil/kalender": ("/profil/kalender", {}),
        "/massnahmen/{code}/kalender": (f"/massnahmen/{code}/kalender", {}),
        # The second address renews the first's measure feed: both race for one user's row.
        "/profil/kalender/{feed_id}/erneuern": (f"/profil/kalender/{feeds[1]['id']}/erneuern", {}),
        "/profil/kalender/{feed_id}/widerrufen": (
            f"/profil/kalender/{feeds[1]['id']}/widerrufen",
            {},
        ),
        "/gremien/sitzungen/neu": (
            "/gremien/sitzungen/neu",
            {"body_id": str(body), "held_on": "2031-07-01"},
        ),
        "/gremien/sitzungen/{session_id}": (
            f"/gremien/sitzungen/{sitting['id']}",
            {"held_on": "2031-06-02", "expected_version": str(sitting["version"])},
        ),
        "/gremien/vorlagen/neu": (
            "/gremien/vorlagen/neu",
            {"kommune": "erbach", "drucksache": "LAST-2", "title": "Last", "subject": "strategie"},
        ),
        "/gremien/vorlagen/{proposal_id}/bearbeiten": (
            f"/gremien/vorlagen/{vorlage['id']}/bearbeiten",
            {"drucksache": "LAST-1", "title": "Last!", "expected_version": "1"},
        ),
        "/gremien/vorlagen/{proposal_id}/beratungen": (
            f"/gremien/vorlagen/{vorlage['id']}/beratungen",
            {"session_id": str(free["id"]), "role": "empfehlend"},
        ),
        "/gremien/beratungen/{deliberation_id}": (
            f"/gremien/beratungen/{step['id']}",
            {"result": "zugestimmt", "expected_version": str(step["version"])},
        ),
        "/berichte/baselines": ("/berichte/baselines", {"name": "Last"}),
        "/profil/passwort": (
            "/profil/passwort",
            {"current_password": "falsch-geraten", "new_password": "ein-neues-passwort"},
        ),
    }
    if grant["proofs_of_use"]:
        proof = grant["proofs_of_use"][0]
        requests["/foerderung/nachweise/{proof_id}"] = (
            f"/foerderung/nachweise/{proof['id']}",
            {"submitted_on": "2026-03-01", "expected_version": str(proof["version"])},
        )
    return requests


def _indicator_forms(
    server: LiveServer, admin: dict[str, str], code: str
) -> dict[str, tuple[str, dict[str, str]]]:
    """Valid posts for the forms of goals and indicators."""
    form = {
        "goal": "Last",
        "name": "Last",
        "unit": "%",
        "direction": "steigend",
        "baseline_value": "10",
        "baseline_on": "01.01.2025",
        "target_value": "90",
        "target_on": "31.12.2027",
        "municipality": "erbach",
    }
    body = {key: value for key, value in form.items()} | {
        "baseline_value": 1000,
        "baseline_on": "2025-01-01",
        "target_value": 9000,
        "target_on": "2027-12-31",
    }
    with api(server, admin) as client:
        indicator = json_of(client.post(f"/api/v1/measures/{code}/indicators", json=body))
    ident = indicator["id"]
    return {
        "/massnahmen/{code}/indikatoren/neu": (f"/massnahmen/{code}/indikatoren/neu", form),
        "/strategie/handlungsfelder/{code}/indikatoren/neu": (
            "/strategie/handlungsfelder/HF1/indikatoren/neu",
            form,
        ),
        "/indikatoren/{indicator_id}/bearbeiten": (
            f"/indikatoren/{ident}/bearbeiten",
            form | {"expected_version": "1"},
        ),
        "/indikatoren/{indicator_id}/werte": (
            f"/indikatoren/{ident}/werte",
            {"measured_on": "01.06.2026", "value": "55", "expected_version": "1"},
        ),
    }


def _risk_forms(
    server: LiveServer, admin: dict[str, str], code: str
) -> dict[str, tuple[str, dict[str, str]]]:
    """Valid posts for the forms of the risk register, on one risk of the measure."""
    with api(server, admin) as client:
        risk = json_of(
            client.post(
                f"/api/v1/measures/{code}/risks",
                json={"title": "Last", "probability": 3, "impact": 4},
            )
        )
    form = {"title": "Last", "probability": "4", "impact": "4", "status": "offen"}
    version = {"expected_version": str(risk["version"])}
    return {
        "/massnahmen/{code}/risiken": (f"/massnahmen/{code}/risiken", form),
        "/massnahmen/{code}/risiken/{risk_id}": (
            f"/massnahmen/{code}/risiken/{risk['id']}",
            form | version,
        ),
        "/massnahmen/{code}/risiken/{risk_id}/schliessen": (
            f"/massnahmen/{code}/risiken/{risk['id']}/schliessen",
            version,
        ),
    }


# Form routes that end a session or sign in: they are raced elsewhere or need no data.
NOT_RACED = {
    "/login",
    "/logout",
    "/profil/abmelden-ueberall",
    "/profil/tokens/{token_id}/widerrufen",
}
COPIES = 3


def test_every_form_route_answers_while_the_others_wait_for_the_same_rows(
    server: LiveServer, admin: dict[str, str]
) -> None:
    from app.main import create_app
    from tests.integration.hostile import api_routes

    form_routes = {
        route.path
        for route in api_routes(create_app())
        if "POST" in route.methods and not route.path.startswith("/api/")
    }
    code = server.measure_codes()[3]
    requests = (
        _form_requests(server, admin)
        | _indicator_forms(server, admin, code)
        | _risk_forms(server, admin, code)
    )
    missing = form_routes - set(requests) - NOT_RACED - {"/foerderung/nachweise/{proof_id}"}
    assert not missing, f"form routes without a raced request: {sorted(missing)}"
    client = signed_in_client(server, "admin")
    jobs = [(path, url, data) for path, (url, data) in requests.items() for _ in range(COPIES)]
    try:
        outcomes = race(len(jobs), lambda i: client.post(jobs[i][1], data=jobs[i][2]))
    finally:
        client.close()
    failed = [
        f"{jobs[i][0]}: {o.status} after {o.seconds:.1f} s {o.body[:120]}"
        for i, o in enumerate(outcomes)
        if o.status >= 500 or o.status == 0
    ]
    if failed:
        print(server.log_path.read_text(errors="replace")[-20000:])
    assert not failed, "\n".join(failed)
    slowest = max(o.seconds for o in outcomes)
    record_judge("race", kind="forms", requests=len(jobs), slowest=round(slowest, 1))
    assert slowest < 30


def test_a_decision_recorded_twenty_times_at_once_has_one_winner_and_one_baseline(
    server: LiveServer, admin: dict[str, str]
) -> None:
    with api(server, admin) as client:
        body = json_of(client.get("/api/v1/bodies?kommune=michelstadt"))[0]["id"]
        sitting = json_of(
            client.post("/api/v1/sessions", json={"body_id": body, "held_on": "2031-09-01"})
        )
        vorlage = json_of(
            client.post(
                "/api/v1/decisions",
                json={
                    "kommune": "michelstadt",
                    "drucksache": "RACE-1",
                    "title": "Gleichzeitig beschlossen",
                    "subject": "haushalt",
                    "haushaltsjahr": 2031,
                },
            )
        )
        step = json_of(
            client.post(
                f"/api/v1/decisions/{vorlage['id']}/steps",
                json={"session_id": sitting["id"], "role": "beschliessend"},
            )
        )["steps"][0]
    url = f"/api/v1/decisions/{vorlage['id']}/steps/{step['id']}"
    body_json = {
        "result": "zugestimmt",
        "votes_yes": 20,
        "votes_no": 3,
        "votes_abstain": 2,
        "note": "",
        "expected_version": step["version"],
    }

    def send(_: int) -> httpx.Response:
        with api(server, admin) as client:
            return client.put(url, json=body_json)

    outcomes = race(20, send)
    _no_server_errors(outcomes)
    assert one_winner(outcomes, won=200, lost=409), describe(outcomes)
    assert (
        _count(server, "SELECT count(*) FROM baseline WHERE deliberation_id = ?", step["id"]) == 1
    )


def test_baselines_taken_at_once_share_their_new_states(
    server: LiveServer, admin: dict[str, str]
) -> None:
    """Ten baselines at once after a change: each stores the changed state or finds it stored by
    another; none fails on the unique digest, and each state is stored once."""
    code = server.measure_codes()[2]
    with api(server, admin) as client:
        measure = json_of(client.get(f"/api/v1/measures/{code}"))
        report = {
            "status": "in_umsetzung",
            "progress": (measure["progress"] + 7) % 100,
            "traffic_light": "rot",
            "summary": "Vor den Baselines",
            "expected_version": measure["version"],
        }
        assert (
            client.post(f"/api/v1/measures/{code}/status-reports", json=report).status_code == 201
        )
    before = _count(server, "SELECT count(*) FROM baseline")

    def send(i: int) -> httpx.Response:
        with api(server, admin) as client:
            return client.post("/api/v1/baselines", json={"name": f"Gleichzeitig {i}"})

    outcomes = race(10, send)
    _no_server_errors(outcomes)
    assert statuses(outcomes) == {201: 10}, describe(outcomes)
    assert _count(server, "SELECT count(*) FROM baseline") == before + 10
    assert _count(server, "SELECT count(*) - count(DISTINCT digest) FROM baseline_state") == 0
