"""JSON API of the Haushaltsplan: what a municipality's Kämmerei books for one budget year.

The same figures as the XLSX and CSV exports (they are built from this view), in cents.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.accounts.deps import CurrentUser
from app.core.api import API_PREFIX, responses
from app.core.deps import SessionDep
from app.core.rules import MAX_YEAR, MIN_YEAR, QueryNumber
from app.finance.queries import lookups as queries
from app.finance.queries.haushaltsplan import HaushaltPlan, haushalt_plan

router = APIRouter(prefix=API_PREFIX, tags=["Haushalt"])


class BookingPublic(BaseModel):
    year: int
    haushalt: str = Field(description="Ergebnishaushalt oder Finanzhaushalt")
    side: str = Field(description="Aufwand, Ertrag, Auszahlung oder Einzahlung")
    area: str = Field(description="Finanzhaushalt: laufende Verwaltungstätigkeit oder "
                      "Investitionstätigkeit; sonst leer")  # fmt: skip
    source: str = Field(
        description="Kosten, Zuwendung, Weiterleitung, Abschreibung, Auflösung Sonderposten"
    )
    measure_code: str
    category: str
    kind: str
    produkt: str | None
    sachkonto: str | None
    investment_number: str | None
    cents: int
    note: str


class SideTotal(BaseModel):
    haushalt: str
    side: str
    area: str
    cents: int


class PlanYearPublic(BaseModel):
    year: int
    in_plan: bool = Field(description="eines der fünf Jahre der Finanzplanung")
    gross_cents: int
    funding_cents: int
    net_cents: int
    investiv_net_cents: int
    konsumtiv_net_cents: int
    depreciation_cents: int
    release_cents: int
    commitment_cents: int
    carried_in_cents: int


class SummaryPublic(BaseModel):
    haushalt: str
    side: str
    area: str
    produkt: str | None
    sachkonto: str | None
    by_year: dict[int, int]


class RestPublic(BaseModel):
    measure_code: str
    line_id: int
    category: str
    kind: str
    approved_cents: int | None
    actual_cents: int | None
    rest_cents: int | None
    carryover_cents: int | None
    excess_cents: int | None
    line_over: bool = Field(description="Ist der ganzen Position über ihrem Ansatz")
    cover_note: str


class CommitmentPublic(BaseModel):
    id: int
    measure_code: str
    year: int
    category: str
    amount_cents: int
    share_cents: int
    payments: dict[int, int] = Field(description="Anteil der Kommune je Zahlungsjahr in Cent")
    version: int


class FlagPublic(BaseModel):
    kind: str
    measure_code: str
    text: str


class ApprovalStatePublic(BaseModel):
    measure_code: str
    body: str
    decided_on: date | None
    drucksache: str
    result: str
    released: bool


class HaushaltsplanPublic(BaseModel):
    municipality: str
    municipality_name: str
    year: int
    years: list[int]
    data_state: datetime | None
    bookings: list[BookingPublic] = Field(description="Buchungen des Haushaltsjahres")
    totals: list[SideTotal]
    balances: dict[str, int] = Field(description="Saldo je Haushalt in Cent")
    finanzplanung: list[PlanYearPublic]
    summary: list[SummaryPublic]
    reste: list[RestPublic]
    commitments: list[CommitmentPublic]
    flags: list[FlagPublic]
    approvals: list[ApprovalStatePublic]


def plan_public(plan: HaushaltPlan) -> HaushaltsplanPublic:
    return HaushaltsplanPublic(
        municipality=plan.municipality.slug,
        municipality_name=f"{plan.municipality.kind} {plan.municipality.name}",
        year=plan.year,
        years=plan.years,
        data_state=plan.data_state,
        bookings=[
            BookingPublic(
                year=b.year,
                haushalt=b.haushalt,
                side=b.side,
                area=b.area,
                source=b.source,
                measure_code=b.measure_code,
                category=b.category,
                kind=b.kind,
                produkt=b.produkt,
                sachkonto=b.sachkonto,
                investment_number=b.investment_number,
                cents=b.cents,
                note=b.note,
            )
            for b in plan.year_bookings()
        ],
        totals=[
            SideTotal(haushalt=h, side=side, area=area, cents=cents)
            for h in ("Ergebnishaushalt", "Finanzhaushalt")
            for side, area, cents in plan.sides(h)
        ],
        balances={h: plan.balance(h) for h in ("Ergebnishaushalt", "Finanzhaushalt")},
        finanzplanung=[
            PlanYearPublic(
                year=p.year,
                in_plan=p.in_plan,
                gross_cents=p.gross_cents,
                funding_cents=p.funding_cents,
                net_cents=p.net_cents,
                investiv_net_cents=p.investiv_net_cents,
                konsumtiv_net_cents=p.konsumtiv_net_cents,
                depreciation_cents=p.depreciation_cents,
                release_cents=p.release_cents,
                commitment_cents=p.commitment_cents,
                carried_in_cents=p.carried_in_cents,
            )
            for p in plan.plan
        ],
        summary=[
            SummaryPublic(
                haushalt=s.haushalt,
                side=s.side,
                area=s.area,
                produkt=s.produkt,
                sachkonto=s.sachkonto,
                by_year=s.by_year,
            )
            for s in plan.summary
        ],
        reste=[
            RestPublic(
                measure_code=r.row.measure_code,
                line_id=r.row.line_id,
                category=r.row.category,
                kind=r.row.kind,
                approved_cents=r.row.approved_cents,
                actual_cents=r.row.actual_cents,
                rest_cents=r.rest_cents,
                carryover_cents=r.row.carryover_cents,
                excess_cents=r.excess_cents,
                line_over=r.line_over,
                cover_note=r.cover_note,
            )
            for r in plan.reste
        ],
        commitments=[
            CommitmentPublic(
                id=c.commitment_id,
                measure_code=c.measure_code,
                year=c.year,
                category=c.category,
                amount_cents=c.amount_cents,
                share_cents=c.share_cents,
                payments=c.payments,
                version=c.version,
            )
            for c in plan.commitments
        ],
        flags=[
            FlagPublic(kind=f.kind, measure_code=f.measure_code, text=f.text) for f in plan.flags
        ],
        approvals=[
            ApprovalStatePublic(
                measure_code=a.measure_code,
                body=a.body,
                decided_on=a.decided_on,
                drucksache=a.drucksache,
                result=a.result,
                released=a.released,
            )
            for a in plan.approvals
        ],
    )


@router.get(
    "/haushaltsplan",
    response_model=HaushaltsplanPublic,
    summary="Haushaltsplan einer Kommune für ein Haushaltsjahr",
    description=(
        "Buchungen nach dem Bruttoprinzip (Kosten, Zuwendung als eigene Ertrags- und "
        "Einzahlungszeile, Weiterleitung, Abschreibung, Auflösung des Sonderpostens), Ergebnis- "
        "und Finanzhaushalt, Summen je Produkt und Sachkonto, Finanzplanung über fünf Jahre ab "
        "dem Haushaltsjahr und Folgejahre, Haushaltsreste, Verpflichtungsermächtigungen, "
        "Vollständigkeitshinweise und Beschlusslage; Beträge in Cent."
    ),
    responses=responses(422),
)
def get_haushaltsplan(
    session: SessionDep,
    user: CurrentUser,
    municipality: Annotated[str, Query(description="Slug, z. B. oberzent", max_length=40)],
    year: Annotated[
        int,
        Query(description="Haushaltsjahr, z. B. 2026"),
        QueryNumber(
            MIN_YEAR,
            MAX_YEAR,
            message=f"Das Haushaltsjahr muss zwischen {MIN_YEAR} und {MAX_YEAR} liegen.",
        ),
    ],
) -> HaushaltsplanPublic:
    plan = haushalt_plan(
        session=session,
        actor=user,
        municipality=municipality,
        year=year,
        data_state=queries.data_state(session),
    )
    return plan_public(plan)
