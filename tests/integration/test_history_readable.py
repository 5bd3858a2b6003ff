"""The change history reads as German: names of things and fields, euros, German dates, people
and municipalities by name, no technical fields. A judge over the visible text of the history
pages after edits of every kind."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.portfolio.models import Measure
from tests.conftest import sign_in

RAW = [
    (re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"), "a snake_case name"),
    (re.compile(r"_cents|_id\b"), "a technical field"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?"), "an ISO date or timestamp"),
    (re.compile(r"\((?:insert|update|delete)\)"), "a raw action"),
]


class _Text(HTMLParser):
    """The text a person sees (no tags, attributes, scripts or styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r" ([:,.])", r"\1", " ".join(" ".join(parser.parts).split()))


def raw_data_in(html: str) -> list[str]:
    """What in the visible text is raw data rather than German (the judge)."""
    text = visible_text(html)
    return [f"{why}: {m.group(0)!r}" for pattern, why in RAW for m in pattern.finditer(text)]


def record_decision(
    client: TestClient, slug: str, code: str, result: str, held_on: str = "2026-03-02"
) -> dict[str, object]:
    """A Vorlage about the measure in ``slug``, a session of its executive body and that body's
    beschließend decision, through the API; returns the Vorlage."""
    body = next(
        b for b in client.get(f"/api/v1/bodies?kommune={slug}").json() if b["kind"] == "vorstand"
    )
    sitting = client.post("/api/v1/sessions", json={"body_id": body["id"], "held_on": held_on})
    assert sitting.status_code == 201, sitting.text
    vorlage = client.post(
        "/api/v1/decisions",
        json={
            "kommune": slug,
            "drucksache": f"T-{code}/{held_on.replace('-', '')}",
            "title": f"Projektplan {code}",
            "subject": "projektplan",
            "massnahme": code,
        },
    )
    assert vorlage.status_code == 201, vorlage.text
    vid = vorlage.json()["id"]
    step = client.post(
        f"/api/v1/decisions/{vid}/steps",
        json={"session_id": sitting.json()["id"], "role": "beschliessend"},
    )
    assert step.status_code == 201, step.text
    step_json = step.json()["steps"][-1]
    decided = client.put(
        f"/api/v1/decisions/{vid}/steps/{step_json['id']}",
        json={
            "result": result,
            "votes_yes": 5,
            "votes_no": 1,
            "votes_abstain": 0,
            "note": "",
            "expected_version": step_json["version"],
        },
    )
    assert decided.status_code == 200, decided.text
    result_json: dict[str, object] = decided.json()
    return result_json


def _edit_everything(client: TestClient, session: Session) -> Measure:
    measure = session.exec(select(Measure).where(Measure.code == "HF1-M01")).one()
    code = measure.code
    api = f"/api/v1/measures/{code}"
    assert (
        client.put(
            api,
            json={
                "title": "Neuer Titel",
                "goal": measure.goal,
                "expected_effect": measure.expected_effect,
                "priority": measure.priority,
                "responsible": measure.responsible,
                "planned_start": "2024-01-01",
                "planned_end": None,
                "expected_version": measure.version,
            },
        ).status_code
        == 200
    )
    milestone = client.post(f"{api}/milestones", json={"title": "Abnahme", "due_on": "2026-06-30"})
    assert milestone.status_code == 201
    assert (
        client.put(
            f"{api}/milestones/{milestone.json()['id']}",
            json={
                "title": "Abnahme",
                "start_on": None,
                "due_on": "2026-07-15",
                "done_on": None,
                "owner": "",
                "expected_version": 1,
            },
        ).status_code
        == 200
    )
    line = client.post(
        f"{api}/budget-lines",
        json={"year": 2027, "category": "schulung", "kind": "konsumtiv", "planned_cents": 1500000},
    )
    assert line.status_code == 201
    assert (
        client.put(
            f"{api}/budget-lines/{line.json()['id']}",
            json={
                "year": 2027,
                "category": "schulung",
                "kind": "konsumtiv",
                "planned_cents": 1750000,
                "approved_cents": None,
                "actual_cents": 99,
                "note": "",
                "expected_version": 1,
            },
        ).status_code
        == 200
    )
    record_decision(client, "erbach", code, "zugestimmt")
    current = client.get(api).json()["version"]
    assert (
        client.post(
            f"{api}/status-reports",
            json={
                "status": "in_umsetzung",
                "progress": 40,
                "traffic_light": "rot",
                "summary": "Verzug",
                "expected_version": current,
            },
        ).status_code
        == 201
    )
    return measure


def test_history_pages_show_no_raw_data(client: TestClient, session: Session) -> None:
    sign_in(client, "admin")
    measure = _edit_everything(client, session)
    for url in (
        f"/massnahmen/{measure.code}/aenderungen",
        f"/massnahmen/{measure.code}",
        "/admin/audit",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert raw_data_in(page.text) == [], url
    text = visible_text(client.get(f"/massnahmen/{measure.code}/aenderungen").text)
    for wanted in (
        "Meilenstein geändert",
        "Fällig am",
        "30.06.2026",
        "15.07.2026",
        "Budgetposition geändert",
        "15.000,00 €",
        "17.500,00 €",
        "Kommune: Erbach",
        "Ampel",
        "Rot – kritisch",
        "Beratung geändert",
        "Ergebnis",
        "zugestimmt",
        "IKZ-Koordination (Demo)",
    ):
        assert wanted in text, wanted


def test_the_judge_sees_raw_history() -> None:
    planted = (
        "<table><tr><td>milestone (update)</td><td>planned_cents: 1500000, measure_id: 3,"
        " 2026-11-24T14:05:00</td></tr></table>"
    )
    found = raw_data_in(planted)
    assert any("snake_case" in f for f in found)
    assert any("technical" in f for f in found)
    assert any("ISO" in f for f in found)
    assert any("raw action" in f for f in found)
