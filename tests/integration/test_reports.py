"""The Sachstandsbericht read back as PDF (poppler) and DOCX (python-docx): A4 pages with numbers,
a table of contents, the sections, the changes since a baseline, and a budget equal to the API's
to the cent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.portfolio.models import Measure, Milestone, ProjectPlan
from tests.conftest import sign_in
from tests.integration.report_files import (
    api_rows,
    budget_mismatches,
    budget_rows_of_docx,
    budget_rows_of_text,
    read_docx,
    read_pdf,
)
from tests.judge_log import record_judge

SECTIONS = [
    "1. Zusammenfassung nach Handlungsfeldern",
    "2. Maßnahmen mit Status und Ampel",
    "3. Änderungen seit",
    "4. Anstehende und jüngste Beschlüsse",
    "5. ",
    "6. Fristen der Förderung",
]


def _move_a_milestone(client: TestClient, session: Session, days: int) -> str:
    measure = session.exec(select(Measure).where(Measure.code == "HF1-M01")).one()
    plan = session.exec(select(ProjectPlan).where(ProjectPlan.measure_id == measure.id)).one()
    milestone = session.exec(
        select(Milestone)
        .where(Milestone.plan_id == plan.id, col(Milestone.due_on).is_not(None))
        .order_by(col(Milestone.id).desc())
    ).first()
    assert milestone is not None and milestone.due_on is not None
    title = milestone.title
    answer = client.put(
        f"/api/v1/measures/HF1-M01/milestones/{milestone.id}",
        json={
            "title": title,
            "start_on": milestone.start_on.isoformat() if milestone.start_on else None,
            "due_on": (milestone.due_on + timedelta(days=days)).isoformat(),
            "done_on": None,
            "owner": milestone.owner,
            "expected_version": milestone.version,
        },
    )
    assert answer.status_code == 200, answer.text
    return title


@pytest.mark.parametrize("slug", ["oberzent", None], ids=["oberzent", "ikz"])
def test_pdf_report_reads_back_with_its_sections_and_the_api_budget(
    client: TestClient, session: Session, slug: str | None
) -> None:
    sign_in(client, "admin")
    baseline = client.post("/api/v1/baselines", json={"name": "Vor dem Bericht"}).json()["id"]
    moved = _move_a_milestone(client, session, 30)
    query = f"seit={baseline}&stand=2026-12-15" + (f"&kommune={slug}" if slug else "")
    answer = client.get(f"/berichte/sachstand.pdf?{query}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    pdf = read_pdf(answer.content)
    assert "(A4)" in pdf.page_size
    assert 4 <= pdf.pages <= 12, pdf.pages
    text = pdf.text
    assert "Sachstandsbericht" in text and "Stand: 15.12.2026" in text
    assert ("Stadt Oberzent" if slug else "Gesamte IKZ") in text
    assert f"Seite 2 von {pdf.pages}" in text and f"Seite {pdf.pages} von {pdf.pages}" in text
    toc = text.split("Inhalt", 1)[1]
    for section in SECTIONS:
        assert section in toc, section
        entry = re.search(re.escape(section) + r"[^\n]*?\.{3,}\s*(\d+)", toc)
        assert entry and 2 < int(entry.group(1)) <= pdf.pages, section
    changes = pdf.flow.split("3. Änderungen seit")[2]
    assert moved in changes and "30 Tage später" in changes
    found = budget_rows_of_text(text)
    wanted = api_rows(client, slug, [k for k in found if k != "Summe"])
    assert "Summe" in found and len(found) > 3
    assert budget_mismatches(found, wanted) == []
    record_judge("report", kind="pdf", pages=pdf.pages, rows=len(found))


def test_docx_report_reads_back_with_headings_fields_and_the_api_budget(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "hauptamt.erbach")
    baseline = client.post("/api/v1/baselines", json={"name": "Vor dem Bericht"}).json()["id"]
    moved = _move_a_milestone_as_admin(client, session)
    sign_in(client, "hauptamt.erbach")
    answer = client.get(f"/berichte/sachstand.docx?kommune=erbach&seit={baseline}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = read_docx(answer.content)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Inhalt"
    for section, heading in zip(SECTIONS, headings[1:], strict=True):
        assert heading.startswith(section), heading
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert "TOC" in document.element.body.xml
    assert len(document.inline_shapes) == 2, "both charts as images"
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert moved in text and "45 Tage später" in text
    found = budget_rows_of_docx(document)
    wanted = api_rows(client, "erbach", [k for k in found if k != "Summe"])
    assert budget_mismatches(found, wanted) == []


def _move_a_milestone_as_admin(client: TestClient, session: Session) -> str:
    sign_in(client, "admin")
    return _move_a_milestone(client, session, 45)


def test_the_budget_judge_sees_a_cent_off(client: TestClient) -> None:
    """Planted fault: the report's total one cent above the API's is caught."""
    sign_in(client, "leser")
    answer = client.get("/berichte/sachstand.pdf?kommune=michelstadt")
    text = read_pdf(answer.content).text
    found = budget_rows_of_text(text)
    wanted = api_rows(client, "michelstadt", [k for k in found if k != "Summe"])
    assert budget_mismatches(found, wanted) == []
    found["Summe"] = found["Summe"] | {"net": found["Summe"]["net"] + 1}
    assert budget_mismatches(found, wanted) == [
        f"Summe net: report {wanted['Summe']['net'] + 1}, API {wanted['Summe']['net']}"
    ]
    del found["Summe"]
    assert budget_mismatches(found, wanted) == ["Summe: missing in the report"]


@pytest.mark.parametrize(
    "query",
    ["kommune=atlantis", "seit=abc", "seit=99999", "stand=31.02.2026", "stand=%C2%B2"],
)
def test_bad_report_parameters_are_a_german_422(client: TestClient, query: str) -> None:
    sign_in(client, "leser")
    for suffix in ("pdf", "docx"):
        answer = client.get(f"/berichte/sachstand.{suffix}?{query}")
        assert answer.status_code == 422, (suffix, query)
        assert (
            "Bitte" in answer.text or "Unbekannte" in answer.text or "gibt es nicht" in answer.text
        )


def test_reports_need_a_sign_in(client: TestClient) -> None:
    answer = client.get("/berichte/sachstand.pdf", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
