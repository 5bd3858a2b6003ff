"""Every HTML edit has a JSON twin under /api/v1; each twin answers its success (201/200/204),
403 for a read-only user, 409 for a stale version (where the record has one) and a German 422
for bad input, and appears in the OpenAPI document with those answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from app.accounts.models import RoleAssignment, User
from app.finance.models import BudgetLine, Commitment, CommitmentPayment, Grant, ProofOfUse
from app.municipalities.models import Municipality
from app.portfolio.models import Measure, Milestone, ProjectPlan
from app.risks.models import Risk
from tests.conftest import sign_in
from tests.integration.hostile import api_routes
from tests.integration.indicator_targets import indicator_json, make_indicator
from tests.integration.test_permission_matrix import STATE_CHANGING, _council_targets


@dataclass
class Targets:
    measure: Measure
    milestone: Milestone
    line: BudgetLine
    grant: Grant
    proof: ProofOfUse
    user: User
    assignment: RoleAssignment
    plan_version: int
    commitment: Commitment
    council: dict[str, Any]
    risk: Risk | None = None


def _targets(session: Session) -> Targets:
    measure = session.exec(select(Measure).where(Measure.code == "HF1-M01")).one()
    plan = session.exec(select(ProjectPlan).where(ProjectPlan.measure_id == measure.id)).one()
    milestone = Milestone(plan_id=int(plan.id or 0), title="Zwilling")
    session.add(milestone)
    line = session.exec(select(BudgetLine).where(BudgetLine.measure_id == measure.id)).first()
    grant = session.exec(select(Grant).order_by(col(Grant.id))).first()
    assert line is not None and grant is not None
    from datetime import date

    proof = ProofOfUse(grant_id=int(grant.id or 0), due_on=date(2027, 6, 30))
    user = User(username="zwilling.ziel", display_name="Ziel", password_hash="x")
    session.add_all([proof, user])
    session.flush()
    erbach = session.exec(select(Municipality).where(Municipality.slug == "erbach")).one()
    assignment = RoleAssignment(user_id=int(user.id or 0), role="leser", municipality_id=erbach.id)
    session.add(assignment)
    commitment = Commitment(
        measure_id=int(measure.id or 0), year=2026, category="software", amount_cents=100
    )
    session.add(commitment)
    session.flush()
    session.add(
        CommitmentPayment(commitment_id=int(commitment.id or 0), year=2027, amount_cents=100)
    )
    council = _council_targets(session, int(erbach.id or 0))
    risk = Risk(
        measure_id=int(measure.id or 0),
        municipality_id=measure.lead_municipality_id,
        title="Zwilling",
        probability=3,
        impact=3,
    )
    session.add(risk)
    session.commit()
    return Targets(
        measure,
        milestone,
        line,
        grant,
        proof,
        user,
        assignment,
        plan.version,
        commitment,
        council,
        risk,
    )


Body = dict[str, Any] | None


@dataclass(frozen=True)
class Twin:
    method: str
    path: str
    success: int
    url: Callable[[Targets], str]
    valid: Callable[[Targets], Body]
    invalid: Callable[[Targets], Body]
    stale: Callable[[Targets], tuple[str, Body]] | None = None


def _report(t: Targets, **changes: Any) -> dict[str, Any]:
    return {
        "status": "in_umsetzung",
        "progress": 30,
        "traffic_light": "gelb",
        "summary": "Zwilling",
        "expected_version": t.measure.version,
    } | changes


def _line(t: Targets, **changes: Any) -> dict[str, Any]:
    return {
        "year": t.line.year,
        "category": t.line.category,
        "kind": t.line.kind,
        "planned_cents": t.line.planned_cents,
        "approved_cents": t.line.approved_cents,
        "actual_cents": t.line.actual_cents,
        "note": t.line.note,
        "expected_version": t.line.version,
    } | changes


def _measure(t: Targets, **changes: Any) -> dict[str, Any]:
    """A whole measure as PUT replaces it (every field named)."""
    m = t.measure
    return {
        "title": m.title,
        "goal": m.goal,
        "expected_effect": m.expected_effect,
        "priority": m.priority,
        "responsible": m.responsible,
        "planned_start": m.planned_start.isoformat() if m.planned_start else None,
        "planned_end": m.planned_end.isoformat() if m.planned_end else None,
        "expected_version": m.version,
    } | changes


def _milestone(t: Targets, **changes: Any) -> dict[str, Any]:
    ms = t.milestone
    return {
        "title": ms.title,
        "start_on": ms.start_on.isoformat() if ms.start_on else None,
        "due_on": ms.due_on.isoformat() if ms.due_on else None,
        "done_on": ms.done_on.isoformat() if ms.done_on else None,
        "owner": ms.owner,
        "expected_version": ms.version,
    } | changes


def _grant(t: Targets, **changes: Any) -> dict[str, Any]:
    return {
        "programme_id": t.grant.programme_id,
        "notice_number": t.grant.notice_number,
        "notice_date": t.grant.notice_date.isoformat(),
        "title": t.grant.title,
        "period_start": t.grant.period_start.isoformat(),
        "period_end": t.grant.period_end.isoformat(),
        "eligible_cents": t.grant.eligible_cents,
        "rate_bp": t.grant.rate_bp,
        "max_cents": t.grant.max_cents,
        "applicant": "oberzent",
        "measure_codes": [],
        "expected_version": t.grant.version,
    } | changes


def _new_grant(t: Targets, **changes: Any) -> dict[str, Any]:
    body = _grant(t, **changes)
    del body["expected_version"]
    return body


def _m(t: Targets) -> str:
    return f"/api/v1/measures/{t.measure.code}"


TWINS = [
    Twin(
        "POST",
        "/api/v1/measures/{code}/status-reports",
        201,
        lambda t: f"{_m(t)}/status-reports",
        _report,
        lambda t: _report(t, progress=101),
        lambda t: (f"{_m(t)}/status-reports", _report(t, expected_version=t.measure.version - 1)),
    ),
    Twin(
        "POST",
        "/api/v1/measures",
        201,
        lambda t: "/api/v1/measures",
        lambda t: {"code": "HF9-Z01", "title": "Zwilling", "action_field": "HF1", "lead": "erbach"},
        lambda t: {"code": "zu/kurz", "title": "", "action_field": "HF1", "lead": "erbach"},
    ),
    Twin(
        "PUT",
        "/api/v1/measures/{code}",
        200,
        _m,
        lambda t: _measure(t, title="Neu"),
        lambda t: _measure(t, planned_start="2026-05-01", planned_end="2026-01-01"),
        lambda t: (_m(t), _measure(t, title="Alt", expected_version=t.measure.version - 1)),
    ),
    Twin(
        "PUT",
        "/api/v1/measures/{code}/participants",
        200,
        lambda t: f"{_m(t)}/participants",
        lambda t: {"participants": ["erbach", "oberzent"], "expected_version": t.measure.version},
        lambda t: {"participants": ["Nirgendwo!"], "expected_version": t.measure.version},
        lambda t: (
            f"{_m(t)}/participants",
            {"participants": ["erbach"], "expected_version": t.measure.version - 1},
        ),
    ),
    Twin(
        "POST",
        "/api/v1/measures/{code}/archive",
        200,
        lambda t: f"{_m(t)}/archive",
        lambda t: {"expected_version": t.measure.version},
        lambda t: {"expected_version": "eins"},
        lambda t: (f"{_m(t)}/archive", {"expected_version": t.measure.version - 1}),
    ),
    Twin(
        "POST",
        "/api/v1/measures/{code}/restore",
        200,
        lambda t: f"{_m(t)}/restore",
        lambda t: {"expected_version": t.measure.version},
        lambda t: {"expected_version": -1},
        lambda t: (f"{_m(t)}/restore", {"expected_version": t.measure.version - 1}),
    ),
    Twin(
        "PUT",
        "/api/v1/measures/{code}/plan",
        200,
        lambda t: f"{_m(t)}/plan",
        lambda t: {"summary": "Plan", "expected_version": t.plan_version},
        lambda t: {"summary": "x" * 4001, "expected_version": t.plan_version},
        lambda t: (f"{_m(t)}/plan", {"summary": "Plan", "expected_version": t.plan_version + 5}),
    ),
    Twin(
        "POST",
        "/api/v1/measures/{code}/milestones",
        201,
        lambda t: f"{_m(t)}/milestones",
        lambda t: {"title": "Neu", "due_on": "2026-09-30"},
        lambda t: {"title": "Neu", "due_on": "30.09.2026"},
    ),
    Twin(
        "PUT",
        "/api/v1/measures/{code}/milestones/{milestone_id}",
        200,
        lambda t: f"{_m(t)}/milestones/{t.milestone.id}",
        lambda t: _milestone(t, title="Geändert"),
        lambda t: _milestone(t, title=""),
        lambda t: (
            f"{_m(t)}/milestones/{t.milestone.id}",
            _milestone(t, title="Alt", expected_version=t.milestone.version + 1),
        ),
    ),
    Twin(
        "POST",
        "/api/v1/measures/{code}/milestones/{milestone_id}/archive",
        200,
        lambda t: f"{_m(t)}/milestones/{t.milestone.id}/archive",
        lambda t: {"expected_version": t.milestone.version},
        lambda t: {},
        lambda t: (
            f"{_m(t)}/milestones/{t.milestone.id}/archive",
            {"expected_version": t.milestone.version + 1},
        ),
    ),
    Twin(
        "POST",
        "/api/v1/measures/{code}/budget-lines",
        201,
        lambda t: f"{_m(t)}/budget-lines",
        lambda t: {"year": 2099, "category": "personal", "kind": "konsumtiv", "planned_cents": 1},
        lambda t: {"year": 1999, "category": "personal", "kind": "konsumtiv", "planned_cents": -1},
    ),
    Twin(
        "PUT",
        "/api/v1/measures/{code}/budget-lines/{line_id}",
        200,
        lambda t: f"{_m(t)}/budget-lines/{t.line.id}",
        _line,
        lambda t: _line(t, planned_cents=10**12),
        lambda t: (f"{_m(t)}/budget-lines/{t.line.id}", _line(t, expected_version=99)),
    ),
    Twin(
        "DELETE",
        "/api/v1/measures/{code}/budget-lines/{line_id}",
        204,
        lambda t: f"{_m(t)}/budget-lines/{t.line.id}?expected_version={t.line.version}",
        lambda t: None,
        lambda t: None,
        lambda t: (f"{_m(t)}/budget-lines/{t.line.id}?expected_version=99", None),
    ),
    Twin(
        "PUT",
        "/api/v1/measures/{code}/budget-lines/{line_id}/carryover",
        200,
        lambda t: f"{_m(t)}/budget-lines/{t.line.id}/carryover",
        lambda t: {
            "carryover_cents": None,
            "cover_note": "Deckung aus HF1",
            "expected_version": t.line.version,
        },
        lambda t: {"carryover_cents": -5, "cover_note": "", "expected_version": t.line.version},
        lambda t: (
            f"{_m(t)}/budget-lines/{t.line.id}/carryover",
            {"carryover_cents": None, "cover_note": "", "expected_version": 99},
        ),
    ),
    Twin(
        "POST",
        "/api/v1/measures/{code}/commitments",
        201,
        lambda t: f"{_m(t)}/commitments",
        lambda t: {
            "year": 2027,
            "category": "hardware",
            "amount_cents": 300,
            "payments": [{"year": 2028, "amount_cents": 100}, {"year": 2029, "amount_cents": 200}],
        },
        lambda t: {
            "year": 2027,
            "category": "hardware",
            "amount_cents": 300,
            "payments": [{"year": 2026, "amount_cents": 300}],
        },
    ),
    Twin(
        "DELETE",
        "/api/v1/measures/{code}/commitments/{commitment_id}",
        204,
        lambda t: f"{_m(t)}/commitments/{t.commitment.id}?expected_version={t.commitment.version}",
        lambda t: None,
        lambda t: None,
        lambda t: (f"{_m(t)}/commitments/{t.commitment.id}?expected_version=99", None),
    ),
    Twin(
        "PUT",
        "/api/v1/measures/{code}/cost-key",
        200,
        lambda t: f"{_m(t)}/cost-key",
        lambda t: {"cost_key": "equal", "expected_version": t.measure.version},
        lambda t: {"cost_key": "los", "expected_version": t.measure.version},
        lambda t: (f"{_m(t)}/cost-key", {"cost_key": "equal", "expected_version": 0}),
    ),
    Twin(
        "PUT",
        "/api/v1/municipalities/{slug}/haushalt",
        200,
        lambda t: "/api/v1/municipalities/erbach/haushalt",
        lambda t: {
            "mappings": [
                {"category": "personal", "kind": "investiv", "produkt": "1.1", "sachkonto": "4711"}
            ]
        },
        lambda t: {"mappings": [{"category": "personal", "kind": "investiv", "produkt": "1.1"}]},
        lambda t: (
            "/api/v1/municipalities/erbach/haushalt",
            {
                "mappings": [
                    {
                        "category": "software",
                        "kind": "investiv",
                        "produkt": "1",
                        "sachkonto": "2",
                        "expected_version": 77,
                    }
                ]
            },
        ),
    ),
    Twin(
        "POST",
        "/api/v1/grants",
        201,
        lambda t: "/api/v1/grants",
        lambda t: _new_grant(t, notice_number="ZW-1"),
        lambda t: _new_grant(t, notice_number="ZW-2", rate_bp=12000),
    ),
    Twin(
        "PUT",
        "/api/v1/grants/{grant_id}",
        200,
        lambda t: f"/api/v1/grants/{t.grant.id}",
        _grant,
        lambda t: _grant(t, period_end="2000-01-01"),
        lambda t: (f"/api/v1/grants/{t.grant.id}", _grant(t, expected_version=0)),
    ),
    Twin(
        "POST",
        "/api/v1/grants/{grant_id}/drawdowns",
        201,
        lambda t: f"/api/v1/grants/{t.grant.id}/drawdowns",
        lambda t: {"requested_on": "2026-01-10", "amount_cents": 100},
        lambda t: {"requested_on": "2026-01-10", "amount_cents": 0},
    ),
    Twin(
        "PUT",
        "/api/v1/proofs-of-use/{proof_id}",
        200,
        lambda t: f"/api/v1/proofs-of-use/{t.proof.id}",
        lambda t: {"submitted_on": "2026-04-01", "expected_version": t.proof.version},
        lambda t: {"submitted_on": "1.4.26", "expected_version": t.proof.version},
        lambda t: (
            f"/api/v1/proofs-of-use/{t.proof.id}",
            {"submitted_on": "2026-04-01", "expected_version": 0},
        ),
    ),
    Twin(
        "POST",
        "/api/v1/users",
        201,
        lambda t: "/api/v1/users",
        lambda t: {
            "username": "zwilling.neu",
            "display_name": "Neu",
            "password": "ein-langes-passwort",
        },
        lambda t: {"username": "zwilling neu", "display_name": "Neu", "password": "kurz"},
    ),
    Twin(
        "PUT",
        "/api/v1/users/{user_id}/active",
        200,
        lambda t: f"/api/v1/users/{t.user.id}/active",
        lambda t: {"active": False, "expected_version": t.user.version},
        lambda t: {"active": "nein", "expected_version": t.user.version},
        lambda t: (f"/api/v1/users/{t.user.id}/active", {"active": False, "expected_version": 0}),
    ),
    Twin(
        "POST",
        "/api/v1/users/{user_id}/roles",
        201,
        lambda t: f"/api/v1/users/{t.user.id}/roles",
        lambda t: {"role": "digital", "municipality": "erbach", "expected_version": t.user.version},
        lambda t: {"role": "kaiser", "municipality": "erbach", "expected_version": t.user.version},
        lambda t: (
            f"/api/v1/users/{t.user.id}/roles",
            {"role": "digital", "municipality": "erbach", "expected_version": 0},
        ),
    ),
    Twin(
        "DELETE",
        "/api/v1/users/{user_id}/roles/{assignment_id}",
        200,
        lambda t: (
            f"/api/v1/users/{t.user.id}/roles/{t.assignment.id}?expected_version={t.user.version}"
        ),
        lambda t: None,
        lambda t: None,
        lambda t: (f"/api/v1/users/{t.user.id}/roles/{t.assignment.id}?expected_version=0", None),
    ),
    Twin(
        "PUT",
        "/api/v1/users/{user_id}/password",
        200,
        lambda t: f"/api/v1/users/{t.user.id}/password",
        lambda t: {"password": "ganz-neues-passwort", "expected_version": t.user.version},
        lambda t: {"password": "kurz", "expected_version": t.user.version},
        lambda t: (
            f"/api/v1/users/{t.user.id}/password",
            {"password": "ganz-neues-passwort", "expected_version": 0},
        ),
    ),
]


def _texts(**changes: Any) -> dict[str, Any]:
    return {
        "drucksache": "ZW-1/2026",
        "title": "Zwilling",
        "fachbereich": "",
        "sachbearbeitung": "",
        "begruendung": "",
        "beschlussvorschlag": "Zustimmung",
    } | changes


def _result(t: Targets, **changes: Any) -> dict[str, Any]:
    return {
        "result": "zugestimmt",
        "votes_yes": 7,
        "votes_no": 2,
        "votes_abstain": 1,
        "note": "",
        "expected_version": t.council["step_version"],
    } | changes


def _d(t: Targets) -> str:
    return f"/api/v1/decisions/{t.council['proposal_id']}"


TWINS += [
    Twin(
        "POST",
        "/api/v1/sessions",
        201,
        lambda t: "/api/v1/sessions",
        lambda t: {"body_id": t.council["body_id"], "held_on": "2031-02-03", "place": "Rathaus"},
        lambda t: {"body_id": t.council["body_id"], "held_on": "31.02.2031"},
    ),
    Twin(
        "PUT",
        "/api/v1/sessions/{session_id}",
        200,
        lambda t: f"/api/v1/sessions/{t.council['session_id']}",
        lambda t: {
            "held_on": "2030-03-05",
            "place": "",
            "status": "geplant",
            "expected_version": 1,
        },
        lambda t: {"held_on": "2030-03-05", "place": "", "status": "bald", "expected_version": 1},
        lambda t: (
            f"/api/v1/sessions/{t.council['session_id']}",
            {"held_on": "2030-03-05", "place": "", "status": "geplant", "expected_version": 9},
        ),
    ),
    Twin(
        "POST",
        "/api/v1/decisions",
        201,
        lambda t: "/api/v1/decisions",
        lambda t: _texts(kommune="erbach", subject="projektplan", massnahme=t.measure.code),
        lambda t: _texts(kommune="erbach", subject="haushalt", haushaltsjahr=1999),
    ),
    Twin(
        "PUT",
        "/api/v1/decisions/{proposal_id}",
        200,
        _d,
        lambda t: _texts(expected_version=1),
        lambda t: _texts(title="", expected_version=1),
        lambda t: (_d(t), _texts(expected_version=5)),
    ),
    Twin(
        "POST",
        "/api/v1/decisions/{proposal_id}/steps",
        201,
        lambda t: f"{_d(t)}/steps",
        lambda t: {"session_id": t.council["free_session_id"], "role": "empfehlend"},
        lambda t: {"session_id": t.council["free_session_id"], "role": "mitberatend"},
    ),
    Twin(
        "PUT",
        "/api/v1/decisions/{proposal_id}/steps/{step_id}",
        200,
        lambda t: f"{_d(t)}/steps/{t.council['step_id']}",
        _result,
        lambda t: _result(t, votes_no=-2),
        lambda t: (f"{_d(t)}/steps/{t.council['step_id']}", _result(t, expected_version=0)),
    ),
    Twin(
        "POST",
        "/api/v1/baselines",
        201,
        lambda t: "/api/v1/baselines",
        lambda t: {"name": "Zwilling"},
        lambda t: {"name": ""},
    ),
]


def _risk(t: Targets, **changes: Any) -> dict[str, Any]:
    risk = t.risk
    assert risk is not None
    return {
        "title": risk.title,
        "cause": "",
        "effect": "",
        "probability": risk.probability,
        "impact": risk.impact,
        "residual_probability": None,
        "residual_impact": None,
        "owner": "",
        "municipality": "",
        "mitigation": "",
        "status": "offen",
        "review_on": None,
        "expected_version": risk.version,
    } | changes


def _r(t: Targets) -> str:
    assert t.risk is not None
    return f"{_m(t)}/risks/{t.risk.id}"


def _indicator_url(t: Targets, suffix: str = "") -> str:
    """An indicator of the target measure kept by Erbach (made once per test)."""
    session = object_session(t.measure)
    assert isinstance(session, Session)
    if "indicator_id" not in t.council:
        t.council["indicator_id"] = make_indicator(session, t.measure, "erbach").id
    return f"/api/v1/indicators/{t.council['indicator_id']}{suffix}"


def _value(**changes: Any) -> dict[str, Any]:
    return {"measured_on": "2026-06-01", "value": 4200, "note": "", "expected_version": 1} | changes


TWINS += [
    Twin(
        "POST",
        "/api/v1/measures/{code}/risks",
        201,
        lambda t: f"{_m(t)}/risks",
        lambda t: {"title": "Neu", "probability": 2, "impact": 5},
        lambda t: {"title": "Neu", "probability": 6, "impact": 5},
    ),
    Twin(
        "PUT",
        "/api/v1/measures/{code}/risks/{risk_id}",
        200,
        _r,
        lambda t: _risk(t, residual_probability=1, residual_impact=2),
        lambda t: _risk(t, residual_probability=1),
        lambda t: (_r(t), _risk(t, expected_version=9)),
    ),
    Twin(
        "POST",
        "/api/v1/measures/{code}/risks/{risk_id}/close",
        200,
        lambda t: f"{_r(t)}/close",
        lambda t: {"expected_version": t.risk.version if t.risk else 0},
        lambda t: {"expected_version": "eins"},
        lambda t: (f"{_r(t)}/close", {"expected_version": 9}),
    ),
    Twin(
        "POST",
        "/api/v1/measures/{code}/indicators",
        201,
        lambda t: f"{_m(t)}/indicators",
        lambda t: indicator_json("erbach"),
        lambda t: indicator_json("erbach", target_on="2024-01-01"),
    ),
    Twin(
        "PUT",
        "/api/v1/indicators/{indicator_id}",
        200,
        _indicator_url,
        lambda t: indicator_json("erbach", expected_version=1),
        lambda t: indicator_json("erbach", unit="", expected_version=1),
        lambda t: (_indicator_url(t), indicator_json("erbach", expected_version=7)),
    ),
    Twin(
        "POST",
        "/api/v1/indicators/{indicator_id}/values",
        201,
        lambda t: _indicator_url(t, "/values"),
        lambda t: _value(),
        lambda t: _value(value=-1),
        lambda t: (_indicator_url(t, "/values"), _value(expected_version=0)),
    ),
]
INVALID_BY_QUERY = {
    "/api/v1/measures/{code}/budget-lines/{line_id}",
    "/api/v1/measures/{code}/commitments/{commitment_id}",
    "/api/v1/users/{user_id}/roles/{assignment_id}",
}


def test_every_api_write_has_a_twin_in_this_table() -> None:
    from app.main import create_app

    writes = {
        (method, route.path)
        for route in api_routes(create_app())
        if route.path.startswith("/api/v1/") and not route.path.startswith("/api/v1/me/")
        for method in route.methods & STATE_CHANGING
    }
    assert writes == {(twin.method, twin.path) for twin in TWINS}


def _send(client: TestClient, method: str, url: str, body: Body) -> Any:
    return (
        client.request(method, url, json=body) if body is not None else client.request(method, url)
    )


@pytest.mark.parametrize("twin", TWINS, ids=[f"{t.method} {t.path}" for t in TWINS])
def test_twin_answers_success_403_409_and_422(
    client: TestClient, session: Session, twin: Twin
) -> None:
    targets = _targets(session)
    sign_in(client, "leser")
    assert _send(client, twin.method, twin.url(targets), twin.valid(targets)).status_code == 403
    sign_in(client, "admin")
    if twin.path in INVALID_BY_QUERY:
        bad = client.request(twin.method, twin.url(targets).split("?")[0] + "?expected_version=x")
    else:
        bad = _send(client, twin.method, twin.url(targets), twin.invalid(targets))
    assert bad.status_code == 422, bad.text
    assert bad.json()["errors"], "a 422 names the field"
    if twin.stale is not None:
        url, body = twin.stale(targets)
        stale = _send(client, twin.method, url, body)
        assert stale.status_code == 409, stale.text
        assert "geändert" in stale.json()["detail"]
    ok = _send(client, twin.method, twin.url(targets), twin.valid(targets))
    assert ok.status_code == twin.success, ok.text


def test_the_openapi_document_names_every_answer_of_a_twin(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for twin in TWINS:
        documented = set(spec["paths"][twin.path][twin.method.lower()]["responses"])
        wanted = {str(twin.success), "401", "403", "422"} | ({"409"} if twin.stale else set())
        assert wanted <= documented, f"{twin.method} {twin.path}: {sorted(documented)}"


def test_profile_twins(client: TestClient) -> None:
    sign_in(client, "digital.erbach")
    token = client.post("/api/v1/me/tokens", json={"name": "Skript"})
    assert token.status_code == 201 and token.json()["token"].startswith("ikz_")
    assert client.post("/api/v1/me/tokens", json={"name": "x" * 121}).status_code == 422
    assert client.delete(f"/api/v1/me/tokens/{token.json()['id']}").status_code == 204
    wrong = client.put(
        "/api/v1/me/password",
        json={"current_password": "falsch-geraten", "new_password": "ein-neues-passwort"},
    )
    assert wrong.status_code == 422 and "current_password" in wrong.json()["errors"]
    assert client.get("/api/v1/me").json()["username"] == "digital.erbach"
    assert client.delete("/api/v1/me/sessions").status_code == 204
    assert client.get("/api/v1/me").status_code == 401, "the session that asked has ended too"


def test_a_put_that_leaves_out_a_field_is_refused_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    targets = _targets(session)
    sign_in(client, "admin")
    body = _measure(targets, title="Nur der Titel")
    del body["goal"]
    answer = client.put(_m(targets), json=body)
    assert answer.status_code == 422
    assert "goal" in answer.json()["errors"]
    assert "alle Felder" in answer.json()["errors"]["goal"]
    assert client.get(_m(targets)).json()["title"] == targets.measure.title
    spec = client.get("/openapi.json").json()["components"]["schemas"]["MeasureUpdate"]
    assert set(spec["required"]) == set(spec["properties"]), "the document says PUT needs all"


# --- the signed-in user's own settings (``/api/v1/me/...``): everyone may change their own, so
# there is no 403; each twin answers its success, 401 without sign-in, a German 422 for bad input
# and 409 for a stale version (where the record has one), and names its HTML form.


@dataclass(frozen=True)
class OwnTwin:
    method: str
    path: str
    form: tuple[str, ...]  # the HTML form route(s) doing the same
    success: int
    url: Callable[[TestClient], str]
    valid: Callable[[TestClient], Body] = lambda c: None
    invalid: Callable[[TestClient], tuple[str, Body]] | None = None
    stale: Callable[[TestClient], Body] | None = None


def _settings(client: TestClient, **changes: Any) -> dict[str, Any]:
    current = client.get("/api/v1/me/notifications").json()
    body = {key: current[key] for key in ("email", "reminders_enabled", "digest_enabled")}
    return (
        body
        | {
            "digest_weekday": current["digest_weekday"],
            "expected_version": current["version"],
        }
        | changes
    )


def _feed_id(client: TestClient) -> int:
    created = client.post("/api/v1/me/calendar-feeds", json={"measure": "HF1-M02"})
    assert created.status_code == 201
    return int(created.json()["id"])


def _token_id(client: TestClient) -> int:
    return int(client.post("/api/v1/me/tokens", json={"name": "Zwilling"}).json()["id"])


OWN_TWINS = [
    OwnTwin(
        "PUT",
        "/api/v1/me/notifications",
        ("/profil/benachrichtigungen",),
        200,
        lambda c: "/api/v1/me/notifications",
        lambda c: _settings(c, email="anna.muster@erbach.example", digest_weekday="freitag"),
        lambda c: ("/api/v1/me/notifications", _settings(c, email="anna at erbach")),
        lambda c: _settings(c, expected_version=_settings(c)["expected_version"] - 1),
    ),
    OwnTwin(
        "POST",
        "/api/v1/me/calendar-feeds",
        ("/profil/kalender", "/massnahmen/{code}/kalender"),
        201,
        lambda c: "/api/v1/me/calendar-feeds",
        lambda c: {"measure": None},
        lambda c: ("/api/v1/me/calendar-feeds", {"measure": "HF9-X99"}),
    ),
    OwnTwin(
        "POST",
        "/api/v1/me/calendar-feeds/{feed_id}/renew",
        ("/profil/kalender/{feed_id}/erneuern",),
        201,
        lambda c: f"/api/v1/me/calendar-feeds/{_feed_id(c)}/renew",
        invalid=lambda c: ("/api/v1/me/calendar-feeds/0/renew", None),
    ),
    OwnTwin(
        "DELETE",
        "/api/v1/me/calendar-feeds/{feed_id}",
        ("/profil/kalender/{feed_id}/widerrufen",),
        204,
        lambda c: f"/api/v1/me/calendar-feeds/{_feed_id(c)}",
        invalid=lambda c: ("/api/v1/me/calendar-feeds/x", None),
    ),
    OwnTwin(
        "POST",
        "/api/v1/me/tokens",
        ("/profil/tokens",),
        201,
        lambda c: "/api/v1/me/tokens",
        lambda c: {"name": "Skript"},
        lambda c: ("/api/v1/me/tokens", {"name": "x" * 121}),
    ),
    OwnTwin(
        "DELETE",
        "/api/v1/me/tokens/{token_id}",
        ("/profil/tokens/{token_id}/widerrufen",),
        204,
        lambda c: f"/api/v1/me/tokens/{_token_id(c)}",
        invalid=lambda c: ("/api/v1/me/tokens/-1", None),
    ),
    OwnTwin(
        "PUT",
        "/api/v1/me/password",
        ("/profil/passwort",),
        200,
        lambda c: "/api/v1/me/password",
        lambda c: {"current_password": "demo-passwort", "new_password": "ein-neues-passwort"},
        lambda c: ("/api/v1/me/password", {"current_password": "x", "new_password": "kurz"}),
    ),
    OwnTwin(
        "DELETE",
        "/api/v1/me/sessions",
        ("/profil/abmelden-ueberall",),
        204,
        lambda c: "/api/v1/me/sessions",
    ),
]


def test_every_own_api_write_has_a_twin_in_this_table_and_a_form() -> None:
    from app.main import create_app

    app = create_app()
    writes = {
        (method, route.path)
        for route in api_routes(app)
        if route.path.startswith("/api/v1/me/")
        for method in route.methods & STATE_CHANGING
    }
    assert writes == {(twin.method, twin.path) for twin in OWN_TWINS}
    forms = {
        route.path
        for route in api_routes(app)
        if "POST" in route.methods and not route.path.startswith("/api/")
    }
    for twin in OWN_TWINS:
        assert set(twin.form) <= forms, f"{twin.path}: no HTML form {twin.form}"


@pytest.mark.parametrize("twin", OWN_TWINS, ids=[f"{t.method} {t.path}" for t in OWN_TWINS])
def test_own_twin_answers_success_401_409_and_422(client: TestClient, twin: OwnTwin) -> None:
    anonymous = _send(
        client, twin.method, twin.path.replace("{feed_id}", "1").replace("{token_id}", "1"), None
    )
    assert anonymous.status_code == 401
    sign_in(client, "digital.erbach")
    if twin.invalid is not None:
        url, body = twin.invalid(client)
        bad = _send(client, twin.method, url, body)
        assert bad.status_code == 422, bad.text
        assert bad.json()["errors"], "a 422 names the field"
    if twin.stale is not None:
        stale = _send(client, twin.method, twin.url(client), twin.stale(client))
        assert stale.status_code == 409, stale.text
        assert "geändert" in stale.json()["detail"]
    ok = _send(client, twin.method, twin.url(client), twin.valid(client))
    assert ok.status_code == twin.success, ok.text
