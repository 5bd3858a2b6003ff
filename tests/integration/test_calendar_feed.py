"""Calendar feeds, read with a real iCalendar parser (the ``icalendar`` package): dates from the
seed, UIDs that stay when a date moves, Europe/Berlin, and addresses that can be revoked."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import icalendar
import yaml
from fastapi.testclient import TestClient

from app.core.timeutil import today
from tests.conftest import sign_in
from tests.integration import seed_tasks as expect

WINDOW = (timedelta(days=365), timedelta(days=730))


def _new_feed(client: TestClient, url: str = "/profil/kalender") -> str:
    response = client.post(url)
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    match = re.search(r'id="neue-kalenderadresse">([^<]+)<', response.text)
    assert match, "the new address is shown once"
    return urlsplit(match.group(1)).path


def _calendar(client: TestClient, path: str) -> icalendar.Calendar:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def _events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _day(event: icalendar.Event) -> date:
    value = event.decoded("DTSTART")
    assert isinstance(value, date)
    return value


def test_own_feed_holds_the_seed_dates_of_the_municipality(client: TestClient) -> None:
    on = today()
    start, end = on - WINDOW[0], on + WINDOW[1]
    sign_in(client, "digital.erbach")
    calendar = _calendar(client, _new_feed(client))
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    events = _events(calendar)
    assert all(uid.endswith("@ikz-portfolio") for uid in events)

    milestones = {
        (str(e["SUMMARY"]).split(": ", 1)[1], _day(e))
        for uid, e in events.items()
        if uid.startswith("meilenstein-")
    }
    wanted = set()
    for m in expect.seed().measures:
        if not expect.involved(m, {"erbach"}):
            continue
        for ms in m.get("plan", {}).get("milestones", []):
            if ms.get("due") and start <= ms["due"] <= end:
                wanted.add((f"{ms['title']} ({m['code']})", ms["due"]))
    assert wanted and milestones == wanted

    reports = {
        str(e["SUMMARY"]).split(": ", 1)[1].split(" ", 1)[0]: _day(e)
        for uid, e in events.items()
        if uid.startswith("statusbericht-")
    }
    wanted_reports = {}
    for m in expect.seed().measures:
        dates = [r["date"] for r in m.get("status_reports", [])]
        if expect.running(m) and expect.involved(m, {"erbach"}) and dates:
            due = max(dates) + timedelta(days=30)
            if start <= due <= end:
                wanted_reports[m["code"]] = due
    assert reports == wanted_reports

    proofs = {_day(e) for uid, e in events.items() if uid.startswith("verwendungsnachweis-")}
    wanted_proofs = {
        proof["due_on"]
        for grant in expect.seed().grants
        for proof in grant["proofs_of_use"]
        if start <= proof["due_on"] <= end
    }
    assert proofs == wanted_proofs

    councils = yaml.safe_load((expect.SEED / "councils.yaml").read_text(encoding="utf-8"))
    sessions = {
        (str(e["SUMMARY"]), _day(e)) for uid, e in events.items() if uid.startswith("sitzung-")
    }
    wanted_sessions = {
        (f"Sitzung {entry['body']} Erbach", entry["date"])
        for entry in councils["sessions"]
        if entry["municipality"] == "erbach" and start <= entry["date"] <= end
    }
    assert wanted_sessions and wanted_sessions <= sessions, "the sessions of Erbach's bodies"
    assert all("Erbach" in summary for summary, _day_ in sessions), "and of no other town"

    reviews = {
        (str(e["SUMMARY"]).removeprefix("Risiko überprüfen: "), _day(e))
        for uid, e in events.items()
        if uid.startswith("risikopruefung-")
    }
    wanted_reviews = set()
    for path in sorted(expect.SEED.glob("risks*.yaml")):
        for risk in yaml.safe_load(path.read_text(encoding="utf-8"))["risks"]:
            measure = next(m for m in expect.seed().measures if m["code"] == risk["measure"])
            review = risk.get("review")
            if (
                review
                and risk.get("status", "offen") != "geschlossen"
                and expect.involved(measure, {"erbach"})
                and start <= review <= end
            ):
                wanted_reviews.add((f"{risk['title']} ({risk['measure']})", review))
    assert wanted_reviews and reviews == wanted_reviews, "the review dates of open risks"
    for event in events.values():
        assert str(event["URL"]).startswith("http://127.0.0.1:8000/")
        assert str(event["URL"]) in str(event["DESCRIPTION"])


def test_an_entry_keeps_its_uid_when_its_date_moves(client: TestClient) -> None:
    on = today()
    code = expect.reports_due({"erbach"}, on)[0]
    sign_in(client, "digital.erbach")
    path = _new_feed(client)
    before = {
        uid: e for uid, e in _events(_calendar(client, path)).items() if code in str(e["SUMMARY"])
    }
    report_uids = [uid for uid in before if uid.startswith("statusbericht-")]
    assert len(report_uids) == 1
    measure = client.get(f"/api/v1/measures/{code}").json()
    client.post(
        f"/api/v1/measures/{code}/status-reports",
        json={
            "status": measure["status"],
            "progress": measure["progress"],
            "traffic_light": measure["traffic_light"],
            "summary": "Bericht für den Kalender.",
            "expected_version": measure["version"],
        },
    ).raise_for_status()
    after = _events(_calendar(client, path))
    assert report_uids[0] in after
    assert _day(after[report_uids[0]]) == on + timedelta(days=30)
    assert _day(before[report_uids[0]]) != _day(after[report_uids[0]])


def test_a_measure_feed_holds_that_measure_only(client: TestClient) -> None:
    sign_in(client, "hauptamt.michelstadt")
    path = _new_feed(client, "/massnahmen/HF1-M01/kalender")
    events = _events(_calendar(client, path))
    assert events
    for event in events.values():
        url = str(event["URL"])
        assert any(
            part in url for part in ("/massnahmen/HF1-M01", "/foerderung#zuwendung-", "/gremien/")
        ), url
    assert any(uid.startswith("verwendungsnachweis-") for uid in events), "its grant's deadlines"
    profile = client.get("/profil").text
    assert "HF1-M01 Dokumentenmanagementsystem" in profile


def test_revoked_and_renewed_addresses(client: TestClient) -> None:
    sign_in(client, "finanzen.oberzent")
    first = _new_feed(client)
    assert client.get(first).status_code == 200
    feed_id = re.search(r'action="/profil/kalender/(\d+)/erneuern"', client.get("/profil").text)
    assert feed_id
    renewed = _new_feed(client, f"/profil/kalender/{feed_id.group(1)}/erneuern")
    gone = client.get(first)
    assert gone.status_code == 404
    assert "widerrufen" in gone.text
    assert client.get(renewed).status_code == 200
    current = re.search(r'action="/profil/kalender/(\d+)/widerrufen"', client.get("/profil").text)
    assert current
    revoked = client.post(f"/profil/kalender/{current.group(1)}/widerrufen", follow_redirects=False)
    assert revoked.status_code == 303
    assert client.get(renewed).status_code == 404
    assert "Sie haben noch keine Kalenderadresse" in client.get("/profil").text


def test_the_address_opens_the_feed_and_nothing_else(client: TestClient) -> None:
    sign_in(client, "digital.brombachtal")
    path = _new_feed(client)
    token = path.removeprefix("/kalender/").removesuffix(".ics")
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    assert client.get(path).status_code == 200, "no sign-in needed: calendar programs have none"
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401
    assert client.get("/kalender/kal_erfunden.ics").status_code == 404


def test_another_user_cannot_revoke_or_renew_my_address(client: TestClient) -> None:
    sign_in(client, "digital.erbach")
    _new_feed(client)
    feed_id = re.search(r'action="/profil/kalender/(\d+)/widerrufen"', client.get("/profil").text)
    assert feed_id
    sign_in(client, "digital.michelstadt")
    assert client.post(f"/profil/kalender/{feed_id.group(1)}/widerrufen").status_code == 403
    assert client.post(f"/profil/kalender/{feed_id.group(1)}/erneuern").status_code == 403
