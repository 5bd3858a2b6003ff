"""Every successful change says so in German (``role="status"``) and marks what changed, without
JavaScript: the form posts, the browser follows the redirect, the next page carries the notice
and the address of the saved thing as its fragment (shown highlighted by ``:target``)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.finance.models import BudgetLine
from app.portfolio.models import Measure, Milestone, ProjectPlan
from tests.conftest import sign_in
from tests.integration.test_history_readable import record_decision

CODE = "HF1-M01"


def _notice(page: str) -> str:
    match = re.search(r'role="status"[^>]*>\s*<div[^>]*>\s*<p[^>]*>([^<]+)</p>', page)
    return match.group(1).strip() if match else ""


def _post_and_follow(client: TestClient, url: str, data: dict[str, str]) -> tuple[str, str]:
    """Post like a browser without JavaScript; return the fragment and the page it lands on."""
    answer = client.post(url, data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    target = urlsplit(answer.headers["location"])
    page = client.get(target.path + (f"?{target.query}" if target.query else ""))
    assert page.status_code == 200
    return target.fragment, page.text


def _marked(fragment: str, page: str) -> None:
    assert fragment, "the redirect names what changed"
    assert f'id="{fragment}"' in page, f"the page has the element #{fragment}"


def test_a_saved_milestone_is_confirmed_and_marked(client: TestClient, session: Session) -> None:
    sign_in(client, "digital.erbach")
    measure = session.exec(select(Measure).where(Measure.code == CODE)).one()
    plan = session.exec(select(ProjectPlan).where(ProjectPlan.measure_id == measure.id)).one()
    milestone = session.exec(select(Milestone).where(Milestone.plan_id == plan.id)).first()
    assert milestone is not None
    fragment, page = _post_and_follow(
        client,
        f"/massnahmen/{CODE}/meilensteine/{milestone.id}",
        {
            "title": milestone.title,
            "start_on": "",
            "due_on": "30.06.2027",
            "done_on": "",
            "owner": "Hauptamt",
            "expected_version": str(milestone.version),
        },
    )
    assert _notice(page) == f"Der Meilenstein „{milestone.title}“ wurde gespeichert."
    assert fragment == f"meilenstein-{milestone.id}"
    _marked(fragment, page)
    again = client.get(f"/massnahmen/{CODE}/projektplan")
    assert _notice(again.text) == "", "the notice shows once"


def test_a_new_milestone_is_confirmed_and_marked(client: TestClient) -> None:
    sign_in(client, "digital.erbach")
    fragment, page = _post_and_follow(
        client,
        f"/massnahmen/{CODE}/meilensteine",
        {"title": "Abnahme Stufe 2", "due_on": "2027-03-31"},
    )
    assert _notice(page) == "Der Meilenstein „Abnahme Stufe 2“ wurde angelegt."
    _marked(fragment, page)


def test_a_status_report_is_confirmed_and_the_state_shown_first(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "digital.erbach")
    measure = session.exec(select(Measure).where(Measure.code == CODE)).one()
    fragment, page = _post_and_follow(
        client,
        f"/massnahmen/{CODE}/statusbericht",
        {
            "status": "in_umsetzung",
            "progress": "93",
            "traffic_light": "rot",
            "summary": "Anbieter im Verzug",
            "next_steps": "",
            "expected_version": str(measure.version),
        },
    )
    assert _notice(page) == "Der Statusbericht wurde gespeichert."
    assert fragment == "stand"
    _marked(fragment, page)
    stand = page.split('id="stand"', 1)[1].split("</section>", 1)[0]
    assert "Rot – kritisch" in stand and "Fortschritt: 93 %" in stand


def test_an_htmx_report_updates_the_badges_under_the_title_too(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "digital.erbach")
    measure = session.exec(select(Measure).where(Measure.code == CODE)).one()
    answer = client.post(
        f"/massnahmen/{CODE}/statusbericht",
        data={
            "status": "in_umsetzung",
            "progress": "94",
            "traffic_light": "rot",
            "summary": "Anbieter im Verzug",
            "expected_version": str(measure.version),
        },
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    badges = re.search(
        r'<p id="kopf-status"[^>]*hx-swap-oob="true"[^>]*>(.*?)</p>', answer.text, re.S
    )
    assert badges is not None, "the badges under the title come along out of band"
    assert "Rot – kritisch" in badges.group(1) and "94 % umgesetzt" in badges.group(1)
    history = re.search(
        r'<div id="berichtsverlauf" hx-swap-oob="true">(.*?)</div>\s*$', answer.text, re.S
    )
    assert history is not None and "Anbieter im Verzug" in history.group(1)


def test_a_saved_budget_line_is_confirmed_and_marked(client: TestClient, session: Session) -> None:
    sign_in(client, "admin")
    measure = session.exec(select(Measure).where(Measure.code == CODE)).one()
    line = session.exec(select(BudgetLine).where(BudgetLine.measure_id == measure.id)).first()
    assert line is not None
    fragment, page = _post_and_follow(
        client,
        f"/massnahmen/{CODE}/budget",
        {
            "line_id": str(line.id),
            "year": str(line.year),
            "category": line.category,
            "kind": line.kind,
            "planned": "1.234,56",
            "approved": "",
            "actual": "",
            "note": "geändert",
            "expected_version": str(line.version),
        },
    )
    assert "wurde gespeichert" in _notice(page)
    assert fragment == f"position-{line.id}"
    _marked(fragment, page)


def test_a_budget_line_is_deleted_only_after_asking(client: TestClient, session: Session) -> None:
    sign_in(client, "admin")
    measure = session.exec(select(Measure).where(Measure.code == CODE)).one()
    line = session.exec(select(BudgetLine).where(BudgetLine.measure_id == measure.id)).first()
    assert line is not None
    edit = client.get(f"/massnahmen/{CODE}/budget/{line.id}").text
    assert f'href="/massnahmen/{CODE}/budget/{line.id}/loeschen"' in edit
    assert f'action="/massnahmen/{CODE}/budget/{line.id}/loeschen"' not in edit, (
        "the edit page links to the question; it has no button that deletes at once"
    )
    question = client.get(f"/massnahmen/{CODE}/budget/{line.id}/loeschen")
    assert question.status_code == 200 and "Budgetposition löschen?" in question.text
    assert session.get(BudgetLine, line.id) is not None, "asking deletes nothing"
    _fragment, page = _post_and_follow(
        client,
        f"/massnahmen/{CODE}/budget/{line.id}/loeschen",
        {"expected_version": str(line.version)},
    )
    assert "wurde gelöscht" in _notice(page)
    session.expire_all()
    assert session.get(BudgetLine, line.id) is None


def test_a_council_result_is_confirmed_and_marked(client: TestClient) -> None:
    sign_in(client, "hauptamt.erbach")
    vorlage = record_decision(client, "erbach", CODE, "vertagt")
    step = vorlage["steps"][0]  # type: ignore[index]
    fragment, page = _post_and_follow(
        client,
        f"/gremien/beratungen/{step['id']}",
        {"result": "zugestimmt", "expected_version": str(step["version"])},
    )
    assert _notice(page) == (
        "Das Ergebnis wurde gespeichert. Der Stand des Portfolios wurde als Baseline festgehalten."
    )
    assert fragment == f"beratung-{step['id']}"
    _marked(fragment, page)
