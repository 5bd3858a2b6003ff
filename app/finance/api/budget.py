"""JSON API of the finance domain: ``GET /api/v1/budget``, the municipalities' shares."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.accounts.deps import CurrentUser
from app.core.api import API_PREFIX, responses
from app.core.deps import SessionDep
from app.core.rules import MAX_YEAR, MIN_YEAR, QueryNumber
from app.finance.queries import budget as service

router = APIRouter(prefix=API_PREFIX, tags=["Haushalt"])


class AmountTotals(BaseModel):
    """Sums in cents. ``net_cents`` = ``gross_cents`` − ``funding_cents``."""

    gross_cents: int = Field(description="Bruttoanteil (Planansatz) in Cent")
    funding_cents: int = Field(description="Anteil an der Förderung in Cent")
    net_cents: int = Field(description="Netto-Eigenanteil in Cent")
    approved_cents: int = Field(description="Anteil am Haushaltsansatz in Cent (fehlend = 0)")
    actual_cents: int = Field(description="Anteil am Ist in Cent (fehlend = 0)")


class BudgetTotalsPublic(AmountTotals):
    investiv: AmountTotals
    konsumtiv: AmountTotals


class BudgetLinePublic(BaseModel):
    """One municipality's share of one budget line."""

    municipality: str = Field(description="Slug der Kommune")
    year: int
    measure_code: str
    measure_title: str
    example: bool = Field(description="Beispieldaten")
    category: str
    kind: str = Field(json_schema_extra={"enum": ["investiv", "konsumtiv"]})
    produkt: str | None = Field(
        description="Produkt laut Haushaltszuordnung; null = nicht zugeordnet"
    )
    sachkonto: str | None
    mapped: bool
    investment_number: str | None
    gross_cents: int
    approved_cents: int | None
    actual_cents: int | None
    funding_cents: int
    net_cents: int


class BudgetPublic(BaseModel):
    municipality: str | None
    year: int | None
    lines: list[BudgetLinePublic]
    totals: BudgetTotalsPublic
    issues: dict[str, str] = Field(
        description="Maßnahmen, deren Kosten nicht aufgeteilt werden konnten (Code → Grund)"
    )


def _amounts(totals: service.Totals) -> dict[str, int]:
    return {
        "gross_cents": totals.gross_cents,
        "funding_cents": totals.funding_cents,
        "net_cents": totals.net_cents,
        "approved_cents": totals.approved_cents,
        "actual_cents": totals.actual_cents,
    }


def budget_public(report: service.BudgetReport) -> BudgetPublic:
    return BudgetPublic(
        municipality=report.municipality.slug if report.municipality else None,
        year=report.year,
        lines=[
            BudgetLinePublic(
                municipality=row.municipality_slug,
                year=row.year,
                measure_code=row.measure_code,
                measure_title=row.measure_title,
                example=row.example,
                category=row.category,
                kind=row.kind,
                produkt=row.produkt,
                sachkonto=row.sachkonto,
                mapped=row.mapped,
                investment_number=row.investment_number,
                gross_cents=row.gross_cents,
                approved_cents=row.approved_cents,
                actual_cents=row.actual_cents,
                funding_cents=row.funding_cents,
                net_cents=row.net_cents,
            )
            for row in report.rows
        ],
        totals=BudgetTotalsPublic(
            **_amounts(report.totals.all),
            investiv=AmountTotals(**_amounts(report.totals.investiv)),
            konsumtiv=AmountTotals(**_amounts(report.totals.konsumtiv)),
        ),
        issues=report.issues,
    )


@router.get(
    "/budget",
    response_model=BudgetPublic,
    summary="Anteile der Kommunen am Budget",
    description=(
        "Anteil jeder Kommune an jeder Budgetposition (Brutto, Förderung, Netto; investiv und "
        "konsumtiv), in Cent. Ohne Filter alle Kommunen und Jahre."
    ),
    responses=responses(422),
)
def get_budget(
    session: SessionDep,
    user: CurrentUser,
    municipality: Annotated[
        str | None, Query(description="Slug, z. B. oberzent", max_length=40)
    ] = None,
    year: Annotated[
        int | None,
        Query(description="Haushaltsjahr, z. B. 2025"),
        QueryNumber(
            MIN_YEAR,
            MAX_YEAR,
            optional=True,
            message=f"Das Haushaltsjahr muss zwischen {MIN_YEAR} und {MAX_YEAR} liegen.",
        ),
    ] = None,
) -> BudgetPublic:
    report = service.budget_report(
        session=session, actor=user, municipality=municipality, year=year
    )
    return budget_public(report)
