"""The council cycle as its users meet it: VL-80/2024 with its Beratungsfolge, a decision that
releases a measure and freezes a baseline, "Änderungen seit …" after a moved milestone and a
changed budget, and refusals in German that change nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app.councils.models import Baseline, BaselineState, Proposal
from app.finance.models import BudgetLine
from app.portfolio.models import Measure, Milestone, ProjectPlan
from tests.conftest import sign_in
from tests.integration.test_history_readable import record_decision, visible_text
from tests.integration.test_status_reports import csrf_token, measure_of


def _vl80(session: Session) -> Proposal:
    return session.exec(select(Proposal).where(Proposal.drucksache == "VL-80/2024")).one()


def test_vl_80_2024_and_its_beratungsfolge_are_shown(client: TestClient, session: Session) -> None:
    sign_in(client, "leser")
    vorlage = _vl80(session)
    text_ = visible_text(client.get(f"/gremien/vorlagen/{vorlage.id}").text)
    assert "Gemeinsame Digitalstrategie 2024–2028" in text_
    assert "Beispieldaten" not in text_.split("Beratungsfolge")[0]
    folge = text_.split("Beratungsfolge")[-1]
    expected = [
        "Magistrat 08.04.2024 empfehlende Beschlussfassung zugestimmt",
        "Haupt- und Finanzausschuss 17.04.2024 empfehlende Beschlussfassung zugestimmt",
        "Stadtverordnetenversammlung 23.04.2024 beschließend zugestimmt",
    ]
    positions = [folge.find(step) for step in expected]
    assert all(p >= 0 for p in positions), folge[:600]
    assert positions == sorted(positions), "in the order of the Beratungsfolge"
    assert folge.count("nicht erfasst") == 3, "vote counts are left empty, never invented"
    overview = visible_text(client.get("/gremien?kommune=oberzent").text)
    assert "VL-80/2024" in overview
    api = client.get(f"/api/v1/decisions/{vorlage.id}").json()
    assert [(s["body"], s["held_on"], s["role"]) for s in api["steps"]] == [
        ("Magistrat", "2024-04-08", "empfehlend"),
        ("Haupt- und Finanzausschuss", "2024-04-17", "empfehlend"),
        ("Stadtverordnetenversammlung", "2024-04-23", "beschliessend"),
    ]
    assert api["measures"] == ["HF6-M01"]


def test_a_decision_releases_the_measure_and_takes_a_baseline(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "hauptamt.michelstadt")
    measure = measure_of(session, "michelstadt")
    code = measure.code
    deferred = record_decision(client, "michelstadt", code, "vertagt", "2030-01-10")
    baselines = session.exec(select(func.count()).select_from(Baseline)).one()
    approval = _approval(client, code, "michelstadt")
    assert approval["state"] in ("vertagt", "offen", "freigegeben")  # an earlier Vorlage may decide
    assert session.exec(select(func.count()).select_from(Baseline)).one() == baselines, (
        "a deferral decides nothing and takes no baseline"
    )
    record_decision(client, "michelstadt", code, "zugestimmt", "2030-02-14")
    approval = _approval(client, code, "michelstadt")
    assert approval["state"] == "freigegeben"
    assert approval["decided_on"] == "2030-02-14"
    newest = session.exec(select(Baseline).order_by(col(Baseline.id).desc())).first()
    assert newest is not None and newest.deliberation_id is not None
    assert "Michelstadt" in newest.name and "14.02.2030" in newest.name
    assert session.exec(select(func.count()).select_from(Baseline)).one() == baselines + 1
    page = visible_text(client.get(f"/massnahmen/{code}").text)
    assert "freigegeben" in page and "14.02.2030" in page
    assert deferred["steps"][0]["result"] == "vertagt"
    refused = record_decision(client, "michelstadt", code, "abgelehnt", "2030-03-14")
    assert refused["steps"][0]["result"] == "abgelehnt"
    assert _approval(client, code, "michelstadt")["state"] == "abgelehnt"


def _approval(client: TestClient, code: str, slug: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/measures/{code}/approvals")
    assert answer.status_code == 200
    result: dict[str, Any] = next(a for a in answer.json() if a["municipality"] == slug)
    return result


def test_the_plan_shows_its_magistratsvorbehalt(client: TestClient, session: Session) -> None:
    sign_in(client, "hauptamt.erbach")
    measure = measure_of(session, "erbach")
    record_decision(client, "erbach", measure.code, "zugestimmt", "2030-04-01")
    for url in (f"/massnahmen/{measure.code}/projektplan", f"/massnahmen/{measure.code}"):
        page = visible_text(client.get(url).text)
        assert "Magistratsvorbehalt" in page, url
        assert "Erbach" in page.split("Magistratsvorbehalt")[1][:300], url
    listed = visible_text(client.get("/massnahmen?kommune=erbach").text)
    assert "Magistratsvorbehalt" in listed


def _first_milestone(session: Session, measure: Measure) -> Milestone:
    plan = session.exec(select(ProjectPlan).where(ProjectPlan.measure_id == measure.id)).one()
    milestone = session.exec(
        select(Milestone)
        .where(Milestone.plan_id == plan.id, col(Milestone.due_on).is_not(None))
        .order_by(col(Milestone.id))
    ).first()
    assert milestone is not None
    return milestone


def test_moved_milestone_and_changed_budget_show_as_changes(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "admin")
    baseline = client.post("/api/v1/baselines", json={"name": "Bericht Q4/2026"})
    assert baseline.status_code == 201
    baseline_id = baseline.json()["id"]
    measure = session.exec(select(Measure).where(Measure.code == "HF1-M01")).one()
    milestone = _first_milestone(session, measure)
    assert milestone.due_on is not None
    due_before, title = milestone.due_on, milestone.title
    moved_to = due_before + timedelta(days=45)
    api = f"/api/v1/measures/{measure.code}"
    answer = client.put(
        f"{api}/milestones/{milestone.id}",
        json={
            "title": milestone.title,
            "start_on": milestone.start_on.isoformat() if milestone.start_on else None,
            "due_on": moved_to.isoformat(),
            "done_on": milestone.done_on.isoformat() if milestone.done_on else None,
            "owner": milestone.owner,
            "expected_version": milestone.version,
        },
    )
    assert answer.status_code == 200, answer.text
    line = session.exec(
        select(BudgetLine).where(BudgetLine.measure_id == measure.id, BudgetLine.year == 2027)
    ).first()
    assert line is not None
    before = client.get("/api/v1/budget?municipality=oberzent&year=2027").json()["totals"]
    answer = client.put(
        f"{api}/budget-lines/{line.id}",
        json={
            "year": line.year,
            "category": line.category,
            "kind": line.kind,
            "planned_cents": line.planned_cents + 400_000,
            "approved_cents": line.approved_cents,
            "actual_cents": line.actual_cents,
            "note": line.note,
            "expected_version": line.version,
        },
    )
    assert answer.status_code == 200, answer.text
    after = client.get("/api/v1/budget?municipality=oberzent&year=2027").json()["totals"]
    share = after["gross_cents"] - before["gross_cents"]
    assert share == 100_000, "HF1-M01 is shared equally by four"

    changes = client.get(f"/api/v1/baselines/{baseline_id}/changes?kommune=oberzent").json()
    assert changes["milestones_moved"] == [
        {
            "measure": "HF1-M01",
            "milestone": title,
            "due_before": due_before.isoformat(),
            "due_after": moved_to.isoformat(),
            "days": 45,
        }
    ]
    budget = [b for b in changes["budgets_changed"] if b["measure"] == "HF1-M01"]
    assert [(b["year"], b["delta_cents"]) for b in budget] == [(2027, share)]
    whole = client.get(f"/api/v1/baselines/{baseline_id}/changes").json()
    assert [b["delta_cents"] for b in whole["budgets_changed"]] == [400_000]
    page = visible_text(
        client.get(f"/berichte/aenderungen?seit={baseline_id}&kommune=oberzent").text
    )
    assert title in page and "45 Tage später" in page
    assert "+1.000,00 €" in page
    assert changes["traffic_lights_changed"] == [] and changes["measures_added"] == []


def test_baselines_are_compact_and_never_change(client: TestClient, session: Session) -> None:
    sign_in(client, "hauptamt.oberzent")
    first = client.post("/api/v1/baselines", json={"name": "A"}).json()
    second = client.post("/api/v1/baselines", json={"name": "B"}).json()
    assert second["measure_count"] == first["measure_count"] > 0
    assert second["new_states"] == 0, "nothing changed: every state is shared"
    initial = session.exec(select(Baseline).order_by(col(Baseline.id))).first()
    assert initial is not None
    assert second["stored_bytes"] * 5 < initial.stored_bytes
    for statement in (
        "UPDATE baseline SET name = 'anders'",
        "DELETE FROM baseline_state",
        "UPDATE baseline_state SET digest = 'x'",
    ):
        try:
            with session.begin_nested():
                session.execute(text(statement))
        except DBAPIError as error:
            assert "unveränderlich" in str(error)
        else:
            raise AssertionError(f"the database allowed: {statement}")
    assert session.exec(select(func.count()).select_from(BaselineState)).one() > 0


def test_changes_without_a_valid_baseline_are_a_german_422(client: TestClient) -> None:
    sign_in(client, "leser")
    for query in ("seit=abc", "seit=999999", "seit=1&kommune=atlantis", "kommune=atlantis"):
        answer = client.get(f"/berichte/aenderungen?{query}")
        assert answer.status_code == 422, query
        assert re.search(r"Baseline|Kommune", answer.text), query
    assert client.get("/api/v1/baselines/999999/changes").status_code == 404
    newest = visible_text(client.get("/berichte/aenderungen?kommune=erbach").text)
    assert "Änderungen seit" in newest and "Erbach" in newest


def test_drucksache_is_unique_within_a_municipality(client: TestClient, session: Session) -> None:
    sign_in(client, "hauptamt.oberzent")
    count = session.exec(select(func.count()).select_from(Proposal)).one()
    answer = client.post(
        "/gremien/vorlagen/neu",
        data={
            "csrf_token": csrf_token(client),
            "kommune": "oberzent",
            "drucksache": "VL-80/2024",
            "title": "Noch einmal",
            "subject": "strategie",
        },
    )
    assert answer.status_code == 422
    assert "Die Drucksache VL-80/2024 gibt es in Oberzent bereits." in answer.text
    assert session.exec(select(func.count()).select_from(Proposal)).one() == count


def test_a_stale_result_is_refused_with_the_current_values(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "hauptamt.erbach")
    vorlage = record_decision(client, "erbach", measure_of(session, "erbach").code, "zugestimmt")
    step = vorlage["steps"][0]
    answer = client.post(
        f"/gremien/beratungen/{step['id']}",
        data={
            "csrf_token": csrf_token(client),
            "result": "abgelehnt",
            "expected_version": str(step["version"] - 1),
        },
    )
    assert answer.status_code == 409
    assert "geändert" in answer.text and "zugestimmt" in answer.text
    again = client.get(f"/api/v1/decisions/{vorlage['id']}").json()["steps"][0]
    assert again["result"] == "zugestimmt" and again["version"] == step["version"]


def test_upcoming_sessions_for_task_lists_and_calendars(session: Session) -> None:
    from app.councils.queries.sessions import upcoming_sessions
    from app.municipalities.models import Municipality

    erbach = session.exec(select(Municipality).where(Municipality.slug == "erbach")).one()
    found = upcoming_sessions(
        session, [int(erbach.id or 0)], date(2026, 12, 31), since=date(2026, 12, 1)
    )
    assert [(s.body, s.held_on) for s in found] == [
        ("Magistrat", date(2026, 12, 7)),
        ("Haupt- und Finanzausschuss", date(2026, 12, 10)),
        ("Stadtverordnetenversammlung", date(2026, 12, 17)),
    ]
    assert any("B-2026/131" in item for item in found[0].agenda)
    assert upcoming_sessions(session, [], date(2026, 12, 31), since=date(2026, 12, 1)) == []
