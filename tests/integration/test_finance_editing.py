"""Changing budgets: German amounts, stale edits, roles, cost keys, mappings and drawdowns."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.enums import Role
from app.finance.models import BudgetLine, Drawdown, Grant, HaushaltMapping, ProofOfUse
from app.finance.queries.funding import grant_overviews
from app.finance.queries.measure_budget import measure_budget_summary
from app.portfolio.models import Participation
from tests.integration.finance_data import World, principal


def _line(session: Session, world: World, code: str, year: int, category: str) -> BudgetLine:
    return session.exec(
        select(BudgetLine).where(
            BudgetLine.measure_id == world.measures[code].id,
            BudgetLine.year == year,
            BudgetLine.category == category,
        )
    ).one()


def _new_line(session: Session, world: World) -> BudgetLine | None:
    return session.exec(
        select(BudgetLine).where(
            BudgetLine.measure_id == world.measures["TST-F01"].id, BudgetLine.year == 2027
        )
    ).first()


def _form(**changes: str) -> dict[str, str]:
    data = {
        "year": "2027",
        "category": "schulung",
        "kind": "konsumtiv",
        "planned": "1.234,56",
        "approved": "",
        "actual": "",
        "note": "Schulung der Sachbearbeitung",
    }
    data.update(changes)
    return data


def test_finance_officer_creates_a_line_with_a_german_amount(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    login(client, "finanzen.oberzent")
    response = client.post("/massnahmen/TST-F01/budget", data=_form(), follow_redirects=False)
    assert response.status_code == 303
    line = _line(session, world, "TST-F01", 2027, "schulung")
    assert line.planned_cents == 123456
    assert line.approved_cents is None
    page = client.get("/massnahmen/TST-F01/budget")
    assert "1.234,56\u00a0€" in page.text.replace("&nbsp;", "\u00a0")


def test_bad_amount_is_refused_in_german(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    login(client, "finanzen.oberzent")
    response = client.post("/massnahmen/TST-F01/budget", data=_form(planned="12,345"))
    assert response.status_code == 422
    assert "Bitte einen Betrag wie 1.234,56 eingeben" in response.text
    assert _new_line(session, world) is None


def test_stale_edit_gets_409_and_keeps_the_stored_values(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    login(client, "finanzen.oberzent")
    line = _line(session, world, "TST-F01", 2025, "betrieb")
    stale_version = line.version
    data = _form(year="2025", category="betrieb", planned="3.000,00")
    first = client.post(
        "/massnahmen/TST-F01/budget",
        data={**data, "line_id": str(line.id), "expected_version": str(stale_version)},
        follow_redirects=False,
    )
    assert first.status_code == 303
    second = client.post(
        "/massnahmen/TST-F01/budget",
        data={
            **data,
            "planned": "9.999,00",
            "line_id": str(line.id),
            "expected_version": str(stale_version),
        },
    )
    assert second.status_code == 409
    assert "inzwischen von jemand anderem geändert" in second.text
    session.refresh(line)
    assert line.planned_cents == 300000


def test_reader_cannot_edit(client: TestClient, session: Session, world: World, login: Any) -> None:
    login(client, "leser")
    assert client.get("/massnahmen/TST-F01/budget").status_code == 200
    assert client.get("/massnahmen/TST-F01/budget/neu").status_code == 403
    response = client.post("/massnahmen/TST-F01/budget", data=_form())
    assert response.status_code == 403
    assert _new_line(session, world) is None
    assert client.get("/haushalt/zuordnung?kommune=oberzent").status_code == 403


def test_officer_records_actual_costs_but_not_plans(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    login(client, "digital.oberzent")
    line = _line(session, world, "TST-F01", 2025, "betrieb")
    base = {
        "year": "2025",
        "category": "betrieb",
        "kind": "konsumtiv",
        "planned": "2.500,07",
        "approved": "2.500,00",
        "note": "",
        "line_id": str(line.id),
        "expected_version": str(line.version),
    }
    refused = client.post("/massnahmen/TST-F01/budget", data={**base, "planned": "1,00"})
    assert refused.status_code == 403
    ok = client.post(
        "/massnahmen/TST-F01/budget", data={**base, "actual": "2.499,99"}, follow_redirects=False
    )
    assert ok.status_code == 303
    session.refresh(line)
    assert line.actual_cents == 249999
    assert line.planned_cents == 250007


def test_custom_key_of_99_99_percent_is_refused(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    login(client, "admin")
    measure = world.measures["TST-F03"]
    data = {
        "cost_key": "custom",
        "expected_version": str(measure.version),
        "share_michelstadt": "50,00",
        "share_oberzent": "25,00",
        "share_brombachtal": "24,99",
    }
    response = client.post("/massnahmen/TST-F03/kostenschluessel", data=data)
    assert response.status_code == 422
    assert "99,99" in response.text and "genau 100,00" in response.text
    response = client.post(
        "/massnahmen/TST-F03/kostenschluessel",
        data={**data, "share_erbach": "10,00", "share_brombachtal": "25,00"},
    )
    assert response.status_code == 422
    assert "Nur beteiligte Kommunen" in response.text
    response = client.post(
        "/massnahmen/TST-F03/kostenschluessel",
        data={**data, "share_brombachtal": "25,00"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    shares = {
        p.municipality_id: p.share_bp
        for p in session.exec(
            select(Participation).where(Participation.measure_id == measure.id)
        ).all()
    }
    assert shares[world.munis["brombachtal"].id] == 2500


def test_only_the_coordination_changes_cost_keys(
    client: TestClient, world: World, login: Any
) -> None:
    login(client, "finanzen.oberzent")
    assert client.get("/massnahmen/TST-F03/kostenschluessel").status_code == 403


def test_drawdown_above_the_grant_is_refused(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    login(client, "admin")
    url = f"/foerderung/{world.grant.id}/abrufe"
    response = client.post(url, data={"requested_on": "2025-03-01", "amount": "85.000,01"})
    assert response.status_code == 422
    assert "übersteigt die Zuwendung" in response.text
    ok = client.post(
        url, data={"requested_on": "2025-03-01", "amount": "80.000,00"}, follow_redirects=False
    )
    assert ok.status_code == 303
    again = client.post(url, data={"requested_on": "2025-04-01", "amount": "5.000,01"})
    assert again.status_code == 422
    drawn = session.exec(select(Drawdown).where(Drawdown.grant_id == world.grant.id)).all()
    assert [d.amount_cents for d in drawn] == [8_000_000]


def test_finance_officer_edits_only_the_own_mapping(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    login(client, "finanzen.erbach")
    assert client.get("/haushalt/zuordnung?kommune=oberzent").status_code == 403
    login(client, "finanzen.oberzent")
    page = client.get("/haushalt/zuordnung?kommune=oberzent")
    assert page.status_code == 200
    oberzent = world.munis["oberzent"].id
    current = {
        (m.category, m.kind): m
        for m in session.exec(
            select(HaushaltMapping).where(HaushaltMapping.municipality_id == oberzent)
        ).all()
    }
    data: dict[str, str] = {}
    for (category, kind), mapping in current.items():
        data[f"produkt_{category}_{kind}"] = mapping.produkt
        data[f"sachkonto_{category}_{kind}"] = mapping.sachkonto
        data[f"version_{category}_{kind}"] = str(mapping.version)
    half = {**data, "produkt_schulung_investiv": "01.11.05", "sachkonto_schulung_investiv": ""}
    refused = client.post("/haushalt/zuordnung?kommune=oberzent", data=half)
    assert refused.status_code == 422
    assert "gemeinsam angeben" in refused.text
    full = {**half, "sachkonto_schulung_investiv": "0421000"}
    ok = client.post("/haushalt/zuordnung?kommune=oberzent", data=full, follow_redirects=False)
    assert ok.status_code == 303
    saved = session.exec(
        select(HaushaltMapping).where(
            HaushaltMapping.municipality_id == oberzent,
            HaushaltMapping.category == "schulung",
            HaushaltMapping.kind == "investiv",
        )
    ).one()
    assert (saved.produkt, saved.sachkonto) == ("01.11.05", "0421000")


def test_measure_summary_matches_the_api(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    login(client, "finanzen.oberzent")
    measure = world.measures["TST-F02"]
    summary = measure_budget_summary(session=session, measure=measure, actor=principal(Role.leser))
    lines = client.get("/api/v1/budget").json()["lines"]
    for muni_id, per_year in summary.by_muni_year.items():
        slug = next(m.slug for m in world.munis.values() if m.id == muni_id)
        for year, figures in per_year.items():
            api_net = sum(
                line["net_cents"]
                for line in lines
                if line["measure_code"] == "TST-F02"
                and line["municipality"] == slug
                and line["year"] == year
            )
            assert figures.net_cents == api_net
    assert summary.total.gross_cents == sum(summary.planned_by_year.values())
    page = client.get("/massnahmen/TST-F02/budget")
    assert "Budget und Kostenaufteilung" in page.text
    assert "nach Einwohnerzahl" in page.text


def _grant_form(world: World, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "programme_id": str(world.grant.programme_id),
        "title": "Neue Zuwendung",
        "notice_number": "TEST-2025-777",
        "notice_date": "2025-05-02",
        "period_start": "2025-01-01",
        "period_end": "2026-12-31",
        "eligible": "100.000,00",
        "rate": "90,00",
        "maximum": "90.000,00",
        "applicant": "erbach",
        "measure_codes": ["TST-F03"],
    }
    data.update(changes)
    return data


def test_coordination_maintains_grants(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    login(client, "finanzen.oberzent")
    assert client.get("/foerderung/zuwendungen/neu").status_code == 403
    assert client.post("/foerderung/zuwendungen", data=_grant_form(world)).status_code == 403
    login(client, "admin")
    bad = client.post(
        "/foerderung/zuwendungen", data=_grant_form(world, rate="120,00", period_end="2024-01-01")
    )
    assert bad.status_code == 422
    assert "höchstens 100 %" in bad.text and "vor seinem Beginn" in bad.text
    ok = client.post("/foerderung/zuwendungen", data=_grant_form(world), follow_redirects=False)
    assert ok.status_code == 303
    grant = session.exec(select(Grant).where(Grant.notice_number == "TEST-2025-777")).one()
    assert (grant.eligible_cents, grant.rate_bp, grant.max_cents) == (10_000_000, 9000, 9_000_000)
    # The maximum of a grant cannot fall below what was drawn.
    client.post(
        f"/foerderung/{grant.id}/abrufe", data={"requested_on": "2025-06-01", "amount": "50.000,00"}
    )
    session.refresh(grant)
    lowered = client.post(
        "/foerderung/zuwendungen",
        data=_grant_form(
            world,
            maximum="40.000,00",
            grant_id=str(grant.id),
            expected_version=str(grant.version),
        ),
    )
    assert lowered.status_code == 422
    assert "bereits 50.000,00" in lowered.text.replace("&nbsp;", "\u00a0").replace("\u00a0", " ")
    stale = client.post(
        "/foerderung/zuwendungen",
        data=_grant_form(world, grant_id=str(grant.id), expected_version=str(grant.version - 1)),
    )
    assert stale.status_code == 409


def test_warnings_for_period_end_and_proof_of_use(
    client: TestClient, session: Session, world: World, login: Any
) -> None:
    proof = ProofOfUse(
        grant_id=int(world.grant.id or 0), title="Zwischennachweis", due_on=date(2025, 11, 30)
    )
    session.add(proof)
    session.flush()
    on = date(2025, 11, 15)
    overview = next(
        o
        for o in grant_overviews(session=session, actor=principal(Role.leser), on=on)
        if o.grant.id == world.grant.id
    )
    texts = [w.text for w in overview.warnings]
    assert any("endet am 31.12.2025 (in 46 Tagen)" in t for t in texts)
    assert any("Zwischennachweis ist am 30.11.2025 fällig (in 15 Tagen)" in t for t in texts)
    later = next(
        o
        for o in grant_overviews(session=session, actor=principal(Role.leser), on=date(2026, 1, 5))
        if o.grant.id == world.grant.id
    )
    assert any("abgelaufen" in w.text for w in later.warnings)
    assert any("überfällig" in w.text for w in later.warnings)
    login(client, "admin")
    response = client.post(
        f"/foerderung/nachweise/{proof.id}",
        data={"submitted_on": "2025-11-20", "expected_version": str(proof.version)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = next(
        o
        for o in grant_overviews(session=session, actor=principal(Role.leser), on=on)
        if o.grant.id == world.grant.id
    )
    assert not any("Zwischennachweis" in w.text for w in after.warnings)
