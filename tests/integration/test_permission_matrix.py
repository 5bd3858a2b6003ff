"""Permission matrix: every state-changing route × every role × own and foreign municipality.

The list of routes comes from the application's route table. Each route needs an entry in
``RULES`` (who may call it, and how to build a request that would succeed if allowed); a new route
without an entry fails ``test_every_state_changing_route_has_a_rule``.

Roles act as the Brombachtal user of that role (``digital.brombachtal`` …; ``admin`` and
``leser`` are IKZ-wide). "own" means the target belongs to Brombachtal or to the acting user,
"foreign" means it belongs to a municipality or user they have nothing to do with (Brombachtal
is the one municipality the seed leaves out of some measures).

Expected answers:
* ``allowed``: anything but 401, 403, 404, 405, a redirect to the login page or a server error
  (a 409 or 422 is fine: the permission check passed, the input did not matter);
* ``forbidden``: 403;
* ``anonymous``: the API answers 401; HTML pages redirect (303) to ``/login?next=…``.

To extend: add ``(method, path): Entry(rule, build)`` to ``RULES``. ``build`` gets a
:class:`Ctx` and returns the request (URL plus ``data`` for forms or ``json`` for the API).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts import service as accounts
from app.accounts.models import CalendarFeed, RoleAssignment, User
from app.accounts.passwords import hash_password
from app.accounts.permissions import Principal
from app.finance.models import BudgetLine, Commitment, CommitmentPayment, Grant, ProofOfUse
from app.municipalities.models import Municipality
from app.portfolio.models import Measure, Milestone, Participation, ProjectPlan
from app.risks.models import Risk
from tests.conftest import sign_in
from tests.integration.indicator_targets import indicator_form, indicator_json, make_indicator

Expected = Literal["allowed", "forbidden", "anonymous"]
ROLES = ("admin", "digital", "hauptamt", "finanzen", "leser", "anonymous")
SCOPES = ("own", "foreign")
OWN_SLUG = "brombachtal"  # the one municipality the seed leaves out of some measures
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


# --- rules ------------------------------------------------------------------------------------


def public(role: str, scope: str) -> Expected:
    return "allowed"


def signed_in(role: str, scope: str) -> Expected:
    return "anonymous" if role == "anonymous" else "allowed"


def admin_only(role: str, scope: str) -> Expected:
    if role == "anonymous":
        return "anonymous"
    return "allowed" if role == "admin" else "forbidden"


def owner_or_admin(role: str, scope: str) -> Expected:
    if role == "anonymous":
        return "anonymous"
    if role == "admin" or scope == "own":
        return "allowed"
    return "forbidden"


def owner_only(role: str, scope: str) -> Expected:
    """Only the owner (renewing a calendar address makes a new secret for its owner)."""
    if role == "anonymous":
        return "anonymous"
    return "allowed" if scope == "own" else "forbidden"


def municipal(role_name: str) -> Callable[[str, str], Expected]:
    """Allowed for ``role_name`` of the municipality concerned (and for admin)."""

    def rule(role: str, scope: str) -> Expected:
        if role == "anonymous":
            return "anonymous"
        if role == "admin" or (role == role_name and scope == "own"):
            return "allowed"
        return "forbidden"

    rule.__name__ = f"{role_name}_of_municipality"
    return rule


def baseline_takers(role: str, scope: str) -> Expected:
    """A Hauptamtsleitung of any municipality, or the IKZ-Koordination (baselines are IKZ-wide)."""
    if role == "anonymous":
        return "anonymous"
    return "allowed" if role in ("admin", "hauptamt") else "forbidden"


def budget_line(role: str, scope: str) -> Expected:
    """Finanzen of an involved municipality change a line; its officers record the actual."""
    if role == "anonymous":
        return "anonymous"
    if role == "admin" or (role in ("finanzen", "digital") and scope == "own"):
        return "allowed"
    return "forbidden"


def risk_editors(role: str, scope: str) -> Expected:
    """A measure's risks: the officers and the Hauptamtsleitung of an involved municipality."""
    if role == "anonymous":
        return "anonymous"
    if role == "admin" or (role in ("digital", "hauptamt") and scope == "own"):
        return "allowed"
    return "forbidden"


# --- request context --------------------------------------------------------------------------


@dataclass
class Ctx:
    """Targets for one case; ``own`` ones belong to the own municipality or the acting user."""

    session: Session
    role: str
    scope: str
    username: str | None
    measure: Measure
    target_user_id: int
    target_assignment_id: int
    token_id: int
    grant_id: int
    milestone_id: int
    line: BudgetLine
    other_slug: str
    programme_id: int
    proof_id: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        """The municipality concerned: the own one, or one the actor has no role in."""
        return OWN_SLUG if self.own else self.other_slug

    @property
    def own(self) -> bool:
        return self.scope == "own"


@dataclass(frozen=True)
class Req:
    url: str
    data: dict[str, Any] | None = None
    json: dict[str, Any] | None = None


@dataclass(frozen=True)
class Entry:
    rule: Callable[[str, str], Expected]
    build: Callable[[Ctx], Req]


def _euro(cents: int | None) -> str:
    return "" if cents is None else f"{cents // 100},{cents % 100:02d}"


def _budget_line_form(ctx: Ctx) -> dict[str, Any]:
    """The existing line with only the actual amount changed (what an officer may do)."""
    line = ctx.line
    return {
        "line_id": str(line.id),
        "expected_version": str(line.version),
        "year": str(line.year),
        "category": line.category,
        "kind": line.kind,
        "planned": _euro(line.planned_cents),
        "approved": _euro(line.approved_cents),
        "actual": "12,34",
        "note": line.note,
    }


def _measure_update(ctx: Ctx) -> dict[str, Any]:
    return {"title": "Neuer Titel", "expected_version": ctx.measure.version}


def _milestone(ctx: Ctx) -> dict[str, Any]:
    return {"title": "Matrix", "due_on": "2026-10-01"}


def _line_json(ctx: Ctx, **changes: Any) -> dict[str, Any]:
    line = ctx.line
    return {
        "year": line.year,
        "category": line.category,
        "kind": line.kind,
        "planned_cents": line.planned_cents,
        "approved_cents": line.approved_cents,
        "actual_cents": 1234,
        "note": line.note,
    } | changes


def _grant_json(ctx: Ctx) -> dict[str, Any]:
    return {
        "programme_id": ctx.programme_id,
        "notice_number": f"MATRIX-{ctx.role}-{ctx.scope}",
        "notice_date": "2026-02-01",
        "title": "Matrix-Zuwendung",
        "period_start": "2026-01-01",
        "period_end": "2027-12-31",
        "eligible_cents": 1_000_000,
        "rate_bp": 9000,
        "max_cents": 900_000,
        "applicant": OWN_SLUG,
        "measure_codes": [],
    }


def _risk(ctx: Ctx, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Matrix-Risiko",
        "cause": "",
        "effect": "",
        "probability": 3,
        "impact": 4,
        "residual_probability": None,
        "residual_impact": None,
        "owner": "",
        "municipality": "",
        "mitigation": "",
        "status": "offen",
        "review_on": None,
    } | changes


def _status_report(ctx: Ctx) -> dict[str, Any]:
    return {
        "status": "in_umsetzung",
        "progress": 40,
        "traffic_light": "gelb",
        "summary": "Stand laut Matrixtest",
        "next_steps": "",
        "expected_version": ctx.measure.version,
    }


def _session_form(ctx: Ctx) -> dict[str, Any]:
    return {"held_on": "2031-05-04", "place": "Rathaus", "status": "geplant"}


def _proposal_texts(ctx: Ctx) -> dict[str, Any]:
    return {
        "drucksache": f"M-{ctx.role}-{ctx.scope}",
        "title": "Matrix-Vorlage",
        "fachbereich": "",
        "sachbearbeitung": "",
        "begruendung": "",
        "beschlussvorschlag": "",
    }


def _step_result(ctx: Ctx) -> dict[str, Any]:
    return {
        "result": "zugestimmt",
        "votes_yes": 3,
        "votes_no": 0,
        "votes_abstain": 1,
        "note": "",
        "expected_version": ctx.extra["step_version"],
    }


def _form(data: dict[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in data.items()}


RULES: dict[tuple[str, str], Entry] = {
    # accounts
    ("POST", "/login"): Entry(
        public,
        lambda ctx: Req(
            "/login",
            data={"username": ctx.username or "leser", "password": "demo-passwort"},
        ),
    ),
    ("POST", "/logout"): Entry(public, lambda ctx: Req("/logout", data={})),
    ("POST", "/profil/tokens"): Entry(
        signed_in, lambda ctx: Req("/profil/tokens", data={"name": "Matrix"})
    ),
    ("POST", "/profil/passwort"): Entry(
        signed_in,
        lambda ctx: Req(
            "/profil/passwort",
            data={"current_password": "falsch-geraten", "new_password": "ein-neues-passwort"},
        ),
    ),
    ("POST", "/profil/abmelden-ueberall"): Entry(
        signed_in, lambda ctx: Req("/profil/abmelden-ueberall", data={})
    ),
    ("POST", "/profil/tokens/{token_id}/widerrufen"): Entry(
        owner_or_admin, lambda ctx: Req(f"/profil/tokens/{ctx.token_id}/widerrufen", data={})
    ),
    ("POST", "/admin/benutzer"): Entry(
        admin_only,
        lambda ctx: Req(
            "/admin/benutzer",
            data={
                "username": "matrix.neu",
                "display_name": "Matrix Neu",
                "password": "ein-langes-passwort",
                "role": "leser",
                "municipality": OWN_SLUG,
            },
        ),
    ),
    ("POST", "/admin/benutzer/{user_id}/aktiv"): Entry(
        admin_only,
        lambda ctx: Req(f"/admin/benutzer/{ctx.target_user_id}/aktiv", data={"active": "0"}),
    ),
    ("POST", "/admin/benutzer/{user_id}/rollen"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/admin/benutzer/{ctx.target_user_id}/rollen",
            data={"role": "hauptamt", "municipality": OWN_SLUG},
        ),
    ),
    ("POST", "/admin/benutzer/{user_id}/rollen/{assignment_id}/entfernen"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/admin/benutzer/{ctx.target_user_id}/rollen/{ctx.target_assignment_id}/entfernen",
            data={},
        ),
    ),
    ("POST", "/admin/benutzer/{user_id}/passwort"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/admin/benutzer/{ctx.target_user_id}/passwort",
            data={"password": "noch-ein-passwort"},
        ),
    ),
    ("POST", "/profil/benachrichtigungen"): Entry(
        signed_in,
        lambda ctx: Req(
            "/profil/benachrichtigungen",
            data={
                "email": "matrix@erbach.example",
                "reminders_enabled": "1",
                "digest_weekday": "freitag",
                "expected_version": "1",
            },
        ),
    ),
    ("POST", "/profil/kalender"): Entry(signed_in, lambda ctx: Req("/profil/kalender", data={})),
    ("POST", "/profil/kalender/{feed_id}/erneuern"): Entry(
        owner_only,
        lambda ctx: Req(f"/profil/kalender/{ctx.extra['feed_id']}/erneuern", data={}),
    ),
    ("POST", "/profil/kalender/{feed_id}/widerrufen"): Entry(
        owner_or_admin,
        lambda ctx: Req(f"/profil/kalender/{ctx.extra['feed_id']}/widerrufen", data={}),
    ),
    ("POST", "/massnahmen/{code}/kalender"): Entry(
        signed_in, lambda ctx: Req(f"/massnahmen/{ctx.measure.code}/kalender", data={})
    ),
    ("PUT", "/api/v1/me/notifications"): Entry(
        signed_in,
        lambda ctx: Req(
            "/api/v1/me/notifications",
            json={
                "email": "matrix@erbach.example",
                "reminders_enabled": True,
                "digest_enabled": False,
                "digest_weekday": "freitag",
                "expected_version": 1,
            },
        ),
    ),
    ("POST", "/api/v1/me/calendar-feeds"): Entry(
        signed_in,
        lambda ctx: Req("/api/v1/me/calendar-feeds", json={"measure": ctx.measure.code}),
    ),
    ("POST", "/api/v1/me/calendar-feeds/{feed_id}/renew"): Entry(
        owner_only,
        lambda ctx: Req(f"/api/v1/me/calendar-feeds/{ctx.extra['feed_id']}/renew"),
    ),
    ("DELETE", "/api/v1/me/calendar-feeds/{feed_id}"): Entry(
        owner_or_admin,
        lambda ctx: Req(f"/api/v1/me/calendar-feeds/{ctx.extra['feed_id']}"),
    ),
    # portfolio
    ("POST", "/massnahmen/{code}/statusbericht"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/statusbericht",
            data={k: str(v) for k, v in _status_report(ctx).items()},
        ),
    ),
    ("POST", "/api/v1/measures/{code}/status-reports"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/status-reports", json=_status_report(ctx)
        ),
    ),
    ("POST", "/massnahmen/neu"): Entry(
        admin_only, lambda ctx: Req("/massnahmen/neu", data={"code": "HF9-M99", "title": "Neu"})
    ),
    ("POST", "/massnahmen/{code}/bearbeiten"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/bearbeiten",
            data={"expected_version": str(ctx.measure.version), "title": "Neuer Titel"},
        ),
    ),
    ("POST", "/massnahmen/{code}/archivieren"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/archivieren",
            data={"expected_version": str(ctx.measure.version)},
        ),
    ),
    ("POST", "/massnahmen/{code}/wiederherstellen"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/wiederherstellen",
            data={"expected_version": str(ctx.measure.version)},
        ),
    ),
    ("POST", "/massnahmen/{code}/beteiligte"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/beteiligte",
            data={"participants": OWN_SLUG, "expected_version": str(ctx.measure.version)},
        ),
    ),
    ("PUT", "/api/v1/measures/{code}/participants"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/participants",
            json={"participants": [OWN_SLUG], "expected_version": ctx.measure.version},
        ),
    ),
    ("POST", "/massnahmen/{code}/projektplan"): Entry(
        municipal("digital"),
        lambda ctx: Req(f"/massnahmen/{ctx.measure.code}/projektplan", data={"summary": "Plan"}),
    ),
    ("POST", "/massnahmen/{code}/meilensteine"): Entry(
        municipal("digital"),
        lambda ctx: Req(f"/massnahmen/{ctx.measure.code}/meilensteine", data={"title": "M"}),
    ),
    ("POST", "/massnahmen/{code}/meilensteine/{milestone_id}"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/meilensteine/{ctx.milestone_id}",
            data={"title": "Geändert"},
        ),
    ),
    ("POST", "/massnahmen/{code}/meilensteine/{milestone_id}/archivieren"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/meilensteine/{ctx.milestone_id}/archivieren",
            data={},
        ),
    ),
    # risk register
    ("POST", "/massnahmen/{code}/risiken"): Entry(
        risk_editors,
        lambda ctx: Req(f"/massnahmen/{ctx.measure.code}/risiken", data=_form(_risk(ctx))),
    ),
    ("POST", "/massnahmen/{code}/risiken/{risk_id}"): Entry(
        risk_editors,
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/risiken/{ctx.extra['risk_id']}",
            data=_form(_risk(ctx, expected_version=1)),
        ),
    ),
    ("POST", "/massnahmen/{code}/risiken/{risk_id}/schliessen"): Entry(
        risk_editors,
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/risiken/{ctx.extra['risk_id']}/schliessen",
            data={"expected_version": "1"},
        ),
    ),
    # council cycle
    ("POST", "/gremien/sitzungen/neu"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            "/gremien/sitzungen/neu",
            data=_form(_session_form(ctx) | {"body_id": ctx.extra["body_id"]}),
        ),
    ),
    ("POST", "/gremien/sitzungen/{session_id}"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            f"/gremien/sitzungen/{ctx.extra['session_id']}",
            data=_form(_session_form(ctx) | {"expected_version": 1}),
        ),
    ),
    ("POST", "/gremien/vorlagen/neu"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            "/gremien/vorlagen/neu",
            data=_form(_proposal_texts(ctx) | {"kommune": ctx.slug, "subject": "strategie"}),
        ),
    ),
    ("POST", "/gremien/vorlagen/{proposal_id}/bearbeiten"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            f"/gremien/vorlagen/{ctx.extra['proposal_id']}/bearbeiten",
            data=_form(_proposal_texts(ctx) | {"expected_version": 1}),
        ),
    ),
    ("POST", "/gremien/vorlagen/{proposal_id}/beratungen"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            f"/gremien/vorlagen/{ctx.extra['proposal_id']}/beratungen",
            data={"session_id": str(ctx.extra["free_session_id"]), "role": "empfehlend"},
        ),
    ),
    ("POST", "/gremien/beratungen/{deliberation_id}"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            f"/gremien/beratungen/{ctx.extra['step_id']}", data=_form(_step_result(ctx))
        ),
    ),
    ("POST", "/berichte/baselines"): Entry(
        baseline_takers, lambda ctx: Req("/berichte/baselines", data={"name": "Matrix"})
    ),
    ("POST", "/api/v1/sessions"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            "/api/v1/sessions", json=_session_form(ctx) | {"body_id": ctx.extra["body_id"]}
        ),
    ),
    ("PUT", "/api/v1/sessions/{session_id}"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            f"/api/v1/sessions/{ctx.extra['session_id']}",
            json=_session_form(ctx) | {"expected_version": 1},
        ),
    ),
    ("POST", "/api/v1/decisions"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            "/api/v1/decisions",
            json=_proposal_texts(ctx) | {"kommune": ctx.slug, "subject": "strategie"},
        ),
    ),
    ("PUT", "/api/v1/decisions/{proposal_id}"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            f"/api/v1/decisions/{ctx.extra['proposal_id']}",
            json=_proposal_texts(ctx) | {"expected_version": 1},
        ),
    ),
    ("POST", "/api/v1/decisions/{proposal_id}/steps"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            f"/api/v1/decisions/{ctx.extra['proposal_id']}/steps",
            json={"session_id": ctx.extra["free_session_id"], "role": "empfehlend"},
        ),
    ),
    ("PUT", "/api/v1/decisions/{proposal_id}/steps/{step_id}"): Entry(
        municipal("hauptamt"),
        lambda ctx: Req(
            f"/api/v1/decisions/{ctx.extra['proposal_id']}/steps/{ctx.extra['step_id']}",
            json=_step_result(ctx),
        ),
    ),
    ("POST", "/api/v1/baselines"): Entry(
        baseline_takers, lambda ctx: Req("/api/v1/baselines", json={"name": "Matrix"})
    ),
    # finance
    ("POST", "/massnahmen/{code}/budget"): Entry(
        budget_line,
        lambda ctx: Req(f"/massnahmen/{ctx.measure.code}/budget", data=_budget_line_form(ctx)),
    ),
    ("POST", "/massnahmen/{code}/budget/{line_id}/loeschen"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/budget/{ctx.line.id}/loeschen",
            data={"expected_version": str(ctx.line.version)},
        ),
    ),
    ("POST", "/massnahmen/{code}/budget/{line_id}/uebertragung"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/budget/{ctx.line.id}/uebertragung",
            data={"carryover": "", "cover_note": "", "expected_version": str(ctx.line.version)},
        ),
    ),
    ("POST", "/massnahmen/{code}/ve"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/ve",
            data={
                "year": "2027",
                "category": "hardware",
                "amount": "10,00",
                "payment_year_1": "2028",
                "payment_amount_1": "10,00",
            },
        ),
    ),
    ("POST", "/massnahmen/{code}/ve/{commitment_id}/loeschen"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/ve/{ctx.extra['commitment_id']}/loeschen",
            data={"expected_version": "1"},
        ),
    ),
    ("PUT", "/api/v1/measures/{code}/budget-lines/{line_id}/carryover"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/budget-lines/{ctx.line.id}/carryover",
            json={"carryover_cents": None, "cover_note": "", "expected_version": ctx.line.version},
        ),
    ),
    ("POST", "/api/v1/measures/{code}/commitments"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/commitments",
            json={
                "year": 2027,
                "category": "hardware",
                "amount_cents": 1000,
                "payments": [{"year": 2028, "amount_cents": 1000}],
            },
        ),
    ),
    ("DELETE", "/api/v1/measures/{code}/commitments/{commitment_id}"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/commitments/{ctx.extra['commitment_id']}"
            "?expected_version=1"
        ),
    ),
    ("POST", "/massnahmen/{code}/kostenschluessel"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/kostenschluessel", data={"cost_key": "equal"}
        ),
    ),
    ("POST", "/haushalt/zuordnung"): Entry(
        municipal("finanzen"), lambda ctx: Req(f"/haushalt/zuordnung?kommune={ctx.slug}", data={})
    ),
    ("POST", "/foerderung/zuwendungen"): Entry(
        admin_only,
        lambda ctx: Req("/foerderung/zuwendungen", data={"programme_id": str(ctx.programme_id)}),
    ),
    ("POST", "/foerderung/nachweise/{proof_id}"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/foerderung/nachweise/{ctx.proof_id}",
            data={"submitted_on": "2026-03-01", "expected_version": "1"},
        ),
    ),
    ("POST", "/foerderung/{grant_id}/abrufe"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/foerderung/{ctx.grant_id}/abrufe",
            data={"requested_on": "2026-01-15", "amount": "1.000,00", "received_on": ""},
        ),
    ),
    # JSON twins of the HTML edits
    ("PUT", "/api/v1/me/password"): Entry(
        signed_in,
        lambda ctx: Req(
            "/api/v1/me/password",
            json={"current_password": "falsch-geraten", "new_password": "ein-neues-passwort"},
        ),
    ),
    ("DELETE", "/api/v1/me/sessions"): Entry(signed_in, lambda ctx: Req("/api/v1/me/sessions")),
    ("POST", "/api/v1/me/tokens"): Entry(
        signed_in, lambda ctx: Req("/api/v1/me/tokens", json={"name": "Matrix"})
    ),
    ("DELETE", "/api/v1/me/tokens/{token_id}"): Entry(
        owner_or_admin, lambda ctx: Req(f"/api/v1/me/tokens/{ctx.token_id}")
    ),
    ("POST", "/api/v1/users"): Entry(
        admin_only,
        lambda ctx: Req(
            "/api/v1/users",
            json={
                "username": "matrix.api",
                "display_name": "Matrix API",
                "password": "ein-langes-passwort",
                "role": "leser",
                "municipality": OWN_SLUG,
            },
        ),
    ),
    ("PUT", "/api/v1/users/{user_id}/active"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/users/{ctx.target_user_id}/active",
            json={"active": False, "expected_version": 1},
        ),
    ),
    ("POST", "/api/v1/users/{user_id}/roles"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/users/{ctx.target_user_id}/roles",
            json={"role": "hauptamt", "municipality": OWN_SLUG, "expected_version": 1},
        ),
    ),
    ("DELETE", "/api/v1/users/{user_id}/roles/{assignment_id}"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/users/{ctx.target_user_id}/roles/{ctx.target_assignment_id}"
            "?expected_version=1"
        ),
    ),
    ("PUT", "/api/v1/users/{user_id}/password"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/users/{ctx.target_user_id}/password",
            json={"password": "noch-ein-passwort", "expected_version": 1},
        ),
    ),
    ("POST", "/api/v1/measures"): Entry(
        admin_only,
        lambda ctx: Req(
            "/api/v1/measures",
            json={"code": "HF9-M98", "title": "Neu", "action_field": "HF1", "lead": OWN_SLUG},
        ),
    ),
    ("PUT", "/api/v1/measures/{code}"): Entry(
        municipal("digital"),
        lambda ctx: Req(f"/api/v1/measures/{ctx.measure.code}", json=_measure_update(ctx)),
    ),
    ("POST", "/api/v1/measures/{code}/archive"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/archive",
            json={"expected_version": ctx.measure.version},
        ),
    ),
    ("POST", "/api/v1/measures/{code}/restore"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/restore",
            json={"expected_version": ctx.measure.version},
        ),
    ),
    ("PUT", "/api/v1/measures/{code}/plan"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/plan",
            json={"summary": "Plan", "expected_version": 1},
        ),
    ),
    ("POST", "/api/v1/measures/{code}/risks"): Entry(
        risk_editors,
        lambda ctx: Req(f"/api/v1/measures/{ctx.measure.code}/risks", json=_risk(ctx)),
    ),
    ("PUT", "/api/v1/measures/{code}/risks/{risk_id}"): Entry(
        risk_editors,
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/risks/{ctx.extra['risk_id']}",
            json=_risk(ctx, expected_version=1),
        ),
    ),
    ("POST", "/api/v1/measures/{code}/risks/{risk_id}/close"): Entry(
        risk_editors,
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/risks/{ctx.extra['risk_id']}/close",
            json={"expected_version": 1},
        ),
    ),
    ("POST", "/api/v1/measures/{code}/milestones"): Entry(
        municipal("digital"),
        lambda ctx: Req(f"/api/v1/measures/{ctx.measure.code}/milestones", json=_milestone(ctx)),
    ),
    ("PUT", "/api/v1/measures/{code}/milestones/{milestone_id}"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/milestones/{ctx.milestone_id}",
            json=_milestone(ctx) | {"expected_version": 1},
        ),
    ),
    ("POST", "/api/v1/measures/{code}/milestones/{milestone_id}/archive"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/milestones/{ctx.milestone_id}/archive",
            json={"expected_version": 1},
        ),
    ),
    ("POST", "/api/v1/measures/{code}/budget-lines"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/budget-lines",
            json=_line_json(ctx, year=2099, category="personal"),
        ),
    ),
    ("PUT", "/api/v1/measures/{code}/budget-lines/{line_id}"): Entry(
        budget_line,
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/budget-lines/{ctx.line.id}",
            json=_line_json(ctx, expected_version=ctx.line.version),
        ),
    ),
    ("DELETE", "/api/v1/measures/{code}/budget-lines/{line_id}"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/budget-lines/{ctx.line.id}"
            f"?expected_version={ctx.line.version}"
        ),
    ),
    ("PUT", "/api/v1/measures/{code}/cost-key"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/cost-key",
            json={"cost_key": "equal", "expected_version": ctx.measure.version},
        ),
    ),
    ("PUT", "/api/v1/municipalities/{slug}/haushalt"): Entry(
        municipal("finanzen"),
        lambda ctx: Req(f"/api/v1/municipalities/{ctx.slug}/haushalt", json={}),
    ),
    ("POST", "/api/v1/grants"): Entry(
        admin_only, lambda ctx: Req("/api/v1/grants", json=_grant_json(ctx))
    ),
    ("PUT", "/api/v1/grants/{grant_id}"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/grants/{ctx.grant_id}", json=_grant_json(ctx) | {"expected_version": 1}
        ),
    ),
    ("POST", "/api/v1/grants/{grant_id}/drawdowns"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/grants/{ctx.grant_id}/drawdowns",
            json={"requested_on": "2026-01-15", "amount_cents": 100_000},
        ),
    ),
    ("PUT", "/api/v1/proofs-of-use/{proof_id}"): Entry(
        admin_only,
        lambda ctx: Req(
            f"/api/v1/proofs-of-use/{ctx.proof_id}",
            json={"submitted_on": "2026-03-01", "expected_version": 1},
        ),
    ),
}

# Goals and indicators: officers of an involved municipality define a measure's indicators; the
# officers of the responsible municipality enter its values; action fields' are the admin's.
RULES |= {
    ("POST", "/massnahmen/{code}/indikatoren/neu"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/massnahmen/{ctx.measure.code}/indikatoren/neu", data=indicator_form(ctx.slug)
        ),
    ),
    ("POST", "/api/v1/measures/{code}/indicators"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/api/v1/measures/{ctx.measure.code}/indicators", json=indicator_json(ctx.slug)
        ),
    ),
    ("POST", "/indikatoren/{indicator_id}/bearbeiten"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/indikatoren/{make_indicator(ctx.session, ctx.measure, ctx.slug).id}/bearbeiten",
            data=indicator_form(ctx.slug, expected_version="1"),
        ),
    ),
    ("PUT", "/api/v1/indicators/{indicator_id}"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/api/v1/indicators/{make_indicator(ctx.session, ctx.measure, ctx.slug).id}",
            json=indicator_json(ctx.slug, expected_version=1),
        ),
    ),
    ("POST", "/indikatoren/{indicator_id}/werte"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/indikatoren/{make_indicator(ctx.session, ctx.measure, ctx.slug).id}/werte",
            data={"measured_on": "01.06.2026", "value": "42", "expected_version": "1"},
        ),
    ),
    ("POST", "/api/v1/indicators/{indicator_id}/values"): Entry(
        municipal("digital"),
        lambda ctx: Req(
            f"/api/v1/indicators/{make_indicator(ctx.session, ctx.measure, ctx.slug).id}/values",
            json={"measured_on": "2026-06-01", "value": 4200, "note": "", "expected_version": 1},
        ),
    ),
    ("POST", "/strategie/handlungsfelder/{code}/indikatoren/neu"): Entry(
        admin_only,
        lambda ctx: Req(
            "/strategie/handlungsfelder/HF1/indikatoren/neu", data=indicator_form(ctx.slug)
        ),
    ),
}


def state_changing_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) of the app's API routes that changes state, HTML and JSON alike."""
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or route.path is None:
            continue
        for method in (route.methods or set()) & STATE_CHANGING:
            found.add((method, route.path))
    return found


def test_every_state_changing_route_has_a_rule(app: FastAPI) -> None:
    routes = state_changing_routes(app)
    missing = sorted(routes - RULES.keys())
    assert not missing, f"routes without an entry in the permission matrix: {missing}"
    stale = sorted(RULES.keys() - routes)
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


# --- fixtures for targets ---------------------------------------------------------------------


def _measure(session: Session, municipality_id: int, *, involved: bool) -> Measure:
    participants: dict[int, set[int]] = {}
    for part in session.exec(select(Participation)).all():
        participants.setdefault(part.measure_id, set()).add(part.municipality_id)
    for measure in session.exec(select(Measure).order_by(col(Measure.code))).all():
        ids = participants.get(int(measure.id or 0), set()) | {measure.lead_municipality_id}
        if (municipality_id in ids) == involved and not measure.archived:
            return measure
    raise AssertionError(f"the seed has no measure with involved={involved} for {OWN_SLUG}")


def _user_id(session: Session, username: str) -> int:
    user = session.exec(select(User).where(User.username == username)).one()
    assert user.id is not None
    return user.id


_TARGET_HASH = hash_password("ein-langes-passwort")


def _make_ctx(session: Session, role: str, scope: str) -> Ctx:
    system = Principal.system("Matrixtest")
    own = session.exec(select(Municipality).where(Municipality.slug == OWN_SLUG)).one()
    assert own.id is not None
    username = (
        None
        if role == "anonymous"
        else (role if role in ("admin", "leser") else f"{role}.{OWN_SLUG}")
    )
    # Created directly with one precomputed hash: argon2 is slow on purpose.
    target = User(username="matrix.ziel", display_name="Matrix Ziel", password_hash=_TARGET_HASH)
    session.add(target)
    session.flush()
    assert target.id is not None
    assignment = RoleAssignment(user_id=target.id, role="leser", municipality_id=own.id)
    session.add(assignment)
    session.flush()
    token_owner = target.id
    if scope == "own" and username is not None:
        token_owner = _user_id(session, username)
    token, _plain = accounts.create_token(
        session=session, actor=system, user_id=token_owner, name="Matrix"
    )
    feed = CalendarFeed(
        user_id=token_owner, scope="eigener", label="Matrix", token_hash=f"matrix-{role}-{scope}"
    )
    session.add(feed)
    grant = session.exec(select(Grant).order_by(col(Grant.id))).first()
    assert grant is not None and grant.id is not None, "the seed holds a grant"
    measure = _measure(session, own.id, involved=scope == "own")
    assert measure.id is not None
    plan = session.exec(select(ProjectPlan).where(ProjectPlan.measure_id == measure.id)).first()
    if plan is None:
        plan = ProjectPlan(measure_id=measure.id)
        session.add(plan)
        session.flush()
    milestone = Milestone(plan_id=int(plan.id or 0), title="Matrix-Meilenstein")
    session.add(milestone)
    line = session.exec(select(BudgetLine).where(BudgetLine.measure_id == measure.id)).first()
    if line is None:
        line = BudgetLine(
            measure_id=measure.id,
            year=2026,
            category="schulung",
            kind="konsumtiv",
            planned_cents=150000,
        )
        session.add(line)
    other = session.get(Municipality, measure.lead_municipality_id)
    if other is None or other.slug == OWN_SLUG:
        other = session.exec(select(Municipality).where(Municipality.slug != OWN_SLUG)).first()
    assert other is not None
    proof = ProofOfUse(grant_id=grant.id, due_on=date(2027, 6, 30))
    session.add(proof)
    commitment = Commitment(measure_id=measure.id, year=2025, category="betrieb", amount_cents=500)
    session.add(commitment)
    session.flush()
    session.add(
        CommitmentPayment(commitment_id=int(commitment.id or 0), year=2026, amount_cents=500)
    )
    session.flush()
    risk = Risk(
        measure_id=measure.id,
        municipality_id=measure.lead_municipality_id,
        title="Matrix-Risiko",
        probability=2,
        impact=2,
    )
    session.add(risk)
    session.flush()
    concerned = own if scope == "own" else other
    extra = _council_targets(session, int(concerned.id or 0))
    return Ctx(
        session=session,
        role=role,
        scope=scope,
        username=username,
        measure=measure,
        target_user_id=target.id,
        target_assignment_id=int(assignment.id or 0),
        token_id=int(token.id or 0),
        grant_id=grant.id,
        milestone_id=int(milestone.id or 0),
        line=line,
        other_slug=other.slug,
        programme_id=grant.programme_id,
        proof_id=int(proof.id or 0),
        extra=extra
        | {
            "feed_id": int(feed.id or 0),
            "commitment_id": int(commitment.id or 0),
            "risk_id": int(risk.id or 0),
        },
    )


def _council_targets(session: Session, municipality_id: int) -> dict[str, Any]:
    """A body, two sessions (one with a step, one free), a Vorlage and its undecided step in
    the municipality concerned."""
    from app.councils.models import CouncilBody, CouncilSession, Deliberation, Proposal

    body = session.exec(
        select(CouncilBody)
        .where(CouncilBody.municipality_id == municipality_id)
        .order_by(col(CouncilBody.position))
    ).first()
    assert body is not None and body.id is not None, "every municipality has its bodies"
    sitting = CouncilSession(body_id=body.id, held_on=date(2030, 3, 4))
    free = CouncilSession(body_id=body.id, held_on=date(2030, 3, 18))
    proposal = Proposal(
        municipality_id=municipality_id,
        drucksache="MATRIX-1",
        title="Matrix",
        subject="haushalt",
        budget_year=2030,
    )
    session.add_all([sitting, free, proposal])
    session.flush()
    step = Deliberation(
        proposal_id=int(proposal.id or 0), session_id=int(sitting.id or 0), role="beschliessend"
    )
    session.add(step)
    session.flush()
    return {
        "body_id": body.id,
        "session_id": sitting.id,
        "free_session_id": free.id,
        "proposal_id": proposal.id,
        "step_id": step.id,
        "step_version": step.version,
    }


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 303 and response.headers.get("location", "").startswith(
        "/login?next="
    )


CASES = [
    pytest.param(method, path, role, scope, id=f"{method} {path} {role} {scope}")
    for (method, path) in sorted(RULES)
    for role in ROLES
    for scope in SCOPES
]


@pytest.mark.parametrize(("method", "path", "role", "scope"), CASES)
def test_permission(
    client: TestClient, session: Session, method: str, path: str, role: str, scope: str
) -> None:
    entry = RULES[(method, path)]
    expected = entry.rule(role, scope)
    ctx = _make_ctx(session, role, scope)
    if ctx.username is None:
        # An anonymous browser still has a session with a CSRF token (the login form needs it).
        page = client.get("/login")
        assert page.status_code == 200
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.headers["X-CSRF-Token"] = token
    else:
        sign_in(client, ctx.username)
    request = entry.build(ctx)
    response = client.request(
        method, request.url, data=request.data, json=request.json, follow_redirects=False
    )
    detail = f"{method} {request.url} as {role} ({scope}): {response.status_code}"
    if expected == "allowed":
        assert response.status_code not in (401, 403, 404, 405), detail
        assert response.status_code < 500, detail
        assert not _is_login_redirect(response), detail
    elif expected == "forbidden":
        assert response.status_code == 403, detail
    elif path.startswith("/api/"):
        assert response.status_code == 401, detail
    else:
        assert _is_login_redirect(response), detail
