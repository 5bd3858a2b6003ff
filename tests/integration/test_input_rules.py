"""Input that once caused 500s, silent acceptance or a wrong order of checks, one test per rule.

Every refusal is German and changes nothing; numbers are ``[0-9]+``; amounts are bounded; text
holds no control characters and fits its column; permission comes before validation.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.finance.models import BudgetLine, Grant
from app.portfolio.models import Measure, StatusReport
from tests.conftest import sign_in
from tests.integration.hostile import api_routes
from tests.integration.test_permission_matrix import STATE_CHANGING

TWO_TO_THE_63_CENTS = "92.233.720.368.547.758,08"


def _measure(session: Session, code: str = "HF1-M01") -> Measure:
    return session.exec(select(Measure).where(Measure.code == code)).one()


def _audit_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(AuditEvent)).one())


def test_reports_with_unchanged_values_still_need_the_current_version(
    client: TestClient, api_token: Any, session: Session
) -> None:
    """Defect 1: unchanged status, progress and light skipped the version check."""
    headers = {"Authorization": f"Bearer {api_token('admin')}"}
    measure = _measure(session)
    body = {
        "status": measure.status,
        "progress": measure.progress,
        "traffic_light": measure.traffic_light,
        "summary": "Unverändert",
        "expected_version": measure.version,
    }
    answers = [
        client.post(f"/api/v1/measures/{measure.code}/status-reports", json=body, headers=headers)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 409, 409]
    assert answers[0].json()["version"] == body["expected_version"] + 1
    assert answers[1].json()["current_version"] == body["expected_version"] + 1


@pytest.mark.parametrize(
    "url",
    [
        "/haushalt?kommune=erbach&jahr=²",
        "/haushalt/export.xlsx?kommune=erbach&jahr=²",
        "/haushalt/export.csv?kommune=erbach&jahr=١٢",
        "/dashboard?jahr=²",
        "/massnahmen/HF1-M01/statusberichte?seite=²",
        "/api/v1/budget?year=²",
    ],
)
def test_superscript_and_foreign_digits_are_a_german_422(client: TestClient, url: str) -> None:
    """Defect 3: ``"²".isdigit()`` is true, ``int("²")`` fails."""
    sign_in(client, "leser")
    response = client.get(url)
    assert response.status_code == 422
    assert "Bitte" in response.text or "zwischen" in response.text


def test_measures_list_ignores_unusable_numbers_and_says_so(client: TestClient) -> None:
    sign_in(client, "leser")
    response = client.get("/massnahmen?jahr=²&seite=٣")
    assert response.status_code == 200
    assert "Nicht verwendet, weil ungültig: Jahr, Seite" in response.text


@pytest.mark.parametrize(
    ("field", "value"), [("year", "²"), ("planned", "١٢٣"), ("expected_version", "²")]
)
def test_superscript_digits_in_form_fields_are_refused(
    client: TestClient, session: Session, field: str, value: str
) -> None:
    sign_in(client, "admin")
    measure = _measure(session)
    line = session.exec(select(BudgetLine).where(BudgetLine.measure_id == measure.id)).first()
    assert line is not None
    before = _audit_count(session)
    data = {
        "line_id": str(line.id),
        "expected_version": str(line.version),
        "year": str(line.year),
        "category": line.category,
        "kind": line.kind,
        "planned": "100,00",
        field: value,
    }
    response = client.post(f"/massnahmen/{measure.code}/budget", data=data)
    assert response.status_code == 422
    assert 'class="field-error"' in response.text or "kern-alert" in response.text
    assert _audit_count(session) == before


def test_amount_of_two_to_the_63_cents_is_refused_in_german(
    client: TestClient, session: Session
) -> None:
    """Defect 4: 2^63 cents gave a 500; now every amount is at most 1 billion euros."""
    sign_in(client, "admin")
    measure = _measure(session)
    lines = len(session.exec(select(BudgetLine)).all())
    response = client.post(
        f"/massnahmen/{measure.code}/budget",
        data={
            "year": "2027",
            "category": "personal",
            "kind": "konsumtiv",
            "planned": TWO_TO_THE_63_CENTS,
        },
    )
    assert response.status_code == 422
    assert "höchstens 1.000.000.000,00 €" in response.text
    assert len(session.exec(select(BudgetLine)).all()) == lines
    api = client.post(
        f"/api/v1/measures/{measure.code}/budget-lines",
        json={"year": 2027, "category": "personal", "kind": "konsumtiv", "planned_cents": 2**63},
    )
    assert api.status_code == 422 and "planned_cents" in api.json()["errors"]


def test_the_database_refuses_amounts_above_the_bound(session: Session) -> None:
    measure = _measure(session)
    session.add(
        BudgetLine(
            measure_id=int(measure.id or 0),
            year=2030,
            category="personal",
            kind="investiv",
            planned_cents=100_000_000_001,
        )
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.flush()


def test_three_maximal_lines_in_one_year_keep_the_dashboard_working(
    client: TestClient, session: Session
) -> None:
    """Defect 4: three lines of 46 billion billion euros made the dashboard's sum overflow."""
    sign_in(client, "admin")
    measure = _measure(session)
    for category in ("personal", "schulung", "betrieb"):
        response = client.post(
            f"/api/v1/measures/{measure.code}/budget-lines",
            json={
                "year": 2031,
                "category": category,
                "kind": "konsumtiv",
                "planned_cents": 100_000_000_000,
            },
        )
        assert response.status_code == 201
    assert client.get("/dashboard?jahr=2031").status_code == 200
    budget = client.get("/api/v1/budget?year=2031").json()
    assert budget["totals"]["gross_cents"] >= 300_000_000_000


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("POST", "/login", {"data": {"username": "adm\x00in", "password": "x"}}),
        ("GET", "/massnahmen?q=a%00b", {}),
        ("GET", "/massnahmen/HF1%00M01", {}),
        ("GET", "/dashboard?feld=a%00b", {}),
    ],
)
def test_nul_bytes_never_reach_the_database(
    client: TestClient, method: str, url: str, kwargs: dict[str, Any]
) -> None:
    """Defect 5: NUL gave a 500 on PostgreSQL, also without signing in."""
    if url != "/login":
        sign_in(client, "leser")
    else:
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        kwargs["data"]["csrf_token"] = token
    response = client.request(method, url, **kwargs)
    if "q=" in url:  # the list leaves an unusable filter out and says so
        assert (
            response.status_code == 200 and "Nicht verwendet, weil ungültig: Suche" in response.text
        )
        return
    assert 400 <= response.status_code < 500
    if response.status_code == 422:
        assert "Steuerzeichen" in response.text or "unzulässige Zeichen" in response.text


def test_nul_in_a_report_summary_is_refused(client: TestClient, session: Session) -> None:
    sign_in(client, "admin")
    measure = _measure(session)
    reports = len(session.exec(select(StatusReport)).all())
    response = client.post(
        f"/massnahmen/{measure.code}/statusbericht",
        data={
            "status": "in_umsetzung",
            "progress": "10",
            "traffic_light": "gelb",
            "summary": "mit\x00Nullbyte",
            "expected_version": str(measure.version),
        },
    )
    assert response.status_code == 422 and "Steuerzeichen" in response.text
    assert len(session.exec(select(StatusReport)).all()) == reports


@pytest.mark.parametrize(("field", "length"), [("title", 300), ("notice_number", 100)])
def test_grant_texts_longer_than_their_columns_are_refused(
    client: TestClient, session: Session, field: str, length: int
) -> None:
    """Defect 6: a 300-character title or a 100-character notice number gave a 500."""
    sign_in(client, "admin")
    grants = len(session.exec(select(Grant)).all())
    data = {
        "programme_id": str(session.exec(select(Grant.programme_id)).first()),
        "notice_number": "LANG-1",
        "notice_date": "2026-01-05",
        "title": "Lang",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "eligible": "1.000,00",
        "rate": "90,00",
        "maximum": "900,00",
        "applicant": "erbach",
        field: "L" * length,
    }
    response = client.post("/foerderung/zuwendungen", data=data)
    assert response.status_code == 422 and "Höchstens" in response.text
    assert len(session.exec(select(Grant)).all()) == grants


def test_a_taken_code_is_a_german_422_naming_the_field(client: TestClient) -> None:
    """Defect 7 (one request at a time; the race is in test_concurrency)."""
    sign_in(client, "admin")
    response = client.post(
        "/api/v1/measures",
        json={"code": "HF1-M01", "title": "Doppelt", "action_field": "HF1", "lead": "erbach"},
    )
    assert response.status_code == 422
    assert "gibt es bereits" in response.json()["errors"]["code"]


@pytest.mark.parametrize("code", ["A/B", "?X=1", "#FRAG", "%2F", "=1+1", "x"])
def test_measure_codes_have_a_format(client: TestClient, code: str) -> None:
    sign_in(client, "admin")
    response = client.post(
        "/api/v1/measures",
        json={"code": code, "title": "Formatfehler", "action_field": "HF1", "lead": "erbach"},
    )
    assert response.status_code == 422
    assert "Großbuchstaben" in response.json()["errors"]["code"]


def _api_writes() -> list[tuple[str, str]]:
    from app.main import create_app

    return sorted(
        (method, route.path)
        for route in api_routes(create_app())
        if route.path.startswith("/api/") and not route.path.startswith("/api/v1/me/")
        for method in route.methods & STATE_CHANGING
    )


def test_permission_is_checked_before_the_body(client: TestClient, session: Session) -> None:
    """Defect 10: a read-only user got 422 for an invalid body where 403 is promised."""
    sign_in(client, "leser")
    measure = _measure(session)
    answers = {}
    for method, path in _api_writes():
        url = (
            path.replace("{code}", measure.code)
            .replace("{slug}", "erbach")
            .replace("{line_id}", "1")
            .replace("{milestone_id}", "1")
            .replace("{grant_id}", "1")
            .replace("{proof_id}", "1")
            .replace("{user_id}", "1")
            .replace("{assignment_id}", "1")
            .replace("{session_id}", "1")
            .replace("{proposal_id}", "1")
            .replace("{step_id}", "1")
        )
        response = client.request(method, url, json={"kaputt": True, "progress": "viel"})
        answers[f"{method} {path}"] = response.status_code
    assert len(answers) >= 24
    assert set(answers.values()) == {403}, {k: v for k, v in answers.items() if v != 403}


@pytest.mark.parametrize(
    "path",
    [
        "/massnahmen/HF1-M01/bearbeiten",
        "/gremien/vorlagen/neu?kommune=erbach&massnahme=HF1-M01",
        "/gremien/sitzungen/neu",
        "/massnahmen/HF1-M01/budget/neu",
        "/massnahmen/HF1-M01/kostenschluessel",
        "/massnahmen/neu",
        "/foerderung/zuwendungen/neu",
        "/haushalt/zuordnung?kommune=erbach",
        "/admin/benutzer",
    ],
)
def test_forms_one_may_not_submit_are_a_403_already(client: TestClient, path: str) -> None:
    sign_in(client, "leser")
    assert client.get(path).status_code == 403


def test_api_types_are_strict(client: TestClient, session: Session) -> None:
    """Defect 12: ``"progress": true`` was taken for 1."""
    sign_in(client, "admin")
    measure = _measure(session)
    response = client.post(
        f"/api/v1/measures/{measure.code}/status-reports",
        json={
            "status": "in_umsetzung",
            "progress": True,
            "traffic_light": "gelb",
            "summary": "Wahr ist keine Zahl",
            "expected_version": measure.version,
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"]["progress"].startswith("Der Fortschritt")


def test_profile_is_never_stored_by_caches(client: TestClient) -> None:
    sign_in(client, "leser")
    assert client.get("/profil").headers["cache-control"] == "no-store"
    created = client.post("/profil/tokens", data={"name": "Einmal"})
    assert created.status_code == 201 and created.headers["cache-control"] == "no-store"


def test_openapi_declares_ranges_and_every_error(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    budget = spec["paths"]["/api/v1/budget"]["get"]
    year = next(p for p in budget["parameters"] if p["name"] == "year")
    schema = year["schema"]["anyOf"][0] if "anyOf" in year["schema"] else year["schema"]
    assert (schema["minimum"], schema["maximum"]) == (2000, 2100)
    assert {"401", "422"} <= set(budget["responses"])
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "delete"):
                assert {"401", "403", "422"} <= set(operation["responses"]) or path.startswith(
                    "/api/v1/me"
                ), f"{method} {path}: {sorted(operation['responses'])}"
