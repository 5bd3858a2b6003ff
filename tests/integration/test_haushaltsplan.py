"""What a Kämmerei needs to book from the portfolio: the gross principle (grant as its own income,
Sonderposten and its Auflösung, forwarding from the applicant to the partners), Ergebnis- and
Finanzhaushalt, Produkt × Sachkonto, Finanzplanung over five years and after, Haushaltsreste
with Übertragung and Deckungsvorschlag, Verpflichtungsermächtigungen, completeness flags and
the Stand/Freigabe block; in the API, the page and the edits."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.finance.depreciation import yearly_rates
from app.finance.models import BudgetLine, Commitment
from app.portfolio.models import Measure

SLUGS = ("erbach", "michelstadt", "oberzent", "brombachtal")


def _plan(client: TestClient, slug: str, year: int) -> dict[str, Any]:
    answer = client.get("/api/v1/haushaltsplan", params={"municipality": slug, "year": year})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def _sum(bookings: list[dict[str, Any]], **match: str) -> int:
    return sum(b["cents"] for b in bookings if all(b[key] == value for key, value in match.items()))


def test_gross_principle_grant_income_forwarding_and_balance(
    client: TestClient, login: Any
) -> None:
    login(client, "leser")
    plans = {slug: _plan(client, slug, 2024) for slug in SLUGS}
    for slug, plan in plans.items():
        budget = client.get("/api/v1/budget", params={"municipality": slug, "year": 2024}).json()
        own = [b for b in plan["bookings"] if b["source"] != "Weiterleitung"]
        bookings = plan["bookings"]
        # Costs in full (gross), the grant as its own income line, never netted.
        assert (
            _sum(bookings, haushalt="Finanzhaushalt", source="Kosten")
            == (budget["totals"]["gross_cents"])
        )
        konsumtiv_grant = budget["totals"]["konsumtiv"]["funding_cents"]
        investiv_grant = budget["totals"]["investiv"]["funding_cents"]
        if slug != "oberzent":
            assert _sum(own, side="Ertrag", source="Zuwendung") == konsumtiv_grant
            assert (
                _sum(own, side="Einzahlung", area="Investitionstätigkeit", source="Zuwendung")
                == investiv_grant
            )
            assert "weitergeleitet von Stadt Oberzent" in " ".join(b["note"] for b in bookings)
        # Every income and depreciation line has its own Sachkonto from the mapping.
        assert all(b["sachkonto"] for b in bookings), slug
        # The Saldo is income minus spending.
        for haushalt, balance in plan["balances"].items():
            signed = sum(
                b["cents"] if b["side"] in ("Ertrag", "Einzahlung") else -b["cents"]
                for b in bookings
                if b["haushalt"] == haushalt
            )
            assert balance == signed
    # The applicant receives the partners' part and forwards exactly that much.
    partners = sum(
        client.get("/api/v1/budget", params={"municipality": slug, "year": 2024}).json()["totals"][
            "funding_cents"
        ]
        for slug in SLUGS
        if slug != "oberzent"
    )
    oberzent = plans["oberzent"]["bookings"]
    forwarded = _sum(oberzent, haushalt="Finanzhaushalt", side="Auszahlung", source="Weiterleitung")
    assert forwarded == partners > 0
    received = _sum(oberzent, haushalt="Finanzhaushalt", side="Einzahlung", source="Zuwendung")
    own_funding = client.get(
        "/api/v1/budget", params={"municipality": "oberzent", "year": 2024}
    ).json()["totals"]["funding_cents"]
    assert received == own_funding + partners


def test_investive_grant_becomes_a_sonderposten_dissolved_like_the_asset(
    client: TestClient, login: Any
) -> None:
    login(client, "leser")
    budget = client.get("/api/v1/budget", params={"municipality": "erbach"}).json()
    investive = [line for line in budget["lines"] if line["kind"] == "investiv"]
    afa: dict[int, int] = defaultdict(int)
    release: dict[int, int] = defaultdict(int)
    for line in investive:
        for year, cents in yearly_rates(
            line["gross_cents"], line["year"], line["category"]
        ).items():
            afa[year] += cents
        for year, cents in yearly_rates(
            line["funding_cents"], line["year"], line["category"]
        ).items():
            release[year] += cents
    plan = _plan(client, "erbach", 2026)
    for entry in plan["finanzplanung"]:
        assert entry["depreciation_cents"] == afa.get(entry["year"], 0), entry["year"]
        assert entry["release_cents"] == release.get(entry["year"], 0), entry["year"]
    # The whole grant share of a line is dissolved, to the cent, over the useful life.
    assert sum(yearly_rates(364_500_01, 2023, "software").values()) == 364_500_01
    assert sorted(yearly_rates(100, 2023, "hardware")) == [2024, 2025, 2026, 2027]


def test_finanzplanung_covers_five_years_and_the_years_after(
    client: TestClient, login: Any
) -> None:
    login(client, "leser")
    plan = _plan(client, "oberzent", 2026)
    years = [entry["year"] for entry in plan["finanzplanung"]]
    assert years[:5] == [2026, 2027, 2028, 2029, 2030]
    assert all(entry["in_plan"] for entry in plan["finanzplanung"][:5])
    later = [entry for entry in plan["finanzplanung"][5:]]
    assert later and all(not e["in_plan"] and e["depreciation_cents"] for e in later)
    budget = client.get("/api/v1/budget", params={"municipality": "oberzent"}).json()
    for entry in plan["finanzplanung"]:
        rows = [line for line in budget["lines"] if line["year"] == entry["year"]]
        assert entry["gross_cents"] == sum(r["gross_cents"] for r in rows)
        assert entry["net_cents"] == entry["gross_cents"] - entry["funding_cents"]


def test_ist_above_ansatz_is_flagged_in_every_share_of_the_seed(
    client: TestClient, login: Any, session: Session
) -> None:
    """The seed has 7 lines whose Ist exceeds the Ansatz by 8.650,75 € in all, in 25 shares."""
    login(client, "leser")
    over = [
        line
        for line in session.exec(select(BudgetLine)).all()
        if line.actual_cents is not None
        and line.approved_cents is not None
        and line.actual_cents > line.approved_cents
    ]
    assert sum(line.actual_cents - line.approved_cents for line in over) == 865_075  # type: ignore[operator]
    flagged = 0
    for year in sorted({line.year for line in over}):
        for slug in SLUGS:
            plan = _plan(client, slug, year)
            rows = [r for r in plan["reste"] if r["line_over"]]
            flagged += len(rows)
            texts = [f for f in plan["flags"] if f["kind"] == "Ist über Ansatz"]
            assert len(texts) == len(rows)
    assert flagged == 25


def test_carryover_and_deckungsvorschlag_are_kept_by_the_kaemmerei(
    client: TestClient, login: Any, session: Session
) -> None:
    measure = session.exec(select(Measure).where(Measure.code == "HF1-M01")).one()
    line = session.exec(
        select(BudgetLine).where(BudgetLine.measure_id == measure.id, BudgetLine.year == 2026)
    ).one()
    assert line.approved_cents == 4_800_000 and line.actual_cents == 3_600_000
    version = str(line.version)
    url = f"/massnahmen/HF1-M01/budget/{line.id}/uebertragung"
    login(client, "digital.oberzent")
    assert client.get(url).status_code == 403
    login(client, "finanzen.oberzent")
    too_much = client.post(url, data={"carryover": "12.000,01", "expected_version": version})
    assert too_much.status_code == 422 and "Höchstens der nicht verbrauchte Ansatz" in too_much.text
    saved = client.post(
        url,
        data={"carryover": "12.000,00", "cover_note": "", "expected_version": version},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    plan = _plan(client, "oberzent", 2026)
    rest = next(r for r in plan["reste"] if r["line_id"] == line.id)
    assert rest["carryover_cents"] == 300_000  # a quarter of 12.000 € (four participants)
    assert rest["rest_cents"] == 300_000
    following = _plan(client, "oberzent", 2027)["finanzplanung"][0]
    assert following["carried_in_cents"] == 300_000
    stale = client.post(url, data={"carryover": "", "expected_version": version})
    assert stale.status_code == 409


def test_verpflichtungsermaechtigung_shares_and_payment_years(
    client: TestClient, login: Any, session: Session
) -> None:
    login(client, "finanzen.oberzent")
    bad = client.post(
        "/massnahmen/HF1-M01/ve",
        data={
            "year": "2026",
            "category": "software",
            "amount": "100,00",
            "payment_year_1": "2027",
            "payment_amount_1": "99,99",
        },
    )
    assert bad.status_code == 422 and "müssen genau 100,00" in bad.text.replace("\u00a0", " ")
    made = client.post(
        "/api/v1/measures/HF1-M01/commitments",
        json={
            "year": 2026,
            "category": "software",
            "amount_cents": 10_001,
            "payments": [
                {"year": 2027, "amount_cents": 5_001},
                {"year": 2028, "amount_cents": 5_000},
            ],
            "note": "Mehrjähriger Wartungsvertrag (Beispieldaten)",
        },
    )
    assert made.status_code == 201, made.text
    shares = []
    for slug in SLUGS:
        plan = _plan(client, slug, 2026)
        (commitment,) = plan["commitments"]
        shares.append(commitment["payments"])
        by_year = {e["year"]: e["commitment_cents"] for e in plan["finanzplanung"]}
        assert by_year[2027] == commitment["payments"]["2027"]
    assert sum(p["2027"] for p in shares) == 5_001 and sum(p["2028"] for p in shares) == 5_000
    stored = session.exec(select(Commitment)).one()
    gone = client.delete(
        f"/api/v1/measures/HF1-M01/commitments/{stored.id}?expected_version={stored.version}"
    )
    assert gone.status_code == 204
    assert _plan(client, "erbach", 2026)["commitments"] == []


def test_completeness_flags_and_the_state_block(
    client: TestClient, login: Any, session: Session
) -> None:
    login(client, "finanzen.erbach")
    plan = _plan(client, "erbach", 2026)
    kinds = {f["kind"] for f in plan["flags"]}
    assert {"ohne Investitionsnummer", "Produkt aus Standard"} <= kinds
    investive = [b for b in plan["bookings"] if b["kind"] == "investiv" and b["source"] == "Kosten"]
    missing = {b["measure_code"] for b in investive if not b["investment_number"]}
    flagged = {f["measure_code"] for f in plan["flags"] if f["kind"] == "ohne Investitionsnummer"}
    assert missing == flagged
    # A Produkt given to the measure replaces the default, and its flag goes.
    code = next(iter(flagged))
    current = client.get("/api/v1/municipalities/erbach/haushalt").json()
    saved = client.put(
        "/api/v1/municipalities/erbach/haushalt",
        json={"measure_produkte": {code: "011106"}, "investment_numbers": {code: "I-2026-001"}},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["measure_produkte"] == {code: "011106"}
    assert current["accounts"], "the seed names the accounts beside the cost lines"
    again = _plan(client, "erbach", 2026)
    assert not any(
        f["measure_code"] == code for f in again["flags"] if f["kind"] != "Ist über Ansatz"
    )
    assert all(
        b["produkt"] == "011106"
        for b in again["bookings"]
        if b["measure_code"] == code and b["source"] == "Kosten"
    )
    # Stand and Freigabe: the body's decision per measure, with date and Drucksache.
    hf1 = next(a for a in again["approvals"] if a["measure_code"] == "HF1-M01")
    assert hf1["released"] and hf1["drucksache"] == "Beispiel-01/2022"
    refused = client.put(
        "/api/v1/municipalities/erbach/haushalt", json={"measure_produkte": {code: "=1+1"}}
    )
    assert refused.status_code == 422


def test_haushaltsplan_page_shows_the_kaemmerei_views(client: TestClient, login: Any) -> None:
    assert client.get("/haushalt/plan", follow_redirects=False).status_code == 303
    login(client, "finanzen.oberzent")
    page = client.get("/haushalt/plan?kommune=oberzent&jahr=2024")
    assert page.status_code == 200
    for text in (
        "Ergebnis- und Finanzhaushalt 2024",
        "Finanzplanung 2024–2028",
        "Haushaltsreste und Übertragungen 2024",
        "Verpflichtungsermächtigungen",
        "Stand und Freigabe",
        "Produkt × Sachkonto",
        "Weiterleitung",
        "Ist über Ansatz",
    ):
        assert text in page.text, text
    bad = client.get("/haushalt/plan?kommune=oberzent&jahr=zwanzig")
    assert bad.status_code == 422 and "Haushaltsjahr" in bad.text
    unknown = client.get("/api/v1/haushaltsplan", params={"municipality": "atlantis", "year": 2026})
    assert unknown.status_code == 422 and "Unbekannte Kommune" in unknown.text
