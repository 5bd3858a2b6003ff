"""Budget shares: they add up to the cent, funding is capped, API, page and files agree."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.core.enums import Role
from app.finance.ledger import compute_shares, funding_by_grant
from app.finance.models import BudgetLine, Grant, HaushaltMapping
from app.finance.queries.budget import budget_report
from tests.integration.finance_data import World, principal

SLUGS = ("erbach", "michelstadt", "oberzent", "brombachtal")


@pytest.fixture
def kaemmerei(client: TestClient, world: World, login: Any) -> None:
    login(client, "finanzen.oberzent")


def _assert_lines_add_up(session: Session) -> int:
    ledger = compute_shares(session)
    lines = {line.id: line for line in session.exec(select(BudgetLine)).all()}
    per_line: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for share in ledger.shares:
        sums = per_line[share.line_id]
        sums[0] += share.gross_cents
        sums[1] += share.approved_cents or 0
        sums[2] += share.actual_cents or 0
        sums[3] += share.funding_cents
        assert share.net_cents >= 0
    for line_id, (gross, approved, actual, _) in per_line.items():
        line = lines[line_id]
        assert gross == line.planned_cents
        assert approved == (line.approved_cents or 0)
        assert actual == (line.actual_cents or 0)
    # Every line of a measure whose key is valid is shared.
    shared_measures = {lines[i].measure_id for i in per_line}
    for line in lines.values():
        assert line.measure_id in shared_measures or line.measure_id in ledger.issues
    return len(per_line)


def test_shares_add_up_for_every_line_of_the_seed(session: Session) -> None:
    _assert_lines_add_up(session)


def test_shares_add_up_for_every_key_type(session: Session, world: World) -> None:
    assert _assert_lines_add_up(session) >= 8
    report = budget_report(session=session, actor=principal(Role.leser))
    keys = {world.measures[code].cost_key for code in ("TST-F01", "TST-F02", "TST-F03")}
    assert keys == {"equal", "population", "custom"}
    codes = {row.measure_code for row in report.rows}
    assert {"TST-F01", "TST-F02", "TST-F03"} <= codes


def test_funding_is_capped_by_the_grant_and_never_exceeds_a_share(
    session: Session, world: World
) -> None:
    planned = funding_by_grant(session)
    for grant in session.exec(select(Grant)).all():
        assert planned.get(int(grant.id or 0), 0) <= grant.max_cents
    # Test grant: 90 % of the first 100.000,00 € eligible would be 90.000,00 €, the maximum is
    # 85.000,00 €: the cap applies.
    assert planned[int(world.grant.id or 0)] == 8_500_000
    ledger = compute_shares(session)
    by_measure_year: dict[tuple[int, int], int] = defaultdict(int)
    for share in ledger.shares:
        assert 0 <= share.funding_cents <= share.gross_cents
        by_measure_year[(share.measure_id, share.year)] += share.funding_cents
    f01, f02, f03 = (int(world.measures[c].id or 0) for c in ("TST-F01", "TST-F02", "TST-F03"))
    # 2024 first: TST-F01 lines 1.333.334 cents → 90 % = 1.200.000,6 cents; the grant's total
    # is rounded once and its cents go by largest remainder, so this year gets the cent.
    assert by_measure_year[(f01, 2024)] == 1_200_001
    # Outside the funding period (2026) and not covered (TST-F03): no funding.
    assert by_measure_year[(f02, 2026)] == 0
    assert by_measure_year[(f03, 2025)] == 0


def test_budget_api_totals_and_filters(
    client: TestClient, kaemmerei: None, session: Session, world: World
) -> None:
    response = client.get("/api/v1/budget", params={"municipality": "oberzent", "year": 2025})
    assert response.status_code == 200
    body = response.json()
    assert body["municipality"] == "oberzent"
    assert body["year"] == 2025
    lines = body["lines"]
    assert lines and all(line["municipality"] == "oberzent" for line in lines)
    assert all(line["year"] == 2025 for line in lines)
    totals = body["totals"]
    for key in ("gross_cents", "funding_cents", "net_cents"):
        assert totals[key] == sum(line[key] for line in lines)
        assert totals[key] == totals["investiv"][key] + totals["konsumtiv"][key]
    assert totals["net_cents"] == totals["gross_cents"] - totals["funding_cents"]
    hardware = next(
        line for line in lines if line["measure_code"] == "TST-F02" and line["kind"] == "investiv"
    )
    mapping = session.exec(
        select(HaushaltMapping).where(
            HaushaltMapping.municipality_id == world.munis["oberzent"].id,
            HaushaltMapping.category == "hardware",
            HaushaltMapping.kind == "investiv",
        )
    ).one()
    assert hardware["produkt"] == mapping.produkt
    assert hardware["sachkonto"] == mapping.sachkonto
    assert hardware["investment_number"] == "I-2025-17"
    unmapped = [line for line in lines if not line["mapped"]]
    assert all(line["produkt"] is None for line in unmapped)


def test_budget_api_refuses_unknown_municipality_and_odd_year(
    client: TestClient, kaemmerei: None
) -> None:
    response = client.get("/api/v1/budget", params={"municipality": "darmstadt"})
    assert response.status_code == 422
    assert "Unbekannte Kommune" in response.text
    response = client.get("/api/v1/budget", params={"year": 1850})
    assert response.status_code == 422
    assert "Haushaltsjahr" in response.text


def test_budget_api_needs_sign_in(client: TestClient) -> None:
    assert client.get("/api/v1/budget").status_code == 401


def _cents(value: object) -> int:
    assert isinstance(value, int | float | Decimal), value
    return int((Decimal(str(value)) * 100).to_integral_value())


MONEY_KEYS = ("gross_cents", "funding_cents", "net_cents", "approved_cents", "actual_cents")


def _years(client: TestClient) -> list[int]:
    return sorted({line["year"] for line in client.get("/api/v1/budget").json()["lines"]})


def test_xlsx_and_csv_give_exactly_the_api_cents(client: TestClient, kaemmerei: None) -> None:
    years = _years(client)
    assert 2025 in years
    for slug in SLUGS:
        for year in years:
            api = client.get("/api/v1/budget", params={"municipality": slug, "year": year}).json()
            expected = [[line.get(k) or 0 for k in MONEY_KEYS] for line in api["lines"]]

            response = client.get(f"/haushalt/export.xlsx?kommune={slug}&jahr={year}")
            assert response.status_code == 200
            assert (
                f'filename="haushalt_{slug}_{year}.xlsx"' in response.headers["content-disposition"]
            )
            sheet = load_workbook(io.BytesIO(response.content)).active
            assert sheet["A2"].value == "Kommune" and sheet["B3"].value == year
            assert sheet["A4"].value == "Exportdatum" and sheet["A5"].value == "Datenstand"
            assert sheet.freeze_panes == "A8"
            assert sheet.auto_filter.ref.startswith("A7:")
            got = []
            row = 8
            while sheet.cell(row=row, column=1).value not in (None, "Summe"):
                cells = [sheet.cell(row=row, column=c) for c in range(8, 13)]
                assert all(c.number_format == "#,##0.00 €" for c in cells)
                got.append([_cents(c.value) if c.value is not None else 0 for c in cells])
                row += 1
            assert got == expected
            while sheet.cell(row=row, column=1).value != "Summe":
                row += 1
            assert sheet.cell(row=row, column=8).value.startswith("=SUM(H8:")
            # The formulas sum exactly the rows read above, which add up to the API totals.
            for index, key in enumerate(MONEY_KEYS[:3]):
                assert sum(r[index] for r in got) == api["totals"][key]

            response = client.get(f"/haushalt/export.csv?kommune={slug}&jahr={year}")
            assert response.status_code == 200
            assert response.content.startswith(b"\xef\xbb\xbf")
            text = response.content.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text), delimiter=";"))
            assert rows[0][14] == "Betrag"
            plan = client.get(
                "/api/v1/haushaltsplan", params={"municipality": slug, "year": year}
            ).json()
            parsed = [int(Decimal(r[14].replace(",", ".")) * 100) for r in rows[1:]]
            assert parsed == [b["cents"] for b in plan["bookings"]]
            # The costs among the bookings are the budget lines' gross shares (gross principle).
            costs = sum(b["cents"] for b in plan["bookings"] if b["source"] == "Kosten"
                        and b["haushalt"] == "Finanzhaushalt")  # fmt: skip
            assert costs == api["totals"]["gross_cents"]


def test_multi_year_export_has_one_sheet_per_year(client: TestClient, kaemmerei: None) -> None:
    response = client.get("/haushalt/export-mehrjahr.xlsx?kommune=oberzent")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    years = [name for name in workbook.sheetnames if name != "Übersicht"]
    assert "2024" in years and "2028" in years
    assert years == sorted(years)


def test_export_of_unknown_municipality_is_refused(client: TestClient, kaemmerei: None) -> None:
    response = client.get("/haushalt/export.xlsx?kommune=nirgendwo&jahr=2025")
    assert response.status_code == 422
    assert "Unbekannte Kommune" in response.text


def test_haushalt_page_shows_shares_totals_and_exports(
    client: TestClient, kaemmerei: None, session: Session, world: World
) -> None:
    # A gap in the mapping: the line stays in the figures and is flagged.
    for mapping in session.exec(
        select(HaushaltMapping).where(
            HaushaltMapping.municipality_id == world.munis["oberzent"].id,
            HaushaltMapping.category == "schulung",
        )
    ).all():
        session.delete(mapping)
    session.flush()
    page = client.get("/haushalt?kommune=oberzent&jahr=2025")
    assert page.status_code == 200
    api = client.get("/api/v1/budget", params={"municipality": "oberzent", "year": 2025}).json()
    from app.core.formatting import fmt_money

    text = page.text.replace("&nbsp;", "\u00a0")
    assert fmt_money(api["totals"]["net_cents"]) in text
    assert fmt_money(api["totals"]["funding_cents"]) in text
    assert "/haushalt/export.xlsx?kommune=oberzent&amp;jahr=2025" in page.text
    assert "nicht zugeordnet" in page.text
    assert "<caption>" in page.text
    assert "Mittelfristige Finanzplanung" in page.text


def test_foerderung_page_lists_grants(client: TestClient, kaemmerei: None) -> None:
    page = client.get("/foerderung")
    assert page.status_code == 200
    assert "Testzuwendung" in page.text
    assert "Mittelabruf erfassen" not in page.text  # only the IKZ-Koordination records drawdowns
